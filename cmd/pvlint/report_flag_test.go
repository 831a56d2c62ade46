package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/internal/sarifcheck"
)

// One scan, several reports: the SARIF file, the JSON file and the
// annotations on standard output all come from the same run.
func TestReportFlagWritesEveryFormatFromOneScan(t *testing.T) {
	dir := tree(t, map[string]string{"pod.yaml": hostPathPod})
	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(dir, "summary.md"))
	code, out, errb := pvlint(t, dir, "", "--format", "github", "--report", "sarif=out.sarif", "--report", "json=out.json", ".")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errb)
	}
	if !strings.Contains(out, "::error file=pod.yaml") {
		t.Errorf("no annotation for pod.yaml on standard output:\n%s", out)
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifcheck.Validate(sarif); err != nil {
		t.Errorf("out.sarif: %v", err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{string(sarif), string(js)} {
		if !strings.Contains(doc, "PVL201") {
			t.Errorf("report lacks the PVL201 finding:\n%.400s", doc)
		}
	}
}

func TestReportFlagErrors(t *testing.T) {
	dir := tree(t, map[string]string{"pod.yaml": hostPathPod})
	for _, args := range [][]string{
		{"--report", "sarif"},
		{"--report", "xml=out.xml"},
		{"--report", "sarif=a.sarif", "--report", "json=a.sarif"},
		{"-o", "r.json", "--report", "sarif=r.json"},
	} {
		code, _, errb := pvlint(t, dir, "", append(args, ".")...)
		if code != 2 || !strings.Contains(errb, "--report") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming --report", args, code, errb)
		}
	}
}

// Settings in .pvlint.yaml act as their flags; a flag on the command line wins.
func TestConfigScanSettings(t *testing.T) {
	dir := tree(t, map[string]string{
		"pod.yaml":     hostPathPod,
		".pvlint.yaml": "baseline: base.json\n",
	})
	if code, _, errb := pvlint(t, dir, "", "--write-baseline", "base.json", "."); code != 0 {
		t.Fatalf("--write-baseline: exit %d\n%s", code, errb)
	}
	if code, out, errb := pvlint(t, dir, "", "."); code != 0 {
		t.Fatalf("with baseline: from the configuration: exit %d, want 0 (the finding is in the baseline)\n%s%s", code, out, errb)
	}
	// A baseline given on the command line wins over the file's: one
	// written on a clean tree records nothing, so the finding is back.
	clean := tree(t, map[string]string{"class.yaml": cleanClass})
	empty := filepath.Join(dir, "empty.json")
	if code, _, errb := pvlint(t, clean, "", "--write-baseline", empty, "."); code != 0 {
		t.Fatalf("--write-baseline on a clean tree: exit %d\n%s", code, errb)
	}
	if code, _, errb := pvlint(t, dir, "", "--baseline", "empty.json", "."); code != 1 {
		t.Errorf("--baseline empty.json: exit %d, want 1 (the flag wins over the file)\n%s", code, errb)
	}
	dir2 := tree(t, map[string]string{"pod.yaml": hostPathPod, ".pvlint.yaml": "namespace: prod\n"})
	_, out, _ := pvlint(t, dir2, "", "--format", "json", ".")
	if !strings.Contains(out, "prod") {
		t.Errorf("namespace: prod from the configuration is not used:\n%.600s", out)
	}
}

func TestCacheFlag(t *testing.T) {
	dir := tree(t, map[string]string{"pod.yaml": hostPathPod})
	if code, _, errb := pvlint(t, dir, "", "--cache", "sub/cache", "."); code != 2 || !strings.Contains(errb, "inside the scanned path") {
		t.Errorf("--cache inside the tree: exit %d, %q; want a usage error", code, errb)
	}
	outside := filepath.Join(t.TempDir(), "cache")
	for i := 0; i < 2; i++ {
		if code, _, errb := pvlint(t, dir, "", "--cache", outside, "."); code != 1 {
			t.Errorf("--cache outside, run %d: exit %d\n%s", i, code, errb)
		}
	}
}
