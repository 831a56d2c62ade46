# Azure Disk Encryption turned off, and a disk encryption set that is
# explicitly empty: neither is a customer-managed key (PVL441).
resource "azurerm_managed_disk" "ade_off" {
  name                 = "ade-off"
  location             = "westeurope"
  resource_group_name  = "rg"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 64

  encryption_settings {
    enabled = false # want: PVL441
  }
}

resource "azurerm_managed_disk" "empty_set" {
  name                   = "empty-set"
  location               = "westeurope"
  resource_group_name    = "rg"
  storage_account_type   = "Premium_LRS"
  create_option          = "Empty"
  disk_size_gb           = 64
  disk_encryption_set_id = "" # want: PVL441
}
