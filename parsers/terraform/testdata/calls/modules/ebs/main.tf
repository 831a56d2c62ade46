variable "encrypted" {
  type    = bool
  default = true
}

variable "zone" {
  type = string
}

resource "aws_kms_key" "k" {
  description = "module key"
}

resource "aws_ebs_volume" "data" {
  availability_zone = var.zone
  encrypted         = var.encrypted
  kms_key_id        = aws_kms_key.k.arn
}

output "zone" {
  value = aws_ebs_volume.data.availability_zone
}

output "key_arn" {
  value = aws_kms_key.k.arn
}
