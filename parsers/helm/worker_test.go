package helm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"

	"github.com/pvlint/pvlint/internal/watchdog"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// workersOff switches the worker pool off, as where no worker can be
// started, and returns what switches it back on with its idle workers.
func workersOff() (restore func()) {
	pool.mu.Lock()
	saved, idle := pool.disabled, pool.idle
	pool.disabled, pool.idle = errNoWorker, nil
	pool.mu.Unlock()
	return func() {
		pool.mu.Lock()
		pool.disabled, pool.idle = saved, append(pool.idle, idle...)
		pool.mu.Unlock()
	}
}

// inProcess renders with the worker pool switched off, as where no worker
// can be started, and drops the notice that says so.
func inProcess(t *testing.T, root, chart string, opt Options) parsers.Result {
	t.Helper()
	defer workersOff()()
	res := Render(root, chart, opt)
	kept := res.Notices[:0]
	for _, n := range res.Notices {
		if !strings.Contains(n.Msg, "rendered in pvlint's own process") {
			kept = append(kept, n)
		}
	}
	if len(kept) == len(res.Notices) && len(res.Resources) > 0 {
		t.Fatalf("%s: no notice of rendering in process", chart)
	}
	if res.Notices = kept; len(kept) == 0 {
		res.Notices = nil
	}
	return res
}

// startedWorkers is how many workers the pool has started.
func startedWorkers() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.started
}

// Every chart of the repository's test data renders to the same result in
// a worker as in this process: objects, positions, errors and notices.
func TestWorkerRendersAsInProcess(t *testing.T) {
	watchdog.Start(t, 5*time.Minute)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var charts []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if d.IsDir() || d.Name() != "Chart.yaml" {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		for _, c := range charts {
			if strings.HasPrefix(rel, c+"/") {
				return nil // a subchart: rendered with its parent
			}
		}
		charts = append(charts, rel)
		return nil
	})
	if len(charts) < 15 {
		t.Fatalf("found %d charts", len(charts))
	}
	opt := Options{Timeout: time.Minute, Values: []string{}, Set: []string{"extra.count=3", "extra.list={a,b}"}}
	before := startedWorkers()
	for _, c := range charts {
		inWorker := Render(root, c, opt)
		in := inProcess(t, root, c, opt)
		if !graph.DeepEqual(inWorker, in) {
			t.Errorf("%s: the worker's result differs from rendering in process\nworker:     %+v\nin process: %+v", c, inWorker.Errors, in.Errors)
		}
	}
	if startedWorkers() == before && before == 0 {
		t.Errorf("no worker rendered")
	}
}

// Values keep their Go types through the worker, nil apart from empty:
// templates see the difference (kindOf, typeOf; a float64 1000000 prints
// as 1e+06).
func TestWorkerKeepsValueTypes(t *testing.T) {
	watchdog.Start(t, 2*time.Minute)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c/Chart.yaml":  "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/values.yaml": "empty: []\nmap: {}\nnothing: null\nbig: 1000000\nf: 1.5\ns: \"007\"\nb: true\nnested: {l: [1, {x: []}]}\n",
		"c/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: types\ndata:\n" +
			"  all: {{ toJson .Values | quote }}\n  kinds: {{ range $k, $v := .Values }}{{ $k }}={{ kindOf $v }}/{{ typeOf $v }};{{ end }}\n" +
			"  big: {{ .Values.big | quote }}\n  cap: {{ .Capabilities.KubeVersion.Version }}\n",
	})
	opt := Options{Set: []string{"n=5", "sl={}", "z=null"}, SetString: []string{"str=5"},
		Inline: []InlineValues{{Name: "inline", Values: map[string]any{"i64": int64(7), "fl": 2.5, "nilList": []any(nil), "emptyMap": map[string]any{}}}}}
	inWorker := Render(dir, "c", opt)
	in := inProcess(t, dir, "c", opt)
	if len(inWorker.Errors) > 0 || len(inWorker.Resources) != 1 {
		t.Fatalf("%v", inWorker.Errors)
	}
	if !graph.DeepEqual(inWorker, in) {
		t.Errorf("worker:\n%s\nin process:\n%s", inWorker.Resources[0].Origin().Rendered, in.Resources[0].Origin().Rendered)
	}
	for _, want := range []string{`\"empty\":[]`, `\"big\":1000000`, "big: \"1e+06\"", "i64=int64/int64", "fl=float64/float64"} {
		if !strings.Contains(inWorker.Resources[0].Origin().Rendered, want) {
			t.Errorf("rendered output lacks %s:\n%s", want, inWorker.Resources[0].Origin().Rendered)
		}
	}
}

