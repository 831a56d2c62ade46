# Encryption by default declared off (PVL409): it satisfies nothing.

resource "aws_ebs_encryption_by_default" "this" {
  enabled = false # want: PVL409
}

resource "aws_ebs_volume" "data" { # want: PVL401
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_instance" "node" { # want: PVL403
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
