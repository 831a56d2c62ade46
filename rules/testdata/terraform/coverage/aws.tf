# AMIs register the disks every instance launched from them gets (PVL403);
# an AMI copy copies snapshots (PVL404).
resource "aws_ebs_volume" "golden" {
  availability_zone = "eu-west-1a"
  size              = 8
  encrypted         = false # want: PVL401
}

resource "aws_ebs_snapshot" "golden" {
  volume_id = aws_ebs_volume.golden.id
}

resource "aws_ami" "from_snapshot" {
  name                = "golden"
  root_device_name    = "/dev/xvda"
  virtualization_type = "hvm"

  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = aws_ebs_snapshot.golden.id # want: PVL403
  }

  ebs_block_device {
    device_name = "/dev/xvdb"
    volume_size = 20
    encrypted   = false # want: PVL403
  }

  ebs_block_device {
    device_name = "/dev/xvdc"
    volume_size = 20
    encrypted   = true
  }
}

resource "aws_ami_copy" "copy" { # want: PVL404@medium
  name              = "golden-copy"
  source_ami_id     = aws_ami.from_snapshot.id
  source_ami_region = "eu-west-1"
  encrypted         = true
}

resource "aws_ami_copy" "plain" { # want: PVL404
  name              = "golden-plain"
  source_ami_id     = aws_ami.from_snapshot.id
  source_ami_region = "eu-west-1"
}

resource "aws_ami_copy" "good" {
  name              = "golden-good"
  source_ami_id     = aws_ami.from_snapshot.id
  source_ami_region = "eu-west-1"
  encrypted         = true
  kms_key_id        = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
