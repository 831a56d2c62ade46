# Turns encryption off on data (reported here, where it is written) and on
# for logs (nothing to report); the local override turns rotation off.
resource "aws_ebs_volume" "data" {
  encrypted = false # want: PVL401
}

resource "aws_ebs_volume" "logs" {
  encrypted  = true
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

locals {
  rotate = false
}

# A nested block replaces every block of its type.
resource "aws_instance" "app" {
  root_block_device {
    encrypted = false # want: PVL403
  }
}
