variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "staging"
}

variable "encrypt_non_prod" {
  type    = bool
  default = true
}

variable "rotate_keys" {
  type    = bool
  default = true
}

variable "scratch_volumes" {
  type    = number
  default = 2
}

variable "cluster_role_arn" {
  type = string
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}
