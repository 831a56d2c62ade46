package linter

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/corpus"
	"github.com/pvlint/pvlint/internal/corpus/memstat"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/limits"
	"github.com/pvlint/pvlint/parsers/terraform"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/custom"
)

// The corpora are generated once per test binary, into a temporary
// directory removed when the benchmarks end (see TestMain), and shared by
// the benchmarks that read the same inputs.
var (
	corpusMu   sync.Mutex
	corpusRoot string
	corpora    = map[string]corpus.Stats{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusRoot != "" {
		os.RemoveAll(corpusRoot)
	}
	os.Exit(code)
}

// benchCorpus returns the directory of a generated corpus and its stats.
func benchCorpus(b *testing.B, name string, gen func(dir string) (corpus.Stats, error)) (string, corpus.Stats) {
	b.Helper()
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if corpusRoot == "" {
		d, err := os.MkdirTemp("", "pvlint-bench-")
		if err != nil {
			b.Fatal(err)
		}
		corpusRoot = d
	}
	dir := filepath.Join(corpusRoot, name)
	if st, ok := corpora[name]; ok {
		return dir, st
	}
	b.StopTimer()
	st, err := gen(dir)
	// The first benchmark on a fresh corpus must not pay for the
	// generator: flush its writes to disk and collect its garbage.
	syscall.Sync()
	runtime.GC()
	b.StartTimer()
	if err != nil {
		b.Fatal(err)
	}
	corpora[name] = st
	return dir, st
}

var scales = []int{1, 2, 4}

func k8sCorpus(b *testing.B, n int) (string, corpus.Stats) {
	return benchCorpus(b, fmt.Sprintf("k8s-%dx", n), func(dir string) (corpus.Stats, error) {
		return corpus.K8s(dir, corpus.K8sConfig{Files: 2000 * n, Documents: 50000 * n, Dir: "."})
	})
}

// report adds documents/s, the peak heap and the CPU time (user+system,
// all threads: on a shared machine it moves less than the wall time) to a
// benchmark's metrics.
func report(b *testing.B, docs int, peak uint64, cpu time.Duration) {
	b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru, children syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	// Helm's render workers are child processes: the CPU of those that
	// ended, and of those still running (from /proc, in clock ticks of
	// 1/100 s), is the scan's too.
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	return time.Duration(ru.Utime.Nano()+ru.Stime.Nano()+children.Utime.Nano()+children.Stime.Nano()) + liveChildrenCPU()
}

// liveChildrenCPU is the CPU time of this process's running children.
func liveChildrenCPU() time.Duration {
	var ticks int64
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, pid := range strings.Fields(string(b)) {
			stat, err := os.ReadFile("/proc/" + pid + "/stat")
			if err != nil {
				continue
			}
			// Fields after the command name (which may hold spaces): state is
			// the 3rd field, utime and stime the 14th and 15th.
			if i := bytes.LastIndexByte(stat, ')'); i > 0 {
				f := strings.Fields(string(stat[i+1:]))
				if len(f) > 12 {
					u, _ := strconv.ParseInt(f[11], 10, 64)
					s, _ := strconv.ParseInt(f[12], 10, 64)
					ticks += u + s
				}
			}
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// liveHeap collects garbage and returns the bytes still reachable: with the
// last result held, what the scan keeps (the graph and the findings).
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkKubernetes is the whole pipeline — discovery, parallel parse,
// graph, every rule, suppression, sorting — over 50,000 documents in 2,000
// files, and twice and four times that.
func BenchmarkKubernetes(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			dir, st := k8sCorpus(b, n)
			b.SetBytes(st.Bytes)
			all := rules.All()
			b.ResetTimer()
			s := memstat.Start(time.Millisecond)
			cpu := cpuTime()
			var res *Result
			for i := 0; i < b.N; i++ {
				res = nil
				var err error
				res, err = Run(Options{Root: dir, Rules: all})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Errors) > 0 {
					b.Fatal(res.Errors[0])
				}
			}
			b.StopTimer()
			cpu = cpuTime() - cpu
			if n := len(res.Graph.Resources); n != st.Documents {
				b.Fatalf("graph holds %d resources, want %d", n, st.Documents)
			}
			report(b, st.Documents, s.Stop(), cpu)
			b.ReportMetric(float64(liveHeap())/(1<<20), "live-MB")
			b.ReportMetric(float64(len(res.Findings)), "findings")
			runtime.KeepAlive(res)
		})
	}
}

