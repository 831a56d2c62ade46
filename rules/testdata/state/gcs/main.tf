terraform {
  backend "gcs" { # want: PVL462@medium
    bucket = "acme-tfstate"
    prefix = "prod"
  }
}
