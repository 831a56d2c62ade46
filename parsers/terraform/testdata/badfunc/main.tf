resource "aws_ebs_volume" "v" {
  availability_zone = "a"
  size              = nosuchfunc(1)
  type              = provider::aws::arn_parse("x")
}
