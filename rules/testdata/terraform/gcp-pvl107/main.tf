# A disk declared in Terraform, bound to a PersistentVolume in pv.yaml (PVL107).

resource "google_compute_disk" "pgdata" { # want: PVL421 related: PVL107
  name = "pg-data"
  zone = "europe-west1-b"
  size = 200
}

resource "google_compute_disk" "pgdata_cmek" {
  name = "pg-data-cmek"
  zone = "europe-west1-b"
  size = 200

  disk_encryption_key {
    kms_key_self_link = "projects/p/locations/europe-west1/keyRings/disks/cryptoKeys/pg"
  }
}
