terraform {
  backend "s3" {
    bucket = "acme-ledger-tfstate"
    key    = "ledger/terraform.tfstate"
    region = "eu-west-1"
  }
}

resource "aws_backup_vault" "ledger" {
  name = "ledger"
}
