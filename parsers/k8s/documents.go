package k8s

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/semaphore"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// document is one YAML document of a stream, cut the way kubectl cuts a
// stream before decoding (k8s.io/apimachinery's YAML reader): at lines that
// start with "---". Every document is decoded on its own, so an alias never
// reaches an anchor of another document (kubectl refuses it too) and a file
// gives the same result whether it is decoded whole or in chunks.
type document struct {
	line int    // line of its first byte in the file
	data []byte // the document's bytes, its "---" line included
	size int    // len(data), also when the bytes are not kept
}

var bom = []byte("\xef\xbb\xbf")

// splitDocuments reads r and calls emit with each document in order. A
// document that grows past limit bytes ends the split with an error naming
// its first line: it is refused before yaml.v3 builds its node tree (see
// limits.DocumentBytes), and its bytes are never held beyond the limit.
//
// A byte-order mark at the start of a document (the stream's first line, a
// "---" line, or the line after one) is dropped, as kubectl's decoder does;
// anywhere else it is left to the YAML parser.
func splitDocuments(file string, r *bufio.Reader, limit int, emit func(document) error) error {
	return cutStream(file, r, limit, true, emit)
}

// cutDocuments cuts data as splitDocuments does without copying the
// documents: fn gets each one's first line and size.
func cutDocuments(data []byte, limit int, al *alloc, fn func(line, size int)) error {
	return cutStream("", al.reader(data), limit, false, func(d document) error {
		fn(d.line, d.size)
		return nil
	})
}

// cutStream is splitDocuments; with keep false the documents' bytes are
// only counted, not kept.
func cutStream(file string, r *bufio.Reader, limit int, keep bool, emit func(document) error) error {
	var buf []byte
	size := 0
	start, line := 1, 1
	content := false // buf holds a node, not only directives, comments or blank lines
	atLineStart, bomOK := true, true
	for {
		frag, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) && !errors.Is(err, io.EOF) {
			return readError(file, err)
		}
		if len(frag) > 0 {
			if atLineStart {
				if bytes.HasPrefix(frag, bom) && (bomOK || documentStart(frag[len(bom):])) {
					frag = frag[len(bom):]
				}
				bomOK = false
				if documentStart(frag) {
					if content {
						if err := emit(document{line: start, data: buf, size: size}); err != nil {
							return err
						}
						buf, start, size = nil, line, 0
					}
					content, bomOK = true, emptyMarker(frag)
				} else if !content && holdsNode(frag) {
					content = true
				}
			} else if !content && holdsNode(frag) {
				content = true
			}
			if size+len(frag) > limit {
				return &parsers.Error{File: file, Line: start, Msg: limits.DocumentTooLarge(limit)}
			}
			size += len(frag)
			if keep {
				buf = append(buf, frag...)
			}
			if len(frag) > 0 { // empty when a BOM was all the stream had left
				atLineStart = frag[len(frag)-1] == '\n'
				if atLineStart {
					line++
				}
			}
		}
		if errors.Is(err, io.EOF) {
			if size > 0 {
				return emit(document{line: start, data: buf, size: size})
			}
			return nil
		}
	}
}

// emptyMarker reports whether a "---" line holds nothing after the marker
// but blanks or a comment, so that the document's content (and a BOM in
// front of it) starts on the next line.
func emptyMarker(l []byte) bool {
	rest := bytes.TrimLeft(l[3:], " \t")
	return len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '#'
}

// holdsNode reports whether a line of a document (or its start) is more
// than a blank line, a comment or a directive.
func holdsNode(l []byte) bool {
	if len(l) > 0 && l[0] == '%' {
		return false
	}
	t := bytes.TrimLeft(l, " \t\r\n")
	return len(t) > 0 && t[0] != '#'
}

// decoding bounds the bytes of YAML being decoded at once, across every
// worker of the process: a document's yaml.v3 tree costs up to 120 times its
// bytes, so two workers on two large documents each would double the peak.
// Small documents share the budget; a document of the largest size allowed
// is decoded alone.
var decoding = semaphore.NewWeighted(limits.DocumentBytes)

// decodeDocuments decodes documents in order into resources, stopping at
// the first document that fails. It returns how many YAML documents it read
// (a document cut here may hold several, separated by "...").
func decodeDocuments(file string, docs []document, opt Options) ([]*graph.Resource, int, error) {
	var out []*graph.Resource
	al := opt.alloc()
	n := 0
	for _, d := range docs {
		var err error
		var read int
		out, read, err = decodeDocument(file, d, opt, al, out, n)
		n += read
		if err != nil {
			return out, n, err
		}
	}
	return out, n, nil
}

// decodeDocument decodes the YAML documents of one cut document and appends
// their resources to out; index is the first one's index in the file.
func decodeDocument(file string, d document, opt Options, al *alloc, out []*graph.Resource, index int) ([]*graph.Resource, int, error) {
	w := min(int64(len(d.data)), limits.DocumentBytes)
	_ = decoding.Acquire(context.Background(), w) // never fails without a deadline
	defer decoding.Release(w)
	dec := yaml.NewDecoder(bytes.NewReader(d.data))
	shift := d.line - 1
	n := 0
	for ; ; n++ {
		var y yaml.Node
		err := dec.Decode(&y)
		if errors.Is(err, io.EOF) {
			return out, n, nil
		}
		if err != nil {
			return out, n, yamlError(file, err, d)
		}
		c := converter{prune: opt.Prune, max: opt.MaxNodes, maxDepth: opt.MaxDepth, shift: shift, docLine: y.Line, alloc: al}.sized(len(d.data))
		root, err := c.convert(&y, 0, "")
		if err != nil {
			return out, n, &parsers.Error{File: file, Line: y.Line + shift, Msg: err.Error()}
		}
		if root == nil || root.Kind != graph.Map {
			continue
		}
		out = c.appendConverted(out, file, index+n, root, opt.Source)
	}
}

// CountDocuments counts the documents of data that hold a node, cut at
// "---" lines as ParseBytes cuts them: Helm's bound on the objects a chart
// renders (limits.ChartObjects) counts them before anything is parsed.
func CountDocuments(data []byte) int {
	n, filled := 0, false
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		if documentStart(line) {
			filled = !emptyMarker(line) // "--- {a: b}" holds one
			if filled {
				n++
			}
			continue
		}
		if !filled && holdsNode(line) {
			n, filled = n+1, true
		}
	}
	return n
}
