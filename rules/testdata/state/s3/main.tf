terraform {
  backend "s3" { # want: PVL462@high
    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }
}
