locals {
  name   = "${local.prefix}-data"
  prefix = local.env == "prod" ? "p" : "np"
  env    = "prod"
  zones  = { a = "eu-west-1a", b = "eu-west-1b" }
}

resource "aws_kms_key" "k" {
  description         = "disks"
  enable_key_rotation = true
}

resource "aws_kms_alias" "a" {
  name          = "alias/disks"
  target_key_id = aws_kms_key.k.key_id
}

# pvlint:ignore PVL101 reason
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  encrypted         = "true"
  kms_key_id        = aws_kms_key.k.arn
  tags = {
    Name = local.name
    Keys = upper(join(",", keys(local.zones)))
  }
}

resource "aws_ebs_volume" "counted" {
  count             = 2
  availability_zone = "zone-${count.index}"
  encrypted         = count.index == 0
  size              = try(local.zones.missing, 8)
}

resource "aws_ebs_volume" "each" {
  for_each          = local.zones
  availability_zone = each.value
  tags              = { key = each.key }
  kms_key_id        = aws_ebs_volume.counted[1].id
}

resource "aws_ebs_volume" "unknown" {
  count             = length(data.aws_availability_zones.all.names)
  availability_zone = "z-${count.index}"
}

resource "aws_launch_template" "t" {
  name = "t" // pvlint:ignore PVL999
  dynamic "block_device_mappings" {
    for_each = ["/dev/sda", "/dev/sdb"]
    content {
      device_name = block_device_mappings.value
      ebs {
        encrypted = block_device_mappings.key == 0
      }
    }
  }
  dynamic "tag_specifications" {
    for_each = data.aws_thing.x.list
    iterator = ts
    content {
      resource_type = ts.value
    }
  }
}

data "aws_availability_zones" "all" {}
