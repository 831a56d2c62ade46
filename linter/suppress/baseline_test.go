package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

func TestBaselineRoundTripAndLineMoves(t *testing.T) {
	g := scan(t, map[string]string{"p.yaml": hostPathPod})
	logs := at(t, g, "Pod/default/agent", "PVL201", "spec", "volumes", "0", "hostPath")
	run := at(t, g, "Pod/default/agent", "PVL201", "spec", "volumes", "1", "hostPath")
	dup := at(t, g, "Pod/default/agent", "PVL201", "spec", "volumes", "1", "hostPath")
	quiet := at(t, g, "Pod/default/agent", "PVL202", "spec")
	quiet.Suppression = &rules.Suppression{Kind: InSource}
	undecided := at(t, g, "Pod/default/agent", "PVL101", "spec")
	undecided.Undecided = true
	b := NewBaseline([]*rules.Finding{run, logs, dup, quiet, undecided})
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "findings": [
    {
      "rule": "PVL201",
      "resource": "Pod/default/agent",
      "field": "spec.volumes.0.hostPath",
      "file": "p.yaml",
      "message": "m"
    },
    {
      "rule": "PVL201",
      "resource": "Pod/default/agent",
      "field": "spec.volumes.1.hostPath",
      "file": "p.yaml",
      "message": "m"
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("baseline:\n%s\nwant:\n%s", data, want)
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := b.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	read, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}

	// The same pod, ten lines lower, with a third hostPath: only that one is new.
	moved := strings.Repeat("# a comment\n", 10) + hostPathPod + "  - name: new\n    hostPath:\n      path: /etc\n"
	g2 := scan(t, map[string]string{"p.yaml": moved})
	fs := []*rules.Finding{
		at(t, g2, "Pod/default/agent", "PVL201", "spec", "volumes", "0", "hostPath"),
		at(t, g2, "Pod/default/agent", "PVL201", "spec", "volumes", "1", "hostPath"),
		at(t, g2, "Pod/default/agent", "PVL201", "spec", "volumes", "2", "hostPath"),
	}
	opt := testOptions()
	opt.Baseline = read
	ns, st := Apply(g2, fs, opt)
	for i, f := range fs[:2] {
		if f.Suppression == nil || f.Suppression.Kind != External || f.Suppression.Reason != "in baseline "+path || f.Suppression.Source != path {
			t.Errorf("finding %d (line %d) not suppressed by the baseline: %+v", i, f.Loc.Line, f.Suppression)
		}
	}
	if fs[2].Suppression != nil {
		t.Errorf("a new finding was suppressed by the baseline")
	}
	if len(ns) != 0 || st.Stale != 0 {
		t.Errorf("notices %q, stats %+v", noticeStrings(ns), st)
	}

	// Fixed findings leave stale entries: one notice.
	ns, st = Apply(g2, fs[:1], opt)
	if got := noticeStrings(ns); len(got) != 1 || !strings.Contains(got[0], "1 baseline entry no longer matches a finding") || st.Stale != 1 {
		t.Errorf("notices %q, stats %+v", got, st)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"garbage.json": "not json",
		"version.json": `{"version": 7, "findings": []}`,
		"unknown.json": `{"version": 1, "findings": [], "extra": 1}`,
		"norule.json":  `{"version": 1, "findings": [{"resource": "x"}]}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadBaseline(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
	if _, err := ReadBaseline(filepath.Join(dir, "missing.json")); !os.IsNotExist(err) {
		t.Errorf("missing: %v", err)
	}
}
