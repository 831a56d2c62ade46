# An EFS StorageClass joins the file system its fileSystemId names (PVL107).
resource "aws_efs_file_system" "shared" { # want: PVL405 related: PVL107
  creation_token = "shared"
  encrypted      = true
}

resource "kubernetes_storage_class_v1" "efs" {
  metadata {
    name = "efs"
  }
  storage_provisioner = "efs.csi.aws.com"
  parameters = { # want: PVL107@medium
    provisioningMode = "efs-ap"
    fileSystemId     = aws_efs_file_system.shared.id
    directoryPerms   = "700"
  }
}
