package k8s

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

// chunkBytes is the size from which a chunk of documents is handed to a
// worker; a variable so tests can force many small chunks.
var chunkBytes = 1 << 20

// chunk is a run of whole documents of a file: the bytes, the line its
// first byte is on, and its position among the chunks.
type chunk struct {
	index int
	line  int
	data  []byte
}

type chunkResult struct {
	resources []*graph.Resource
	docs      int
	err       error
}

// parseChunked decodes a large file's documents on every core. The
// documents are cut at document-start lines (--- at column 0: in YAML such
// a line can only start a document, never continue a scalar), each chunk is
// parsed on its own, and the results are put back in file order with their
// lines and document indexes shifted, so the output is what a sequential
// decode gives. At most a few chunks are in memory at once.
func parseChunked(file string, r io.Reader, comments []graph.Comment, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	workers := runtime.GOMAXPROCS(0)
	chunks := make(chan chunk, workers)
	var mu sync.Mutex
	results := map[int]chunkResult{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				rs, docs, err := parseChunk(file, c, opt)
				mu.Lock()
				results[c.index] = chunkResult{rs, docs, err}
				mu.Unlock()
			}
		}()
	}
	n, readErr := splitDocuments(r, chunks)
	close(chunks)
	wg.Wait()

	var out []*graph.Resource
	docBase := 0
	for i := 0; i < n; i++ {
		res := results[i]
		for _, r := range res.resources {
			r.Doc += docBase
		}
		out = append(out, res.resources...)
		if res.err != nil {
			return out, comments, res.err
		}
		docBase += res.docs
	}
	if readErr != nil {
		return out, comments, readError(file, readErr)
	}
	return out, comments, nil
}

// splitDocuments reads r a line at a time and sends chunks of at least
// chunkBytes, cut before a document-start line. It returns how many chunks
// it sent.
func splitDocuments(r io.Reader, out chan<- chunk) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	start, line, n := 1, 0, 0
	flush := func() {
		if len(buf) > 0 {
			out <- chunk{index: n, line: start, data: buf}
			n++
			buf = nil
		}
	}
	for {
		l, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			full := append([]byte(nil), l...)
			for errors.Is(err, bufio.ErrBufferFull) {
				l, err = br.ReadSlice('\n')
				full = append(full, l...)
			}
			l = full
		}
		if len(l) > 0 {
			line++
			if len(buf) >= chunkBytes && documentStart(l) {
				flush()
				start = line
			}
			buf = append(buf, l...)
		}
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
	}
}

// documentStart reports whether a line is a YAML document marker "---"
// at column 0, alone or followed by a space or tab.
func documentStart(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || rest[0] == ' ' || rest[0] == '\t'
}

// parseChunk decodes one chunk and moves its positions to the file's lines.
func parseChunk(file string, c chunk, opt Options) ([]*graph.Resource, int, error) {
	rs, docs, err := decode(file, bytes.NewReader(c.data), opt)
	shift := c.line - 1
	if shift == 0 {
		return rs, docs, err
	}
	for _, r := range rs {
		shiftResource(r, shift)
	}
	var pe *parsers.Error
	if errors.As(err, &pe) && pe.Line > 0 {
		pe.Line += shift
	}
	return rs, docs, err
}

// shiftResource moves a resource parsed from a chunk to the file's lines.
// Nodes are never shared between resources or within one (aliases and
// merge keys are expanded into copies), so each is shifted once.
func shiftResource(r *graph.Resource, shift int) {
	for _, p := range []*graph.Pos{&r.KindPos, &r.Start, &r.End} {
		if p.Line > 0 {
			p.Line += shift
		}
	}
	r.Root.Walk(func(_ []string, n *graph.Node) bool {
		if n.Pos.Line > 0 {
			n.Pos.Line += shift
		}
		if n.KeyPos.Line > 0 {
			n.KeyPos.Line += shift
		}
		return true
	})
}
