# GKE: node boot disks (PVL421) and application-layer secrets encryption (PVL423).

resource "google_kms_key_ring" "gke" {
  name     = "gke"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "gke" {
  name            = "gke"
  key_ring        = google_kms_key_ring.gke.id
  rotation_period = "2592000s"
}

resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  database_encryption {
    state    = "ENCRYPTED"
    key_name = google_kms_crypto_key.gke.id
  }
}

resource "google_container_cluster" "default_pool" { # want: PVL421 PVL423
  name               = "default-pool"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "decrypted" {
  name                     = "decrypted"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  database_encryption {
    state = "DECRYPTED" # want: PVL423
  }
}

resource "google_container_node_pool" "plain" {
  name    = "plain"
  cluster = google_container_cluster.main.id

  node_config { # want: PVL421
    machine_type = "e2-standard-4"
  }
}

resource "google_container_node_pool" "cmek" {
  name    = "cmek"
  cluster = google_container_cluster.main.id

  node_config {
    machine_type      = "e2-standard-4"
    boot_disk_kms_key = google_kms_crypto_key.gke.id
  }
}

# Node auto-provisioning on a Standard cluster: the pools GKE creates take
# auto_provisioning_defaults.boot_disk_kms_key.
resource "google_container_cluster" "nap_plain" {
  name                     = "nap-plain"
  remove_default_node_pool = true
  initial_node_count       = 1
  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
  }
  cluster_autoscaling {
    enabled = true
    auto_provisioning_defaults { # want: PVL421
      disk_type = "pd-balanced"
    }
  }
}

resource "google_container_cluster" "nap_cmek" {
  name                     = "nap-cmek"
  remove_default_node_pool = true
  initial_node_count       = 1
  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/p/locations/l/keyRings/r/cryptoKeys/k"
  }
  cluster_autoscaling {
    enabled = true
    auto_provisioning_defaults {
      boot_disk_kms_key = "projects/p/locations/l/keyRings/r/cryptoKeys/nodes"
    }
  }
}

# An inline pool named default-pool with remove_default_node_pool: the
# provider deletes that pool once the cluster exists, so its disks are not
# reported; another inline pool of the same cluster is.
resource "google_container_cluster" "inline_removed" {
  name                     = "inline-removed"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  database_encryption {
    state    = "ENCRYPTED"
    key_name = google_kms_crypto_key.gke.id
  }

  node_pool {
    name = "default-pool"
    node_config {
      machine_type = "e2-medium"
    }
  }

  node_pool {
    name = "kept"
    node_config { # want: PVL421
      machine_type = "e2-medium"
    }
  }
}
