resource "aws_kms_key" "backup" {
  description         = "backups"
  enable_key_rotation = true
}

resource "aws_backup_vault" "plain" { # want: PVL503
  name = "plain"
}

resource "aws_backup_vault" "cmk" {
  name        = "cmk"
  kms_key_arn = aws_kms_key.backup.arn
}

resource "aws_dlm_lifecycle_policy" "ebs" {
  description        = "daily"
  execution_role_arn = "arn:aws:iam::111122223333:role/dlm"
  policy_details {
    resource_types = ["VOLUME"]
    target_tags    = { backup = "daily" }
    schedule {
      name = "daily"
      create_rule {
        interval = 24
      }
      retain_rule {
        count = 7
      }
      cross_region_copy_rule {
        target    = "eu-central-1"
        encrypted = false # want: PVL503@high
        retain_rule {
          interval      = 7
          interval_unit = "DAYS"
        }
      }
      cross_region_copy_rule { # want: PVL503@medium
        target    = "eu-north-1"
        encrypted = true
        retain_rule {
          interval      = 7
          interval_unit = "DAYS"
        }
      }
      cross_region_copy_rule {
        target    = "eu-south-1"
        encrypted = true
        cmk_arn   = "arn:aws:kms:eu-south-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        retain_rule {
          interval      = 7
          interval_unit = "DAYS"
        }
      }
    }
  }
}

resource "google_compute_snapshot" "plain" { # want: PVL503
  name        = "plain"
  source_disk = "db"
  zone        = "europe-west1-b"
}

resource "google_compute_snapshot" "cmek" {
  name        = "cmek"
  source_disk = "db"
  zone        = "europe-west1-b"
  snapshot_encryption_key {
    kms_key_self_link = "projects/acme/locations/europe-west1/keyRings/pd/cryptoKeys/snap"
  }
}

resource "azurerm_managed_disk" "data" {
  name                 = "data"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 10
}

resource "azurerm_snapshot" "data" {
  name                = "data"
  location            = "westeurope"
  resource_group_name = "rg"
  create_option       = "Copy"
  source_uri          = azurerm_managed_disk.data.id # want: PVL503
}

# PVL501 joins the bucket a Velero location names.
resource "aws_s3_bucket" "velero" {
  bucket = "tf-backups"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "velero" {
  bucket = aws_s3_bucket.velero.id
  rule { # related: PVL501
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket" "velero_cmk" {
  bucket = "tf-backups-cmk"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "velero_cmk" {
  bucket = aws_s3_bucket.velero_cmk.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.backup.arn
    }
  }
}
