# As its own root (no key passed) the key is unknown; the instances in
# ../../main.tf pass a customer key, directly and in a map.
variable "kms_key_id" {
  type    = string
  default = null
}

variable "settings" {
  type    = map(string)
  default = {}
}

resource "aws_ebs_volume" "this" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = coalesce(var.kms_key_id, lookup(var.settings, "kms_key_id", null)) # want: PVL402@unknown
}
