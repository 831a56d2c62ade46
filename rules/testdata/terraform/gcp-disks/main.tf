# Persistent disks and instance boot disks (PVL421), customer-supplied keys
# in code (PVL422), Cloud KMS rotation (PVL424).

variable "disk_key" {
  type      = string
  sensitive = true
  default   = "SGVsbG8gZnJvbSBhIGZpeHR1cmUsIG5vdCBhIHJlYWwga2V5IQ=="
}

variable "pipeline_key" {
  type      = string
  sensitive = true # no default: supplied at apply time
}

resource "google_kms_key_ring" "disks" {
  name     = "disks"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "disks" {
  name            = "disks"
  key_ring        = google_kms_key_ring.disks.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "yearly" {
  name            = "yearly"
  key_ring        = google_kms_key_ring.disks.id
  rotation_period = "31536000s" # want: PVL424
}

resource "google_kms_crypto_key" "never" { # want: PVL424
  name     = "never"
  key_ring = google_kms_key_ring.disks.id
}

resource "google_kms_crypto_key" "signing" {
  name     = "signing"
  key_ring = google_kms_key_ring.disks.id
  purpose  = "ASYMMETRIC_SIGN"
  version_template {
    algorithm = "EC_SIGN_P256_SHA256"
  }
}

resource "google_compute_disk" "plain" { # want: PVL421
  name = "plain"
  zone = "europe-west1-b"
  size = 100
}

resource "google_compute_disk" "cmek" {
  name = "cmek"
  zone = "europe-west1-b"
  size = 100

  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }
}

resource "google_compute_disk" "csek_in_code" {
  name = "csek"
  zone = "europe-west1-b"

  disk_encryption_key {
    raw_key = var.disk_key # want: PVL422@critical
  }
}

resource "google_compute_disk" "csek_from_pipeline" {
  name = "csek-pipeline"
  zone = "europe-west1-b"

  disk_encryption_key {
    raw_key = var.pipeline_key # want: PVL421@unknown
  }
}

resource "google_compute_region_disk" "regional" {
  name          = "regional"
  region        = "europe-west1"
  replica_zones = ["europe-west1-b", "europe-west1-c"]

  disk_encryption_key {
    kms_key_name = google_kms_crypto_key.disks.id
  }
}

resource "google_compute_region_disk" "regional_plain" { # want: PVL421
  name          = "regional-plain"
  region        = "europe-west1"
  replica_zones = ["europe-west1-b", "europe-west1-c"]
}

resource "google_compute_instance" "vm" {
  name         = "vm"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk { # want: PVL421
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  attached_disk {
    source = google_compute_disk.cmek.id
  }

  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "vm_cmek" {
  name         = "vm-cmek"
  machine_type = "e2-medium"
  zone         = "europe-west1-b"

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.disks.id
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  attached_disk {
    source                  = google_compute_disk.csek_from_pipeline.id
    disk_encryption_key_raw = "SGVsbG8gZnJvbSBhIGZpeHR1cmUsIG5vdCBhIHJlYWwga2V5IQ==" # want: PVL422@critical
  }

  network_interface {
    network = "default"
  }
}
