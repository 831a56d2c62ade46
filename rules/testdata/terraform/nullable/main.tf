# A null argument overrides the default (nullable = true, Terraform's
# default): the volume gets the AWS managed key. With nullable = false the
# default stands.
module "disks" {
  source            = "./mod"
  kms_key_id        = null # want: PVL402
  strict_kms_key_id = null
}
