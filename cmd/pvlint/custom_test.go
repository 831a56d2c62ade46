package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/internal/sarifcheck"
)

const orgRule = `apiVersion: pvlint.dev/v1
kind: Rule
metadata:
  name: configmap-no-password
spec:
  id: ORG009
  title: ConfigMaps hold no passwords
  severity: high
  description: A ConfigMap is readable by anyone who may read the namespace's configuration.
  remediation: Move the value into a Secret.
  match: {kinds: [ConfigMap]}
  validations:
  - expression: "!has(object.data) || !object.data.exists(k, k.contains('password'))"
    message: ConfigMap data holds a password
  tests:
  - name: no password passes
    input: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: ok}
      data: {user: app}
    want: pass
  - name: a password fails
    input: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: bad}
      data: {db_password: x}
    want: fail
`

const passwordMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  db_password: hunter2
`

// Custom findings go everywhere built-in ones go: the report formats,
// SARIF rule metadata, suppressions, baselines, --fail-on.
func TestCustomRuleFindings(t *testing.T) {
	dir := tree(t, map[string]string{"rules/org.yaml": orgRule, "k8s/cm.yaml": passwordMap})
	code, out, errs := pvlint(t, dir, "", "--rules", "rules", "k8s")
	if code != 1 || !strings.Contains(out, "k8s/cm.yaml") || !strings.Contains(out, "5:1") || !strings.Contains(out, "ORG009") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	// ConfigMap data is pruned for the built-in rules alone, kept for a rule that reads it.
	if code, out, _ := pvlint(t, dir, "", "k8s"); code != 0 || strings.Contains(out, "ORG009") {
		t.Errorf("without --rules: exit %d\n%s", code, out)
	}
	if code, _, _ := pvlint(t, dir, "", "--rules", "rules", "--fail-on", "critical", "k8s"); code != 0 {
		t.Errorf("--fail-on critical: exit %d, want 0", code)
	}

	code, out, _ = pvlint(t, dir, "", "--rules", "rules/org.yaml", "--format", "sarif", "k8s")
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
						Help    struct {
							Markdown string `json:"markdown"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatalf("sarif: %v\n%s", err, out)
	}
	found := false
	for _, r := range sarif.Runs[0].Tool.Driver.Rules {
		if r.ID == "ORG009" {
			found = true
			if r.HelpURI != "" || !strings.Contains(r.Help.Markdown, "Move the value into a Secret.") || !strings.Contains(r.Help.Markdown, "readable by anyone") {
				t.Errorf("ORG009 help: uri %q\n%s", r.HelpURI, r.Help.Markdown)
			}
		}
	}
	if !found || len(sarif.Runs[0].Results) == 0 || sarif.Runs[0].Results[0].RuleID != "ORG009" {
		t.Errorf("SARIF lacks ORG009: %s", out)
	}

	// An inline ignore and a baseline silence custom findings too.
	ignored := strings.Replace(passwordMap, "\ndata:", "\ndata:  # pvlint:ignore ORG009 rotated out, kept for the old client", 1)
	dir2 := tree(t, map[string]string{"rules/org.yaml": orgRule, "k8s/cm.yaml": ignored})
	if code, out, errs := pvlint(t, dir2, "", "--rules", "rules", "k8s"); code != 0 {
		t.Errorf("inline ignore: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := pvlint(t, dir, "", "--rules", "rules", "--write-baseline", "base.json", "k8s"); code != 0 {
		t.Fatalf("write baseline: %d %s", code, errs)
	}
	if code, out, errs := pvlint(t, dir, "", "--rules", "rules", "--baseline", "base.json", "k8s"); code != 0 {
		t.Errorf("baseline: exit %d\n%s\n%s", code, out, errs)
	}
	// The configuration names rule files too, and configures custom rules by ID.
	cfg := "rules:\n  files: [rules]\n  ORG009: {severity: low}\n"
	dir3 := tree(t, map[string]string{"rules/org.yaml": orgRule, "k8s/cm.yaml": passwordMap, ".pvlint.yaml": cfg})
	if code, out, errs := pvlint(t, dir3, "", "--fail-on", "medium", "k8s"); code != 0 || !strings.Contains(out, "low") || !strings.Contains(out, "ORG009") {
		t.Errorf("config: exit %d\n%s\n%s", code, out, errs)
	}
	dir4 := tree(t, map[string]string{"rules/org.yaml": orgRule, "k8s/cm.yaml": passwordMap, ".pvlint.yaml": "rules: [rules/org.yaml]\n"})
	if code, out, _ := pvlint(t, dir4, "", "k8s"); code != 1 || !strings.Contains(out, "ORG009") {
		t.Errorf("config list: exit %d\n%s", code, out)
	}
}

func TestCustomRuleDocs(t *testing.T) {
	dir := tree(t, map[string]string{"rules/org.yaml": orgRule})
	code, out, _ := pvlint(t, dir, "", "--rules", "rules", "--list-rules")
	if code != 0 || !strings.Contains(out, "ORG009") || !strings.Contains(out, "custom") || !strings.Contains(out, "PVL101") {
		t.Errorf("--list-rules: %d\n%s", code, out)
	}
	code, out, _ = pvlint(t, dir, "", "--rules", "rules", "--explain", "ORG009")
	if code != 0 || !strings.Contains(out, "ConfigMaps hold no passwords") || !strings.Contains(out, "Move the value into a Secret.") {
		t.Errorf("--explain: %d\n%s", code, out)
	}
	if strings.Contains(out, "docs/rules/ORG009") {
		t.Errorf("--explain links a page custom rules do not have:\n%s", out)
	}
	code, out, _ = pvlint(t, dir, "", "--rules", "rules", "--explain", "ORG009", "--format", "json")
	if code != 0 || !strings.Contains(out, `"help_uri": ""`) {
		t.Errorf("--explain json: %d\n%s", code, out)
	}
}

