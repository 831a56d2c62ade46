# EBS volumes: encryption (PVL401) and customer-managed keys (PVL402),
# through variables, tfvars, locals, conditionals, count and for_each.

variable "env" {
  type    = string
  default = "dev" # terraform.tfvars sets "prod"
}

variable "encrypt_logs" {
  type    = bool
  default = false
}

variable "encrypt_data" {
  type    = bool
  default = true
}

variable "from_pipeline" {
  type = bool # no default and no value: unknown
}

locals {
  key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  volumes = {
    a = true
    b = false
  }
}

resource "aws_kms_key" "ebs" {
  description         = "EBS volumes"
  enable_key_rotation = true
}

resource "aws_ebs_volume" "plain" { # want: PVL401
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_ebs_volume" "off" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false # want: PVL401
}

resource "aws_ebs_volume" "aws_managed" { # want: PVL402
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
}

resource "aws_ebs_volume" "cmk" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
}

resource "aws_ebs_volume" "from_default" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.encrypt_data
  kms_key_id        = local.key_arn
}

resource "aws_ebs_volume" "logs" {
  count             = 2
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.encrypt_logs # want: PVL401
  kms_key_id        = local.key_arn
}

resource "aws_ebs_volume" "each" { # want: PVL402
  for_each          = local.volumes
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = each.value # want: PVL401
}

resource "aws_ebs_volume" "prod_only" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.env == "prod" ? true : false
  kms_key_id        = var.env == "prod" ? aws_kms_key.ebs.arn : null
}

resource "aws_ebs_volume" "dev_only" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.env == "dev" # want: PVL401
}

resource "aws_ebs_volume" "pipeline" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = var.from_pipeline # want: PVL401@unknown
}

resource "aws_ebs_volume" "restored" {
  availability_zone = "eu-west-1a"
  snapshot_id       = "snap-0123456789abcdef0" # want: PVL401@unknown
}
