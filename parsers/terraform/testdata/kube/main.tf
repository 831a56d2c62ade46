resource "kubernetes_storage_class_v1" "gp3" {
  metadata {
    name = "gp3"
    annotations = {
      "storageclass.kubernetes.io/is-default-class" = "true"
    }
  }
  storage_provisioner    = "ebs.csi.aws.com"
  reclaim_policy         = "Delete"
  allow_volume_expansion = true
  parameters = {
    encrypted = "false"
    kms_key_id = "x"
  }
}

resource "kubernetes_persistent_volume_claim" "data" {
  metadata {
    name      = "data"
    namespace = "db"
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = kubernetes_storage_class_v1.gp3.metadata[0].name
    resources {
      requests = {
        storage = "10Gi"
      }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_stateful_set" "pg" {
  metadata {
    name      = "pg"
    namespace = "db"
  }
  spec {
    service_name = "pg"
    template {
      metadata {
        labels = { app_name = "pg" }
      }
      spec {
        service_account_name = "pg"
        container {
          name  = "pg"
          image = "postgres"
          security_context {
            privileged = true
            run_as_non_root = false
            capabilities {
              add = ["SYS_ADMIN"]
            }
          }
          volume_mount {
            name       = "data"
            mount_path = "/var/lib/postgresql"
            read_only  = false
          }
        }
        volume {
          name = "host"
          host_path {
            path = "/etc"
          }
        }
      }
    }
    volume_claim_template {
      metadata {
        name = "data"
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = "gp3"
      }
    }
  }
}

resource "kubernetes_cluster_role_binding" "admin" {
  metadata {
    name = "pg-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "pg"
    namespace = "db"
  }
}

resource "kubernetes_manifest" "sc" {
  manifest = {
    apiVersion = "storage.k8s.io/v1"
    kind       = "StorageClass"
    metadata = {
      name = "manifest-sc"
    }
    provisioner = "ebs.csi.aws.com"
    parameters = {
      encrypted = "true"
    }
  }
}

resource "kubernetes_persistent_volume_v1" "pv" {
  metadata {
    name = "pv"
  }
  spec {
    capacity = { storage = "1Gi" }
    access_modes = ["ReadWriteOnce"]
    persistent_volume_reclaim_policy = "Retain"
    persistent_volume_source {
      host_path {
        path = "/data"
      }
    }
  }
}

resource "kubernetes_cluster_role" "r" {
  metadata {
    name = "r"
  }
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = ["x"]
    verbs          = ["get"]
  }
}