func TestTestRules(t *testing.T) {
	wd, _ := os.Getwd()
	dir := tree(t, map[string]string{"rules/org.yaml": orgRule,
		"bad/org.yaml": strings.Replace(orgRule, "    want: fail", "    want: pass", 1)})
	code, out, _ := pvlint(t, dir, "", "--test-rules", "rules")
	if code != 0 || !strings.Contains(out, "PASS  ORG009  no password passes  (rules/org.yaml:") || !strings.Contains(out, "2 of 2 rule tests passed") {
		t.Errorf("--test-rules: exit %d\n%s", code, out)
	}
	code, out, _ = pvlint(t, dir, "", "--test-rules", "bad")
	if code != 1 || !strings.Contains(out, "FAIL  ORG009  a password fails") || !strings.Contains(out, "want pass, got fail") {
		t.Errorf("--test-rules failing: exit %d\n%s", code, out)
	}
	// The organisation policies of the rule package pass their own tests.
	code, out, _ = pvlint(t, filepath.Join(wd, "..", ".."), "", "--test-rules", "rules/custom/testdata/org/rules.yaml")
	if code != 0 {
		t.Errorf("org rules: exit %d\n%s", code, out)
	}
}

// A rule file error is a configuration error: exit 2, file, line, column.
// A rule over its cost budget is an error for that rule on that object
// (exit 3), not a hang.
func TestCustomRuleErrors(t *testing.T) {
	bad := strings.Replace(orgRule, "k.contains('password')", "k.contains(password)", 1)
	dir := tree(t, map[string]string{"rules/org.yaml": bad, "k8s/cm.yaml": passwordMap})
	code, _, errs := pvlint(t, dir, "", "--rules", "rules", "k8s")
	if code != 2 || !strings.Contains(errs, "rules/org.yaml:13:73: spec.validations[0].expression: undeclared reference to 'password'") {
		t.Errorf("compile error: exit %d\n%s", code, errs)
	}
	if code, _, errs := pvlint(t, dir, "", "--rules", "nowhere", "k8s"); code != 2 || !strings.Contains(errs, "nowhere: no such file or directory") {
		t.Errorf("missing rules path: exit %d\n%s", code, errs)
	}

	costly := strings.Replace(orgRule, `"!has(object.data) || !object.data.exists(k, k.contains('password'))"`,
		`"object.data.all(a, object.data.all(b, a.size() + b.size() >= 0))"`, 1)
	var big strings.Builder
	big.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n")
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&big, "  k%d: v\n", i)
	}
	dir = tree(t, map[string]string{"rules/org.yaml": costly, "k8s/big.yaml": big.String(), "k8s/cm.yaml": passwordMap})
	code, _, errs = pvlint(t, dir, "", "--rules", "rules", "k8s")
	if code != 3 || !strings.Contains(errs, `k8s/big.yaml:1: rule ORG009 could not check ConfigMap "default/big": an expression went over its cost budget`) {
		t.Errorf("cost overrun: exit %d\n%s", code, errs)
	}
}

// Undecided custom checks are listed with --verbose and become notes
// under --fail-on-unknown, like the built-in ones.
func TestCustomRuleUnknown(t *testing.T) {
	rule := strings.Replace(orgRule, "match: {kinds: [ConfigMap]}", "match: {kinds: [aws_ebs_volume]}", 1)
	rule = strings.Replace(rule, `"!has(object.data) || !object.data.exists(k, k.contains('password'))"`, `"object.encrypted == true"`, 1)
	dir := tree(t, map[string]string{"rules/org.yaml": rule, "tf/main.tf": "variable \"enc\" {}\nresource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  encrypted = var.enc\n}\n"})
	code, _, errs := pvlint(t, dir, "", "--rules", "rules", "-v", "tf")
	if !strings.Contains(errs, "undecided: tf/main.tf:4:3: ORG009") {
		t.Errorf("--verbose: exit %d\n%s", code, errs)
	}
	code, out, _ := pvlint(t, dir, "", "--rules", "rules", "--fail-on-unknown", "--format", "sarif", "tf")
	if code != 1 || !strings.Contains(out, `"level": "note"`) {
		t.Errorf("--fail-on-unknown: exit %d\n%s", code, out)
	}
}

// The demo's own rules (two organisation rules and an admission policy)
// run with the README's command; the report is pinned like the demo's.
func TestDemoCustomRules(t *testing.T) {
	root, err := sarifcheck.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := pvlint(t, root, "", "--rules", "testdata/demo/rules", "--no-color", "testdata/demo")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, id := range []string{"ORG001", "ORG002", "VAP/statefulsets-no-privileged-containers.example.com"} {
		if !strings.Contains(out, id) {
			t.Errorf("the demo rules report no %s", id)
		}
	}
	path := filepath.Join(root, "cmd", "pvlint", "testdata", "demo-rules.text.golden")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(path); err != nil || string(want) != out {
		t.Errorf("demo report with --rules differs from %s (run with -update after checking the diff)", path)
	}
	if code, out, _ := pvlint(t, root, "", "--test-rules", "testdata/demo/rules"); code != 0 {
		t.Errorf("demo rule tests: exit %d\n%s", code, out)
	}
	// Without --rules the rule files in the tree are configuration, not objects.
	_, plain, _ := pvlint(t, root, "", "--no-color", "testdata/demo")
	if strings.Contains(plain, "testdata/demo/rules") {
		t.Errorf("the rule files are scanned as manifests:\n%s", plain)
	}
}
