# A duplicate resource is an error (exit 3); every other resource of the
# module is still evaluated and linted.
resource "aws_kms_key" "k" {
  description         = "first"
  enable_key_rotation = true
}

resource "aws_kms_key" "k" {
  description = "second, rejected"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false # want: PVL401
}

resource "aws_kms_key" "other" { # want: PVL406
  description = "no rotation"
}
