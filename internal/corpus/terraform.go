package corpus

import (
	"bytes"
	"fmt"
)

// TerraformConfig shapes a Terraform corpus.
type TerraformConfig struct {
	Modules int    // root modules (default 500)
	Seed    uint64 // default 1
	Dir     string // subdirectory of the root (default "terraform")
}

// Terraform writes root modules under root, each in its own directory with
// main.tf, variables.tf and outputs.tf: variables with defaults, locals, an
// aws_kms_key with an aws_kms_alias, aws_ebs_volume resources multiplied by
// count (encrypted with the key, or not), a snapshot, and in some modules a
// kubernetes_storage_class_v1 that names the key.
func Terraform(root string, cfg TerraformConfig) (Stats, error) {
	if cfg.Modules <= 0 {
		cfg.Modules = 500
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Dir == "" {
		cfg.Dir = "terraform"
	}
	w := &writer{root: root}
	for m := 0; m < cfg.Modules; m++ {
		r := rng(cfg.Seed^0x7f, m)
		app := apps[m%len(apps)]
		dir := fmt.Sprintf("%s/%s-%04d", cfg.Dir, app, m)
		var vars, main, outs bytes.Buffer
		fmt.Fprintf(&vars, `variable "name" {
  description = "Name prefix of every resource"
  type        = string
  default     = "%s-%04d"
}

variable "environment" {
  type    = string
  default = "%s"
}

variable "replicas" {
  description = "Number of data volumes"
  type        = number
  default     = %d
}

variable "volume_size" {
  type    = number
  default = %d
}

variable "encrypted" {
  type    = bool
  default = %v
}

variable "availability_zones" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "tags" {
  type = map(string)
  default = {
    team    = "team-%02d"
    service = "%s"
  }
}
`, app, m, pick(r, []string{"prod", "staging", "dev"}), 1+r.IntN(4), 20*(1+r.IntN(25)), r.IntN(3) > 0, m%40, app)
		rotation := r.IntN(3) > 0
		fmt.Fprintf(&main, `terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

locals {
  prefix = "${var.name}-${var.environment}"
  tags = merge(var.tags, {
    environment = var.environment
    managed-by  = "terraform"
  })
  volume_type = var.environment == "prod" ? "io2" : "gp3"
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "data" {
  description             = "Disk encryption for ${local.prefix}"
  deletion_window_in_days = %d
  enable_key_rotation     = %v
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
  tags = local.tags
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_ebs_volume" "data" {
  count             = var.replicas
  availability_zone = element(var.availability_zones, count.index)
  size              = var.volume_size
  type              = local.volume_type
  iops              = local.volume_type == "io2" ? 3000 : null
  encrypted         = var.encrypted
  kms_key_id        = var.encrypted ? aws_kms_key.data.arn : null
  tags              = merge(local.tags, { Name = "${local.prefix}-data-${count.index}" })
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = var.availability_zones[0]
  size              = %d
  type              = "gp2"
  tags              = local.tags
}

resource "aws_ebs_snapshot" "data" {
  count       = var.replicas
  volume_id   = aws_ebs_volume.data[count.index].id
  description = "nightly ${local.prefix} ${count.index}"
  tags        = local.tags
}
`, 7+r.IntN(24), rotation, 10+r.IntN(90))
		if m%3 == 0 {
			fmt.Fprintf(&main, `
resource "kubernetes_storage_class_v1" "data" {
  metadata {
    name = "${local.prefix}-encrypted"
  }
  storage_provisioner    = "ebs.csi.aws.com"
  reclaim_policy         = "Retain"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = aws_kms_key.data.arn
  }
}
`)
		}
		outs.WriteString(`output "volume_ids" {
  value = aws_ebs_volume.data[*].id
}

output "kms_key_arn" {
  value = aws_kms_key.data.arn
}
`)
		for _, f := range []struct {
			name string
			b    *bytes.Buffer
		}{{"variables.tf", &vars}, {"main.tf", &main}, {"outputs.tf", &outs}} {
			if err := w.write(dir+"/"+f.name, f.b.Bytes()); err != nil {
				return w.stats, err
			}
		}
		w.stats.Dirs++
		w.stats.Documents += 5
		if m%3 == 0 {
			w.stats.Documents++
		}
	}
	return w.stats, nil
}
