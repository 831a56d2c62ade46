variable "volumes" {
  type = map(object({ size = number, encrypted = optional(bool, true) }))
}

module "volume" {
  source   = "./modules/volume"
  for_each = var.volumes

  size      = each.value.size
  encrypted = each.value.encrypted
}