func TestWireValues(t *testing.T) {
	v := map[string]any{
		"nil": nil, "t": true, "f": false, "s": "x", "i": 1, "i64": int64(math.MinInt64), "i32": int32(-3),
		"u": uint64(math.MaxUint64), "f64": math.Inf(-1), "f32": float32(0.5), "n": json.Number("1e3"),
		"strs": []string{"a"}, "nilStrs": []string(nil), "l": []any{}, "nilL": []any(nil), "m": map[string]any{},
		"nilM": map[string]any(nil), "vals": common.Values{"a": []any{common.Values(nil)}},
	}
	w := &wireWriter{}
	if err := w.value(v); err != nil {
		t.Fatal(err)
	}
	r := &wireReader{buf: w.buf}
	got := r.value()
	if r.err != nil || len(r.buf) != 0 || !reflect.DeepEqual(got, v) {
		t.Errorf("round trip: %#v (%v), want %#v", got, r.err, v)
	}
	if err := (&wireWriter{}).value(map[string]any{"c": make(chan int)}); err == nil {
		t.Errorf("a channel was encoded")
	}
	// A damaged frame is an error, never a panic or a huge allocation.
	for i := range w.buf {
		r := &wireReader{buf: w.buf[:i]}
		r.value()
		if r.err == nil {
			t.Fatalf("a frame cut at %d of %d decoded", i, len(w.buf))
		}
	}
	r = &wireReader{buf: []byte{tagList, 0xff, 0xff, 0xff, 0xff, 0x0f}}
	if r.value(); r.err == nil {
		t.Errorf("a list longer than its frame decoded")
	}
}

