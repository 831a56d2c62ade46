package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

func known(id string) bool {
	switch id {
	case "PVL101", "PVL102", "PVL201", "PVL202", "PVL301", "PVL302", "PVL401":
		return true
	}
	return false
}

func TestLoadFull(t *testing.T) {
	c, err := Load("testdata/full.yaml", ".pvlint.yaml", true, Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn == nil || *c.FailOn != rules.High {
		t.Errorf("fail-on = %v", c.FailOn)
	}
	if got := c.Severities(); !reflect.DeepEqual(got, map[string]rules.Severity{"PVL201": rules.Critical, "PVL301": rules.Low}) {
		t.Errorf("severities = %v", got)
	}
	if !c.Excluded("a/testdata/x.yaml") || !c.Excluded("legacy/deep/x.yaml") || c.Excluded("apps/x.yaml") {
		t.Errorf("exclude patterns do not match as documented")
	}
	if len(c.Ignores) != 2 {
		t.Fatalf("ignores = %+v", c.Ignores)
	}
	ig := c.Ignores[1]
	if !slices.Equal(ig.Rules, []string{"PVL101", "PVL102"}) || ig.Resource.String() != "StorageClass/gp2" ||
		ig.Until != "2026-09-30" || ig.Reason != "replaced in Q3" || ig.Line != 17 || ig.File != ".pvlint.yaml" {
		t.Errorf("ignore = %+v", ig)
	}
	if c.Ignores[0].Paths[0].String() != "charts/agent/**" || c.Ignores[0].Line != 14 {
		t.Errorf("ignore = %+v", c.Ignores[0])
	}
	if !slices.Equal(c.NoInlineIgnore, []string{"PVL401"}) {
		t.Errorf("no-inline-ignore = %v", c.NoInlineIgnore)
	}
	wantHelm := Helm{
		Values:    []string{"charts/pg=charts/pg/prod.yaml", "charts/pg=charts/pg/eu.yaml", "charts/redis=redis-prod.yaml"},
		Set:       []string{"persistence.enabled=true"},
		SetString: []string{"image.tag=1.2"}, ReleaseName: "prod", KubeVersion: "v1.30.0",
		APIVersions: []string{"monitoring.coreos.com/v1"},
	}
	if !reflect.DeepEqual(c.Helm, wantHelm) {
		t.Errorf("helm = %+v\nwant %+v", c.Helm, wantHelm)
	}
	if !reflect.DeepEqual(c.Terraform.ModuleVarFiles, map[string][]string{"infra/prod": {"infra/prod/prod.tfvars"}}) || c.Terraform.VarFiles != nil {
		t.Errorf("terraform = %+v", c.Terraform)
	}
}

func TestEnabled(t *testing.T) {
	var all []*rules.Rule
	for _, id := range []string{"PVL101", "PVL102", "PVL201", "PVL202", "PVL301", "PVL302"} {
		all = append(all, &rules.Rule{Meta: rules.Meta{ID: id, Severity: rules.Medium}})
	}
	ids := func(rs []*rules.Rule) (out []string) {
		for _, r := range rs {
			out = append(out, r.ID+"@"+r.Severity.String())
		}
		return out
	}
	c, err := Load("testdata/full.yaml", ".pvlint.yaml", true, Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	// disable: PVL301 and PVL302, but rules.PVL301.enabled: true wins; PVL202 is off.
	want := []string{"PVL101@medium", "PVL102@medium", "PVL201@critical", "PVL301@low"}
	if got := ids(c.Enabled(all)); !slices.Equal(got, want) {
		t.Errorf("Enabled = %v, want %v", got, want)
	}
	if all[2].Severity != rules.Medium {
		t.Errorf("Enabled changed the caller's rule")
	}
	c, err = Parse(".pvlint.yaml", []byte("enable-only: [PVL201, PVL202]\nrules: {PVL202: {enabled: false}}\n"), Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(c.Enabled(all)); !slices.Equal(got, []string{"PVL201@medium"}) {
		t.Errorf("enable-only: %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"rules:\n  PVL201:\n    severity: urgent\n", `.pvlint.yaml:3: rules.PVL201.severity: unknown severity "urgent" (want critical, high, medium, low or none)`},
		{"rules:\n  PVL201:\n    sevrity: high\n", `.pvlint.yaml:3: rules.PVL201.sevrity: unknown key (want enabled or severity)`},
		{"rules:\n  PVL999: {enabled: false}\n", `.pvlint.yaml:2: rules: unknown rule "PVL999"`},
		{"rules:\n  PVL201: {enabled: nope}\n", `.pvlint.yaml:2: rules.PVL201.enabled: expected true or false, found "nope"`},
		{"fail_on: high\n", `.pvlint.yaml:1: fail_on: unknown key (want fail-on, rules, disable, enable-only, exclude, ignores, no-inline-ignore, helm, terraform, baseline, namespace, fail-on-unknown, no-inline-ignores, fail-on-unused-ignores, all-dirs, max-file-size or chart-timeout)`},
		{"max-file-size: 10MB\n", `.pvlint.yaml:1: max-file-size: expected a positive number of bytes, found "10MB"`},
		{"chart-timeout: soon\n", `.pvlint.yaml:1: chart-timeout: expected a positive duration such as 90s or 2m, found "soon"`},
		{"fail-on-unknown: maybe\n", `.pvlint.yaml:1: fail-on-unknown: expected true or false, found "maybe"`},
		{"fail-on: [high]\n", `.pvlint.yaml:1: fail-on: expected a string, found a list`},
		{"disable: PVL201\n", `.pvlint.yaml:1: disable: expected a list, found "PVL201"`},
		{"disable: [PVL201, all]\n", `.pvlint.yaml:1: disable[1]: "all" is not allowed: name the rule IDs`},
		{"exclude: ['a/[b']\n", `.pvlint.yaml:1: exclude[0]: bad pattern "a/[b": syntax error in pattern`},
		{"ignores:\n  - paths: [a/**]\n    reason: x\n", `.pvlint.yaml:2: ignores[0].rules: an ignore names its rules (there is no "all": use exclude to leave paths out)`},
		{"ignores:\n  - rules: [PVL201]\n    until: 31/12/2026\n", `.pvlint.yaml:3: ignores[0].until: bad date "31/12/2026" in until (want YYYY-MM-DD)`},
		{"ignores:\n  - rules: [PVL201]\n    path: [a]\n", `.pvlint.yaml:3: ignores[0].path: unknown key (want rules, paths, resource, reason or until)`},
		{"ignores:\n  - PVL201\n", `.pvlint.yaml:2: ignores[0]: expected a mapping, found "PVL201"`},
		{"helm:\n  values: prod.yaml\n", `.pvlint.yaml:2: helm.values: expected a list of files, or a mapping from a directory to a list of files; found "prod.yaml"`},
		{"helm:\n  values: {charts/pg: prod.yaml}\n", `.pvlint.yaml:2: helm.values.charts/pg: expected a list, found "prod.yaml"`},
		{"terraform:\n  varfiles: [a]\n", `.pvlint.yaml:2: terraform.varfiles: unknown key (want var-files)`},
		{"rules: {}\nrules: {}\n", `.pvlint.yaml:2: rules: duplicate key (first at line 1)`},
		{"enable-only: [PVL201]\ndisable: [PVL201]\n", `.pvlint.yaml:2: disable: PVL201 is both in enable-only and in disable`},
		{"rules: [\n", `.pvlint.yaml:1: did not find expected node content`},
		{"- a\n", `.pvlint.yaml:1: expected a mapping, found a list`},
		{"a: 1\n---\nb: 2\n", `.pvlint.yaml:3: more than one YAML document`},
	}
	for _, tt := range tests {
		_, err := Parse(".pvlint.yaml", []byte(tt.src), Options{Known: known})
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q):\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

func TestScanSettings(t *testing.T) {
	src := "baseline: .pvlint-baseline.json\nnamespace: prod\nfail-on-unknown: true\nno-inline-ignores: false\n" +
		"fail-on-unused-ignores: true\nall-dirs: true\nmax-file-size: 1048576\nchart-timeout: 90s\n"
	c, err := Parse(".pvlint.yaml", []byte(src), Options{Known: known})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Scan
	if s.Baseline != ".pvlint-baseline.json" || s.Namespace != "prod" || s.ChartTimeout != "90s" ||
		s.FailOnUnknown == nil || !*s.FailOnUnknown || s.NoInlineIgnores == nil || *s.NoInlineIgnores ||
		s.FailOnUnusedIgnores == nil || !*s.FailOnUnusedIgnores || s.AllDirs == nil || !*s.AllDirs ||
		s.MaxFileSize == nil || *s.MaxFileSize != 1<<20 {
		t.Errorf("Scan = %+v", s)
	}
}

func TestEmptyAndFind(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "~\n"} {
		if _, err := Parse(".pvlint.yaml", []byte(src), Options{}); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
	}
	dir := t.TempDir()
	if p := Find(dir); p != "" {
		t.Errorf("Find in an empty dir = %q", p)
	}
	if err := os.WriteFile(filepath.Join(dir, ".pvlint.yml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := Find(dir); !strings.HasSuffix(p, ".pvlint.yml") {
		t.Errorf("Find = %q", p)
	}
}
