module "volumes" {
  source = "../.."

  enable_key_rotation = true
  encrypted           = false # want: PVL401
  scratch_encrypted   = false # want: PVL401

  extra_volumes = {
    data = { # want: PVL402
      size = 5
    }
  }
}
