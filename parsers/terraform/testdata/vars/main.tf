variable "encrypted" {
  type    = bool
  default = "true"
}
variable "from_tfvars" {}
variable "from_auto" { default = "d" }
variable "from_cli" { default = "d" }
variable "from_varfile" { default = "d" }
variable "tags" {
  type    = map(string)
  default = {}
}
variable "nothing" { type = string }

resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  encrypted         = var.encrypted
  tags = {
    tfvars  = var.from_tfvars
    auto    = var.from_auto
    cli     = var.from_cli
    varfile = var.from_varfile
    nothing = var.nothing
  }
  size = length(var.tags)
}
