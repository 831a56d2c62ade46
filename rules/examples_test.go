package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

// TestExamples runs every rule's documented examples through the real
// pipeline, so the docs cannot rot: each Bad example must make the rule
// report, each Good example must leave it silent (and decided).
func TestExamples(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			if len(r.Bad) == 0 {
				t.Errorf("%s has no Bad example", r.ID)
			}
			if len(r.Good) == 0 {
				t.Errorf("%s has no Good example", r.ID)
			}
			for i, ex := range r.Bad {
				t.Run(fmt.Sprintf("bad-%d", i+1), func(t *testing.T) {
					res := lintExample(t, r, ex)
					for _, f := range res.Findings {
						if f.RuleID == r.ID && !f.Undecided && f.Suppression == nil {
							return
						}
					}
					t.Errorf("Bad example %d (%s) does not fire %s%s\n%s", i+1, ex.Lang, r.ID, describe(res), numbered(ex.Code))
				})
			}
			for i, ex := range r.Good {
				t.Run(fmt.Sprintf("good-%d", i+1), func(t *testing.T) {
					res := lintExample(t, r, ex)
					for _, f := range res.Findings {
						if f.RuleID != r.ID {
							continue
						}
						what := "reports"
						if f.Undecided {
							what = "leaves a check undecided"
						}
						t.Errorf("Good example %d (%s) %s at line %d: %s\n%s", i+1, ex.Lang, what, f.Loc.Line, f.Message, numbered(ex.Code))
					}
				})
			}
		})
	}
}

// lintExample writes ex to a fresh directory as the input its language
// implies and lints it with r alone. Inputs that fail to parse fail the test.
func lintExample(t *testing.T, r *rules.Rule, ex rules.Example) *linter.Result {
	t.Helper()
	dir := t.TempDir()
	files, err := exampleFiles(ex)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := linter.Run(linter.Options{Root: dir, Paths: []string{dir}, Rules: []*rules.Rule{r}, Workers: 1,
		Helm: linter.HelmOptions{KubeVersion: ex.KubeVersion}})
	if err != nil {
		t.Fatalf("linter.Run: %v", err)
	}
	for _, e := range res.Errors {
		t.Errorf("example input error: %s\n%s", e.Error(), numbered(ex.Code))
	}
	return res
}

// exampleFiles lays out an example: Kubernetes YAML as example.yaml,
// Terraform as main.tf, and a Helm template as the only template of a
// minimal chart.
func exampleFiles(ex rules.Example) (map[string]string, error) {
	switch strings.ToLower(ex.Lang) {
	case "yaml", "yml":
		return map[string]string{"example.yaml": ex.Code}, nil
	case "json":
		return map[string]string{"example.json": ex.Code}, nil
	case "hcl", "terraform", "tf":
		return map[string]string{"main.tf": ex.Code}, nil
	case "helm":
		return map[string]string{
			"example/Chart.yaml":             "apiVersion: v2\nname: example\nversion: 0.1.0\n",
			"example/templates/example.yaml": ex.Code,
		}, nil
	}
	return nil, fmt.Errorf("example language %q: want yaml, json, hcl or helm", ex.Lang)
}

// describe says what a run saw, to explain a Bad example that stays silent.
func describe(res *linter.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, " (%d files, %d resources", res.Files, len(res.Graph.Resources))
	if len(res.Graph.Resources) == 0 {
		b.WriteString(": nothing was parsed; is this language's parser wired into the linter?")
	}
	b.WriteString(")")
	for _, f := range res.Findings {
		state := ""
		if f.Undecided {
			state = " (undecided)"
		}
		fmt.Fprintf(&b, "\n  line %d: %s%s: %s", f.Loc.Line, f.RuleID, state, f.Message)
	}
	for _, n := range res.Notices {
		fmt.Fprintf(&b, "\n  notice: %s", n.String())
	}
	return b.String()
}

// numbered prints code with line numbers, as failures cite lines.
func numbered(code string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(code, "\n"), "\n") {
		fmt.Fprintf(&b, "%4d | %s\n", i+1, l)
	}
	return b.String()
}
