package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/internal/sarifcheck"
	"github.com/pvlint/pvlint/internal/version"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// pvlint runs the command in dir (the scanned root) and returns its exit
// status, standard output and standard error.
func pvlint(t *testing.T, dir string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const hostPathPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: c
      image: alpine
      volumeMounts:
        - name: etc
          mountPath: /host-etc
          readOnly: true
  volumes:
    - name: etc
      hostPath:
        path: /etc
`

const cleanClass = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
parameters:
  encrypted: "true"
  kmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
`

const mediumClass = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
parameters:
  encrypted: "true"
`

func TestExitStatuses(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  int
		inErr string
	}{
		{"clean", map[string]string{"sc.yaml": cleanClass}, nil, 0, ""},
		{"findings", map[string]string{"pod.yaml": hostPathPod}, nil, 1, ""},
		{"findings below fail-on", map[string]string{"sc.yaml": mediumClass}, []string{"--fail-on", "high"}, 0, ""},
		{"findings at fail-on", map[string]string{"sc.yaml": mediumClass}, []string{"--fail-on", "medium"}, 1, ""},
		{"fail-on none", map[string]string{"pod.yaml": hostPathPod}, []string{"--fail-on", "none"}, 0, ""},
		{"bad fail-on", nil, []string{"--fail-on", "urgent"}, 2, "--fail-on"},
		{"bad format", nil, []string{"--format", "xml"}, 2, "--format"},
		{"unknown flag", nil, []string{"--frobnicate"}, 2, "unknown flag"},
		{"bad var", nil, []string{"--var", "novalue"}, 2, "NAME=VALUE"},
		{"stdin twice", nil, []string{"-", "-"}, 2, "once"},
		{"incomplete wins over findings", map[string]string{"pod.yaml": hostPathPod, "broken.yaml": "kind: [\n"}, nil, 3, "broken.yaml"},
		{"incomplete without findings", map[string]string{"broken.yaml": "\x00\x01binary"}, []string{"--fail-on", "none"}, 3, "binary"},
		{"missing path", nil, []string{"does-not-exist"}, 2, "pvlint: does-not-exist: no such file or directory"},
		{"missing path among others", map[string]string{"sc.yaml": cleanClass}, []string{"sc.yaml", "./manfests"}, 2, "./manfests: no such file or directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := pvlint(t, tree(t, c.files), "", c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.want, stderr)
			}
			if !strings.Contains(stderr, c.inErr) {
				t.Errorf("stderr %q should mention %q", stderr, c.inErr)
			}
		})
	}
}

func TestStdinAndOutputFile(t *testing.T) {
	dir := tree(t, nil)
	code, out, _ := pvlint(t, dir, hostPathPod, "--format", "json", "-o", "report.json", "-")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q: the report goes to the file only", code, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			File   string `json:"file"`
			Line   int    `json:"line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 || rep.Findings[0].File != "stdin" || rep.Findings[0].RuleID != "PVL201" || rep.Findings[0].Line != 16 {
		t.Errorf("findings %+v", rep.Findings)
	}
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := pvlint(t, t.TempDir(), "", "--version")
	if want := "pvlint " + version.Read().String() + "\n"; code != 0 || out != want || !strings.HasPrefix(out, "pvlint "+version.Base) {
		t.Errorf("--version: %d %q, want %q", code, out, want)
	}
	code, out, _ = pvlint(t, t.TempDir(), "", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--fail-on") {
		t.Errorf("--help: %d %q", code, out)
	}
}

// The demo repository's reports are pinned byte for byte: columns, ranges,
// related locations, fingerprints. Regenerate with go test -update.
func TestDemoGoldens(t *testing.T) {
	root, err := sarifcheck.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(root, "cmd", "pvlint", "testdata")
	for _, format := range []string{"sarif", "json", "text"} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := pvlint(t, root, "", "--format", format, "--no-color", "testdata/demo")
			if code != 1 {
				t.Fatalf("demo exit %d, want 1 (findings); stderr:\n%s", code, stderr)
			}
			_, again, _ := pvlint(t, root, "", "--format", format, "--no-color", "testdata/demo")
			if again != out {
				t.Fatal("two runs over the same input differ")
			}
			if format == "sarif" {
				if err := sarifcheck.Validate([]byte(out)); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(golden, "demo."+format+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/pvlint -run TestDemoGoldens -update)", err)
			}
			if string(want) != out {
				t.Errorf("demo %s report differs from %s (run with -update after checking the diff)", format, path)
			}
		})
	}
}

// Every rule family shows at least one finding in the demo.
func TestDemoCoversEveryFamily(t *testing.T) {
	root, err := sarifcheck.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := pvlint(t, root, "", "--format", "json", "testdata/demo")
	for _, family := range []string{"PVL10", "PVL20", "PVL30", "PVL40", "PVL46", "PVL50"} {
		if !strings.Contains(out, `"rule_id": "`+family) {
			t.Errorf("the demo shows no %sx finding", family)
		}
	}
}

// A values file scoped to a chart directory that is no chart of the scan
// is a usage error, not a scan with default values (issue 12).
func TestScopedValuesForNoChart(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"charts/app/Chart.yaml":        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		"prod.yaml":                    "x: 1\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := pvlint(t, dir, "", "--values", "charts/ap=prod.yaml", ".")
	if code != 2 || !strings.Contains(stderr, `values "charts/ap=prod.yaml": charts/ap is not a chart directory of this scan (charts scanned: charts/app)`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := pvlint(t, dir, "", "--values", "./charts/app/=prod.yaml", "."); code != 0 {
		t.Errorf("matching chart: exit %d, stderr %q", code, stderr)
	}
}
