# The KMS key behind the StorageClass in storageclass.yaml (PVL107).

resource "aws_kms_key" "pv" { # want: PVL406 related: PVL107
  description = "EKS persistent volumes"
}

resource "aws_kms_alias" "pv" {
  name          = "alias/eks-pv" # related: PVL107
  target_key_id = aws_kms_key.pv.key_id
}

resource "aws_kms_key" "pv_good" {
  description         = "EKS persistent volumes, rotated"
  enable_key_rotation = true
}

resource "aws_kms_alias" "pv_good" {
  name          = "alias/eks-pv-good"
  target_key_id = aws_kms_key.pv_good.key_id
}

resource "aws_kms_key" "pv_open" {
  description         = "EKS persistent volumes, open policy"
  enable_key_rotation = true
  is_enabled          = false # related: PVL107
  policy = jsonencode({ # want: PVL407 related: PVL107
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }]
  })
}

resource "aws_kms_alias" "pv_open" {
  name          = "alias/eks-pv-open"
  target_key_id = aws_kms_key.pv_open.key_id
}

# The same link from a StorageClass declared with the Kubernetes provider:
# the reference to the key is an edge even though the ARN is computed.
resource "kubernetes_storage_class_v1" "from_terraform" {
  metadata {
    name = "ebs-cmk-terraform"
  }
  storage_provisioner = "ebs.csi.aws.com"
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = aws_kms_key.pv.arn # want: PVL107@medium
  }
}
