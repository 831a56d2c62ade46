variable "smb_password" {
  type      = string
  sensitive = true
}

resource "kubernetes_secret_v1" "smb" {
  metadata {
    name      = "smb-creds"
    namespace = "files"
  }
  data = {
    username = "svc-files"
    password = "Tr0ub4dor&3" # want: PVL109
  }
}

# Near miss: the value comes from a variable without a default (unknown).
resource "kubernetes_secret_v1" "smb_ok" {
  metadata {
    name      = "smb-creds-ok"
    namespace = "files"
  }
  data = {
    password = var.smb_password # want: PVL109@unknown
  }
}

resource "kubernetes_storage_class_v1" "smb" {
  metadata {
    name = "smb"
  }
  storage_provisioner = "smb.csi.k8s.io"
  parameters = {
    source                                           = "//fileserver/share"
    "csi.storage.k8s.io/node-stage-secret-name"      = "smb-creds"
    "csi.storage.k8s.io/node-stage-secret-namespace" = "files"
  }
}

resource "kubernetes_storage_class_v1" "smb_ok" {
  metadata {
    name = "smb-ok"
  }
  storage_provisioner = "smb.csi.k8s.io"
  parameters = {
    source                                           = "//fileserver/share"
    "csi.storage.k8s.io/node-stage-secret-name"      = "smb-creds-ok"
    "csi.storage.k8s.io/node-stage-secret-namespace" = "files"
  }
}
