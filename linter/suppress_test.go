package linter_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/linter/suppress"
	"github.com/pvlint/pvlint/rules"
)

// hostPathRule reports every hostPath volume of a workload (a stand-in for
// the real rule, so these tests do not depend on its details).
var hostPathRule = &rules.Rule{
	Meta: rules.Meta{ID: "PVL991", Name: "test-host-path", Title: "Test hostPath", Severity: rules.High},
	Check: func(p *rules.Pass) {
		for _, r := range p.Graph.OfKind(graph.WorkloadKinds...) {
			spec := r.PodSpec()
			for i, v := range graph.Volumes(spec) {
				if v.Node.Get("hostPath") != nil {
					p.Report(r.AtFrom(spec, "volumes", fmt.Sprint(i), "hostPath"), "%s mounts a hostPath.", r.Title())
				}
			}
		}
	},
}

// unencryptedEBS reports aws_ebs_volume blocks that do not set encrypted = true.
var unencryptedEBS = &rules.Rule{
	Meta: rules.Meta{ID: "PVL992", Name: "test-ebs-unencrypted", Title: "Test EBS", Severity: rules.High},
	Check: func(p *rules.Pass) {
		for _, r := range p.Graph.OfKind("aws_ebs_volume") {
			if r.Root.Get("encrypted").Bool() != graph.True {
				p.Report(r.At("encrypted"), "%s is not encrypted.", r.Title())
			}
		}
	},
}

func at(y, m, d int) func() time.Time {
	return func() time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
}

// lint scans a folder of linter/suppress/testdata as the repository root.
func lint(t *testing.T, dir string, so linter.SuppressOptions) *linter.Result {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("suppress", "testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	res, err := linter.Run(linter.Options{Root: root, Paths: []string{root}, Rules: []*rules.Rule{hostPathRule, unencryptedEBS}, Suppress: so})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("input error: %v", e)
	}
	return res
}

// outcome lists "FILE:LINE RULE -> KIND SOURCE" (or "-> FAIL") per finding.
func outcome(res *linter.Result) []string {
	var out []string
	for _, f := range res.Findings {
		s := "FAIL"
		if f.Suppression != nil {
			s = f.Suppression.Kind + " " + f.Suppression.Source
		}
		out = append(out, fmt.Sprintf("%s:%d %s -> %s", f.Loc.File, f.Loc.Line, f.RuleID, s))
	}
	return out
}

