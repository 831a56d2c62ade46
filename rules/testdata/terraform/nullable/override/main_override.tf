resource "aws_ebs_volume" "v" {
  kms_key_id = var.k # want: PVL402
}
