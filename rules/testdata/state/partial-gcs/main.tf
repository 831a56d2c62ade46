terraform {
  backend "gcs" { # want: PVL462@unknown
    prefix = "state"
  }
}
