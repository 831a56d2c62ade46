# Encryption by default with a default customer key covers the volumes and
# instances of this root module (PVL401, PVL402, PVL403 stay silent).

resource "aws_kms_key" "default" {
  description         = "EBS default key"
  enable_key_rotation = true
}

resource "aws_ebs_encryption_by_default" "this" {}

resource "aws_ebs_default_kms_key" "this" {
  key_arn = aws_kms_key.default.arn
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_instance" "node" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
