package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const claimElsewhere = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: shop
spec:
  storageClassName: platform-fast
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`

// Each way a scan used to pass by accident, with its exit status.
func TestNeverSilentlyClean(t *testing.T) {
	cases := []struct {
		name     string
		files    map[string]string
		stdin    string
		args     []string
		want     int
		inStderr []string
		inStdout []string
		notOut   []string
		notErr   []string
	}{
		{name: "nonexistent path", args: []string{"./manfests"}, want: 2,
			inStderr: []string{"pvlint: ./manfests: no such file or directory"}},
		{name: "existing path scans", files: map[string]string{"manifests/sc.yaml": cleanClass}, args: []string{"./manifests"}, want: 0,
			notOut: []string{"nothing to scan"}},
		{name: "empty directory", files: map[string]string{"docs/README.md": "# docs\n"}, args: []string{"--no-color", "docs"}, want: 0,
			inStderr: []string{"notice: nothing to scan in docs"},
			inStdout: []string{"No findings; nothing to scan in docs; 0 files, 0 resources scanned."}},
		{name: "empty directory, quiet", files: map[string]string{"docs/README.md": "# docs\n"}, args: []string{"-q", "docs"}, want: 0,
			notErr: []string{"notice:"}, inStdout: []string{"nothing to scan in docs;"}},
		{name: "empty stdin", stdin: "", args: []string{"-"}, want: 3,
			inStderr: []string{"stdin: standard input is empty"}},
		{name: "blank stdin", stdin: "\n  \n", args: []string{"-"}, want: 3,
			inStderr: []string{"standard input is empty"}},
		{name: "stdin with a manifest", stdin: cleanClass, args: []string{"-"}, want: 0},
		{name: "class not in the scan: clean by default", files: map[string]string{"pvc.yaml": claimElsewhere}, args: []string{"."}, want: 0},
		{name: "class not in the scan: --verbose lists it", files: map[string]string{"pvc.yaml": claimElsewhere}, args: []string{"--verbose", "."}, want: 0,
			inStderr: []string{"undecided: pvc.yaml:7:3: PVL103", `"platform-fast", which is not in the scanned files`}},
		{name: "class not in the scan: --fail-on-unknown fails", files: map[string]string{"pvc.yaml": claimElsewhere}, args: []string{"--fail-on-unknown", "--no-color", "."}, want: 1,
			inStdout: []string{"unknown   PVL103"}},
		{name: "undecided high, --fail-on critical: passes", files: map[string]string{"pvc.yaml": claimElsewhere}, args: []string{"--fail-on-unknown", "--fail-on", "critical", "."}, want: 0},
		{name: "undecided high, --fail-on high: fails", files: map[string]string{"pvc.yaml": claimElsewhere}, args: []string{"--fail-on-unknown", "--fail-on", "high", "."}, want: 1},
		{name: "chart that renders nothing", files: map[string]string{
			"chart/Chart.yaml":           "apiVersion: v2\nname: off\nversion: 0.1.0\n",
			"chart/values.yaml":          "enabled: false\n",
			"chart/templates/claim.yaml": "{{- if .Values.enabled }}\n" + claimElsewhere + "{{- end }}\n",
		}, args: []string{"--format", "json", "."}, want: 0,
			inStderr: []string{"notice: chart: chart rendered no objects"}},
		{name: "chart that renders", files: map[string]string{
			"chart/Chart.yaml":           "apiVersion: v2\nname: on\nversion: 0.1.0\n",
			"chart/templates/class.yaml": cleanClass,
		}, args: []string{"--format", "json", "."}, want: 0, notOut: []string{"rendered no objects"}},
		{name: "module that produces nothing", files: map[string]string{
			"infra/main.tf": "variable \"x\" {}\noutput \"y\" { value = var.x }\n",
		}, args: []string{"--format", "json", "."}, want: 0,
			inStderr: []string{"notice: infra: Terraform module produced no resources"}},
		{name: "module that produces", files: map[string]string{
			"infra/main.tf": "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  size = 1\n  encrypted = true\n  kms_key_id = \"arn:aws:kms:eu-west-1:111122223333:key/x\"\n}\n",
		}, args: []string{"--format", "json", "."}, notOut: []string{"produced no resources"}, want: -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := pvlint(t, tree(t, c.files), c.stdin, c.args...)
			if c.want >= 0 && code != c.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want, out, stderr)
			}
			for _, s := range c.inStderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			for _, s := range c.inStdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.notErr {
				if strings.Contains(stderr, s) {
					t.Errorf("stderr has %q:\n%s", s, stderr)
				}
			}
			for _, s := range c.notOut {
				if strings.Contains(out+stderr, s) {
					t.Errorf("output has %q:\n%s\n%s", s, out, stderr)
				}
			}
		})
	}
}

// The JSON summary and the SARIF notifications carry what the text shows.
func TestNothingToScanAndUndecidedInReports(t *testing.T) {
	root := tree(t, map[string]string{"docs/README.md": "# docs\n", "k8s/pvc.yaml": claimElsewhere})
	code, out, _ := pvlint(t, root, "", "--format", "json", "docs", "k8s")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Summary struct {
			NothingToScan []string `json:"nothing_to_scan"`
			Undecided     int      `json:"undecided"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Summary.NothingToScan, ",") != "docs" || rep.Summary.Undecided != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	_, out, _ = pvlint(t, root, "", "--format", "sarif", "docs", "k8s")
	for _, s := range []string{"nothing to scan in docs", `StorageClass \"platform-fast\", which is not in the scanned files`} {
		if !strings.Contains(out, s) {
			t.Errorf("SARIF lacks %q", s)
		}
	}
}
