package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/internal/corpus"
	"github.com/pvlint/pvlint/linter/graph"
)

// benchFiles generates the Kubernetes corpus once (50,000 documents in
// 2,000 files) into a temporary directory and lists its files.
var benchFiles = sync.OnceValues(func() ([]string, corpus.Stats) {
	dir, err := os.MkdirTemp("", "pvlint-k8s-bench-")
	if err != nil {
		panic(err)
	}
	benchDir = dir
	st, err := corpus.K8s(dir, corpus.K8sConfig{Dir: "."})
	if err != nil {
		panic(err)
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files, st
})

// benchDir is the corpus directory, removed when the tests end.
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// parallel calls fn for every file with one worker per CPU.
func parallel(files []string, fn func(path string)) {
	var wg sync.WaitGroup
	next := make(chan string)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				fn(p)
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
}

// BenchmarkYAMLNodeParse is the floor: read every file and decode each
// document into yaml.v3 nodes, in parallel, keeping nothing.
func BenchmarkYAMLNodeParse(b *testing.B) {
	files, st := benchFiles()
	b.SetBytes(st.Bytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		parallel(files, func(p string) {
			data, err := os.ReadFile(p)
			if err != nil {
				panic(err)
			}
			dec := yaml.NewDecoder(bytes.NewReader(data))
			for {
				var n yaml.Node
				if err := dec.Decode(&n); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					panic(err)
				}
			}
		})
	}
	b.ReportMetric(float64(st.Documents)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkParseBytes is pvlint's parser on the same files: read, decode,
// convert to graph nodes with positions, keep the resources.
func BenchmarkParseBytes(b *testing.B) {
	files, st := benchFiles()
	b.SetBytes(st.Bytes)
	b.ResetTimer()
	var kept [][]*graph.Resource
	for i := 0; i < b.N; i++ {
		var mu sync.Mutex
		n := 0
		kept = kept[:0]
		parallel(files, func(p string) {
			data, err := os.ReadFile(p)
			if err != nil {
				panic(err)
			}
			rs, _, err := ParseBytes(p, data, Options{})
			if err != nil {
				panic(err)
			}
			mu.Lock()
			n += len(rs)
			kept = append(kept, rs)
			mu.Unlock()
		})
		if n != st.Documents {
			b.Fatalf("%d resources, want %d", n, st.Documents)
		}
	}
	b.ReportMetric(float64(st.Documents)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.StopTimer()
	// What the resources of the last iteration keep: the graph's share of
	// memory, to compare with the input size.
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "live-MB")
	runtime.KeepAlive(kept)
}

// TestParseStreamMatchesParseBytes checks that streaming a file gives what
// parsing its bytes gives: resources, comments and errors.
func TestParseStreamMatchesParseBytes(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	cases := map[string]string{
		"plain":              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
		"comments":           "# pvlint:ignore PVL101 reason\napiVersion: v1\nkind: ConfigMap # pvlint:ignore PVL102\nmetadata:\n  name: \"a # pvlint:x\"\n",
		"no newline":         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a} # pvlint:ignore X",
		"crlf":               "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a} # pvlint:ignore X\r\n",
		"long line":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: " + long + "} # pvlint:ignore X\n",
		"nul":                "apiVersion: v1\nkind: ConfigMap\x00\n",
		"nul late":           "apiVersion: v1\nkind: ConfigMap\n" + strings.Repeat("# pad\n", 2000) + "\x00\n",
		"bad utf8":           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xe2}\n",
		"bad utf8 long":      "apiVersion: v1\n" + "data: " + long + "\xff\n",
		"nul after bad utf8": "a: \xff\n\x00\n",
		"bad yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [unclosed\n",
		"empty":              "",
		"list":               "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n",
	}
	dir := t.TempDir()
	for name, src := range cases {
		p := filepath.Join(dir, "f.yaml")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		r1, c1, e1 := ParseBytes("f.yaml", []byte(src), Options{})
		r2, c2, e2 := ParseStream("f.yaml", strings.NewReader(src), Options{})
		if fmt.Sprint(e1) != fmt.Sprint(e2) {
			t.Errorf("%s: error %v, ParseBytes %v", name, e2, e1)
		}
		if !reflect.DeepEqual(c1, c2) {
			t.Errorf("%s: comments %v, ParseBytes %v", name, c2, c1)
		}
		if !graph.DeepEqual(r1, r2) {
			t.Errorf("%s: resources differ", name)
		}
	}
}

// BenchmarkWideMap decodes one map of 100,000 distinct keys: linear (a
// duplicate check that compared every key with every earlier one took 22 s).
func BenchmarkWideMap(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n")
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&sb, "  k%d: v\n", i)
	}
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, _, err := ParseBytes("w.yaml", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergedAnchor merges one 20,000-key anchor into 10 maps (the
// issue's reproducer has 200, which is over the node budget): linear in
// the merged keys.
func BenchmarkMergedAnchor(b *testing.B) {
	src := []byte(mergedAnchor(20000, 10)) // 200,000 merged nodes, within the alias bound of its 318 KB
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, _, err := ParseBytes("m.yaml", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