// gone reports whether the process pid has ended and been reaped.
func gone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// A chart that loops without calling any template function used to keep a
// core busy after its timeout until the process exited. Its worker is now
// killed: the process is gone when Render returns, and charts rendered at
// the same time and afterwards are reported.
func TestFunctionFreeLoopIsKilled(t *testing.T) {
	watchdog.Start(t, 3*time.Minute)
	dir := t.TempDir()
	loop := "{{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }}\n"
	listLoop := "{{ $l := list 1 2 3 4 5 6 7 8 9 10 }}{{ range $l }}{{ range until 1000000 }}{{ range until 1000 }}{{ end }}{{ end }}{{ end }}\n"
	writeFiles(t, dir, map[string]string{
		"loop1/Chart.yaml": "apiVersion: v2\nname: loop1\nversion: 0.1.0\n", "loop1/templates/x.yaml": loop,
		"loop2/Chart.yaml": "apiVersion: v2\nname: loop2\nversion: 0.1.0\n", "loop2/templates/x.yaml": listLoop,
		"good/Chart.yaml": "apiVersion: v2\nname: good\nversion: 0.1.0\n", "good/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n",
	})
	var wg sync.WaitGroup
	results := map[string]parsers.Result{}
	var mu sync.Mutex
	for _, c := range []string{"loop1", "loop2", "good"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			timeout := time.Second
			if c == "good" {
				timeout = time.Minute
			}
			res := Render(dir, c, Options{Timeout: timeout})
			mu.Lock()
			results[c] = res
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, c := range []string{"loop1", "loop2"} {
		if e := errs(results[c]); !strings.Contains(e, "chart "+c+" did not render within 1s") {
			t.Errorf("%s: errors %q", c, e)
		}
	}
	if len(results["good"].Errors) > 0 || find(t, results["good"], "ConfigMap", "good") == nil {
		t.Errorf("good chart: %s", errs(results["good"]))
	}
	killed := killedWorkers()
	if len(killed) < 2 {
		t.Fatalf("%d workers killed, want the 2 that looped", len(killed))
	}
	for _, pid := range killed {
		if !gone(pid) {
			t.Errorf("worker %d still runs after its chart timed out", pid)
		}
	}
	res := Render(dir, "good", Options{Timeout: time.Minute})
	if len(res.Errors) > 0 || len(res.Resources) != 1 {
		t.Errorf("after the timeouts: %s", errs(res))
	}
}

// A tpl recursion spelled through index or a variable (not seen by
// tplCycle), and a template recursion whose stack outgrows the worker's,
// end that chart alone with an error naming it and the cause. In process
// the second is a fatal stack overflow of the whole scan.
func TestRecursionEndsTheWorkerOnly(t *testing.T) {
	watchdog.Start(t, 3*time.Minute)
	withs := strings.Repeat("{{ with . }}", 10)
	ends := strings.Repeat("{{ end }}", 10)
	for _, c := range []struct{ name, values, tpl, want string }{
		{"index", "a: '{{ tpl (index .Values \"b\") . }}'\nb: '{{ tpl (index $.Values \"a\") . }}'\n", "data: {{ tpl .Values.a . }}\n",
			"value a renders itself through tpl (a → b → a)"},
		{"variable", "a: '{{ $v := .Values.a }}{{ tpl $v . }}'\n", "data: {{ tpl .Values.a . }}\n",
			limits.ChartRenderMemoryExceeded(limits.ChartRenderMemory)},
		{"stack", "", "{{- define \"x\" }}" + withs + "{{ template \"x\" . }}" + ends + "{{ end }}data: {{ template \"x\" . }}\n",
			limits.ChartRenderTooDeep(limits.ChartRenderStack)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", "c/values.yaml": c.values, "c/templates/x.yaml": c.tpl,
				"ok/Chart.yaml": "apiVersion: v2\nname: ok\nversion: 0.1.0\n", "ok/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
			})
			res := Render(dir, "c", Options{Timeout: 2 * time.Minute})
			if e := errs(res); !strings.Contains(e, "c: chart c: "+c.want) {
				t.Errorf("errors %q, want %q", e, c.want)
			}
			if len(res.Resources) > 0 {
				t.Errorf("the chart was scanned anyway")
			}
			if res := Render(dir, "ok", Options{}); len(res.Errors) > 0 || len(res.Resources) != 1 {
				t.Errorf("next chart: %s", errs(res))
			}
		})
	}
}

// Output written straight into the template's buffer (a range of repeats,
// each under the bounds of bounds.go) meets the worker's memory bound.
func TestRenderMemoryIsBounded(t *testing.T) {
	watchdog.Start(t, 2*time.Minute)
	res := renderTemplate(t, "{{ range until 1000000 }}{{ repeat 1000000 \"x\" }}{{ end }}\n", Options{Timeout: time.Minute})
	if e := errs(res); !strings.Contains(e, "chart c: "+limits.ChartRenderMemoryExceeded(limits.ChartRenderMemory)+"; it was not scanned") {
		t.Errorf("errors %q", e)
	}
}

// A worker that dies for another reason is an error for its chart whose
// text is bounded and escaped, whatever the worker printed.
func TestWorkerDeathIsReported(t *testing.T) {
	w := &renderWorker{stderr: &headBuffer{max: stderrHead}, cmd: nil}
	w.stderr.Write([]byte("panic: ::error::forged \x1b[2J" + strings.Repeat("x", 10000) + "\nmore"))
	msg := w.failure().Error()
	if strings.ContainsAny(msg, "\x1b\n") || len(msg) > 500 || !strings.Contains(msg, "the render worker stopped unexpectedly") {
		t.Errorf("message %q", msg)
	}
	if h := (&headBuffer{max: 4}); true {
		h.Write([]byte("abcdef"))
		if h.String() != "abcd" {
			t.Errorf("head %q", h.String())
		}
	}
}

// killedWorkers lists the processes of the workers killed so far.
func killedWorkers() []int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return append([]int(nil), pool.killed...)
}

// BenchmarkRender (bench_test.go) renders in a worker; this renders the
// same chart in process, for the per-chart cost of the worker. Both report
// the CPU time of this process and its workers.
func BenchmarkRenderInProcess(b *testing.B) {
	root := testRoot(b)
	defer workersOff()()
	benchCPU(b, func() {
		if res := Render(root, "charts/postgres", Options{}); len(res.Resources) == 0 {
			b.Fatal(res.Errors)
		}
	})
}

