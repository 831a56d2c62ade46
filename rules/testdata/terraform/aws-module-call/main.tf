# A local module whose variable defaults to encrypted; one caller turns it
# off. The finding is in the module's file, once, for module.scratch.

module "scratch" {
  source    = "./modules/disk"
  name      = "scratch"
  encrypted = false
}

module "data" {
  source = "./modules/disk"
  name   = "data"
}
