variable "lustre_type" {
  type = string
}

resource "aws_kms_key" "fsx" {
  description         = "FSx"
  enable_key_rotation = true
}

resource "aws_fsx_ontap_file_system" "trident" { # want: PVL410
  deployment_type     = "SINGLE_AZ_1"
  storage_capacity    = 1024
  throughput_capacity = 512
  subnet_ids          = ["subnet-0123456789abcdef0"]
  preferred_subnet_id = "subnet-0123456789abcdef0"
}

resource "aws_fsx_lustre_file_system" "persistent" { # want: PVL410
  deployment_type             = "PERSISTENT_2"
  storage_capacity            = 1200
  per_unit_storage_throughput = 125
  subnet_ids                  = ["subnet-0123456789abcdef0"]
}

resource "aws_fsx_openzfs_file_system" "cmk" {
  deployment_type     = "SINGLE_AZ_1"
  storage_capacity    = 64
  throughput_capacity = 64
  subnet_ids          = ["subnet-0123456789abcdef0"]
  kms_key_id          = aws_kms_key.fsx.arn
}

# Near misses: scratch Lustre takes no key; an unknown deployment type is undecided.
resource "aws_fsx_lustre_file_system" "scratch" {
  storage_capacity = 1200
  subnet_ids       = ["subnet-0123456789abcdef0"]
}

resource "aws_fsx_lustre_file_system" "unknown" {
  deployment_type  = var.lustre_type # want: PVL410@unknown
  storage_capacity = 1200
  subnet_ids       = ["subnet-0123456789abcdef0"]
}

resource "google_filestore_instance" "shared" { # want: PVL425
  name     = "shared"
  location = "europe-west1-b"
  tier     = "BASIC_SSD"
  file_shares {
    name        = "share"
    capacity_gb = 2560
  }
  networks {
    network = "default"
    modes   = ["MODE_IPV4"]
  }
}

resource "google_filestore_instance" "cmek" {
  name         = "cmek"
  location     = "europe-west1-b"
  tier         = "BASIC_SSD"
  kms_key_name = "projects/acme/locations/europe-west1/keyRings/filestore/cryptoKeys/shared"
  file_shares {
    name        = "share"
    capacity_gb = 2560
  }
  networks {
    network = "default"
    modes   = ["MODE_IPV4"]
  }
}

resource "azurerm_storage_account" "files" { # want: PVL444@medium
  name                       = "acmefiles"
  resource_group_name        = "rg"
  location                   = "westeurope"
  account_tier               = "Standard"
  account_replication_type   = "LRS"
  https_traffic_only_enabled = false # want: PVL444@high
  min_tls_version            = "TLS1_1" # want: PVL444@high
}

resource "azurerm_storage_share" "data" {
  name               = "data"
  storage_account_id = azurerm_storage_account.files.id
  quota              = 100
}

resource "azurerm_storage_account" "premium" {
  name                     = "acmepremium"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_kind             = "FileStorage"
  account_replication_type = "ZRS"
  customer_managed_key {
    key_vault_key_id          = "https://acme.vault.azure.net/keys/files/0123456789abcdef0123456789abcdef"
    user_assigned_identity_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/files"
  }
}

# Near miss: an account that holds no volume data (a static website).
resource "azurerm_storage_account" "web" {
  name                     = "acmeweb"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_0"
}

resource "azurerm_storage_account" "named" { # want: PVL444
  name                     = "acmenamed"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "aws_efs_file_system" "open" {
  creation_token = "open" # want: PVL411
  encrypted      = true
}

resource "aws_efs_file_system" "allow_only" {
  creation_token = "allow-only" # want: PVL411
  encrypted      = true
}

resource "aws_efs_file_system_policy" "allow_only" {
  file_system_id = aws_efs_file_system.allow_only.id
  policy = jsonencode({ # related: PVL411
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["elasticfilesystem:ClientMount"]
      Resource  = "*"
    }]
  })
}

resource "aws_efs_file_system" "tls" {
  creation_token = "tls"
  encrypted      = true
}

resource "aws_efs_file_system_policy" "tls" {
  file_system_id = aws_efs_file_system.tls.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = "*"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
