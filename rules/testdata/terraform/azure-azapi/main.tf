# AKS written with the AzAPI provider, as Azure Verified Modules write it:
# the ARM properties diskEncryptionSetID and enableEncryptionAtHost.

resource "azapi_resource" "plain" {
  type      = "Microsoft.ContainerService/managedClusters@2024-09-01"
  name      = "plain"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks"
  location  = "westeurope"

  body = {
    properties = { # want: PVL442
      dnsPrefix = "plain"
      agentPoolProfiles = [
        { # want: PVL442
          name   = "system"
          count  = 3
          vmSize = "Standard_D4s_v5"
          mode   = "System"
        },
        {
          name                   = "user"
          count                  = 3
          vmSize                 = "Standard_D4s_v5"
          enableEncryptionAtHost = true
        },
      ]
    }
  }
}

resource "azapi_resource" "encrypted" {
  type      = "Microsoft.ContainerService/managedClusters@2024-09-01"
  name      = "encrypted"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks"
  location  = "westeurope"

  body = {
    properties = {
      dnsPrefix           = "encrypted"
      diskEncryptionSetID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks/providers/Microsoft.Compute/diskEncryptionSets/nodes"
      agentPoolProfiles = [
        {
          name                   = "system"
          count                  = 3
          vmSize                 = "Standard_D4s_v5"
          enableEncryptionAtHost = true
        },
      ]
    }
  }
}

resource "azapi_resource" "pool" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2024-09-01"
  name      = "workers"
  parent_id = azapi_resource.encrypted.id

  body = {
    properties = {
      count                  = 3
      vmSize                 = "Standard_D4s_v5"
      enableEncryptionAtHost = false # want: PVL442
    }
  }
}

# Not an AKS type: not checked here.
resource "azapi_resource" "rg" {
  type     = "Microsoft.Resources/resourceGroups@2021-04-01"
  name     = "aks"
  location = "westeurope"
}

# azapi 1.x wrote the body as a JSON string, which is not read: undecided.
resource "azapi_resource" "legacy" {
  type      = "Microsoft.ContainerService/managedClusters/agentPools@2023-09-01"
  name      = "legacy"
  parent_id = azapi_resource.encrypted.id
  body = jsonencode({ # want: PVL442@unknown
    properties = { count = 1 }
  })
}
