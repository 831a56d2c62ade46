package linter

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

// tinyManifest is a small object of the kind most files of a large
// repository hold.
const tinyManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-%d
  namespace: ns-%d
  labels: {app: a%d}
data:
  key: value
`

// TestPerFileOverhead: what a scan keeps for each of many tiny manifest
// files (the resource, its fields, its file's bookkeeping) stays small;
// 100,000 such files took 1.5 GB, about 15 KB a file, and now keep about
// 970 bytes each (issue 18: 100,000 tiny files within 200 MB, the
// process's own 45 MB and the collector's room included).
func TestPerFileOverhead(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 1000
	}
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%d.yaml", i)), fmt.Appendf(nil, tinyManifest, i, i%7, i%13), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := Run(Options{Root: dir, Paths: []string{"."}, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if len(res.Graph.Resources) != n || len(res.Errors) != 0 {
		t.Fatalf("%d resources, %v", len(res.Graph.Resources), res.Errors)
	}
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(n)
	t.Logf("%d bytes kept per file", per)
	if per > 1280 {
		t.Errorf("%d bytes kept per file, want at most 1,280", per)
	}
	if p := os.Getenv("PVLINT_HEAPPROFILE"); p != "" {
		f, _ := os.Create(p)
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.KeepAlive(res)
}
