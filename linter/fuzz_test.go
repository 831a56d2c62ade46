package linter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	reports "github.com/pvlint/pvlint/linter/report"
	"github.com/pvlint/pvlint/parsers/limits"
	"github.com/pvlint/pvlint/rules"
)

// fuzzGoodPod is the good input every fuzzed tree holds: whatever the
// fuzzed input does, this manifest must still be reported.
const fuzzGoodPod = `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
    - name: c
      image: alpine
      volumeMounts:
        - {name: etc, mountPath: /host-etc, readOnly: true}
  volumes:
    - name: etc
      hostPath:
        path: /etc
`

// fuzzLayouts are where the fuzzed content goes in the tree, with the
// files that make it a chart or a module.
var fuzzLayouts = []struct {
	file  string
	fixed map[string]string
}{
	{"in.yaml", nil},
	{"in.json", nil},
	{"chart/templates/t.yaml", map[string]string{"chart/Chart.yaml": "apiVersion: v2\nname: fz\nversion: 1.0.0\n"}},
	{"chart/values.yaml", map[string]string{
		"chart/Chart.yaml":       "apiVersion: v2\nname: fz\nversion: 1.0.0\n",
		"chart/templates/t.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | default \"x\" }}\ndata:\n{{ toYaml .Values | indent 2 }}\n",
	}},
	{"tf/main.tf", nil},
	{"tf/main.tf.json", nil},
}

// maxFuzzBytes bounds the content one input generates: beyond the
// per-document limit (4 MiB), so that every limit can be reached.
const maxFuzzBytes = 6 << 20

// fuzzWatchdog is the time one input may take: more than the default chart
// timeout, which a looping template legitimately uses up.
const fuzzWatchdog = 3 * time.Minute

