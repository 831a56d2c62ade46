module "volumes" {
  source = "../.."

  enable_key_rotation = true
  scratch_encrypted   = true
  logs_key            = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  extra_volumes = {
    data = {
      size       = 5
      kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}
