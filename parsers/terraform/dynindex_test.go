package terraform

import (
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// An attribute read from an instance picked by an expression
// (azurerm_subnet.s[i].id), a splat or a for over a count or for_each
// resource is unknown on its own: the map or object around it stays known,
// so a for_each over it still expands to its keys (Terraform needs only
// the keys at plan time).
func TestDynamicInstanceReadsStayLocal(t *testing.T) {
	res := parseFiles(t, map[string]string{"main.tf": `
resource "azurerm_subnet" "s" {
  count = 3
  name  = "s${count.index}"
}
resource "aws_ebs_volume" "src" {
  for_each          = toset(["a", "b"])
  availability_zone = "z"
  size              = 1
}
locals {
  by_index = { for i in range(3) : "w${i}" => { subnet = azurerm_subnet.s[i].id, enc = i == 1 } }
  splat    = { for i, id in azurerm_subnet.s[*].id : "p${i}" => id }
  iterated = { for k, v in aws_ebs_volume.src : k => { zone = v.availability_zone, id = v.id } }
}
resource "aws_ebs_volume" "by_index" {
  for_each          = local.by_index
  availability_zone = "z"
  size              = 1
  encrypted         = each.value.enc
}
resource "aws_ebs_volume" "splat" {
  for_each          = local.splat
  availability_zone = "z"
  size              = 1
}
resource "aws_ebs_volume" "iterated" {
  for_each          = local.iterated
  availability_zone = each.value.zone
  size              = 1
}
`})
	noErrors(t, res)
	m := byAddress(res)
	for _, addr := range []string{`aws_ebs_volume.by_index["w0"]`, `aws_ebs_volume.by_index["w2"]`} {
		if r := mustGet(t, m, addr); r.Root.Get("encrypted").Bool() != graph.False {
			t.Errorf("%s: encrypted = %+v, want false", addr, r.Root.Get("encrypted"))
		}
	}
	if r := mustGet(t, m, `aws_ebs_volume.by_index["w1"]`); r.Root.Get("encrypted").Bool() != graph.True {
		t.Errorf(`by_index["w1"]: encrypted = %+v, want true`, r.Root.Get("encrypted"))
	}
	mustGet(t, m, `aws_ebs_volume.splat["p0"]`)
	mustGet(t, m, `aws_ebs_volume.splat["p2"]`)
	if got := str(t, mustGet(t, m, `aws_ebs_volume.iterated["b"]`), "availability_zone"); got != "z" {
		t.Errorf(`iterated["b"]: availability_zone = %q, want "z"`, got)
	}
	if _, ok := m[`aws_ebs_volume.by_index[*]`]; ok {
		t.Errorf("by_index was not expanded: %v", m)
	}
}

// A resource indexed by a value a module caller passed (each.value.name,
// which keeps the caller's position) links the matching instance, and
// never stops the evaluation (it panicked on the marked key).
func TestIndexByCallerValue(t *testing.T) {
	res := parseFiles(t, map[string]string{
		"main.tf": `
module "db" {
  source = "./mod"
  users  = [{ name = "app" }, { name = "ops" }]
}
`,
		"mod/main.tf": `
variable "users" {
  type = list(object({ name = string }))
}
locals {
  users = { for u in var.users : u.name => u }
}
resource "random_password" "p" {
  for_each = local.users
  length   = 16
}
resource "google_sql_user" "u" {
  for_each = local.users
  name     = each.value.name
  instance = "db"
  password = random_password.p[each.value.name].result
}
`})
	noErrors(t, res)
	m := byAddress(res)
	u := mustGet(t, m, `module.db.google_sql_user.u["ops"]`)
	if got := str(t, u, "name"); got != "ops" {
		t.Errorf("name = %q", got)
	}
	want := graph.TerraformKey(".", `module.db.random_password.p["ops"]`)
	found := false
	for _, r := range u.Refs() {
		found = found || r.To == want
	}
	if !found {
		t.Errorf("refs = %+v, want one to %s", u.Refs(), want)
	}
}
