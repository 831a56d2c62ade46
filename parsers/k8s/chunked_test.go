package k8s

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// dump renders resources with every node position, to compare parses.
func dump(rs []*graph.Resource) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s/%s doc=%d kind@%v start=%v end=%v\n", r.Kind, r.Name, r.Doc, r.KindPos, r.Start, r.End)
		r.Root.Walk(func(path []string, n *graph.Node) bool {
			fmt.Fprintf(&b, "  %s %v %v %q\n", strings.Join(path, "."), n.KeyPos(), n.Pos(), n.Value())
			return true
		})
	}
	return b.String()
}

// A large file is decoded in chunks on every core; the result must be what
// one sequential decode gives: same resources, lines, documents, errors.
func TestChunkedParseMatchesSequential(t *testing.T) {
	old := chunkBytes
	chunkBytes = 1 // a chunk at every document start
	defer func() { chunkBytes = old }()
	var docs []string
	for i := 0; i < 40; i++ {
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\ndata:\n  k: |\n    line one\n    line two\n", i))
	}
	list := "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: in-list}\n"
	anchors := "base: &b {readOnly: true}\napiVersion: v1\nkind: Pod\nmetadata: {name: anchored}\nspec: {m: *b}\n"
	cases := map[string]string{
		"many":          strings.Join(docs, "---\n"),
		"leading ---":   "---\n" + strings.Join(docs[:5], "---\n"),
		"markers":       docs[0] + "--- # a comment\n" + docs[1] + "---\t\n" + list + "---\n---\n" + anchors + "...\n---\n" + docs[2],
		"values doc":    "replicas: 3\n---\n" + docs[3],
		"error inside":  docs[0] + "---\n" + docs[1] + "---\nkind: [unclosed\n---\n" + docs[2],
		"no final nl":   docs[0] + "---\n" + strings.TrimSuffix(docs[1], "\n"),
		"dashes inline": docs[0] + "---apiVersion: v1\n",
	}
	dir := t.TempDir()
	for name, src := range cases {
		p := filepath.Join(dir, "f.yaml")
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		r1, _, e1 := ParseBytes("f.yaml", []byte(src), Options{})
		r2, _, e2 := ParseStream("f.yaml", strings.NewReader(src), Options{})
		if fmt.Sprint(e1) != fmt.Sprint(e2) {
			t.Errorf("%s: error %v, sequential %v", name, e2, e1)
		}
		if d1, d2 := dump(r1), dump(r2); d1 != d2 {
			t.Errorf("%s: chunked parse differs\nchunked:\n%s\nsequential:\n%s", name, d2, d1)
		}
	}
}