func notices(res *linter.Result) []string {
	var out []string
	for _, n := range res.Notices {
		out = append(out, n.String())
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestSuppressYAML(t *testing.T) {
	var st suppress.Stats
	res := lint(t, "yaml", linter.SuppressOptions{Now: at(2026, 6, 15), Stats: &st})
	same(t, "findings", outcome(res), []string{
		"generated.yaml:8 PVL991 -> inSource generated.yaml:9",
		"pods.yaml:12 PVL991 -> inSource pods.yaml:11",
		"pods.yaml:14 PVL991 -> inSource pods.yaml:14",
		"pods.yaml:16 PVL991 -> FAIL",
		"pods.yaml:26 PVL991 -> inSource pods.yaml:18",
		"pods.yaml:27 PVL991 -> inSource pods.yaml:18",
		"pods.yaml:38 PVL991 -> FAIL", // expired yesterday
		"pods.yaml:41 PVL991 -> inSource pods.yaml:40",
		"pods.yaml:58 PVL991 -> inSource pods.yaml:48",
		"pods.yaml:76 PVL991 -> inSource pods.yaml:71",
		"pods.yaml:95 PVL991 -> FAIL", // malformed directive above it
	})
	same(t, "notices", notices(res), []string{
		"pods.yaml: line 37: ignore for PVL991 expired on 2026-06-14",
		"pods.yaml: line 83: unused ignore for PVL991: it matches no finding",
		"pods.yaml: line 94: malformed ignore, nothing suppressed: unknown rule PVL99",
	})
	if want := (suppress.Stats{Suppressed: 8, Unused: 1, Expired: 1, Malformed: 1, NoReason: 1}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	if got := res.Blocking(rules.Low); got != 3 {
		t.Errorf("Blocking = %d, want 3 (suppressed findings never block)", got)
	}
}

// The zero SuppressOptions honour inline ignores: the rule fixture harness
// relies on it.
func TestSuppressZeroOptions(t *testing.T) {
	res := lint(t, "yaml", linter.SuppressOptions{})
	for _, f := range res.Findings {
		if f.Loc.File == "pods.yaml" && f.Loc.Line == 12 && f.Suppression == nil {
			t.Errorf("the zero SuppressOptions do not honour inline ignores")
		}
	}
}

func TestSuppressNoInline(t *testing.T) {
	res := lint(t, "yaml", linter.SuppressOptions{NoInline: true, Now: at(2026, 6, 15)})
	if got := res.Blocking(rules.Low); got != len(res.Findings) || got != 11 {
		t.Errorf("--no-inline-ignores: %d of %d findings block, want 11 of 11", got, len(res.Findings))
	}
	same(t, "notices", notices(res), nil)
}

func TestSuppressNoInlineRuleAndConfig(t *testing.T) {
	res := lint(t, "yaml", linter.SuppressOptions{
		Now:           at(2026, 6, 15),
		NoInlineRules: []string{"PVL991"},
		Ignores: []suppress.ConfigIgnore{
			{Rules: []string{"PVL991"}, Resource: suppress.MustGlob("Pod/*/line"), Reason: "r", File: ".pvlint.yaml", Line: 4},
			{Rules: []string{"PVL991"}, Paths: []*suppress.Glob{suppress.MustGlob("**/generated.yaml")}, Reason: "vendored", File: ".pvlint.yaml", Line: 7},
		},
	})
	same(t, "findings", outcome(res)[:4], []string{
		"generated.yaml:8 PVL991 -> external .pvlint.yaml:7",
		"pods.yaml:12 PVL991 -> external .pvlint.yaml:4",
		"pods.yaml:14 PVL991 -> external .pvlint.yaml:4",
		"pods.yaml:16 PVL991 -> external .pvlint.yaml:4",
	})
	for _, f := range res.Findings[4:] {
		if f.Suppression != nil {
			t.Errorf("%s:%d suppressed by %s although no inline ignore may silence PVL991", f.Loc.File, f.Loc.Line, f.Suppression.Source)
		}
	}
	for _, n := range notices(res) {
		if strings.Contains(n, "unused") {
			t.Errorf("unexpected notice %q", n)
		}
	}
}

func TestSeverityOverride(t *testing.T) {
	root, _ := filepath.Abs("suppress/testdata/yaml")
	res, err := linter.Run(linter.Options{Root: root, Paths: []string{root}, Rules: []*rules.Rule{hostPathRule},
		Suppress: linter.SuppressOptions{Severity: map[string]rules.Severity{"PVL991": rules.Low}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity != rules.Low {
			t.Fatalf("%s:%d severity %s, want low", f.Loc.File, f.Loc.Line, f.Severity)
		}
	}
	if res.Blocking(rules.Medium) != 0 {
		t.Errorf("overridden findings still block at medium")
	}
}

func TestSuppressBaseline(t *testing.T) {
	res := lint(t, "yaml", linter.SuppressOptions{Now: at(2026, 6, 15)})
	b := suppress.NewBaseline(res.Findings)
	if len(b.Findings) != 3 {
		t.Fatalf("baseline has %d entries, want the 3 unsuppressed findings", len(b.Findings))
	}
	b.File = "pvlint-baseline.json"
	res = lint(t, "yaml", linter.SuppressOptions{Now: at(2026, 6, 15), Baseline: b})
	if got := res.Blocking(rules.Low); got != 0 {
		t.Errorf("Blocking = %d with every finding in the baseline", got)
	}
	var fromBaseline int
	for _, f := range res.Findings {
		if f.Suppression != nil && f.Suppression.Reason == "in baseline pvlint-baseline.json" {
			fromBaseline++
		}
	}
	if fromBaseline != 3 {
		t.Errorf("%d findings suppressed by the baseline, want 3", fromBaseline)
	}
}

// The chart end-to-end: comments in templates govern template lines.
// (It needs the Helm parser wired into linter/sources.go.)
func TestSuppressHelmChart(t *testing.T) {
	res := lint(t, "chart", linter.SuppressOptions{Now: at(2026, 6, 15)})
	same(t, "findings", outcome(res), []string{
		"agent/templates/daemonset.yaml:18 PVL991 -> inSource agent/templates/daemonset.yaml:17",
		"agent/templates/daemonset.yaml:21 PVL991 -> FAIL",
		"agent/templates/pod.yaml:10 PVL991 -> inSource agent/templates/pod.yaml:1",
	})
	same(t, "notices", notices(res), []string{
		"agent/templates/daemonset.yaml: line 21: ignore for PVL991 expired on 2000-01-01",
	})
}

// Terraform end-to-end: "#" above a block, "//" on an attribute.
// (It needs the Terraform parser wired into linter/sources.go.)
func TestSuppressTerraform(t *testing.T) {
	res := lint(t, "terraform", linter.SuppressOptions{Now: at(2026, 6, 15)})
	same(t, "findings", outcome(res), []string{
		"infra/main.tf:2 PVL992 -> inSource infra/main.tf:1",
		"infra/main.tf:10 PVL992 -> inSource infra/main.tf:10",
		"infra/main.tf:16 PVL992 -> FAIL",
	})
	same(t, "notices", notices(res), nil)
}
