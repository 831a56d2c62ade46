package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"

	"github.com/pvlint/pvlint/linter/graph"
)

// The Go runtime's soft memory limit: near it the garbage collector works
// harder instead of letting the heap grow, so a large scan trades speed for
// memory rather than being killed by the kernel or the CI runner. By
// default it is three quarters of the memory the process may use (the
// cgroup limit of a container, else the machine's memory); GOMEMLIMIT in
// the environment wins over the default, as the Go runtime documents, and
// --max-memory, said on the command line, wins over both.

// memoryBudget returns the limit to set in bytes (0: leave the runtime's).
func memoryBudget(flag string, env func(string) string, read func(string) ([]byte, error)) (int64, error) {
	if flag != "" {
		n, err := parseBytes(flag)
		if err != nil {
			return 0, fmt.Errorf("--max-memory: %w", err)
		}
		return n, nil
	}
	if env("GOMEMLIMIT") != "" {
		return 0, nil
	}
	avail := availableMemory(read)
	if avail <= 0 {
		return 0, nil
	}
	return avail / 4 * 3, nil
}

// availableMemory is the cgroup (v2, then v1) memory limit, else MemTotal
// from /proc/meminfo; 0 when neither says.
func availableMemory(read func(string) ([]byte, error)) int64 {
	var total int64
	if data, err := read("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := read(p)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(data))
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			return n // "max" (v2) or a huge number (v1) mean no limit
		}
	}
	return total
}

// parseBytes reads 512MiB, 2GiB, 1.5G, 800M or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			mult, t = u.mult, strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v*mult < 16<<20 {
		return 0, fmt.Errorf("%q: want a size of at least 16MiB, such as 512MiB or 2GiB", s)
	}
	return int64(v * mult), nil
}

func setMemoryLimit(flag string) error {
	n, err := memoryBudget(flag, os.Getenv, os.ReadFile)
	if err != nil {
		return err
	}
	if n > 0 {
		debug.SetMemoryLimit(n)
	}
	// GOMEMLIMIT alone is the user's limit, left as set; otherwise the
	// tuner may lower the limit below the budget (see ceilingFor).
	tuneGC(os.Getenv, n, flag != "" || os.Getenv("GOMEMLIMIT") == "")
	return nil
}

// The garbage collector's pace. With the runtime's default (GOGC=100) the
// heap may grow to twice what is live before a collection: a third of a
// small scan's time went to collecting a heap that never came near any
// limit, while a large scan's peak was twice its live data. pvlint instead
// aims the heap at heapGoal: while the live heap is small the collector
// lets it grow up to three times (GOGC 200), and as the live heap nears the
// goal it collects more often, down to GOGC 50 (one and a half times the
// live heap), which keeps a collection's cost proportional to the memory
// allocated, so that twice the input still takes about twice the time.
// (A floor of 25 was tried: with the trees dropped before the report, the
// 50,000-document scan peaks at the same 266-270 MB either way, and 25 cost
// 10-15 % more CPU there and more at 100,000.) The goal is 128 MiB: it was
// 192, and at 128 the 50,000-document scan peaks 17 MB lower and 100,000
// tiny files 40 MB lower, with no CPU measurably lost (paired runs); a 10k
// scan's heap stays under both.
// The soft memory limit above still applies; GOGC in the environment turns
// the tuning off.
const (
	heapGoal        = 128 << 20
	gcPercentMax    = 200
	gcPercentMin    = 50
	gcPercentStride = 10 // changes smaller than this are not applied

	// heapFloor is the heap below which the collector does not run. The
	// runtime starts collecting at a 4 MB heap (scaled by GOGC/100): at
	// GOGC 200 a scan ran a collection at 8, 18, 28, 40 and 56 MB while
	// its heap grew, marking its young graph again and again and slowing
	// the parse with write barriers. A 64 MB floor removes those (10,000
	// documents: 9 collections become 3, 17 % less wall time, 10 MB more
	// peak memory); a scan whose heap stays below it never collects.
	// gcPercentStart makes the runtime's first collection wait for it
	// (4 MB × 1600 %); after that gcPercentFor keeps the goal at or above
	// it.
	heapFloor      = 64 << 20
	gcPercentStart = 1600
)

// The ceiling. GOGC paces the heap's objects only; the memory the process
// holds also counts spans already swept but not yet returned to the
// system, which the runtime gives back slowly unless a memory limit is
// near. While the live heap is small enough, the tuner therefore sets the
// soft memory limit to a ceiling of ceilingBytes: the collector runs a
// little early instead of holding free spans, and the scavenger returns
// them. 100,000 tiny files (89-93 MiB live at most) peak at 184 MB RSS
// with the ceiling and 195-211 MB without, in the same time. Once the live
// heap passes ceilingLive the ceiling would leave too little room to
// collect efficiently, and the limit goes back to the budget: a large scan
// is paced for throughput by GOGC alone, so that twice the input still
// takes about twice the time. (A 50,000-document scan passes through the
// band on its way to 140 MiB live: 7 MB less peak RSS for 1-2 % more CPU
// in paired runs. Ceilings of 160 MiB up to 120 MiB live cost it 12 %.)
// The budget (the machine's memory or --max-memory) always caps the
// ceiling.
const (
	ceilingBytes = 144 << 20
	ceilingLive  = 100 << 20
)

