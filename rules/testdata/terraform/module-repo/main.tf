# A reusable module at the repository root, called by examples/ with
# source = "../..": linted as its own root with its defaults, and as each
# instance an example creates.

# Insecure default (rotation off), secure callers: reported once, here.
resource "aws_kms_key" "this" {
  description         = "volumes"
  enable_key_rotation = var.enable_key_rotation # want: PVL406
}

# Secure default, insecure caller: reported at the caller's argument.
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.encrypted
  kms_key_id        = aws_kms_key.this.arn
}

# Insecure default and an insecure caller: reported at both lines.
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.scratch_encrypted # want: PVL401
  kms_key_id        = aws_kms_key.this.arn
}

# Default without a key (kms_key_id = null, which Terraform treats as
# unset): reported at the argument, once for the module and the caller that
# passes nothing; the caller passing a key is quiet.
resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = var.logs_key # want: PVL402
}

# Volumes only callers create, from a map of objects: an item without a key
# is reported at the caller's item.
resource "aws_ebs_volume" "extra" {
  for_each          = var.extra_volumes
  availability_zone = "eu-west-1a"
  size              = each.value.size
  encrypted         = true
  kms_key_id        = each.value.kms_key_id
}
