# Storage and keys behind the payments EKS cluster.

resource "aws_kms_key" "eks_pv" {
  description             = "Customer key for EKS persistent volumes"
  deletion_window_in_days = 30
  enable_key_rotation     = var.rotate_keys
}

resource "aws_kms_alias" "eks_pv" {
  name          = "alias/eks-pv"
  target_key_id = aws_kms_key.eks_pv.key_id
}

resource "aws_ebs_volume" "ledger_archive" {
  availability_zone = "${var.region}a"
  size              = 1024
  type              = "gp3"
  encrypted         = local.archive_encrypted
  tags = {
    Name = "ledger-archive"
  }
}

resource "aws_ebs_volume" "ledger_scratch" {
  count             = var.scratch_volumes
  availability_zone = "${var.region}b"
  size              = 200
  encrypted         = true
  kms_key_id        = aws_kms_key.eks_pv.arn
}

module "backups" {
  source    = "./modules/backup-volume"
  name      = "ledger-backups"
  encrypted = false
}

resource "aws_eks_cluster" "payments" {
  name     = "payments"
  role_arn = var.cluster_role_arn

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

locals {
  archive_encrypted = var.environment == "prod" ? true : var.encrypt_non_prod
}
