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

// ParseDocuments decodes every document of data into a node tree with
// positions, whatever it holds (Kustomize patches, JSON 6902 operation
// lists, kustomization files), cut and bounded as ParseBytes cuts and
// bounds manifests. An empty document is a nil entry.
func ParseDocuments(file string, data []byte, opt Options) ([]*graph.Node, error) {
	opt = opt.withDefaults()
	if err := checkText(data); err != nil {
		return nil, &parsers.Error{File: file, Msg: err.Error()}
	}
	var out []*graph.Node
	al := opt.alloc()
	err := splitDocuments(file, al.reader(data), opt.MaxDocumentBytes, func(d document) error {
		w := min(int64(len(d.data)), limits.DocumentBytes)
		_ = decoding.Acquire(context.Background(), w)
		defer decoding.Release(w)
		dec := yaml.NewDecoder(bytes.NewReader(d.data))
		for {
			var y yaml.Node
			err := dec.Decode(&y)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return yamlError(file, err, d)
			}
			c := converter{max: opt.MaxNodes, maxDepth: opt.MaxDepth, shift: d.line - 1, docLine: y.Line, alloc: al}.sized(len(d.data))
			root, err := c.convert(&y, 0, "")
			if err != nil {
				return &parsers.Error{File: file, Line: y.Line + d.line - 1, Msg: err.Error()}
			}
			out = append(out, root)
		}
	})
	return out, err
}

// Comments returns the comment lines of data that carry a pvlint directive.
func Comments(file string, data []byte) []graph.Comment { return scanComments(file, data) }