// FuzzRun runs the whole linter, with the default limits, over a tree that
// holds one generated input (head + unit × repeat + tail, placed by layout)
// next to a good manifest. Whatever the input, the run ends within the
// watchdog, the good manifest is reported, every error names a file, and
// every report format writes (JSON that parses, no escape sequence and no
// workflow command of the input's making).
func FuzzRun(f *testing.F) {
	k8s := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  k: "
	for _, s := range []struct {
		layout           uint8
		repeat           uint32
		head, unit, tail string
	}{
		{0, 1, fuzzGoodPod, "", ""},
		{0, 200_000, k8s, "[", ""},                // deep nesting
		{0, 3_000_000, k8s + "[", "1,", "1]\n"},   // a long flow sequence past the document limit
		{0, 300_000, k8s + "\n", "    - 1\n", ""}, // a long block sequence
		{0, 100_000, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\ndata:\n", "  k: v\n", ""}, // a wide map of one key
		{0, 20_000, "a: &a {k1: v, k2: v, k3: v}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n", "  - {<<: *a}\n", ""},
		{0, 9, "a: &a [x,x,x,x,x,x,x,x,x,x]\n", "", "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\napiVersion: v1\nkind: X\n"},
		{0, 1000, "", "---\n\ufeffapiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n", ""},
		{0, 1, "x: &x 1\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: *x}\n", "", ""},
		{0, 1, "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\\e[2J\\n::add-mask::x\"}\nspec:\n  containers: [{name: c, securityContext: {privileged: yes}}]\n", "", ""},
		{1, 1_000_000, `{"apiVersion": "v1", "kind": "List", "items": [`, `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}},`, `{}]}`},
		{2, 1, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n", "", ""},
		{2, 1000, "{{- range until 2000 }}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv{{ . }}}\nspec: {hostPath: {path: /d}}\n", "", "{{- end }}\n"},
		{2, 1, `{{ fail "::error::forged\n::stop-commands::x" }}`, "", ""},
		{2, 1, `{{- define "l" -}}{{ include "l" . }}{{- end -}}{{ include "l" . }}`, "", ""},
		{2, 100_000, "{{ `", "{{", "` }}"},
		{3, 1, "name: x\n", "", ""},
		{3, 50_000, "name: y\nlist:\n", "  - a\n", ""},
		{4, 1, "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  size = 1\n  encrypted = false\n}\n", "", ""},
		{4, 1, "resource \"aws_ebs_volume\" \"v\" {\n  count = 5000\n  availability_zone = \"a\"\n  encrypted = false\n}\n", "", ""},
		{5, 1, `{"resource": {"aws_ebs_volume": {"v": {"availability_zone": "a", "encrypted": false}}}}`, "", ""},
		{4, 100_000, "locals {\n  x = ", "(", ""},
		{4, 1, "locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]\n}\n", "", ""},
		{5, 200_000, `{"locals": {"x": `, "[", ""},
	} {
		f.Add(s.layout, s.repeat, []byte(s.head), []byte(s.unit), []byte(s.tail))
	}
	f.Fuzz(func(t *testing.T, layout uint8, repeat uint32, head, unit, tail []byte) {
		if len(head)+len(tail) > maxFuzzBytes {
			return
		}
		n := int(repeat)
		if len(unit) == 0 {
			n = 0
		} else if limit := (maxFuzzBytes - len(head) - len(tail)) / len(unit); n > limit {
			n = limit
		}
		content := make([]byte, 0, len(head)+n*len(unit)+len(tail))
		content = append(content, head...)
		content = append(content, bytes.Repeat(unit, n)...)
		content = append(content, tail...)

		lay := fuzzLayouts[int(layout)%len(fuzzLayouts)]
		dir := t.TempDir()
		files := map[string][]byte{"good/pod.yaml": []byte(fuzzGoodPod), lay.file: content}
		for name, body := range lay.fixed {
			if name != lay.file {
				files[name] = []byte(body)
			}
		}
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
		}

		desc := fmt.Sprintf("layout %s, %d bytes", lay.file, len(content))
		watchdog := time.AfterFunc(fuzzWatchdog, func() {
			panic(fmt.Sprintf("input took over %s (%s)", fuzzWatchdog, desc))
		})
		defer watchdog.Stop()

		res, err := Run(Options{Root: dir, Paths: []string{"."}, Rules: rules.All()})
		if err != nil {
			t.Fatalf("%s: configuration error %v", desc, err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > 2<<30 {
			t.Fatalf("%s: %d MB of heap in use after the run", desc, ms.HeapInuse>>20)
		}
		good := false
		for _, x := range res.Findings {
			good = good || (x.Loc.File == "good/pod.yaml" && x.RuleID == "PVL201")
		}
		if !good {
			t.Fatalf("%s: the good manifest is not reported; errors %v", desc, res.Errors)
		}
		if code := res.ExitCode(rules.Low); code != ExitFindings && code != ExitIncomplete {
			t.Fatalf("%s: exit %d", desc, code)
		}
		for _, e := range res.Errors {
			if e.File == "" || e.Msg == "" || len(e.Msg) > limits.MessageBytes {
				t.Fatalf("%s: error without a file or a bounded message: %q: %.200q", desc, e.File, e.Msg)
			}
			if strings.HasPrefix(e.File, "/") || strings.Contains(e.File, dir) {
				t.Fatalf("%s: error names a path outside the tree: %q", desc, e.File)
			}
		}
		checkReports(t, desc, res)
	})
}

// checkReports writes res in every format: each succeeds, JSON parses, and
// no text of the input acts on a terminal or a workflow runner.
func checkReports(t *testing.T, desc string, res *Result) {
	rep := &reports.Report{Version: "fuzz", Findings: res.Findings, Errors: res.Errors, Notices: res.Notices, DocsBaseURL: "https://docs.example/"}
	for _, r := range rules.All() {
		rep.Rules = append(rep.Rules, r.Meta)
	}
	for _, format := range reports.Formats() {
		w, err := reports.New(format, false)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := w.Write(&out, rep); err != nil {
			t.Fatalf("%s: %s report: %v", desc, format, err)
		}
		text := out.String()
		switch format {
		case "json", "sarif":
			if !json.Valid(out.Bytes()) {
				t.Fatalf("%s: %s report is not valid JSON", desc, format)
			}
			continue
		case "text", "github", "markdown":
		default:
			continue // html, dot, mermaid: written without error is what is checked here
		}
		if strings.ContainsAny(text, "\x1b\r\u202e") {
			t.Fatalf("%s: %s report holds a control or bidi character", desc, format)
		}
		if format == "github" {
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") && !strings.HasPrefix(line, "::error ") &&
					!strings.HasPrefix(line, "::error::") && !strings.HasPrefix(line, "::warning ") &&
					!strings.HasPrefix(line, "::notice ") && !strings.HasPrefix(line, "::notice::") {
					t.Fatalf("%s: workflow command pvlint did not write: %.200q", desc, line)
				}
			}
		}
	}
}
