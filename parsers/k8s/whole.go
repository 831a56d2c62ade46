package k8s

import (
	"bytes"
	"context"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// parseWhole is ParseBytes's fast path: one yaml.v3 decoder reads the whole
// file, instead of one decoder per document cut at "---" lines. A decoder
// costs some kilobytes of buffers and state; made per document it was a
// tenth of all the memory a scan allocated and the largest cost above the
// bare parse (the Helm benchmark's profile: 27 % of its CPU under
// splitDocuments).
//
// The result must be what the per-document decode gives, so the fast path
// only answers when it can tell that it is: the documents are still cut
// (without copying them) to find their lines and to refuse an oversized one;
// every YAML document must lie within one cut document; a file with a
// byte-order mark, a YAML error, an alias to an anchor of an earlier
// document, or any disagreement returns ok=false, and the caller decodes
// document by document, which gives the exact errors.
// wholeFiles turns the fast path on; tests turn it off to compare.
var wholeFiles = true

func parseWhole(file string, data []byte, opt Options, al *alloc) ([]*graph.Resource, bool, error) {
	if !wholeFiles {
		return nil, false, nil
	}
	if bytes.Contains(data, bom) {
		return nil, false, nil
	}
	var starts, sizes []int // first line and bytes of each cut document
	largest := 0
	if err := cutDocuments(data, opt.MaxDocumentBytes, al, func(line, size int) {
		starts = append(starts, line)
		sizes = append(sizes, size)
		largest = max(largest, size)
	}); err != nil {
		return nil, false, nil
	}
	w := min(int64(largest), limits.DocumentBytes)
	_ = decoding.Acquire(context.Background(), w) // never fails without a deadline
	defer decoding.Release(w)

	var out []*graph.Resource
	dec := yaml.NewDecoder(bytes.NewReader(data))
	seen := make([]bool, len(starts))
	cut := 0 // the cut document the current YAML document is in
	for index := 0; ; index++ {
		var y yaml.Node
		err := dec.Decode(&y)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, nil
		}
		if len(starts) == 0 {
			return nil, false, nil
		}
		for cut+1 < len(starts) && starts[cut+1] <= y.Line {
			cut++
		}
		// The alias budget of the cut document, as when it is decoded on
		// its own.
		c := converter{prune: opt.Prune, max: opt.MaxNodes, maxDepth: opt.MaxDepth, docLine: y.Line, alloc: al}.sized(sizes[cut])
		root, err := c.convert(&y, 0, "")
		if err != nil {
			var cross crossDocumentAlias
			if errors.As(err, &cross) {
				return nil, false, nil // decoded on its own, the document has no such anchor
			}
			// A node budget or depth error is the same decoded either way
			// (its line is the file's): not decoded twice, it costs once.
			return out, true, &parsers.Error{File: file, Line: y.Line, Msg: err.Error()}
		}
		end := int(^uint(0) >> 1)
		if cut+1 < len(starts) {
			end = starts[cut+1]
		}
		if y.Line < starts[cut] || c.lastLine >= end {
			return nil, false, nil // the document spans a "---" line kubectl cuts at
		}
		seen[cut] = true
		if root == nil || root.Kind != graph.Map {
			continue
		}
		out = c.appendConverted(out, file, index, root, opt.Source)
	}
	// Every cut document starts a YAML document: one that did not was
	// absorbed into its neighbour (a "---" inside a scalar).
	for _, ok := range seen {
		if !ok {
			return nil, false, nil
		}
	}
	return out, true, nil
}
