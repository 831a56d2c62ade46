# Instance, launch template and launch configuration disks (PVL403).

locals {
  data_disks = [
    { device = "/dev/sdf", encrypted = true },
    { device = "/dev/sdg", encrypted = false },
  ]
}

resource "aws_instance" "ami_default" { # want: PVL403
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_instance" "mixed" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  ebs_block_device {
    device_name = "/dev/sdb"
    encrypted   = false # want: PVL403
  }

  ebs_block_device { # want: PVL403
    device_name = "/dev/sdc"
    volume_size = 10
  }

  ebs_block_device {
    device_name = "/dev/sdd"
    snapshot_id = "snap-0123456789abcdef0" # want: PVL403@unknown
  }
}

resource "aws_instance" "dynamic" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  dynamic "ebs_block_device" {
    for_each = local.data_disks
    content {
      device_name = ebs_block_device.value.device
      encrypted   = ebs_block_device.value.encrypted # want: PVL403
    }
  }
}

resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      encrypted   = "false" # want: PVL403
    }
  }

  block_device_mappings {
    device_name = "/dev/xvdb"
    ebs {
      volume_size = 50
      encrypted   = "true"
    }
  }

  block_device_mappings {
    device_name  = "/dev/sdc"
    virtual_name = "ephemeral0"
  }
}

resource "aws_launch_template" "bare" { # want: PVL403
  name_prefix   = "bare-"
  instance_type = "t3.micro"
}

resource "aws_launch_configuration" "ok" {
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }
}

resource "aws_launch_configuration" "plain" {
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  root_block_device { # want: PVL403
    volume_size = 20
  }
}

variable "extra_disks" {
  type = list(object({ device = string, encrypted = bool })) # no default: unknown
}

resource "aws_instance" "dynamic_unknown" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  root_block_device {
    encrypted = true
  }

  dynamic "ebs_block_device" { # want: PVL403@unknown
    for_each = var.extra_disks
    content {
      device_name = ebs_block_device.value.device
      encrypted   = ebs_block_device.value.encrypted
    }
  }
}

# A launch_template block that a dynamic block leaves out (the module was
# given no template): the instance takes the AMI's root device.
variable "launch_template" {
  type    = object({ id = string })
  default = null
}

resource "aws_instance" "no_template" { # want: PVL403
  ami           = "ami-12345678"
  instance_type = "t3.micro"

  dynamic "launch_template" {
    for_each = var.launch_template != null ? [var.launch_template] : []
    content {
      id = launch_template.value.id
    }
  }
}

# A spot instance request takes aws_instance's block device arguments.
resource "aws_spot_instance_request" "spot" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"

  root_block_device {
    volume_size = 20
    encrypted   = false # want: PVL403
  }
}

# An instance launched from a template: the template's disks are checked
# there, not here.
resource "aws_instance" "from_template" {
  launch_template {
    id = aws_launch_template.nodes.id
  }
}
