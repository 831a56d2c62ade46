package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// The bare type keywords list and map (Terraform 0.11's spelling, still
// accepted by Terraform and OpenTofu) are list(any) and map(any), not an
// error; a quoted "map" stays the error Terraform gives.
func TestLegacyTypeKeywords(t *testing.T) {
	dir := t.TempDir()
	src := `variable "labels" {
  type    = map
  default = { team = "db" }
}
variable "zones" {
  type    = list
  default = ["a"]
}
resource "aws_ebs_volume" "v" {
  availability_zone = var.zones[0]
  encrypted         = false
  tags              = var.labels
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Parse(gateAt(t, dir), []string{"."}, Options{})
	noErrors(t, res)
	v := mustGet(t, byAddress(res), "aws_ebs_volume.v")
	if got := str(t, v, "tags", "team"); got != "db" {
		t.Errorf("tags.team = %q", got)
	}
	if got := str(t, v, "availability_zone"); got != "a" {
		t.Errorf("availability_zone = %q", got)
	}

	quoted := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(quoted, []byte("variable \"m\" {\n  type = \"map\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := Parse(gateAt(t, filepath.Dir(quoted)), []string{"."}, Options{}); len(res.Errors) == 0 {
		t.Errorf("quoted \"map\" accepted; Terraform refuses it")
	}
}
