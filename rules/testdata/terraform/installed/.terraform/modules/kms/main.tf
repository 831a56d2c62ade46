variable "description" {
  type = string
}

variable "enable_key_rotation" {
  type    = bool
  default = false
}

resource "aws_kms_key" "this" {
  description         = var.description
  enable_key_rotation = var.enable_key_rotation # related: PVL406
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
