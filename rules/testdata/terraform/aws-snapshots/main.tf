# Snapshot copies and public sharing (PVL404).

resource "aws_kms_key" "backup" {
  description         = "snapshot copies"
  enable_key_rotation = true
}

resource "aws_ebs_snapshot_copy" "bare" { # want: PVL404
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "eu-west-1"
}

resource "aws_ebs_snapshot_copy" "aws_key" { # want: PVL404@medium
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "eu-west-1"
  encrypted          = true
}

resource "aws_ebs_snapshot_copy" "good" {
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "eu-west-1"
  encrypted          = true
  kms_key_id         = aws_kms_key.backup.arn
}

# A copy of a snapshot of an encrypted volume is encrypted without saying so.
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = aws_kms_key.backup.arn
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}

resource "aws_ebs_snapshot_copy" "of_encrypted" {
  source_snapshot_id = aws_ebs_snapshot.data.id
  source_region      = "eu-west-1"
  kms_key_id         = aws_kms_key.backup.arn
}

resource "aws_ami_launch_permission" "public" {
  image_id = "ami-0123456789abcdef0"
  group    = "all" # want: PVL404@critical
}

resource "aws_ami_launch_permission" "partner" {
  image_id   = "ami-0123456789abcdef0"
  account_id = "444455556666"
}

# account_id is sent as an account ID: "all" does not make a snapshot public.
resource "aws_snapshot_create_volume_permission" "not_public" {
  snapshot_id = aws_ebs_snapshot.data.id
  account_id  = "all"
}

resource "aws_ebs_snapshot_block_public_access" "open" {
  state = "unblocked" # want: PVL404
}
