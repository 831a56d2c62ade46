package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// Variables files named per module in .pvlint.yaml apply to that root only,
// and the command line's files win over them.
func TestModuleVarFiles(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"prod/main.tf":     "variable \"enc\" {\n  type    = bool\n  default = true\n}\nresource \"aws_ebs_volume\" \"v\" {\n  encrypted = var.enc\n}\n",
		"prod/prod.tfvars": "enc = false\n",
		"dev/main.tf":      "variable \"enc\" {\n  type    = bool\n  default = true\n}\nresource \"aws_ebs_volume\" \"v\" {\n  encrypted = var.enc\n}\n",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := Parse(gateAt(t, root), []string{"dev", "prod"}, Options{ModuleVarFiles: map[string][]string{"prod": {"prod/prod.tfvars"}}})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	got := map[string]string{}
	for _, r := range res.Resources {
		got[r.Origin().Module] = r.Root.Get("encrypted").String()
	}
	if got["prod"] != "false" || got["dev"] != "true" {
		t.Errorf("encrypted per module = %v, want prod false (its var file), dev true (default)", got)
	}
}
