package suppress

import (
	"fmt"
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
  "version": 2,
  "findings": [
    {
      "rule": "PVL201",
      "unit": "p.yaml",
      "resource": "Pod/default/agent",
      "field": "spec.volumes.0.hostPath",
      "file": "p.yaml",
      "message": "m"
    },
    {
      "rule": "PVL201",
      "unit": "p.yaml",
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

// A baseline written for envs/dev/pod.yaml does not cover a copy of the
// file in envs/prod: the source unit is part of the identity.
func TestBaselineDoesNotCoverACopiedFile(t *testing.T) {
	dev := scan(t, map[string]string{"envs/dev/pod.yaml": hostPathPod})
	b := NewBaseline([]*rules.Finding{at(t, dev, "Pod/default/agent", "PVL201", "spec", "volumes", "0", "hostPath")})
	both := scan(t, map[string]string{"envs/dev/pod.yaml": hostPathPod, "envs/prod/pod.yaml": hostPathPod})
	var devF, prodF *rules.Finding
	for _, r := range both.Resources {
		f := &rules.Finding{RuleID: "PVL201", Severity: rules.High, Message: "m", Loc: r.At("spec", "volumes", "0", "hostPath").Resolve(), Resource: r}
		if r.File == "envs/dev/pod.yaml" {
			devF = f
		} else {
			prodF = f
		}
	}
	if devF.Fingerprint() == prodF.Fingerprint() {
		t.Fatalf("dev and prod share fingerprint %s", devF.Fingerprint())
	}
	opt := testOptions()
	opt.Baseline = b
	Apply(both, []*rules.Finding{devF, prodF}, opt)
	if devF.Suppression == nil {
		t.Error("the baselined dev finding is not suppressed")
	}
	if prodF.Suppression != nil {
		t.Error("the prod copy passes as baselined")
	}
}

// Version 1 baselines (no units) are migrated when unambiguous and suppress
// nothing when an entry matches several units.
func TestBaselineVersion1(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "b.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	both := scan(t, map[string]string{"envs/dev/pod.yaml": hostPathPod, "envs/prod/pod.yaml": hostPathPod})
	findings := func() (dev, prod *rules.Finding) {
		for _, r := range both.Resources {
			f := &rules.Finding{RuleID: "PVL201", Severity: rules.High, Message: "m", Loc: r.At("spec", "volumes", "0", "hostPath").Resolve(), Resource: r}
			if r.File == "envs/dev/pod.yaml" {
				dev = f
			} else {
				prod = f
			}
		}
		return
	}
	entry := `{"rule": "PVL201", "resource": "Pod/default/agent", "field": "spec.volumes.0.hostPath"%s}`
	for _, c := range []struct {
		name, file      string
		devSup, prodSup bool
		notice          string
	}{
		{"file recorded: migrated", `, "file": "envs/dev/pod.yaml"`, true, false, "migrated in memory; rewrite it with --write-baseline"},
		{"no file, two units: ambiguous", ``, false, false, "matches findings in several source units and suppress none of them (PVL201 Pod/default/agent in envs/dev/pod.yaml, envs/prod/pod.yaml)"},
		{"recorded file gone, two units: ambiguous", `, "file": "old/pod.yaml"`, false, false, "several source units"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := ReadBaseline(write(`{"version": 1, "findings": [` + fmt.Sprintf(entry, c.file) + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			dev, prod := findings()
			opt := testOptions()
			opt.Baseline = b
			ns, _ := Apply(both, []*rules.Finding{dev, prod}, opt)
			if (dev.Suppression != nil) != c.devSup || (prod.Suppression != nil) != c.prodSup {
				t.Errorf("suppressed dev=%v prod=%v, want %v %v", dev.Suppression != nil, prod.Suppression != nil, c.devSup, c.prodSup)
			}
			if got := strings.Join(noticeStrings(ns), "\n"); !strings.Contains(got, c.notice) {
				t.Errorf("notices:\n%s\nwant %q", got, c.notice)
			}
		})
	}
	// One unit only: migrated without a recorded file.
	dev := scan(t, map[string]string{"envs/dev/pod.yaml": hostPathPod})
	b, err := ReadBaseline(write(`{"version": 1, "findings": [` + fmt.Sprintf(entry, "") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	f := at(t, dev, "Pod/default/agent", "PVL201", "spec", "volumes", "0", "hostPath")
	opt := testOptions()
	opt.Baseline = b
	Apply(dev, []*rules.Finding{f}, opt)
	if f.Suppression == nil {
		t.Error("an unambiguous version 1 entry is not migrated")
	}
	// Unreadable versions say what to do.
	for body, want := range map[string]string{
		`{"version": 3, "findings": []}`: "baseline version 3 is not supported (this pvlint reads versions 1 and 2); rewrite it with --write-baseline",
		`{"version": 1, "findings": [{"rule": "PVL201", "unit": "a.yaml", "resource": "x", "field": ""}]}`: "a version 1 baseline has no unit",
	} {
		if _, err := ReadBaseline(write(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