// ceilingGCShare is the share of the busy CPU the collector may have taken
// while the ceiling is set: a scan that makes garbage fast with a modest
// live heap (Kustomize rendering a large overlay repository) collects
// under the ceiling all the time, so past this share the ceiling is
// lifted for the rest of the run. kubeflow/manifests: 18 s under the
// ceiling, 12 s with it lifted (the collector's share passes 0.2 early);
// 100,000 tiny files stay under 0.2 and keep it (at 0.1 they lost it).
const ceilingGCShare = 0.20

// ceilingFor is the soft memory limit for a live heap: the ceiling while
// live is at most ceilingLive, else the budget (0: none known, no limit).
// limitFor decides when the ceiling is lifted for good.
func ceilingFor(live uint64, budget int64) int64 {
	lim := int64(math.MaxInt64)
	if budget > 0 {
		lim = budget
	}
	if live <= ceilingLive {
		lim = min(lim, ceilingBytes)
	}
	return lim
}

// limitFor is the soft memory limit after a collection that left live
// bytes, the collector having taken share of the busy CPU so far, and
// whether the ceiling still holds. Past ceilingGCShare (collecting under
// it costs too much there) or once the live heap has passed ceilingLive it
// is lifted for the rest of the run: a live heap that hovers about
// ceilingLive, or falls when the trees are dropped, does not flip the
// limit back and forth.
func limitFor(live uint64, budget int64, share float64) (int64, bool) {
	if share > ceilingGCShare || live > ceilingLive {
		return ceilingFor(math.MaxUint64, budget), false
	}
	return ceilingFor(live, budget), true
}

// gcPercentFor is the GOGC that aims a heap with live bytes reachable at
// heapGoal, within [gcPercentMin, gcPercentMax], and never below heapFloor.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcPercentStart
	}
	p := int64(100 * (int64(heapGoal) - int64(live)) / int64(live))
	p = min(max(p, gcPercentMin), gcPercentMax)
	if f := int64(100 * (int64(heapFloor) - int64(live)) / int64(live)); f > p {
		p = min(f, gcPercentStart)
	}
	return int(p)
}

// tuneGC sets the collector's pace now and after every collection (a
// finalizer on an object that only the collector frees runs once per
// cycle and re-arms itself) unless GOGC is set.
// budget is the memory limit already set (0: none) and ceiling whether the
// tuner may lower it (not when the user set only GOMEMLIMIT).
func tuneGC(env func(string) string, budget int64, ceiling bool) {
	if env("GOGC") != "" {
		return
	}
	tuneOnce.Do(func() {
		t := &gcTuner{percent: gcPercentStart, budget: budget, ceiling: ceiling}
		debug.SetGCPercent(gcPercentStart)
		if ceiling {
			t.limit = ceilingFor(0, budget)
			debug.SetMemoryLimit(t.limit)
		}
		t.arm()
	})
}

var tuneOnce sync.Once

type gcTuner struct {
	percent int
	sample  []metrics.Sample
	budget  int64 // the memory limit set from the budget (0: none)
	ceiling bool  // whether adjust sets the soft memory limit
	limit   int64 // the soft memory limit adjust last set
}

type gcSentinel struct {
	t *gcTuner
	_ [16]byte // not a tiny allocation: those are batched and freed late
}

func (t *gcTuner) arm() {
	runtime.SetFinalizer(&gcSentinel{t: t}, func(s *gcSentinel) {
		s.t.adjust()
		s.t.arm()
	})
}

// releaseTrees drops the graph's node trees before a report that does not
// read them is written (report.ReadsGraph). On a large scan the trees are
// most of the live heap, and the collector paced the heap for them: without
// a collection now, the report's allocations would fill the heap up to the
// goal that the trees set (one and a half times graph and findings) before
// the next one. So when the live heap is large, one collection runs here,
// and the report is written under a goal set by what it needs. A small
// scan skips it: its heap is far from any goal and a collection is time.
func releaseTrees(g *graph.Graph) {
	g.DropTrees()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 && s[0].Value.Uint64() > releaseCollectAbove {
		runtime.GC()
	}
}

// releaseCollectAbove is the live heap above which releaseTrees collects.
const releaseCollectAbove = 64 << 20

func (t *gcTuner) adjust() {
	if t.sample == nil {
		t.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/cpu/classes/user:cpu-seconds"},
			{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"}, {Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"}, {Name: "/cpu/classes/gc/pause:cpu-seconds"}}
	}
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := t.sample[0].Value.Uint64()
	if t.ceiling {
		// The share of the busy CPU the collector has taken from the
		// program since it started (assists, dedicated workers and
		// pauses; not the marking done on otherwise idle cores).
		var user, gc, share float64
		for i, s := range t.sample[1:] {
			if s.Value.Kind() == metrics.KindFloat64 {
				if i == 0 {
					user = s.Value.Float64()
				} else {
					gc += s.Value.Float64()
				}
			}
		}
		if user+gc > 0 {
			share = gc / (user + gc)
		}
		var lim int64
		lim, t.ceiling = limitFor(live, t.budget, share)
		if lim != t.limit {
			t.limit = lim
			debug.SetMemoryLimit(lim)
		}
	}
	p := gcPercentFor(live)
	if d := p - t.percent; d >= gcPercentStride || d <= -gcPercentStride || (p != t.percent && (p == gcPercentMin || p == gcPercentMax || p == gcPercentStart)) {
		t.percent = p
		debug.SetGCPercent(p)
	}
}
