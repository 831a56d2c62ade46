module "db" {
  source    = "../modules/ebs"
  encrypted = false
  zone      = "eu-west-1a"
}

module "many" {
  source   = "../modules/ebs"
  for_each = toset(["x", "y"])
  zone     = each.key
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_ebs_volume" "uses_output" {
  availability_zone = module.db.zone
  kms_key_id        = module.db.key_arn
  tags              = { vpc = module.vpc.vpc_id }
}

module "missing" {
  source = "./nope"
}
