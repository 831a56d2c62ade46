environment      = "staging"
encrypt_non_prod = "false"
rotate_keys      = false
