module "a" {
  source = "../loop_a"
}
