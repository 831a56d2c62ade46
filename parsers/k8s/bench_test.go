package k8s

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
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
