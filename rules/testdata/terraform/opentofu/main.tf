# Hidden by main.tofu (OpenTofu reads that file instead): nothing here is
# linted, though this volume is unencrypted.
resource "aws_ebs_volume" "hidden" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
