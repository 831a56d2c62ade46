# EFS encryption and keys (PVL405).

variable "efs_encrypted" {
  type    = bool
  default = true
}

resource "aws_kms_key" "efs" {
  description         = "EFS"
  enable_key_rotation = true
}

resource "aws_efs_file_system" "plain" { # want: PVL405@high
  creation_token = "plain"
}

resource "aws_efs_file_system" "off" {
  creation_token = "off"
  encrypted      = false # want: PVL405@high
}

resource "aws_efs_file_system" "aws_key" { # want: PVL405@medium
  creation_token = "aws-key"
  encrypted      = var.efs_encrypted
}

resource "aws_efs_file_system" "cmk" {
  creation_token = "cmk"
  encrypted      = true
  kms_key_id     = aws_kms_key.efs.arn
}
