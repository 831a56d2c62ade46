# A partial configuration: bucket, key and encryption come from
# -backend-config at init.
terraform {
  backend "s3" {} # want: PVL462@unknown
}