// BenchmarkKubernetesNoPVL306 is BenchmarkKubernetes without PVL306
// (rbac-create-pods-near-claims), whose cost grows with bindings × claims
// (see docs/benchmarks.md): it shows how the rest of the pipeline scales.
// Remove it once that rule is linear.
// BenchmarkKubernetesCustomRules is BenchmarkKubernetes at 1x with twenty
// custom rules (testdata/bench-rules.yaml: eighteen pvlint Rules, graph
// functions included, and two ValidatingAdmissionPolicies) on top of the
// built-in ones; compare its cpu-s/op and peak heap with
// BenchmarkKubernetes/1x. The rules keep what they match unpruned
// (ConfigMap data, container env), which the memory figure includes.
func BenchmarkKubernetesCustomRules(b *testing.B) {
	dir, st := k8sCorpus(b, 1)
	b.SetBytes(st.Bytes)
	set, err := custom.Load([]string{"testdata/bench-rules.yaml"}, func(id string) bool { return rules.ByID(id) != nil })
	if err != nil {
		b.Fatal(err)
	}
	if len(set.Rules) != 20 {
		b.Fatalf("%d custom rules, want 20", len(set.Rules))
	}
	all := append(rules.All(), set.Rules...)
	b.ResetTimer()
	s := memstat.Start(time.Millisecond)
	cpu := cpuTime()
	var res *Result
	for i := 0; i < b.N; i++ {
		res = nil
		res, err = Run(Options{Root: dir, Rules: all, Keep: set.Keep()})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors[0])
		}
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	nCustom := 0
	for _, f := range res.Findings {
		if !strings.HasPrefix(f.RuleID, "PVL") {
			nCustom++
		}
	}
	if nCustom == 0 {
		b.Fatal("the custom rules found nothing: the benchmark measures nothing")
	}
	report(b, st.Documents, s.Stop(), cpu)
	b.ReportMetric(float64(liveHeap())/(1<<20), "live-MB")
	b.ReportMetric(float64(nCustom), "custom-findings")
	runtime.KeepAlive(res)
}

func BenchmarkKubernetesNoPVL306(b *testing.B) {
	var some []*rules.Rule
	for _, r := range rules.All() {
		if r.ID != "PVL306" {
			some = append(some, r)
		}
	}
	for _, n := range scales[:2] {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			dir, st := k8sCorpus(b, n)
			b.SetBytes(st.Bytes)
			b.ResetTimer()
			s := memstat.Start(time.Millisecond)
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				res, err := Run(Options{Root: dir, Rules: some})
				if err != nil || len(res.Errors) > 0 || len(res.Graph.Resources) != st.Documents {
					b.Fatal(err, res.Errors)
				}
			}
			b.StopTimer()
			report(b, st.Documents, s.Stop(), cpuTime()-cpu)
		})
	}
}

// BenchmarkKubernetesParseOnly is the floor the pipeline is measured
// against: discovery, reading and parsing the same files in parallel into
// resources, with no graph, no rules and no report.
func BenchmarkKubernetesParseOnly(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			dir, st := k8sCorpus(b, n)
			b.SetBytes(st.Bytes)
			b.ResetTimer()
			s := memstat.Start(time.Millisecond)
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				opt := Options{Root: dir, Workers: runtime.GOMAXPROCS(0), MaxFileBytes: limits.FileBytes}
				ts, err := openTrees(dir, opt.MaxFileBytes)
				if err != nil {
					b.Fatal(err)
				}
				d := newDiscoverer(dir, ts, false, nil)
				d.add(".")
				res := parseManifests(ts, d.finish().manifests, opt)
				ts.close()
				if len(res.Errors) > 0 || len(res.Resources) != st.Documents {
					b.Fatalf("%d resources, want %d (%d errors)", len(res.Resources), st.Documents, len(res.Errors))
				}
			}
			b.StopTimer()
			report(b, st.Documents, s.Stop(), cpuTime()-cpu)
		})
	}
}

// BenchmarkTerraform runs the pipeline over 500 generated root modules (and
// 2× and 4×).
func BenchmarkTerraform(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			dir, st := benchCorpus(b, fmt.Sprintf("tf-%dx", n), func(dir string) (corpus.Stats, error) {
				return corpus.Terraform(dir, corpus.TerraformConfig{Modules: 500 * n, Dir: "."})
			})
			benchRun(b, dir, st, "Terraform evaluation", terraformDirect)
		})
	}
}

// BenchmarkHelm renders and lints 20 generated charts (and 2× and 4×).
func BenchmarkHelm(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			dir, st := benchCorpus(b, fmt.Sprintf("helm-%dx", n), func(dir string) (corpus.Stats, error) {
				return corpus.Helm(dir, corpus.HelmConfig{Charts: 20 * n, Dir: "."})
			})
			benchRun(b, dir, st, "Helm rendering", helmDirect)
		})
	}
}

