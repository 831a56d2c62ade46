package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/loader/archive"

	"github.com/pvlint/pvlint/parsers/limits"
)

// tgzEntry is a file of a generated archive: data, or size zero bytes.
type tgzEntry struct {
	name string
	data []byte
	size int64
}

// writeArchive writes a chart archive of the given entries under top/.
func writeArchive(t testing.TB, dst, top string, entries ...tgzEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(gz)
	zeros := make([]byte, 64<<10)
	for _, e := range entries {
		size := int64(len(e.data)) + e.size
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + e.name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(e.data)
		for left := e.size; left > 0; left -= int64(len(zeros)) {
			tw.Write(zeros[:min(left, int64(len(zeros)))])
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	if dst != "" {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func subchart(t testing.TB, dst, name string, padding int64) []byte {
	return writeArchive(t, dst, name,
		tgzEntry{name: "Chart.yaml", data: []byte("apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n")},
		tgzEntry{name: "files/pad.bin", size: padding})
}

// lowBudget lowers the chart size budget for one test.
func lowBudget(t *testing.T, n int64) {
	saved := chartBudget
	chartBudget = n
	t.Cleanup(func() { chartBudget = saved })
}

// A chart's subchart archives share one size budget, each within Helm's
// own per-archive limit or not: the chart fails, naming the archive that
// went past the budget, before Helm unpacks any of them.
func TestSubchartArchivesShareOneBudget(t *testing.T) {
	lowBudget(t, 1<<20)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"top/Chart.yaml":       "apiVersion: v2\nname: top\nversion: 0.1.0\n",
		"top/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
	})
	for i := range 5 {
		subchart(t, filepath.Join(dir, fmt.Sprintf("top/charts/s%d-0.1.0.tgz", i)), fmt.Sprintf("s%d", i), 300<<10)
	}
	res := Render(dir, "top", Options{})
	if len(res.Errors) != 1 || len(res.Resources) != 0 {
		t.Fatalf("errors %v, %d resources", res.Errors, len(res.Resources))
	}
	e := res.Errors[0]
	if !strings.HasPrefix(e.File, "top/charts/s") || !strings.HasSuffix(e.File, ".tgz") ||
		!strings.Contains(e.Msg, "larger than Helm's 1048576-byte chart limit") || !strings.Contains(e.Msg, "/files/pad.bin") {
		t.Errorf("error %v", e)
	}

	// Within the budget, the same chart renders.
	lowBudget(t, 4<<20)
	if res := Render(dir, "top", Options{}); len(res.Errors) != 0 || len(res.Resources) != 1 {
		t.Errorf("within the budget: errors %v, %d resources", res.Errors, len(res.Resources))
	}
}

// A packaged chart whose charts/ hold archives, nested twice: the budget
// covers them all.
func TestNestedArchivesInAPackagedChart(t *testing.T) {
	lowBudget(t, 1<<20)
	dir := t.TempDir()
	inner := subchart(t, "", "inner", 700<<10)
	mid := writeArchive(t, "", "mid",
		tgzEntry{name: "Chart.yaml", data: []byte("apiVersion: v2\nname: mid\nversion: 0.1.0\n")},
		tgzEntry{name: "charts/inner-0.1.0.tgz", data: inner})
	writeArchive(t, filepath.Join(dir, "top-0.1.0.tgz"), "top",
		tgzEntry{name: "Chart.yaml", data: []byte("apiVersion: v2\nname: top\nversion: 0.1.0\n")},
		tgzEntry{name: "charts/mid-0.1.0.tgz", data: mid},
		tgzEntry{name: "charts/other-0.1.0.tgz", data: subchart(t, "", "other", 500<<10)})
	res := Render(dir, "top-0.1.0.tgz", Options{})
	if len(res.Errors) != 1 {
		t.Fatalf("errors %v", res.Errors)
	}
	if e := res.Errors[0]; e.File != "top-0.1.0.tgz" || !strings.Contains(e.Msg, "top-0.1.0.tgz/charts/") || !strings.Contains(e.Msg, "chart limit") {
		t.Errorf("error %v", e)
	}
	// Each alone fits, nested or not.
	for name, mb := range map[string]int64{"inner": 700 << 10, "other": 500 << 10} {
		writeArchive(t, filepath.Join(dir, name+".tgz"), "top",
			tgzEntry{name: "Chart.yaml", data: []byte("apiVersion: v2\nname: top\nversion: 0.1.0\n")},
			tgzEntry{name: "charts/" + name + "-0.1.0.tgz", data: subchart(t, "", name, mb)})
		if res := Render(dir, name+".tgz", Options{}); len(res.Errors) != 0 {
			t.Errorf("%s: %v", name, res.Errors)
		}
	}
}

// Measuring streams: the archives are never unpacked into memory.
func TestArchiveBudgetStreams(t *testing.T) {
	lowBudget(t, 16<<20)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"top/Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n"})
	for i := range 3 {
		subchart(t, filepath.Join(dir, fmt.Sprintf("top/charts/s%d-0.1.0.tgz", i)), fmt.Sprintf("s%d", i), 12<<20)
	}
	defer workersOff()()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := Render(dir, "top", Options{})
	runtime.ReadMemStats(&after)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "chart limit") {
		t.Fatalf("errors %v", res.Errors)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes to refuse archives of 12 MiB each", alloc)
	}
}

// The chart budget in the limits table is Helm's own per-archive limit.
func TestChartBytesIsHelms(t *testing.T) {
	if limits.ChartBytes != archive.MaxDecompressedChartSize {
		t.Errorf("limits.ChartBytes %d, Helm's archive.MaxDecompressedChartSize %d", limits.ChartBytes, archive.MaxDecompressedChartSize)
	}
}
