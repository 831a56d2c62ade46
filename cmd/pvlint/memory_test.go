package main

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
}

func TestMemoryBudget(t *testing.T) {
	noEnv := func(string) string { return "" }
	meminfo := "MemTotal:       8388608 kB\nMemFree: 1 kB\n"
	tests := []struct {
		name  string
		flag  string
		env   func(string) string
		files map[string]string
		want  int64
	}{
		{"machine memory", "", noEnv, map[string]string{"/proc/meminfo": meminfo}, 6 << 30},
		{"cgroup v2 limit below it", "", noEnv, map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "2147483648\n"}, 1536 << 20},
		{"cgroup v2 without a limit", "", noEnv, map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "max\n"}, 6 << 30},
		{"cgroup v1 limit", "", noEnv, map[string]string{"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824"}, 768 << 20},
		{"GOMEMLIMIT wins", "", func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] }, map[string]string{"/proc/meminfo": meminfo}, 0},
		{"the flag wins over all", "512MiB", func(string) string { return "1GiB" }, map[string]string{"/proc/meminfo": meminfo}, 512 << 20},
		{"nothing known", "", noEnv, nil, 0},
	}
	for _, tt := range tests {
		got, err := memoryBudget(tt.flag, tt.env, fakeFiles(tt.files))
		if err != nil || got != tt.want {
			t.Errorf("%s: got %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GiB": 2 << 30, "1.5G": 3 << 29, "800MB": 800e6, "104857600": 100 << 20} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1G", "1KiB", "0"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
}

func TestMaxMemoryFlagErrors(t *testing.T) {
	dir := tree(t, map[string]string{"class.yaml": cleanClass})
	code, _, errb := pvlint(t, dir, "", "--max-memory", "lots", ".")
	if code != 2 || errb == "" {
		t.Errorf("--max-memory lots: exit %d, stderr %q; want a usage error", code, errb)
	}
}

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, gcPercentStart}, {2 << 20, gcPercentStart}, {8 << 20, 700}, {32 << 20, 200}, {64 << 20, 100}, {96 << 20, 50}, {128 << 20, 50}, {160 << 20, 50}, {4 << 30, 50},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("live %d MiB: GOGC %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// TestCeilingFor: the ceiling while the live heap leaves room under it,
// then the budget; never above the budget; no limit when none is known.
func TestCeilingFor(t *testing.T) {
	const none = int64(math.MaxInt64)
	for _, c := range []struct {
		live   uint64
		budget int64
		want   int64
	}{
		{0, 6 << 30, ceilingBytes}, {64 << 20, 6 << 30, ceilingBytes}, {ceilingLive, 6 << 30, ceilingBytes},
		{ceilingLive + 1, 6 << 30, 6 << 30}, {1 << 30, 6 << 30, 6 << 30},
		{0, 64 << 20, 64 << 20}, {1 << 30, 64 << 20, 64 << 20},
		{0, 0, ceilingBytes}, {1 << 30, 0, none},
	} {
		if got := ceilingFor(c.live, c.budget); got != c.want {
			t.Errorf("live %d MiB, budget %d MiB: limit %d, want %d", c.live>>20, c.budget>>20, got, c.want)
		}
	}
}

// TestLimitFor: the ceiling holds while the collector's share of the CPU
// stays at or under ceilingGCShare and the live heap at or under
// ceilingLive, and is lifted for good past either.
func TestLimitFor(t *testing.T) {
	if lim, held := limitFor(64<<20, 6<<30, 0.05); lim != ceilingBytes || !held {
		t.Errorf("cheap collections: %d, %v; want the ceiling", lim, held)
	}
	if lim, held := limitFor(64<<20, 6<<30, ceilingGCShare+0.01); lim != 6<<30 || held {
		t.Errorf("costly collections: %d, %v; want the budget, lifted", lim, held)
	}
	if lim, held := limitFor(ceilingLive+1, 6<<30, 0.05); lim != 6<<30 || held {
		t.Errorf("a live heap past ceilingLive: %d, %v; want the budget, lifted for good", lim, held)
	}
	if lim, held := limitFor(ceilingLive, 64<<20, 0.05); lim != 64<<20 || !held {
		t.Errorf("a budget under the ceiling: %d, %v; want the budget, the ceiling held", lim, held)
	}
}

// TestDroppedTreesSameReport: a SARIF-only run drops the graph's trees
// before writing (releaseTrees); a run that also writes the HTML report
// keeps them. Both must write the same SARIF for the demo, which has raw
// manifests, Helm charts, Kustomize overlays and Terraform.
func TestDroppedTreesSameReport(t *testing.T) {
	demo, err := filepath.Abs("../../testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	a, b := filepath.Join(out, "a.sarif"), filepath.Join(out, "b.sarif")
	code1, _, err1 := pvlint(t, demo, "", "--quiet", "--format", "sarif", "-o", a, ".")
	code2, _, err2 := pvlint(t, demo, "", "--quiet", "--format", "html", "-o", filepath.Join(out, "r.html"), "--report", "sarif="+b, ".")
	if code1 != code2 || err1 != err2 {
		t.Fatalf("exit %d and %d, stderr %q and %q", code1, code2, err1, err2)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if len(da) < 1000 || !bytes.Equal(da, db) {
		t.Errorf("SARIF differs with the trees dropped (%d and %d bytes)", len(da), len(db))
	}
}
