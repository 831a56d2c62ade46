locals {
  a = local.b
  b = local.a
  c = "fine"
}

resource "aws_ebs_volume" "v" {
  availability_zone = local.c
  size              = local.a
}
