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
