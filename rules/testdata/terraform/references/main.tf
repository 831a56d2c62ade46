# References that are unknown values still join the graph.

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false # want: PVL401 related: PVL107
}

# The volume ID is known only after apply; the reference says which disk
# backs the PersistentVolume.
resource "kubernetes_persistent_volume_v1" "data" {
  metadata {
    name = "data"
  }
  spec {
    capacity = {
      storage = "10Gi"
    }
    access_modes = ["ReadWriteOnce"]
    claim_ref {
      namespace = "db"
      name      = "data"
    }
    persistent_volume_source {
      csi {
        driver        = "ebs.csi.aws.com"
        volume_handle = aws_ebs_volume.data.id # want: PVL107
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description         = "volumes"
  enable_key_rotation = true
}

# A customer key passed through a module argument, and through a map: the
# reference decides PVL402 (a customer key), though the ARN is unknown.
module "direct" {
  source     = "./modules/disk"
  kms_key_id = aws_kms_key.this.arn
}

module "mapped" {
  source = "./modules/disk"
  settings = {
    kms_key_id = aws_kms_key.this.arn
  }
}

# for_each over a map whose values name the key.
locals {
  volumes = {
    a = { size = 10, kms = aws_kms_key.this.arn }
  }
}

resource "aws_ebs_volume" "each" {
  for_each          = local.volumes
  availability_zone = "eu-west-1a"
  size              = each.value.size
  encrypted         = true
  kms_key_id        = each.value.kms
}
