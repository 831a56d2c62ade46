# pvlint:ignore PVL992 scratch disk, wiped nightly
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_ebs_volume" "cache" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false // pvlint:ignore PVL992 cache of public data
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = false
}
