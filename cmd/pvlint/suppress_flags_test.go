package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// suppressTree copies testdata/suppress into a temporary directory, adds
// files, and makes it the working directory (the scanned root).
func suppressTree(t *testing.T, extra map[string]string) string {
	t.Helper()
	src := suppressTestdata
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, rel), string(data))
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range extra {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), body); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func writeFile(p, body string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o644)
}

func runSuppress(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

type reportJSON struct {
	Findings []struct {
		RuleID     string `json:"rule_id"`
		Severity   string `json:"severity"`
		File       string `json:"file"`
		Line       int    `json:"line"`
		Suppressed *struct {
			Kind, Reason, Source string
		} `json:"suppressed"`
	} `json:"findings"`
	Notices []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"notices"`
}

// lintJSON runs with --format json --show-suppressed and returns the exit
// status, "FILE:LINE RULE -> KIND SOURCE (REASON)" per finding, the notices and stderr.
func lintJSON(t *testing.T, args ...string) (int, []string, []string, string) {
	t.Helper()
	code, out, errOut := runSuppress(t, append([]string{"--format", "json", "--show-suppressed"}, args...)...)
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("exit %d, stderr %q: report is not JSON: %v\n%s", code, errOut, err, out)
	}
	var fs, ns []string
	for _, f := range r.Findings {
		s := "FAIL"
		if f.Suppressed != nil {
			s = f.Suppressed.Kind + " " + f.Suppressed.Source + " (" + f.Suppressed.Reason + ")"
		}
		fs = append(fs, f.File+":"+strconv.Itoa(f.Line)+" "+f.RuleID+"@"+f.Severity+" -> "+s)
	}
	for _, n := range r.Notices {
		ns = append(ns, n.File+": "+n.Message)
	}
	return code, fs, ns, errOut
}

func wantList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestInlineIgnoresAndReasonSummary(t *testing.T) {
	suppressTree(t, nil)
	code, fs, ns, errOut := lintJSON(t, ".")
	if code != 1 {
		t.Errorf("exit %d, want 1 (one finding is not suppressed)", code)
	}
	wantList(t, "findings", fs, []string{
		"apps/pods.yaml:15 PVL201@medium -> inSource apps/pods.yaml:14 (ships the node's pod logs)",
		"apps/pods.yaml:30 PVL201@medium -> FAIL",
		"legacy/old.yaml:14 PVL201@medium -> inSource legacy/old.yaml:14 ()",
	})
	wantList(t, "notices", ns, nil)
	if !strings.Contains(errOut, "pvlint: 1 ignore without a reason\n") {
		t.Errorf("stderr %q: no count of ignores without a reason", errOut)
	}
}

func TestNoInlineIgnoresFlag(t *testing.T) {
	suppressTree(t, nil)
	code, fs, _, _ := lintJSON(t, "--no-inline-ignores", ".")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, f := range fs {
		if !strings.HasSuffix(f, "-> FAIL") {
			t.Errorf("--no-inline-ignores left %s", f)
		}
	}
}

func TestConfigFileAtRoot(t *testing.T) {
	suppressTree(t, map[string]string{
		"apps/pods.yaml": strings.Replace(readTestdata(t, "apps/pods.yaml"), "path: /srv/data", "path: /srv/data\n---\n"+strings.TrimSpace(podWithHostPath("extra", "/mnt/x")), 1),
		".pvlint.yaml": `# ignores kept out of the source
ignores:
  - rules: [PVL201]
    resource: Pod/*/web
    reason: web serves a node-local cache (SEC-42)
  - rules: [PVL201]
    paths: ["**/extra/**"]
    reason: matches nothing
exclude: [legacy]
`,
	})
	code, fs, ns, _ := lintJSON(t, ".")
	wantList(t, "findings", fs, []string{
		"apps/pods.yaml:15 PVL201@medium -> inSource apps/pods.yaml:14 (ships the node's pod logs)",
		"apps/pods.yaml:30 PVL201@medium -> external .pvlint.yaml:3 (web serves a node-local cache (SEC-42))",
		"apps/pods.yaml:45 PVL201@medium -> FAIL",
	})
	wantList(t, "notices", ns, []string{".pvlint.yaml: line 6: unused ignore for PVL201: it matches no finding"})
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}

func podWithHostPath(name, path string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000}
  containers:
  - name: c
    image: example/x:1.0
    volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
  volumes:
  - name: data
    hostPath:
      path: ` + path + `
`
}

// suppressTestdata is absolute: tests change directory.
var suppressTestdata, _ = filepath.Abs(filepath.Join("testdata", "suppress"))

// readTestdata reads a file of testdata/suppress.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suppressTestdata, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestConfigRulesAndFailOn(t *testing.T) {
	suppressTree(t, map[string]string{"conf/pvlint.yaml": "fail-on: critical\nrules:\n  PVL201: {severity: medium}\n"})
	code, fs, _, _ := lintJSON(t, "--config", "conf/pvlint.yaml", ".")
	if code != 0 {
		t.Errorf("exit %d, want 0 (fail-on critical from the configuration)", code)
	}
	if len(fs) != 3 || !strings.Contains(fs[1], "PVL201@medium -> FAIL") {
		t.Errorf("severity override not applied: %q", fs)
	}
	// The flag wins over the file.
	if code, _, _, _ := lintJSON(t, "--config", "conf/pvlint.yaml", "--fail-on", "medium", "."); code != 1 {
		t.Errorf("--fail-on medium: exit %d, want 1", code)
	}
	if err := writeFile("conf/pvlint.yaml", "rules:\n  PVL201: {enabled: false}\n"); err != nil {
		t.Fatal(err)
	}
	code, fs, ns, _ := lintJSON(t, "--config", "conf/pvlint.yaml", ".")
	if code != 0 || len(fs) != 0 {
		t.Errorf("disabled rule: exit %d, findings %q", code, fs)
	}
	// Ignores for a rule that did not run are not "unused".
	wantList(t, "notices", ns, nil)
}

func TestConfigErrors(t *testing.T) {
	suppressTree(t, map[string]string{".pvlint.yaml": "rules:\n  PVL201:\n    severity: urgent\n"})
	code, out, errOut := runSuppress(t, ".")
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q; want 2 and no report", code, out)
	}
	if want := `pvlint: .pvlint.yaml:3: rules.PVL201.severity: unknown severity "urgent"`; !strings.Contains(errOut, want) {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	code, _, errOut = runSuppress(t, "--config", "missing.yaml", ".")
	if code != 2 || !strings.Contains(errOut, "--config: missing.yaml: no such file") {
		t.Errorf("missing --config: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runSuppress(t, "--baseline", "missing.json", "--config", "/dev/null", ".")
	if code != 2 || !strings.Contains(errOut, "--baseline: missing.json: no such file") {
		t.Errorf("missing --baseline: exit %d, stderr %q", code, errOut)
	}
}

func TestBaselineWriteThenRead(t *testing.T) {
	dir := suppressTree(t, nil)
	code, out, errOut := runSuppress(t, "--write-baseline", "pvlint-baseline.json", ".")
	if code != 0 || out != "" {
		t.Fatalf("--write-baseline: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "pvlint: wrote 1 finding to baseline pvlint-baseline.json") {
		t.Errorf("stderr %q", errOut)
	}
	data, err := os.ReadFile(filepath.Join(dir, "pvlint-baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"resource": "Pod/default/web",`) || !strings.Contains(string(data), `"field": "spec.volumes.0.hostPath.path",`) || strings.Contains(string(data), `"line"`) {
		t.Errorf("baseline:\n%s", data)
	}

	if code, fs, _, _ := lintJSON(t, "--baseline", "pvlint-baseline.json", "."); code != 0 {
		t.Errorf("with the baseline: exit %d, findings %q", code, fs)
	}

	// Lines move (a comment block on top) and a new hostPath pod arrives:
	// only the new one fails.
	pods := "# moved down\n# by a few lines\n\n" + readTestdata(t, "apps/pods.yaml") + "---\n" + podWithHostPath("new", "/mnt/new")
	if err := writeFile("apps/pods.yaml", pods); err != nil {
		t.Fatal(err)
	}
	code, fs, ns, _ := lintJSON(t, "--baseline", "pvlint-baseline.json", ".")
	if code != 1 {
		t.Errorf("exit %d, want 1 for the new finding", code)
	}
	wantList(t, "findings", fs, []string{
		"apps/pods.yaml:18 PVL201@medium -> inSource apps/pods.yaml:17 (ships the node's pod logs)",
		"apps/pods.yaml:33 PVL201@medium -> external pvlint-baseline.json (in baseline pvlint-baseline.json)",
		"apps/pods.yaml:48 PVL201@medium -> FAIL",
		"legacy/old.yaml:14 PVL201@medium -> inSource legacy/old.yaml:14 ()",
	})
	wantList(t, "notices", ns, nil)
}

func TestExpiredAndUnusedIgnores(t *testing.T) {
	suppressTree(t, map[string]string{
		"apps/pods.yaml": strings.Replace(readTestdata(t, "apps/pods.yaml"), "PVL201 ships", "PVL201 until=2001-02-03 ships", 1),
		"apps/more.yaml": "# pvlint:ignore PVL202 nothing writable here\n" + podWithHostPath("more", "/srv/more") +
			"---\n# pvlint:ignore PVL201 until=2999-12-31 kept for now\n" + podWithHostPath("later", "/srv/later"),
	})
	code, fs, ns, errOut := lintJSON(t, ".")
	wantList(t, "findings", fs, []string{
		"apps/more.yaml:15 PVL201@medium -> FAIL",
		"apps/more.yaml:31 PVL201@medium -> inSource apps/more.yaml:17 (kept for now)",
		"apps/pods.yaml:15 PVL201@medium -> FAIL",
		"apps/pods.yaml:30 PVL201@medium -> FAIL",
		"legacy/old.yaml:14 PVL201@medium -> inSource legacy/old.yaml:14 ()",
	})
	wantList(t, "notices", ns, []string{
		"apps/more.yaml: line 1: unused ignore for PVL202: it matches no finding",
		"apps/pods.yaml: line 14: ignore for PVL201 expired on 2001-02-03",
	})
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	if strings.Contains(errOut, "--fail-on-unused-ignores") {
		t.Errorf("stderr counts unused ignores without --fail-on-unused-ignores: %q", errOut)
	}
}

func TestFailOnUnusedIgnores(t *testing.T) {
	suppressTree(t, map[string]string{
		".pvlint.yaml":   "ignores:\n  - rules: [PVL201]\n    resource: Pod/*/web\n    reason: accepted\n",
		"apps/more.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  # pvlint:ignore PVL201 stale\ndata: {}\n",
	})
	if code, _, _, _ := lintJSON(t, "."); code != 0 {
		t.Errorf("without the flag an unused ignore does not fail: exit %d", code)
	}
	code, _, ns, errOut := lintJSON(t, "--fail-on-unused-ignores", ".")
	wantList(t, "notices", ns, []string{"apps/more.yaml: line 5: unused ignore for PVL201: it matches no finding"})
	if !strings.Contains(errOut, "pvlint: 1 unused ignore (--fail-on-unused-ignores)") {
		t.Errorf("stderr %q", errOut)
	}
	if code != 1 {
		t.Errorf("--fail-on-unused-ignores: exit %d, want 1 (scan in run.go must end with `return f.supp.exitCode(code), nil`)", code)
	}
}
