variable "enable_key_rotation" {
  type    = bool
  default = false
}

variable "encrypted" {
  type    = bool
  default = true
}

variable "scratch_encrypted" {
  type    = bool
  default = false
}