// BenchmarkKustomize renders and lints 50 root kustomizations (10 bases of
// 100 documents, 5 overlays each with a namespace, a prefix, an image
// override, a strategic-merge and a JSON 6902 patch): 5,000 rendered
// objects mapped back to their bases and patches, and shared-base findings
// merged. BenchmarkKustomizeRawEquivalent lints raw YAML of the same size
// (50 files of 100 documents) for comparison.
func BenchmarkKustomize(b *testing.B) {
	dir, st := benchCorpus(b, "kustomize", func(dir string) (corpus.Stats, error) {
		return corpus.Kustomize(dir, corpus.KustomizeConfig{Dir: "."})
	})
	benchRun(b, dir, st, "Kustomize rendering", nil)
}

func BenchmarkKustomizeRawEquivalent(b *testing.B) {
	dir, st := benchCorpus(b, "kustomize-raw", func(dir string) (corpus.Stats, error) {
		return corpus.Kustomize(dir, corpus.KustomizeConfig{Dir: ".", Raw: true})
	})
	benchRun(b, dir, st, "raw YAML", nil)
}

// benchRun runs the pipeline over a Terraform or Helm corpus. Until the
// parser is wired into Run (which then finds no resources), it measures the
// same stages directly — the parser, graph.Build and every rule — so the
// figures exist before the wiring does; the log says which was measured.
func benchRun(b *testing.B, dir string, st corpus.Stats, what string, direct func(root string, in inputs, workers int) parsers.Result) {
	b.SetBytes(st.Bytes)
	all := rules.All()
	workers := runtime.GOMAXPROCS(0)
	res, err := Run(Options{Root: dir, Rules: all})
	if err != nil {
		b.Fatal(err)
	}
	wired := len(res.Graph.Resources) > 0
	var in inputs
	if !wired {
		b.Logf("%s is not wired into linter.Run yet: measuring the parser, graph.Build and the rules directly", what)
		ts, err := openTrees(dir, 0)
		if err != nil {
			b.Fatal(err)
		}
		d := newDiscoverer(dir, ts, false, nil)
		d.add(".")
		in = d.finish()
		ts.close()
	}
	b.ResetTimer()
	s := memstat.Start(time.Millisecond)
	cpu := cpuTime()
	var objects int
	for i := 0; i < b.N; i++ {
		if wired {
			res, err := Run(Options{Root: dir, Rules: all})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Errors) > 0 {
				b.Fatal(res.Errors[0])
			}
			objects = len(res.Graph.Resources)
			continue
		}
		parsed := direct(dir, in, workers)
		if len(parsed.Errors) > 0 {
			b.Fatal(parsed.Errors[0])
		}
		g := graph.Build(parsed.Resources, parsed.Comments, graph.Options{DefaultNamespace: "default"})
		findings, internal := runRules(g, all, workers)
		if len(internal) > 0 {
			b.Fatal(internal[0])
		}
		_ = findings
		objects = len(g.Resources)
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	peak := s.Stop()
	if objects == 0 {
		b.Fatalf("%s produced no resources", what)
	}
	b.ReportMetric(float64(objects)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

func terraformDirect(root string, in inputs, workers int) parsers.Result {
	g, err := fsgate.New(root, 0)
	if err != nil {
		panic(err)
	}
	defer g.Close()
	return terraform.Parse(g, in.modules, terraform.Options{})
}

func helmDirect(root string, in inputs, workers int) parsers.Result {
	results := make([]parsers.Result, len(in.charts))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = helm.Render(root, in.charts[i], helm.Options{})
			}
		}()
	}
	for i := range in.charts {
		next <- i
	}
	close(next)
	wg.Wait()
	var out parsers.Result
	for _, r := range results {
		out.Merge(r)
	}
	return out
}

// TestSameReportWhateverTheScheduling scans one generated corpus with one
// worker and with many, several times, and requires the same findings in
// the same order, down to severities and related locations.
func TestSameReportWhateverTheScheduling(t *testing.T) {
	dir := t.TempDir()
	if _, err := corpus.K8s(dir, corpus.K8sConfig{Files: 12, Documents: 12 * corpus.BundleSize}); err != nil {
		t.Fatal(err)
	}
	if _, err := corpus.Helm(dir, corpus.HelmConfig{Charts: 2, Components: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := corpus.Terraform(dir, corpus.TerraformConfig{Modules: 4}); err != nil {
		t.Fatal(err)
	}
	render := func(workers int) string {
		res, err := Run(Options{Root: dir, Rules: rules.All(), Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		var b []byte
		for _, f := range res.Findings {
			b = fmt.Appendf(b, "%s %v %s:%d:%d %s %s %v %v\n", f.RuleID, f.Severity, f.Loc.File, f.Loc.Line, f.Loc.Col, f.Loc.FieldPath, f.Message, f.RelatedLocs, f.Undecided)
		}
		return string(b)
	}
	want := render(1)
	if want == "" {
		t.Fatal("no findings on the generated corpus")
	}
	for _, w := range []int{2, 3, 8, 1, 16} {
		if got := render(w); got != want {
			t.Fatalf("%d workers: the report differs from one worker's", w)
		}
	}
}
