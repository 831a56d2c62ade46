variable "size" {
  type = number
}

variable "encrypted" {
  type = bool
}

resource "aws_ebs_volume" "this" {
  availability_zone = "eu-west-1a"
  size              = var.size
  encrypted         = var.encrypted
  kms_key_id        = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