func BenchmarkRenderWorker(b *testing.B) {
	root := testRoot(b)
	Render(root, "charts/postgres", Options{}) // the worker's start is BenchmarkWorkerStart's
	benchCPU(b, func() {
		if res := Render(root, "charts/postgres", Options{}); len(res.Errors) > 0 || len(res.Resources) == 0 {
			b.Fatal(res.Errors)
		}
	})
}

// BenchmarkWorkerStart is the cost of starting a worker (paid once per
// worker per scan) and ending it.
func BenchmarkWorkerStart(b *testing.B) {
	benchCPU(b, func() {
		w, err := startWorker()
		if err != nil {
			b.Fatal(err)
		}
		w.in.Close()
		<-w.exited
		w.out.Close()
	})
}

func benchCPU(b *testing.B, f func()) {
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// processCPU is the CPU time of this process and its children, ended
// (rusage) or running (/proc, clock ticks of 1/100 s).
func processCPU() time.Duration {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	d := time.Duration(self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano())
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	for _, f := range tasks {
		list, _ := os.ReadFile(f)
		for _, pid := range strings.Fields(string(list)) {
			stat, _ := os.ReadFile("/proc/" + pid + "/stat")
			if i := strings.LastIndexByte(string(stat), ')'); i > 0 {
				if f := strings.Fields(string(stat[i+1:])); len(f) > 12 {
					u, _ := strconv.ParseInt(f[11], 10, 64)
					s, _ := strconv.ParseInt(f[12], 10, 64)
					d += time.Duration(u+s) * 10 * time.Millisecond
				}
			}
		}
	}
	return d
}

// loopChildEnv makes the test binary a pvlint stand-in that renders a
// chart which loops for ever (TestWorkersDieWithPvlint).
const loopChildEnv = "PVLINT_HELM_TEST_LOOP_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(loopChildEnv); dir != "" {
		Render(dir, "loop", Options{Timeout: time.Hour})
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A worker dies with pvlint, even in the middle of a render that never
// reads its pipe again: on Linux by the parent-death signal.
func TestWorkersDieWithPvlint(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc")
	}
	watchdog.Start(t, 2*time.Minute)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"loop/Chart.yaml": "apiVersion: v2\nname: loop\nversion: 0.1.0\n", "loop/templates/x.yaml": "{{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }}\n",
	})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loopChildEnv+"="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var worker int
	for worker == 0 { // until the stand-in has started its worker (the watchdog bounds this)
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", cmd.Process.Pid))
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			if f := strings.Fields(string(b)); len(f) > 0 {
				worker, _ = strconv.Atoi(f[0])
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	for !ended(worker) { // the watchdog fails the test if it never ends
		time.Sleep(20 * time.Millisecond)
	}
}

// ended reports whether process pid is gone or a zombie (it runs no more;
// in a container without an init that reaps, an orphan stays a zombie).
func ended(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && strings.HasPrefix(strings.TrimSpace(string(b[i+1:])), "Z")
}

// The worker's memory bound leaves room for what the other bounds allow: a
// chart that renders close to limits.ChartOutputBytes, from a chart close
// to Helm's own size budget, renders.
func TestLargeChartWithinTheBounds(t *testing.T) {
	watchdog.Start(t, 3*time.Minute)
	dir := t.TempDir()
	doc := "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-{{ $i }}\ndata:\n  x: {{ repeat 1048576 \"x\" }}\n"
	writeFiles(t, dir, map[string]string{
		"c/Chart.yaml":          "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/templates/x.yaml":    "{{ range $i := until 56 }}" + doc + "{{ end }}",
		"c/files/blob.txt":      strings.Repeat("0123456789abcdef", 40<<20/16),
		"c/templates/file.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: file\ndata:\n  size: {{ len (.Files.Get \"files/blob.txt\") | quote }}\n",
	})
	res := Render(dir, "c", Options{Timeout: 2 * time.Minute})
	if len(res.Errors) > 0 || len(res.Resources) != 57 {
		t.Fatalf("%d objects: %s", len(res.Resources), errs(res))
	}
	if cm := find(t, res, "ConfigMap", "file"); cm == nil {
		t.Errorf("no ConfigMap file")
	}
}
