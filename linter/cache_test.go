package linter

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/corpus"
	"github.com/pvlint/pvlint/linter/cache"
	reports "github.com/pvlint/pvlint/linter/report"
	"github.com/pvlint/pvlint/rules"
)

func jsonReport(t testing.TB, res *Result) []byte {
	t.Helper()
	rep := &reports.Report{Version: "test", Findings: res.Findings, Errors: res.Errors, Notices: res.Notices,
		Stats: reports.Stats{Files: res.Files, Resources: len(res.Graph.Resources), Charts: res.Charts, Modules: res.Modules}}
	for _, r := range rules.All() {
		rep.Rules = append(rep.Rules, r.Meta)
	}
	w, _ := reports.New("json", false)
	var b bytes.Buffer
	if err := w.Write(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The cache changes nothing but the time: cold, warm and after an edit, the
// report is byte-identical to a run without it, and only the edited chart
// is rendered again.
func TestChartCacheIsByteIdentical(t *testing.T) {
	dir := t.TempDir()
	if _, err := corpus.Helm(dir, corpus.HelmConfig{Charts: 3, Components: 2}); err != nil {
		t.Fatal(err)
	}
	run := func(c *cache.Cache) []byte {
		res, err := Run(Options{Root: dir, Rules: rules.All(), Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) > 0 || res.Charts != 3 {
			t.Fatalf("charts %d, errors %v", res.Charts, res.Errors)
		}
		return jsonReport(t, res)
	}
	open := func() *cache.Cache {
		c, err := cache.Open(filepath.Join(t.TempDir(), "..", "pvlint-cache"), "test-build")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	want := run(nil)
	cold := open()
	if got := run(cold); !bytes.Equal(got, want) {
		t.Fatal("cold cache: the report differs from a run without the cache")
	}
	if h, m := cold.Stats(); h != 0 || m != 3 {
		t.Errorf("cold: %d hits, %d misses; want 0 and 3", h, m)
	}
	warm := open()
	if got := run(warm); !bytes.Equal(got, want) {
		t.Fatal("warm cache: the report differs from a run without the cache")
	}
	if h, m := warm.Stats(); h != 3 || m != 0 {
		t.Errorf("warm: %d hits, %d misses; want 3 and 0", h, m)
	}

	// Edit one chart's values: a hostPath appears in its output.
	charts, _ := filepath.Glob(filepath.Join(dir, "charts", "*", "values.yaml"))
	if len(charts) != 3 {
		t.Fatalf("charts: %v", charts)
	}
	data, _ := os.ReadFile(charts[0])
	edited := strings.Replace(string(data), "enabled: true", "enabled: false", 1)
	if edited == string(data) {
		edited = string(data) + "\n# edited\n"
	}
	if err := os.WriteFile(charts[0], []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	want = run(nil)
	after := open()
	if got := run(after); !bytes.Equal(got, want) {
		t.Fatal("after an edit: the report differs from a run without the cache")
	}
	if h, m := after.Stats(); h != 2 || m != 1 {
		t.Errorf("after editing one chart: %d hits, %d misses; want 2 and 1", h, m)
	}
	// A file the chart did not have before is a change too.
	extra := filepath.Join(filepath.Dir(charts[1]), "templates", "extra.yaml")
	os.WriteFile(extra, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n"), 0o644)
	want = run(nil)
	added := open()
	if got := run(added); !bytes.Equal(got, want) {
		t.Fatal("after adding a template: the report differs from a run without the cache")
	}
	if h, m := added.Stats(); h != 2 || m != 1 {
		t.Errorf("after adding a template: %d hits, %d misses; want 2 and 1", h, m)
	}
}

// A damaged entry is a miss, never an error.
func TestChartCacheDamagedEntry(t *testing.T) {
	dir := t.TempDir()
	if _, err := corpus.Helm(dir, corpus.HelmConfig{Charts: 1, Components: 1}); err != nil {
		t.Fatal(err)
	}
	cdir := filepath.Join(t.TempDir(), "c")
	c, _ := cache.Open(cdir, "b")
	Run(Options{Root: dir, Rules: rules.All(), Cache: c})
	files, _ := filepath.Glob(filepath.Join(cdir, "*", "*.gob"))
	if len(files) != 1 {
		t.Fatalf("entries: %v", files)
	}
	os.WriteFile(files[0], []byte("not gob"), 0o644)
	c2, _ := cache.Open(cdir, "b")
	res, err := Run(Options{Root: dir, Rules: rules.All(), Cache: c2})
	if err != nil || len(res.Errors) > 0 || len(res.Graph.Resources) == 0 {
		t.Fatalf("a damaged entry broke the scan: %v %v", err, res.Errors)
	}
	if h, m := c2.Stats(); h != 0 || m != 1 {
		t.Errorf("damaged entry: %d hits, %d misses", h, m)
	}
}

// BenchmarkHelmCache: 20 charts, a cold run, then a run after one chart's
// values changed (the pull request case). The ratio is the second run's
// time over the first's (target < 0.25).
func BenchmarkHelmCache(b *testing.B) {
	dir := b.TempDir()
	if _, err := corpus.Helm(dir, corpus.HelmConfig{Charts: 20, Dir: "."}); err != nil {
		b.Fatal(err)
	}
	values, _ := filepath.Glob(filepath.Join(dir, "*", "values.yaml"))
	if len(values) != 20 {
		b.Fatalf("charts: %d", len(values))
	}
	var cold, warm time.Duration
	for i := 0; i < b.N; i++ {
		cdir := filepath.Join(b.TempDir(), "cache")
		c, _ := cache.Open(cdir, "bench")
		start := time.Now()
		if _, err := Run(Options{Root: dir, Rules: rules.All(), Cache: c}); err != nil {
			b.Fatal(err)
		}
		cold += time.Since(start)
		f, _ := os.OpenFile(values[i%len(values)], os.O_APPEND|os.O_WRONLY, 0)
		fmt.Fprintf(f, "\n# change %d\n", i)
		f.Close()
		c2, _ := cache.Open(cdir, "bench")
		start = time.Now()
		if _, err := Run(Options{Root: dir, Rules: rules.All(), Cache: c2}); err != nil {
			b.Fatal(err)
		}
		warm += time.Since(start)
		if h, m := c2.Stats(); h != 19 || m != 1 {
			b.Fatalf("second run: %d hits, %d misses; want 19 and 1", h, m)
		}
	}
	b.ReportMetric(float64(cold.Milliseconds())/float64(b.N), "cold-ms/op")
	b.ReportMetric(float64(warm.Milliseconds())/float64(b.N), "one-changed-ms/op")
	b.ReportMetric(float64(warm)/float64(cold), "ratio")
}
