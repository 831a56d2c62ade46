# A local module whose variable defaults to encrypted; one caller turns it
# off. The finding is at the caller's argument, where the user edits, once,
# for module.scratch; the module's own defaults are secure.

module "scratch" {
  source    = "./modules/disk"
  name      = "scratch"
  encrypted = false # want: PVL401
}

module "data" {
  source = "./modules/disk"
  name   = "data"
}
