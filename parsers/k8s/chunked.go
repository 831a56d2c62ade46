package k8s

import (
	"bufio"
	"runtime"
	"sync"

	"github.com/pvlint/pvlint/linter/graph"
)

// chunkBytes is the size from which a chunk of documents is handed to a
// worker; a variable so tests can force many small chunks.
var chunkBytes = 1 << 20

// chunk is a run of whole documents of a file and its position among the
// chunks.
type chunk struct {
	index int
	docs  []document
}

type chunkResult struct {
	resources []*graph.Resource
	docs      int
	err       error
}

// parseChunked decodes a large file's documents on every core. The
// documents are cut as for a sequential decode (splitDocuments), grouped
// into chunks, each chunk decoded on its own, and the results put back in
// file order with their document indexes shifted, so the output is what a
// sequential decode gives. At most a few chunks are in memory at once.
func parseChunked(file string, r *bufio.Reader, comments []graph.Comment, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	workers := runtime.GOMAXPROCS(0)
	chunks := make(chan chunk, workers)
	var mu sync.Mutex
	results := map[int]chunkResult{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opt := opt
			opt.Buffers = NewBuffers() // a goroutine's own: Buffers are not shared
			for c := range chunks {
				rs, docs, err := decodeDocuments(file, c.docs, opt)
				mu.Lock()
				results[c.index] = chunkResult{rs, docs, err}
				mu.Unlock()
			}
		}()
	}
	n := 0
	var cur []document
	size := 0
	flush := func() {
		if len(cur) > 0 {
			chunks <- chunk{index: n, docs: cur}
			n++
			cur, size = nil, 0
		}
	}
	splitErr := splitDocuments(file, r, opt.MaxDocumentBytes, func(d document) error {
		cur = append(cur, d)
		size += len(d.data)
		if size >= chunkBytes {
			flush()
		}
		return nil
	})
	flush()
	close(chunks)
	wg.Wait()

	var out []*graph.Resource
	docBase := 0
	for i := 0; i < n; i++ {
		res := results[i]
		for _, r := range res.resources {
			r.Doc += int32(docBase)
		}
		out = append(out, res.resources...)
		if res.err != nil {
			return out, comments, res.err
		}
		docBase += res.docs
	}
	return out, comments, splitErr
}

// documentStart reports whether a line is a YAML document marker "---"
// at column 0, alone or followed by a space or tab.
func documentStart(l []byte) bool {
	if len(l) < 3 || l[0] != '-' || l[1] != '-' || l[2] != '-' {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || rest[0] == ' ' || rest[0] == '\t'
}
