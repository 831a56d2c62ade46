module "volumes" {
  source = "../.."

  enable_key_rotation = true
  scratch_encrypted   = true
}
