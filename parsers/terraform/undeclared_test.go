package terraform

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

// parseFiles writes files (relative path → content) below a temporary root
// and evaluates the module directories dirs.
func parseFiles(t *testing.T, files map[string]string, dirs ...string) parsers.Result {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	return Parse(gateAt(t, root), dirs, Options{})
}

// References to names a module does not declare are errors, as Terraform
// rejects them, at the reference; the rest of the module still evaluates.
func TestUndeclaredReferences(t *testing.T) {
	const kmsModule = `
variable "rotate" {
  type    = bool
  default = true
}
resource "aws_kms_key" "k" {
  enable_key_rotation = var.rotate
}
output "key_arn" {
  value = aws_kms_key.k.arn
}
`
	for _, tc := range []struct {
		name  string
		files map[string]string
		dirs  []string
		want  []string // errors, in order (substrings)
		known map[string]string
	}{
		{
			name: "misspelt variable with suggestion",
			files: map[string]string{"main.tf": `variable "enable_key_rotation" {
  type    = bool
  default = false
}
resource "aws_kms_key" "k" {
  enable_key_rotation = var.enable_key_rotaton
  description         = "kept"
}
`},
			want:  []string{`main.tf:6:25: reference to undeclared input variable "enable_key_rotaton"; did you mean "enable_key_rotation"?`},
			known: map[string]string{"aws_kms_key.k/description": "kept", "aws_kms_key.k/enable_key_rotation": "?"},
		},
		{
			name: "undeclared variable without a close name",
			files: map[string]string{"main.tf": `resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  encrypted         = var.encrypt_volumes
}
`},
			want:  []string{`main.tf:3:23: reference to undeclared input variable "encrypt_volumes"`},
			known: map[string]string{"aws_ebs_volume.v/availability_zone": "eu-west-1a", "aws_ebs_volume.v/encrypted": "?"},
		},
		{
			// An unknown argument leaves its siblings alone, also inside one
			// object expression.
			name: "siblings stay known",
			files: map[string]string{"main.tf": `variable "rotate" {
  default = false
}
resource "aws_kms_key" "this" {
  count               = 1
  enable_key_rotation = var.rotate
  custom_key_store_id = var.custom_key_store_id
  tags                = { a = var.nope, b = "b" }
}
`},
			want: []string{
				`main.tf:7:25: reference to undeclared input variable "custom_key_store_id"`,
				`main.tf:8:31: reference to undeclared input variable "nope"`,
			},
			known: map[string]string{"aws_kms_key.this[0]/enable_key_rotation": "false",
				"aws_kms_key.this[0]/custom_key_store_id": "?", "aws_kms_key.this[0]/tags/a": "?", "aws_kms_key.this[0]/tags/b": "b"},
		},
		{
			// Terraform validates references before evaluating: try() does
			// not hide an undeclared name.
			name: "undeclared local inside try",
			files: map[string]string{"main.tf": `locals {
  zone = "eu-west-1a"
}
resource "aws_ebs_volume" "v" {
  availability_zone = local.zone
  size              = try(local.zones, 8)
}
`},
			want:  []string{`main.tf:6:27: reference to undeclared local value "zones"; did you mean "zone"?`},
			known: map[string]string{"aws_ebs_volume.v/availability_zone": "eu-west-1a", "aws_ebs_volume.v/size": "?"},
		},
		{
			name: "undeclared module call",
			files: map[string]string{"main.tf": `resource "aws_ebs_volume" "v" {
  kms_key_id = module.kms.key_arn
}
`},
			want: []string{`main.tf:2:16: reference to undeclared module "kms"`},
		},
		{
			name: "undeclared output of a local module",
			files: map[string]string{
				"live/main.tf": `module "kms" {
  source = "../kms"
}
module "many" {
  source   = "../kms"
  for_each = toset(["a"])
}
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  kms_key_id        = module.kms.key_ar
  tags              = { ok = module.kms.key_arn, many = module.many["a"].arn }
}
`,
				"kms/main.tf": kmsModule,
			},
			dirs: []string{"live", "kms"},
			want: []string{
				`live/main.tf:10:23: reference to undeclared output value "key_ar" of module "kms" (kms); did you mean "key_arn"?`,
				`live/main.tf:11:57: reference to undeclared output value "arn" of module "many" (kms)`,
			},
			known: map[string]string{"module.kms.aws_kms_key.k/enable_key_rotation": "true",
				"aws_ebs_volume.v/availability_zone": "eu-west-1a", "aws_ebs_volume.v/kms_key_id": "?", "aws_ebs_volume.v/tags/ok": "?"},
		},
		{
			// Computed attributes, remote modules' outputs and data sources
			// are legitimately unknown.
			name: "no error for computed values",
			files: map[string]string{"main.tf": `module "remote" {
  source = "terraform-aws-modules/kms/aws"
}
resource "aws_kms_key" "k" {
  enable_key_rotation = true
}
resource "aws_ebs_volume" "v" {
  kms_key_id = aws_kms_key.k.arn
  tags = {
    a = module.remote.whatever
    b = data.aws_caller_identity.current.account_id
    c = [for x in [1] : x]
  }
}
`},
			known: map[string]string{"aws_ebs_volume.v/kms_key_id": "?", "aws_ebs_volume.v/tags/a": "?"},
		},
		{
			// A file that does not parse may hold the declaration.
			name: "not reported when a file failed",
			files: map[string]string{
				"main.tf": `resource "aws_ebs_volume" "v" {
  encrypted = var.enc
}
`,
				"variables.tf": `variable "enc" {
  default = true
`,
			},
			want: []string{`variables.tf:`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := parseFiles(t, tc.files, tc.dirs...)
			var got []string
			for _, e := range res.Errors {
				got = append(got, e.Error())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors = %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("error %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
			checkValues(t, res, tc.known)
		})
	}
}

// checkValues checks "address/path/to/key" → the scalar text, or "?" for
// an unknown value.
func checkValues(t *testing.T, res parsers.Result, want map[string]string) {
	t.Helper()
	m := byAddress(res)
	for k, w := range want {
		parts := strings.Split(k, "/")
		r := mustGet(t, m, parts[0])
		n := r.Root.Path(parts[1:]...)
		switch {
		case n == nil:
			t.Errorf("%s: missing", k)
		case w == "?":
			if n.Kind != graph.Unknown {
				t.Errorf("%s = %+v, want unknown", k, n)
			}
		case n.Kind != graph.Scalar || n.Value() != w:
			t.Errorf("%s = %+v, want %q", k, n, w)
		}
	}
}

// Functions keep the known parts of partially known values, as the elements
// Terraform finally computes do not depend on their unknown siblings.
func TestPartiallyKnownFunctions(t *testing.T) {
	const prelude = `variable "key_arn" {
  type = string
}
locals {
  cfg = {
    resources        = ["secrets"]
    provider_key_arn = var.key_arn
    flag             = true
  }
  m = tomap({ a = "x", b = var.key_arn })
}
`
	for _, tc := range []struct {
		expr string
		want string // scalar text, "?" for unknown, or a list as a,b
	}{
		{`lookup(local.cfg, "flag")`, "true"},
		{`lookup(local.cfg, "resources")`, "secrets"},
		{`lookup(local.cfg, "provider_key_arn")`, "?"},
		{`lookup(local.cfg, "missing", "dflt")`, "dflt"},
		{`lookup(local.cfg, "flag", false)`, "true"},
		{`lookup(local.m, "a")`, "x"},
		{`lookup(local.m, "b")`, "?"},
		{`lookup(local.m, "c", "d")`, "d"},
		{`lookup({ a = 1 }, "a")`, "1"},
		{`lookup(data.x.y.z, "a")`, "?"},
		{`lookup(local.cfg, var.key_arn)`, "?"},
		{`lookup(local.cfg, "missing")`, "?"}, // an error: unknown
		{`try(local.cfg, {}).flag`, "true"},
		{`try(local.cfg.nope, local.cfg).flag`, "true"},
		{`try(data.x.y.z, "a")`, "?"},
		{`coalesce(null, local.cfg).flag`, "true"},
		{`coalesce(null, "", "x")`, "x"}, // Terraform skips empty strings
		{`coalesce(var.key_arn, "x")`, "?"},
		{`coalesce(null, 2)`, "2"},
		{`merge(local.cfg, { extra = "e" }).flag`, "true"},
		{`merge(local.cfg, { flag = false }).flag`, "false"},
		{`merge({ flag = false }, local.cfg).flag`, "true"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			res := parseFiles(t, map[string]string{"main.tf": prelude + `resource "aws_x" "r" {
  v = ` + tc.expr + `
}
`})
			for _, e := range res.Errors {
				t.Errorf("unexpected error: %v", e)
			}
			n := mustGet(t, byAddress(res), "aws_x.r").Root.Get("v")
			var got string
			switch {
			case n == nil:
				got = "<nil>"
			case n.Kind == graph.Unknown:
				got = "?"
			case n.Kind == graph.Scalar:
				got = n.Value()
			default:
				got = strings.Join(n.Strings(), ",")
			}
			if got != tc.want {
				t.Errorf("%s = %q (%+v), want %q", tc.expr, got, n, tc.want)
			}
		})
	}
}

// The call chain of a resource instantiated through modules names each
// call and where it is written, relative to the scan root.
func TestCallChainFormat(t *testing.T) {
	res := parseFiles(t, map[string]string{
		"live/main.tf":      "module \"kms_ebs\" {\n  source              = \"../kms\"\n  enable_key_rotation = false\n}\n",
		"kms/main.tf":       "variable \"enable_key_rotation\" {\n  default = true\n}\nmodule \"inner\" {\n  source = \"./inner\"\n  count  = 1\n  rotate = var.enable_key_rotation\n}\n",
		"kms/inner/main.tf": "variable \"rotate\" {}\nresource \"aws_kms_key\" \"this\" {\n  enable_key_rotation = var.rotate\n}\n",
	}, "live", "kms", "kms/inner")
	noErrors(t, res)
	r := mustGet(t, byAddress(res), "module.kms_ebs.module.inner[0].aws_kms_key.this")
	want := []string{"module.kms_ebs (live/main.tf:1)", "module.inner[0] (kms/main.tf:4)"}
	if !reflect.DeepEqual(r.Origin().CallChain, want) {
		t.Errorf("call chain = %q, want %q", r.Origin().CallChain, want)
	}
	if got := str(t, r, "enable_key_rotation"); got != "false" {
		t.Errorf("enable_key_rotation = %q, want the caller's false", got)
	}
}
