package terraform

import (
	"strings"
	"testing"
)

// Degrade, don't drop: an error in one declaration names its file and line,
// and every other resource of the module is still evaluated.
func TestErrorsKeepTheRestOfTheModule(t *testing.T) {
	const other = "resource \"aws_ebs_volume\" \"other\" {\n  size      = 8\n  encrypted = false\n}\n"
	for _, tc := range []struct {
		name, src, err string
	}{
		{"duplicate resource",
			"resource \"aws_kms_key\" \"k\" {}\nresource \"aws_kms_key\" \"k\" {}\n",
			"main.tf:2:1: duplicate resource aws_kms_key.k"},
		{"duplicate module",
			"module \"m\" {\n  source = \"./m\"\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
			"main.tf:4:1: duplicate module call \"m\""},
		{"duplicate variable",
			"variable \"v\" {}\nvariable \"v\" {}\n",
			"main.tf:2:1: duplicate variable \"v\""},
		{"duplicate output",
			"output \"o\" {\n  value = 1\n}\noutput \"o\" {\n  value = 2\n}\n",
			"main.tf:4:1: duplicate output \"o\""},
		{"undeclared reference",
			"resource \"aws_kms_key\" \"k\" {\n  description = var.nope\n}\n",
			"main.tf:2:17: reference to undeclared input variable \"nope\""},
		{"unknown function",
			"resource \"aws_kms_key\" \"k\" {\n  description = frobnicate(1)\n}\n",
			"main.tf:2:17: unknown function \"frobnicate\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := parseFiles(t, map[string]string{"main.tf": tc.src, "other.tf": other, "m/main.tf": ""})
			var errs []string
			for _, e := range res.Errors {
				errs = append(errs, e.Error())
			}
			if len(errs) != 1 || !strings.Contains(errs[0], tc.err) {
				t.Errorf("errors = %q, want one with %q", errs, tc.err)
			}
			r := byAddress(res)["aws_ebs_volume.other"]
			if r == nil || str(t, r, "encrypted") != "false" {
				t.Fatalf("the rest of the module was not evaluated: %v", res.Resources)
			}
		})
	}
}
