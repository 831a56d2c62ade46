# Managed disks (PVL441), AKS node disks (PVL442), key vaults of disk keys (PVL443).

resource "azurerm_key_vault" "disks" { # want: PVL443
  name                = "disks-kv"
  location            = "westeurope"
  resource_group_name = "storage"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "premium"
}

resource "azurerm_key_vault_key" "disks" {
  name         = "disks"
  key_vault_id = azurerm_key_vault.disks.id # related: PVL443
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_disk_encryption_set" "disks" {
  name                = "disks"
  location            = "westeurope"
  resource_group_name = "storage"
  key_vault_key_id    = azurerm_key_vault_key.disks.id # related: PVL443

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_key_vault" "protected" {
  name                     = "protected-kv"
  location                 = "westeurope"
  resource_group_name      = "storage"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "premium"
  purge_protection_enabled = true
}

resource "azurerm_managed_disk" "plain" { # want: PVL441
  name                 = "plain"
  location             = "westeurope"
  resource_group_name  = "storage"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
}

resource "azurerm_managed_disk" "cmk" {
  name                   = "cmk"
  location               = "westeurope"
  resource_group_name    = "storage"
  storage_account_type   = "Premium_LRS"
  create_option          = "Empty"
  disk_size_gb           = 128
  disk_encryption_set_id = azurerm_disk_encryption_set.disks.id
}

resource "azurerm_kubernetes_cluster" "plain" { # want: PVL442
  name                = "plain"
  location            = "westeurope"
  resource_group_name = "aks"
  dns_prefix          = "plain"

  default_node_pool { # want: PVL442
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "v3_names" {
  name                   = "v3"
  location               = "westeurope"
  resource_group_name    = "aks"
  dns_prefix             = "v3"
  disk_encryption_set_id = azurerm_disk_encryption_set.disks.id

  default_node_pool {
    name                   = "system"
    vm_size                = "Standard_D4s_v5"
    node_count             = 3
    enable_host_encryption = false # want: PVL442
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "good" {
  name                   = "good"
  location               = "westeurope"
  resource_group_name    = "aks"
  dns_prefix             = "good"
  disk_encryption_set_id = azurerm_disk_encryption_set.disks.id

  default_node_pool {
    name                    = "system"
    vm_size                 = "Standard_D4s_v5"
    node_count              = 3
    host_encryption_enabled = true
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "workers" { # want: PVL442
  name                  = "workers"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.good.id
  vm_size               = "Standard_D4s_v5"
  node_count            = 3
}

resource "azurerm_kubernetes_cluster_node_pool" "secure" {
  name                    = "secure"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.good.id
  vm_size                 = "Standard_D4s_v5"
  node_count              = 3
  host_encryption_enabled = true
}
