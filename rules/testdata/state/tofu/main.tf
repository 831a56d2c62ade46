terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = "correct-horse-battery-staple" # want: PVL461@critical
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    method "unencrypted" "migrate" {}
    state { # want: PVL461@medium
      method = method.aes_gcm.main
      fallback {
        method = method.unencrypted.migrate # want: PVL461@high
      }
    }
    plan {
      method = method.unencrypted.migrate # want: PVL461@high
    }
  }
}
