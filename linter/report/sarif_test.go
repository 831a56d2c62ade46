package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// sarifLog is the part of a SARIF log the tests look at.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results     []map[string]any `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool             `json:"executionSuccessful"`
			Notifications       []map[string]any `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(l.Runs))
	}
	return l
}

func TestSARIFCleanRunHasEmptyResults(t *testing.T) {
	data := render(t, "sarif", false, cleanReport())
	if !strings.Contains(string(data), `"results": []`) {
		t.Error(`a clean run must say "results": [], not null or nothing`)
	}
	l := decodeSARIF(t, data)
	if !l.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful is false without errors")
	}
	if n := len(l.Runs[0].Tool.Driver.Rules); n != len(testRules()) {
		t.Errorf("%d rules, want every enabled rule (%d)", n, len(testRules()))
	}
}

func TestSARIFResults(t *testing.T) {
	r := testReport()
	data := render(t, "sarif", false, r)
	if strings.Contains(string(data), "primaryLocationLineHash") {
		t.Error("primaryLocationLineHash is GitHub's to compute")
	}
	l := decodeSARIF(t, data)
	run := l.Runs[0]
	// Four results: the undecided finding is only a notification.
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	rulesByIndex := run.Tool.Driver.Rules
	for i, res := range run.Results {
		idx := int(res["ruleIndex"].(float64))
		if rulesByIndex[idx].ID != res["ruleId"] {
			t.Errorf("result %d: ruleIndex %d is %s, not %s", i, idx, rulesByIndex[idx].ID, res["ruleId"])
		}
		fp := res["partialFingerprints"].(map[string]any)["pvlint/v2"].(string)
		if len(fp) != 64 {
			t.Errorf("result %d: fingerprint %q is not a SHA-256", i, fp)
		}
	}
	if got := fmt.Sprint(run.Results[2]["suppressions"]); !strings.Contains(got, "inSource") || !strings.Contains(got, "accepted") {
		t.Errorf("suppressed result: suppressions = %s", got)
	}
	if run.Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful is true although an input failed")
	}
	levels := []string{}
	for _, n := range run.Invocations[0].Notifications {
		levels = append(levels, n["level"].(string))
	}
	if got := strings.Join(levels, ","); got != "error,note,note" {
		t.Errorf("notification levels = %s, want error (input), note (notice), note (undecided)", got)
	}

	r.ShowUndecided = true
	l = decodeSARIF(t, render(t, "sarif", false, r))
	if n := len(l.Runs[0].Results); n != 5 {
		t.Fatalf("with ShowUndecided: %d results, want 5", n)
	}
	if lvl := l.Runs[0].Results[4]["level"]; lvl != "note" {
		t.Errorf("undecided result level = %v, want note", lvl)
	}
}

// A finding of a rule the report has no metadata for (an internal error,
// say) still gets a rule descriptor and a valid ruleIndex.
func TestSARIFUnknownRule(t *testing.T) {
	r := cleanReport()
	r.Findings = []*rules.Finding{{RuleID: "PVL999", Severity: rules.High, Message: "Internal error.",
		Loc: graph.Location{File: "a.yaml", Line: 1, Col: 1}}}
	data := render(t, "sarif", false, r)
	validateSARIF(t, data)
	l := decodeSARIF(t, data)
	rs := l.Runs[0].Tool.Driver.Rules
	idx := int(l.Runs[0].Results[0]["ruleIndex"].(float64))
	if idx != len(rs)-1 || rs[idx].ID != "PVL999" {
		t.Errorf("ruleIndex %d of %d rules", idx, len(rs))
	}
}

func TestSARIFLimits(t *testing.T) {
	r := cleanReport()
	f := &rules.Finding{RuleID: "PVL101", Severity: rules.High, Message: strings.Repeat("x", 10000),
		Loc: graph.Location{File: "a.yaml", Line: 1, Col: 1}}
	for i := range 60 {
		f.RelatedLocs = append(f.RelatedLocs, rules.Related{Loc: graph.Location{File: "b.yaml", Line: i + 1, Col: 1}, Message: "hop"})
	}
	r.Findings = []*rules.Finding{f}
	data := render(t, "sarif", false, r)
	validateSARIF(t, data)
	res := decodeSARIF(t, data).Runs[0].Results[0]
	if n := len(res["relatedLocations"].([]any)); n != maxRelated {
		t.Errorf("%d related locations, want the cap %d", n, maxRelated)
	}
	if n := len(res["message"].(map[string]any)["text"].(string)); n > maxMessageBytes {
		t.Errorf("message of %d bytes, want at most %d", n, maxMessageBytes)
	}
}

func TestRelativeURI(t *testing.T) {
	tests := map[string]string{
		"db/pvc.yaml":            "db/pvc.yaml",
		"charts/my chart/x.yaml": "charts/my%20chart/x.yaml",
		"100%/a.yaml":            "100%25/a.yaml",
		"c:odd/a.yaml":           "./c:odd/a.yaml",
		"a#b.yaml":               "a%23b.yaml",
	}
	for in, want := range tests {
		if got := relativeURI(in); got != want {
			t.Errorf("relativeURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSemanticVersion(t *testing.T) {
	tests := map[string]string{"v1.2.3": "1.2.3", "1.0.0-rc.1": "1.0.0-rc.1", "dev": "", "v1.2": "", "(devel)": ""}
	for in, want := range tests {
		if got := semanticVersion(in); got != want {
			t.Errorf("semanticVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
