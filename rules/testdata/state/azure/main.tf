terraform {
  backend "azurerm" {
    storage_account_name = "acmetfstate"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    access_key           = "c2VjcmV0LWtleS1ub3QtYS1yZWFsLW9uZQ==" # want: PVL462@critical
  }
}
