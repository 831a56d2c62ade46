# The shape of the popular autoscaling modules: disks passed as nested maps
# and expanded by dynamic blocks; callers decide the disks.
# As its own root (no mappings) the launch template takes the AMI's root
# device, which is reported below.
variable "block_device_mappings" {
  type    = any
  default = {}
}

variable "root_block_device" {
  type    = list(any)
  default = []
}

resource "aws_launch_template" "this" { # want: PVL403
  name_prefix = "nodes-"

  dynamic "block_device_mappings" {
    for_each = var.block_device_mappings
    content {
      device_name = block_device_mappings.value.device_name
      dynamic "ebs" {
        for_each = try([block_device_mappings.value.ebs], [])
        content {
          encrypted   = try(ebs.value.encrypted, null)
          kms_key_id  = try(ebs.value.kms_key_id, null)
          volume_size = try(ebs.value.volume_size, null)
        }
      }
    }
  }
}

resource "aws_launch_configuration" "this" {
  count         = length(var.root_block_device) > 0 ? 1 : 0
  name_prefix   = "nodes-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  dynamic "root_block_device" {
    for_each = var.root_block_device
    content {
      encrypted   = lookup(root_block_device.value, "encrypted", null)
      volume_size = lookup(root_block_device.value, "volume_size", null)
    }
  }
}
