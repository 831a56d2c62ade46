# Instance template disks are created for every instance of a managed
# instance group (PVL421); a customer-supplied key written here is PVL422.
resource "google_compute_instance_template" "nodes" {
  machine_type = "e2-standard-4"

  disk { # want: PVL421
    source_image = "debian-cloud/debian-12"
    boot         = true
  }

  disk {
    source_image = "debian-cloud/debian-12"
    disk_encryption_key {
      kms_key_self_link = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k"
    }
  }

  disk {
    source = "existing-disk"
  }

  network_interface {
    network = "default"
  }
}

resource "google_compute_region_instance_template" "regional" {
  machine_type = "e2-standard-4"
  region       = "europe-west1"

  disk {
    device_name  = "data"
    source_image = "debian-cloud/debian-12"
    disk_encryption_key { # want: PVL421
      kms_key_service_account = "sa@p.iam.gserviceaccount.com"
    }
  }

  network_interface {
    network = "default"
  }
}
