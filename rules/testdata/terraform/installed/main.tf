# Registry modules that `terraform init` installed under .terraform/modules
# (modules.json says where): their resources are linted with these
# arguments, and findings are placed here, on the module block or on the
# argument that decides them, never under .terraform/.

module "kms" { # want: PVL406
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 3.0"

  description = "volumes"
}

module "disks" {
  source  = "example-corp/disks/aws"
  version = "1.2.0"

  volumes = {
    data = { size = 10, encrypted = true }
    logs = { size = 5, encrypted = false } # want: PVL401
  }
}

# Not installed: a notice says how to let pvlint read it.
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
