package terraform

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// moduleShapeFiles are the files FuzzModuleShapes writes, in order: a module
// at the root, an example calling it with source = "../..", an override
// file, an OpenTofu twin of main.tf, an installed module and its
// modules.json.
var moduleShapeFiles = []string{
	"main.tf",
	"examples/x/main.tf",
	"override.tf",
	"main.tofu",
	"examples/x/.terraform/modules/reg/main.tf",
	"examples/x/.terraform/modules/modules.json",
}

// FuzzModuleShapes fuzzes the loader with the shapes real repositories take
// (issue 10): caller arguments passed whole and through for_each, overrides,
// .tofu shadowing, lifecycle.enabled, installed modules. The input is the
// files' contents separated by NUL bytes. No input may panic (an internal
// error) or run away.
func FuzzModuleShapes(f *testing.F) {
	seed := func(files ...string) { f.Add([]byte(strings.Join(files, "\x00"))) }
	seed(`variable "enc" {
  default = false
}
variable "devs" {
  type    = any
  default = {}
}
resource "aws_ebs_volume" "v" {
  for_each  = var.devs
  size      = each.value.size
  encrypted = try(each.value.ebs.encrypted, var.enc)
  lifecycle {
    enabled = var.enc
  }
}
module "nested" {
  source = "./"
}`, `module "m" {
  source = "../.."
  enc    = true
  devs   = { a = { size = 1, ebs = { encrypted = false } } }
}
module "reg" {
  source = "example/reg/aws"
  cfg    = { kms = module.m }
}`, `resource "aws_ebs_volume" "v" {
  encrypted = true
  dynamic "tag" {
    for_each = var.devs
    content { k = tag.key }
  }
}
locals { x = 1 }`, `resource "aws_ebs_volume" "t" {
  lifecycle { enabled = false }
}
action "x" "y" {}
check "c" {}
removed { from = a.b }`, `variable "cfg" {}
resource "aws_kms_key" "k" { enable_key_rotation = var.cfg.kms }
module "inner" { source = "../../../../../../.." }`,
		`{"Modules":[{"Key":"reg","Source":"example/reg/aws","Dir":".terraform/modules/reg"},{"Key":"reg.inner","Dir":"../../.."}]}`)
	seed(`resource "a" "b" {}`, `module "m" { source = "../.." }`, ``, ``, ``, `{"Modules":[{"Key":"m","Dir":"/etc"}]}`)
	seed(`variable "v" { type = map(object({ e = optional(bool, true) })) }
resource "aws_ebs_volume" "x" { for_each = var.v
  encrypted = each.value.e }`, `module "m" {
  source = "../.."
  for_each = toset(["a", "b"])
  v = { (each.key) = { e = each.key == "a" } }
}`)
	dir := f.TempDir()
	g := gateAt(f, dir)
	f.Fuzz(func(t *testing.T, in []byte) {
		parts := bytes.SplitN(in, []byte{0}, len(moduleShapeFiles))
		for i, name := range moduleShapeFiles {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.Remove(p)
			if i < len(parts) && len(parts[i]) > 0 {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, parts[i], 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		stop := time.AfterFunc(30*time.Second, func() { panic(fmt.Sprintf("Parse ran for 30 s on %q", in)) })
		defer stop.Stop()
		res := Parse(g, []string{".", "examples/x"}, Options{})
		for _, e := range res.Errors {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("%s\ninput %q", e.Error(), in)
			}
		}
	})
}
