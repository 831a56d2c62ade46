package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

// The child process of TestAllReproducersAtOnce: the test binary started
// again with this variable runs pvlint's command line on its arguments, so
// that its time and peak memory are those of a real run.
const childEnv = "PVLINT_ACCEPTANCE_CHILD"

// runAsChild runs pvlint's command line and exits when the test binary was
// started as the child (TestMain calls it first).
func runAsChild() {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
}

var fullAcceptance = flag.Bool("acceptance.full", false,
	"TestAllReproducersAtOnce at the issue's largest sizes (a 120 MB flow sequence, 100,000 tiny files)")

// reproducer is one hostile input of issue 13 in the acceptance tree: the
// files (or links, pipes) that make it, and what standard error must say.
type reproducer struct {
	name  string
	setup func(t *testing.T, root, outside string)
	want  []string // lines of standard error (substrings); none for an input that is not an error
}

func putFile(t *testing.T, root, name string, body []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

func files(m map[string]string) func(t *testing.T, root, outside string) {
	return func(t *testing.T, root, _ string) {
		for name, body := range m {
			putFile(t, root, name, []byte(body))
		}
	}
}

const cmHead = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"

func flowSequence(size int) []byte {
	head := fmt.Sprintf(cmHead+"data: [", "flow")
	return append(append([]byte(head), bytes.Repeat([]byte("1,"), (size-len(head))/2)...), "1]\n"...)
}

// helmChart is a chart of one template (and values.yaml when given).
func helmChart(dir, values, template string) func(t *testing.T, root, outside string) {
	m := map[string]string{dir + "/Chart.yaml": chartYAML, dir + "/templates/x.yaml": template}
	if values != "" {
		m[dir+"/values.yaml"] = values
	}
	return files(m)
}

// crossdocLine is the line of the alias in yaml/crossdoc.yaml.
var crossdocLine int

// reproducers lists every input of issue 13 that lives in a tree.
func reproducers(full bool) []reproducer {
	tiny := 20_000
	flowBig := 0
	if full {
		tiny, flowBig = 100_000, 120<<20
	}
	rs := []reproducer{
		// Never read outside the tree (hostile-fs).
		{"links and pipes", func(t *testing.T, root, outside string) {
			putFile(t, outside, "secret.yaml", []byte(hostPathPod))
			symlink(t, "/etc/passwd", filepath.Join(root, "fs/leak.yaml"))
			symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(root, "fs/outside.yaml"))
			symlink(t, "/dev/zero", filepath.Join(root, "fs/zero.yaml"))
			symlink(t, "..", filepath.Join(root, "fs/up"))
			mkfifo(t, filepath.Join(root, "fs/pipe.yaml"))
		}, []string{
			"fs/leak.yaml: symbolic link points outside the scanned tree",
			"fs/outside.yaml: symbolic link points outside the scanned tree",
			"fs/zero.yaml: symbolic link points outside the scanned tree",
			"fs/pipe.yaml: not a regular file (a named pipe)",
		}},
		{"terraform links", func(t *testing.T, root, outside string) {
			putFile(t, outside, "terraform.tfvars", []byte("size = 99\n"))
			putFile(t, outside, "mod/main.tf", []byte(plainVolume))
			putFile(t, root, "tf-links/main.tf", []byte(plainVolume+"module \"m\" {\n  source = \"./link\"\n}\nlocals {\n  piped = file(\"fifo.txt\")\n}\n"))
			symlink(t, "/etc/passwd", filepath.Join(root, "tf-links/leak.tf"))
			symlink(t, "/dev/zero", filepath.Join(root, "tf-links/zero.tf"))
			symlink(t, filepath.Join(outside, "mod"), filepath.Join(root, "tf-links/link"))
			mkfifo(t, filepath.Join(root, "tf-links/pipe.tf"))
			mkfifo(t, filepath.Join(root, "tf-links/fifo.txt"))
			putFile(t, root, "tf-vars/main.tf", []byte(plainVolume))
			symlink(t, filepath.Join(outside, "terraform.tfvars"), filepath.Join(root, "tf-vars/terraform.tfvars"))
		}, []string{
			"tf-links/leak.tf: symbolic link points outside",
			"tf-links/zero.tf: symbolic link points outside",
			"tf-links/pipe.tf: not a regular file",
			`local module directory "tf-links/link": symbolic link points outside`,
			"file(): tf-links/fifo.txt: not a regular file",
			"tf-vars/terraform.tfvars: variables file: symbolic link points outside",
		}},
		{"helm links", func(t *testing.T, root, outside string) {
			putFile(t, outside, "t.yaml", []byte(hostPathPod))
			putFile(t, root, "helm-links/Chart.yaml", []byte(chartYAML))
			putFile(t, root, "helm-links/templates/cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Files.Get \"files/env\" | quote }}\n"))
			symlink(t, "/proc/self/environ", filepath.Join(root, "helm-links/files/env"))
			symlink(t, filepath.Join(outside, "t.yaml"), filepath.Join(root, "helm-links/templates/x.yaml"))
			symlink(t, "..", filepath.Join(root, "helm-links/charts/self"))
		}, []string{
			"helm-links/files/env: chart helm-links: symbolic link points outside",
			"helm-links/templates/x.yaml: chart helm-links: symbolic link points outside",
			"helm-links/charts/self: chart helm-links: symbolic link to a directory that contains it",
		}},

		// Never crash, hang or blow memory: Terraform (hostile-fs).
		{"hcl nesting", files(map[string]string{
			"tf-deep/main.tf":           "locals {\n  x = " + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + "\n}\n",
			"tf-deep-json/main.tf.json": `{"locals": {"x": ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}}",
		}), []string{"tf-deep/main.tf:2:", "nesting deeper than", "tf-deep-json/main.tf.json:"}},
		{"terraform values", files(map[string]string{
			"tf-for/main.tf":   "locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]\n}\n",
			"tf-toset/main.tf": "locals {\n  s = toset(flatten([for i in range(1000) : [for j in range(100) : \"s${i}-${j}\"]]))\n}\n",
			"tf-count/main.tf": "resource \"aws_ebs_volume\" \"v\" {\n  count = -5\n  availability_zone = \"a\"\n}\n",
		}), []string{"tf-for/main.tf", "tf-toset/main.tf", "tf-count/main.tf"}},

		// YAML (hostile-yaml).
		{"flow sequence 50 MB", func(t *testing.T, root, _ string) {
			putFile(t, root, "yaml/flow.yaml", flowSequence(50<<20))
		}, []string{"yaml/flow.yaml:1: YAML document is larger than 4 MiB"}},
		{"list of a million items", func(t *testing.T, root, _ string) {
			var b bytes.Buffer
			b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
			line := []byte("- {apiVersion: v1, kind: ConfigMap, metadata: {name: c")
			for i := 0; i < 1_000_000; i++ {
				b.Write(line)
				b.Write(strconv.AppendInt(nil, int64(i), 10))
				b.WriteString("}}\n")
			}
			putFile(t, root, "yaml/list.yaml", b.Bytes())
		}, []string{"yaml/list.yaml:1: YAML document is larger than 4 MiB"}},
		{"merged anchor", func(t *testing.T, root, _ string) {
			var b bytes.Buffer
			fmt.Fprintf(&b, cmHead+"base: &a\n", "merged")
			for i := 0; i < 20_000; i++ {
				fmt.Fprintf(&b, "  k%d: v%d\n", i, i)
			}
			for i := 0; i < 200; i++ {
				fmt.Fprintf(&b, "m%d:\n  <<: *a\n", i)
			}
			putFile(t, root, "yaml/merge.yaml", b.Bytes())
		}, []string{"yaml/merge.yaml:1: document expands to more than ", " nodes through its aliases and merge keys"}},
		{"wide map", func(t *testing.T, root, _ string) {
			var b bytes.Buffer
			fmt.Fprintf(&b, cmHead+"data:\n", "wide")
			for i := 0; i < 100_000; i++ {
				b.WriteString("  k")
				b.Write(strconv.AppendInt(nil, int64(i), 10))
				b.WriteString(": v\n")
			}
			putFile(t, root, "yaml/wide.yaml", b.Bytes())
		}, nil},
		{"cross-document alias in a chunked file", func(t *testing.T, root, _ string) {
			// Over 8 MiB, so decoded in chunks: the alias must fail as it
			// does in a small file, on its line.
			var b bytes.Buffer
			b.WriteString("base: &b {path: /etc}\n")
			value := strings.Repeat("x", 4000)
			for i := 0; b.Len() < 9<<20; i++ {
				fmt.Fprintf(&b, "---\n"+cmHead+"data: {k: %s}\n", fmt.Sprint("c", i), value)
			}
			line := bytes.Count(b.Bytes(), []byte("\n")) + 6
			b.WriteString("---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: aliased}\nspec:\n  hostPath: *b\n")
			putFile(t, root, "yaml/crossdoc.yaml", b.Bytes())
			crossdocLine = line
		}, []string{"alias *b refers to no anchor defined before it in the same document"}},
		{"tiny files", func(t *testing.T, root, _ string) {
			for i := 0; i < tiny; i++ {
				putFile(t, root, fmt.Sprintf("tiny/d%03d/f%d.yaml", i/500, i), fmt.Appendf(nil, cmHead, fmt.Sprint("t", i)))
			}
		}, nil},

		// Never forge the log (hostile-yaml).
		{"helm fail message", files(map[string]string{
			"helm-fail/Chart.yaml":       chartYAML,
			"helm-fail/templates/x.yaml": `{{ fail "x\n::add-mask::secret\n::stop-commands::tok\n::error::forged\x1b[2J" }}` + "\n",
		}), []string{"helm-fail/templates/x.yaml:1:3: chart helm-fail: execution error"}},
		{"self-recursive tpl", files(map[string]string{
			"helm-tpl/Chart.yaml":       chartYAML,
			"helm-tpl/values.yaml":      "a: '{{ tpl .Values.b . }}'\nb: '{{ tpl $.Values.a . }}'\n",
			"helm-tpl/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: {{ tpl .Values.a . }}\n",
		}), []string{"chart helm-tpl: value a renders itself through tpl"}},
		{"include recursion", files(map[string]string{
			"helm-rec/Chart.yaml":       chartYAML,
			"helm-rec/templates/_h.tpl": `{{- define "rec.loop" -}}{{ include "rec.loop" . }}{{- end -}}`,
			"helm-rec/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"rec.loop\" . }}\n",
		}), []string{"helm-rec/templates/x.yaml"}},

		// Helm render bombs (hostile-fs's bounds, hostile-helm's workers).
		{"helm range until 1e9", helmChart("helm-until", "", "{{ range until 1000000000 }}x{{ end }}\n"),
			[]string{"helm-until/templates/x.yaml:1:9: chart helm-until: ", "until: a template function was asked for more than 1000000 elements"}},
		{"helm repeat 2e9", helmChart("helm-repeat", "", `{{ repeat 2000000000 "x" }}`+"\n"),
			[]string{"helm-repeat/templates/x.yaml:1:3: chart helm-repeat: ", "repeat: a string of more than"}},
		{"helm untilStep", helmChart("helm-untilstep", "", "{{ range untilStep 0 2000000000 1 }}x{{ end }}\n"),
			[]string{"helm-untilstep/templates/x.yaml:1:9: chart helm-untilstep: ", "untilStep: a template function was asked for more than"}},
		{"helm loop without function calls", helmChart("helm-loop", "", "{{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }}\n"),
			[]string{"helm-loop: chart helm-loop did not render within"}},
		{"helm tpl recursion through index", helmChart("helm-tpl-index", "a: '{{ tpl (index .Values \"a\") . }}'\n", "data: {{ tpl .Values.a . }}\n"),
			[]string{"helm-tpl-index: chart helm-tpl-index: value a renders itself through tpl (a → a)"}},
		{"helm template recursion past the stack", helmChart("helm-stack", "",
			`{{- define "x" }}`+strings.Repeat("{{ with . }}", 10)+`{{ template "x" . }}`+strings.Repeat("{{ end }}", 10)+`{{ end }}data: {{ template "x" . }}`+"\n"),
			[]string{"helm-stack: chart helm-stack: rendering nested deeper than its 64 MiB stack allows"}},
	}
	if full {
		// Each takes a render worker to its memory bound (256 MiB, seconds).
		rs = append(rs, reproducer{"helm tpl recursion through a variable", helmChart("helm-tpl-var", "a: '{{ $v := .Values.a }}{{ tpl $v . }}'\n", "data: {{ tpl .Values.a . }}\n"),
			[]string{"helm-tpl-var: chart helm-tpl-var: rendering needed more than 256 MiB of memory"}},
			reproducer{"helm output built in the template", helmChart("helm-mem", "", "{{ range until 1000000 }}{{ repeat 1000000 \"x\" }}{{ end }}\n"),
				[]string{"helm-mem: chart helm-mem: rendering needed more than 256 MiB of memory"}})
	}
	if flowBig > 0 {
		rs = append(rs, reproducer{"flow sequence 120 MB", func(t *testing.T, root, _ string) {
			putFile(t, root, "yaml/flow-big.yaml", flowSequence(flowBig))
		}, []string{"yaml/flow-big.yaml:1: YAML document is larger than 4 MiB"}})
	}
	return rs
}

// TestAllReproducersAtOnce is issue 13's acceptance: a tree holding its
// reproducers at once, plus good inputs, scanned on 2 cores, finishes in
// under 30 s with a peak RSS under 1 GB, reports the good inputs, names
// every bad input on standard error and exits 3. pvlint runs as a child
// process so that its time and memory are measured alone.
func TestAllReproducersAtOnce(t *testing.T) {
	watchdog.Start(t, 15*time.Minute) // generating the tree and go build are slow on a busy machine
	root, outside := t.TempDir(), t.TempDir()
	if d := os.Getenv("PVLINT_ACCEPTANCE_DIR"); d != "" {
		root = d // kept, to profile a run by hand
	}
	putFile(t, root, "good/pod.yaml", []byte(hostPathPod))
	putFile(t, root, "good/yaml11.yaml", []byte(strings.Replace(hostPathPod, "readOnly: true", "readOnly: yes", 1)+
		"---\n\ufeff"+strings.Replace(strings.Replace(hostPathPod, "name: debug", "name: bom", 1), "image: alpine", "image: alpine\n      securityContext: {privileged: yes}", 1)))
	rs := reproducers(*fullAcceptance)
	for _, r := range rs {
		r.setup(t, root, outside)
	}

	// The test binary runs pvlint itself. With the race detector (make
	// test), which multiplies time and memory, the behaviour is asserted
	// and the time and memory bounds are left to a plain go test.
	bin, env := os.Args[0], append(os.Environ(), childEnv+"=1", "GOMAXPROCS=2")
	cmd := exec.Command(bin, "--format", "json", ".")
	cmd.Dir = root
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// pvlint renders charts in worker processes: the memory that counts is
	// that of pvlint and its workers together, sampled here (rusage gives
	// the largest single process only).
	peakTree := make(chan int64, 1)
	stop := make(chan struct{})
	go func() {
		var peak int64
		for {
			peak = max(peak, treeRSS(cmd.Process.Pid))
			select {
			case <-stop:
				peakTree <- peak
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	tree := <-peakTree
	var maxrss int64
	var cpu time.Duration
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxrss = ru.Maxrss << 10 // kilobytes on Linux
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	load := loadAverage()
	t.Logf("%d inputs: %.1f s (%.1f s of CPU, load average %.1f), peak RSS %d MB (one process), %d MB (pvlint and its render workers, sampled)",
		len(rs), wall.Seconds(), cpu.Seconds(), load, maxrss>>20, tree>>20)
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("exit %d (%v), want 3\n%.3000s", code, err, errb.String())
	}
	// Under 30 s on 2 cores: at most 60 s of CPU time, and 30 s of wall
	// time on a machine that is not busier than its 2 cores (the wall bound
	// grows with the load average, so a shared CI machine does not fail it).
	if !raceEnabled && cpu > 60*time.Second {
		t.Errorf("used %s of CPU, more than 2 cores × 30 s", cpu)
	}
	if limit := time.Duration(float64(30*time.Second) * max(1, load/2)); !raceEnabled && wall > limit {
		t.Errorf("took %s, want under %s", wall, limit)
	}
	if !raceEnabled && max(maxrss, tree) > 1<<30 {
		t.Errorf("peak RSS %d MB (one process), %d MB (with the render workers), want under 1 GB", maxrss>>20, tree>>20)
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			File   string `json:"file"`
			Line   int    `json:"line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		found[fmt.Sprintf("%s:%d %s", f.File, f.Line, f.RuleID)] = true
		found[f.File+" "+f.RuleID] = true
	}
	for _, want := range []string{
		"good/pod.yaml PVL201",
		"good/yaml11.yaml:26 PVL203", // privileged: yes, in the document after a BOM
	} {
		if !found[want] {
			t.Errorf("report lacks %s", want)
		}
	}
	if found["good/yaml11.yaml PVL202"] {
		t.Errorf("readOnly: yes reported as writable")
	}
	stderr := errb.String()
	if want := fmt.Sprintf("yaml/crossdoc.yaml:%d: alias *b", crossdocLine); !strings.Contains(stderr, want) {
		t.Errorf("standard error lacks %q", want)
	}
	for _, r := range rs {
		for _, want := range r.want {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: standard error lacks %q", r.name, want)
			}
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if !strings.HasPrefix(line, "error: ") && !strings.HasPrefix(line, "notice: ") && !strings.HasPrefix(line, "pvlint: ") {
			t.Errorf("standard error line without a label: %.200q", line)
		}
		if len(line) > 2200 || strings.ContainsAny(line, "\x1b\r") {
			t.Errorf("unbounded or raw standard error line: %.200q", line)
		}
	}
	if strings.Contains(out.String()+stderr, "root:x:0") {
		t.Errorf("/etc/passwd reached the output")
	}
}

// loadAverage is the machine's one-minute load average, or 0.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}

// treeRSS is the resident memory of process pid and its descendants, from
// /proc (0 where there is none).
func treeRSS(pid int) int64 {
	var total int64
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid)); err == nil {
		var size, resident int64
		fmt.Sscan(string(b), &size, &resident)
		total += resident * int64(os.Getpagesize())
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, c := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(c); err == nil {
				total += treeRSS(n)
			}
		}
	}
	return total
}
