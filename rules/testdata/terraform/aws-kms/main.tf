# KMS key rotation (PVL406) and key policies (PVL407).

data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

resource "aws_kms_key" "no_rotation" { # want: PVL406
  description = "no rotation"
}

resource "aws_kms_key" "rotation_off" {
  description         = "rotation off"
  enable_key_rotation = false # want: PVL406
}

resource "aws_kms_key" "signing" {
  description              = "asymmetric keys cannot rotate"
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "hmac" {
  description              = "HMAC keys cannot rotate"
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
}

resource "aws_kms_key" "open" {
  description         = "wildcard principal"
  enable_key_rotation = true
  policy = jsonencode({ # want: PVL407
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Everyone"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Decrypt", "kms:CreateGrant"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "conditioned" {
  description         = "wildcard narrowed by a condition"
  enable_key_rotation = true
  policy              = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}
      }]
    }
  JSON
}

resource "aws_kms_key" "separate" {
  description         = "policy in its own resource"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "separate" {
  key_id = aws_kms_key.separate.id
  policy = jsonencode({ # want: PVL407
    Version   = "2012-10-17"
    Statement = { Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }
  })
}

resource "aws_kms_key" "from_document" {
  description         = "policy from a data source"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json # want: PVL407@unknown
}
