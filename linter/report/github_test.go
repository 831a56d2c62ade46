package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in, data, prop string
	}{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k: v, w", "k: v, w", "k%3A v%2C w"},
		{"%0A", "%250A", "%250A"}, // an already-escaped look-alike stays literal
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

// A value from a scanned file must not be able to end the annotation and
// start a workflow command of its own.
func TestGitHubCommandInjection(t *testing.T) {
	noStepSummary(t)
	r := cleanReport()
	r.Findings = []*rules.Finding{{
		RuleID: "PVL101", Severity: rules.Medium,
		Message: "StorageClass \"x\nadd-mask::y\r\n::error file=evil,line=1::owned\" is bad.",
		Loc:     graph.Location{File: "dir,with:odd/a.yaml", Line: 2, Col: 1},
	}}
	got := string(render(t, "github", false, r))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 { // the annotation and the summary line
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), got)
	}
	want := `::warning file=dir%2Cwith%3Aodd/a.yaml,line=2,col=1,title=PVL101 (medium)::StorageClass "x%0Aadd-mask::y%0D%0A::error file=evil,line=1::owned" is bad.`
	if lines[0] != want {
		t.Errorf("annotation:\n got %s\nwant %s", lines[0], want)
	}
}

func TestGitHubStepSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	const earlier = "## an earlier step\n\n"
	if err := os.WriteFile(path, []byte(earlier), 0o644); err != nil {
		t.Fatal(err)
	}
	old := stepSummaryPath
	stepSummaryPath = func() string { return path }
	t.Cleanup(func() { stepSummaryPath = old })

	annotations := render(t, "github", false, testReport())
	checkGolden(t, "github", annotations) // the summary changes nothing on stdout

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := strings.CutPrefix(string(data), earlier)
	if !ok {
		t.Fatalf("the step summary was overwritten, not appended to:\n%s", data)
	}
	checkGolden(t, "github_step_summary", []byte(got))
}

func TestGitHubStepSummaryTop20(t *testing.T) {
	r := cleanReport()
	for i := range 25 {
		sev := rules.Low
		if i == 24 {
			sev = rules.Critical // last in file order, first in the summary
		}
		r.Findings = append(r.Findings, &rules.Finding{
			RuleID: "PVL401", Severity: sev, Message: fmt.Sprintf("Finding %d is here. More text.", i),
			Loc: graph.Location{File: "a.yaml", Line: i + 1, Col: 1},
		})
	}
	got := stepSummary(r)
	if n := strings.Count(got, "| a.yaml:"); n != maxSummaryFindings {
		t.Errorf("%d findings in the table, want %d", n, maxSummaryFindings)
	}
	if !strings.Contains(got, "5 more not shown") {
		t.Errorf("no note of the findings left out:\n%s", got)
	}
	first := strings.Index(got, "| a.yaml:")
	if !strings.HasPrefix(got[first:], "| a.yaml:25 | [PVL401]("+docsBase+"PVL401.md) | critical | Finding 24 is here. |") {
		t.Errorf("the most severe finding is not first:\n%s", got)
	}
}

func TestGitHubStepSummaryUnwritable(t *testing.T) {
	old := stepSummaryPath
	stepSummaryPath = func() string { return filepath.Join(t.TempDir(), "missing-dir", "summary.md") }
	t.Cleanup(func() { stepSummaryPath = old })
	w, _ := New("github", false)
	if err := w.Write(new(strings.Builder), testReport()); err == nil || !strings.Contains(err.Error(), "step summary") {
		t.Errorf("Write = %v, want an error about the step summary", err)
	}
}

func TestMarkdownEscape(t *testing.T) {
	in := "a | b [link](http://x) <img src=x> *bold* `code` _u_\nnext"
	want := "a \\| b \\[link\\](http\\[:\\]//x) \\<img src=x\\> \\*bold\\* \\`code\\` \\_u\\_ next"
	if got := mdEscape(in); got != want {
		t.Errorf("mdEscape:\n got %s\nwant %s", got, want)
	}
}
