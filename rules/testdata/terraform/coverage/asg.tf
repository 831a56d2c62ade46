module "nodes" {
  source = "./modules/asg"

  block_device_mappings = {
    xvda = {
      device_name = "/dev/xvda"
      ebs = {
        volume_size = 50
        encrypted   = false # want: PVL403
      }
    }
    xvdb = {
      device_name = "/dev/xvdb"
      ebs = {
        volume_size = 100
        encrypted   = true
      }
    }
  }

  root_block_device = [
    { volume_size = 20, encrypted = false }, # want: PVL403
  ]
}
