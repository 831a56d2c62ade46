variable "name" {
  type = string
}

variable "encrypted" {
  type    = bool
  default = true
}

resource "aws_ebs_volume" "this" {
  availability_zone = "eu-west-1a"
  size              = 500
  encrypted         = var.encrypted
  tags = {
    Name = var.name
  }
}

output "volume_id" {
  value = aws_ebs_volume.this.id
}
