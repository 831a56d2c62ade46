variable "passphrase" {
  type    = string
  default = "a-default-is-in-the-repository"
}

terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = var.passphrase # want: PVL461@critical
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method   = method.aes_gcm.main
      enforced = true
    }
  }
}
