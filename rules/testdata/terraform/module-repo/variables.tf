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

variable "logs_key" {
  type    = string
  default = null
}

variable "extra_volumes" {
  type = map(object({
    size       = number
    kms_key_id = optional(string)
  }))
  default = {}
}
