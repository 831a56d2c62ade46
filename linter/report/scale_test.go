package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// manyFindings makes n findings on n pods (a repository of generated
// manifests), severities cycling critical, high, medium, medium, low, with
// every tenth one suppressed.
func manyFindings(n int) *Report {
	r := &Report{Version: "test", Rules: testRules()}
	sevs := []rules.Severity{rules.Critical, rules.High, rules.Medium, rules.Medium, rules.Low}
	for i := range n {
		file := fmt.Sprintf("apps/app-%05d/pod.yaml", i)
		res := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "Pod", Namespace: "default", Name: fmt.Sprintf("app-%05d", i), File: file}
		f := &rules.Finding{RuleID: "PVL201", Severity: sevs[i%len(sevs)], Resource: res,
			Message: fmt.Sprintf("Pod \"default/app-%05d\" mounts hostPath \"/var/lib\" read-write.", i),
			Loc:     graph.Location{File: file, Line: 12, Col: 9, FieldPath: "spec.volumes.0.hostPath.path"}}
		if i%10 == 9 {
			f.Suppression = &rules.Suppression{Kind: "external", Reason: "in baseline"}
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}

type sarifDoc struct {
	Runs []struct {
		Results []struct {
			Level      string `json:"level"`
			Message    struct{ Text string }
			Properties map[string]any `json:"properties"`
			Suppressed []any          `json:"suppressions"`
		} `json:"results"`
		Invocations []struct {
			Notifications []struct {
				Level   string `json:"level"`
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func decodeScaleSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// 40,000 findings: the file validates, holds at most 25,000 results, the
// most severe ones, without the suppressed ones, and says so.
func TestSARIFKeepsTheMostSevereWithinGitHubsLimit(t *testing.T) {
	r := manyFindings(40_000)
	data := render(t, "sarif", false, r)
	validateSARIF(t, data)
	d := decodeScaleSARIF(t, data)
	res := d.Runs[0].Results
	if len(res) != 25_000 {
		t.Fatalf("%d results, want 25000", len(res))
	}
	bySev := map[string]int{}
	for _, x := range res {
		if len(x.Suppressed) > 0 {
			t.Fatal("a suppressed result is kept above the limit")
		}
		bySev[fmt.Sprint(x.Properties["security-severity"])]++
	}
	// The tenth ones (all low) are suppressed: 36,000 unsuppressed, 8,000
	// critical, 8,000 high, 16,000 medium and 4,000 low.
	crit, high := rules.Critical.SecuritySeverity(), rules.High.SecuritySeverity()
	if bySev[fmt.Sprint(crit)] != 8000 || bySev[fmt.Sprint(high)] != 8000 || bySev[fmt.Sprint(rules.Low.SecuritySeverity())] != 0 {
		t.Errorf("kept by security-severity: %v; want every critical and high, no low", bySev)
	}
	var notes []string
	for _, n := range d.Runs[0].Invocations[0].Notifications {
		notes = append(notes, n.Message.Text)
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "4000 suppressed results left out") || !strings.Contains(all, "11000 results left out") ||
		!strings.Contains(all, "at most 25000 results per run") {
		t.Errorf("notifications do not say what was left out and why:\n%s", all)
	}
	if os.Getenv("PVLINT_TEST_ARTIFACTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("PVLINT_TEST_ARTIFACTS"), "scale.sarif"), data, 0o644)
	}
}

func TestSARIFSuppressedPolicy(t *testing.T) {
	count := func(policy string) (results, suppressed int) {
		r := manyFindings(100)
		r.SARIFSuppressed = policy
		d := decodeScaleSARIF(t, render(t, "sarif", false, r))
		for _, x := range d.Runs[0].Results {
			results++
			if len(x.Suppressed) > 0 {
				suppressed++
			}
		}
		return
	}
	if n, s := count(""); n != 100 || s != 10 {
		t.Errorf("default below the limit: %d results, %d suppressed; want 100 and 10", n, s)
	}
	if n, s := count("omit"); n != 90 || s != 0 {
		t.Errorf("omit: %d results, %d suppressed; want 90 and 0", n, s)
	}
	old := maxSARIFResults
	maxSARIFResults = 50
	defer func() { maxSARIFResults = old }()
	if n, s := count("include"); n != 50 || s != 0 {
		t.Errorf("include above the limit: %d results, %d suppressed; want 50, the unsuppressed first", n, s)
	}
}

// A raised severity travels with its result: level and security-severity.
func TestSARIFResultSeverityIsItsOwn(t *testing.T) {
	r := manyFindings(1)
	r.Findings[0].Severity = rules.Critical // the rule's default is high
	d := decodeScaleSARIF(t, render(t, "sarif", false, r))
	x := d.Runs[0].Results[0]
	if x.Level != "error" || fmt.Sprint(x.Properties["security-severity"]) != fmt.Sprint(rules.Critical.SecuritySeverity()) {
		t.Errorf("level %s, security-severity %v; want error and the critical score", x.Level, x.Properties["security-severity"])
	}
}

// The same finding on one template line for several rendered objects is one
// result that names them.
func TestSameLineFindingsAreOneResult(t *testing.T) {
	r := &Report{Version: "test", Rules: testRules()}
	for _, name := range []string{"db-0", "db-1", "db-2"} {
		res := &graph.Resource{Source: graph.SourceHelm, APIVersion: "v1", Kind: "PersistentVolumeClaim", Namespace: "data", Name: name,
			File: "charts/db/templates/pvc.yaml", From: &graph.Origin{Chart: "charts/db", Template: "db/templates/pvc.yaml"}}
		r.Findings = append(r.Findings, &rules.Finding{RuleID: "PVL101", Severity: rules.High, Resource: res,
			Message: fmt.Sprintf("PersistentVolumeClaim \"data/%s\" uses an unencrypted class.", name),
			Loc:     graph.Location{File: "charts/db/templates/pvc.yaml", Line: 9, Col: 3, FieldPath: "spec.storageClassName"}})
	}
	d := decodeScaleSARIF(t, render(t, "sarif", false, r))
	if n := len(d.Runs[0].Results); n != 1 {
		t.Fatalf("%d results, want one for the three objects", n)
	}
	x := d.Runs[0].Results[0]
	if objs, _ := x.Properties["pvlint-objects"].([]any); len(objs) != 3 {
		t.Errorf("pvlint-objects = %v, want the three claims", x.Properties["pvlint-objects"])
	}
	if !strings.Contains(x.Message.Text, `2 more objects: PersistentVolumeClaim "data/db-1", PersistentVolumeClaim "data/db-2"`) {
		t.Errorf("message does not name the other objects: %s", x.Message.Text)
	}
	ann := string(render(t, "github", false, r))
	if strings.Count(ann, "::error ") != 1 {
		t.Errorf("want one annotation for the three objects:\n%s", ann)
	}
}

// GitHub shows 10 annotations of each level per step: the most severe are
// the ones annotated, the rest reach the log as plain lines and the summary
// says how many.
func TestAnnotationsAreTheMostSevereGitHubShows(t *testing.T) {
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	old := stepSummaryPath
	stepSummaryPath = func() string { return summary }
	defer func() { stepSummaryPath = old }()
	r := manyFindings(200) // 180 unsuppressed: 40 critical, 40 high, 80 medium, 20 low
	out := string(render(t, "github", false, r))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	counts := map[string]int{}
	var order []string
	for _, l := range lines {
		for _, lvl := range []string{"error", "warning", "notice"} {
			if strings.HasPrefix(l, "::"+lvl+" ") {
				counts[lvl]++
				order = append(order, l)
			}
		}
	}
	if counts["error"] != 10 || counts["warning"] != 10 || counts["notice"] != 10 {
		t.Errorf("annotations per level: %v; want 10 each", counts)
	}
	for i, l := range order[:10] {
		if !strings.Contains(l, "title=PVL201 (critical)") {
			t.Errorf("error annotation %d is not critical: %s", i, l)
		}
	}
	if !strings.Contains(out, "pvlint: 150 more not annotated") {
		t.Errorf("no line saying how many were not annotated:\n%.500s", out)
	}
	if strings.Count(out, "\npvlint: apps/") != 150 {
		t.Errorf("the findings not annotated are not all in the log as plain lines")
	}
	s, _ := os.ReadFile(summary)
	if !strings.Contains(string(s), "150 more findings and messages are not annotated") {
		t.Errorf("the step summary does not say how many were not annotated:\n%s", s)
	}
}
