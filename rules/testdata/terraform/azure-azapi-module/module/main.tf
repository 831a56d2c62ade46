# A module that assembles its cluster's properties from two arguments with
# merge(): a field missing from the result is written in neither caller
# argument alone, so it is reported in the module; a value one caller passes
# stays at that caller's line.
variable "base" {
  type    = any
  default = {}
}

variable "extra" {
  type    = any
  default = {}
}

resource "azapi_resource" "this" {
  type      = "Microsoft.ContainerService/managedClusters@2024-09-01"
  name      = "main"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks"
  body = {
    properties = merge(var.base, var.extra) # want: PVL442
  }
}
