package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// blockCases are documents for the block reader: the forms it reads, each
// next to the forms it must leave to yaml.v3.
var blockCases = map[string]string{
	"object":          "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    app: x\nspec:\n  containers:\n  - name: c\n    image: i:1\n    args: [a, \"b\", 'c', d e]\n    env: []\n    resources: {}\n",
	"empty values":    "a:\nb: 1\nc:\n  - x\n  -\n  - y\nd:\n# c\n\ne: 2\nf:   # c\ng: ~\n",
	"compact":         "k:\n- a: 1\n  b: 2\n-   c: 3\n- - x\n  - y\n-\n  - z\n- \"q\": 1\n  'r': 2\nz: end\n",
	"literal":         "a: |\n  one\n\n   two\n  three\n\n\nb: |-\n    x\nc: |+\n  y\n\nd: |\n\n  q\ne: |  # c\n  # not a comment\n  x\n# trailing\nf: 1\n",
	"literal item":    "a:\n- |\n  x\n- b: |\n    y\n  c: 2\n",
	"quoted":          "a: \"x\\\"y\\\\z\\n\\t\"\nb: 'it''s'\nc: \"\"\nd: ''\ne: \"# not\" # yes\n\"f g\": 1\n'h': 2\n",
	"scalars":         "a: 1\nb: -1\nc: 0x1f\nd: 1.5\ne: .inf\nf: true\ng: yes\nh: null\ni: 2001-12-14\nj: a b  c\nk: http://x:80/y#z\nl: a#b\nm: -x\nn: :x\no: ?x\np: 1_000\nq: 0o17\nr: 'true'\ns: \"1\"\nt: a,b[c]{d}\n",
	"keys":            "1: a\ntrue: b\nnull: c\n~: d\na b: e\na:b: f\n\"<<\": g\nkey : h\n",
	"booleans":        "apiVersion: v1\nkind: Pod\nmetadata: {}\nspec:\n  hostNetwork: yes\n  containers:\n  - securityContext:\n      privileged: on\n      runAsNonRoot: 'yes'\n",
	"markers":         "# head\n---\na: 1\n",
	"marker comment":  "--- # c\na: 1\n",
	"indented root":   "  a: 1\n  b: 2\n",
	"root sequence":   "- a\n- b\n",
	"root scalar":     "just text\n",
	"plain multiline": "a: one\n  two  \n\n   three\nb:\n- x\n  y # c\n- z # c\nc: d\n  # c\ne: f\n\n\ng: h   \n",
	"plain comment":   "a: one # c\n  two\n",
	"plain key":       "a: one\n  two: x\n",
	"plain dash":      "a: one\n  - x\n",
	"plain under":     "a:\n  b: one\n two\n",
	"quoted multi":    "a: \"one  \n  two\\\n   three  \n\n  four \\\n\n  five\"\nb: 'x\n  ''y''\n\n\n  z  '\nc:\n- \"p\n  q\"\n- 'r\n  s'  # c\n",
	"quoted under":    "a:\n  b: \"one\n two\"\n",
	"quoted key":      "- \"a\n  b\": c\n",
	"folded":          "a: >\n  one\n  two\n\n  three\n   more\n    most\n  back\n\n\n  end\nb: >-\n  x\n  y\nc: >+\n  z\n\nd: >\n   lead\n  x\n",
	"folded more":     "a: >\n  one\n   two\n  three\n\n   four\n\n\n  five\n",
	"indicator":       "a: |2\n   x\n",
	"anchor":          "a: &x 1\nb: *x\n",
	"tag":             "a: !!str 1\n",
	"merge":           "a: &m {x: 1}\nb:\n  <<: *m\n",
	"flow map":        "a: {x: 1, \"y\": [1, {z: 'q'}], w: {}}\nb: {a: [], c: d e}\n",
	"flow empty":      "a: {x: }\n",
	"flow key only":   "a: {x}\n",
	"flow colon":      "a: {x:1}\n",
	"nested flow":     "a: [[1], 2]\n",
	"flow pair":       "a: [x: 1]\n",
	"flow comment":    "a: [x, # c\n  y]\n",
	"trailing comma":  "a: [x, y, ]\n",
	"complex key":     "? a\n: b\n",
	"bad indent":      "a:\n  b: 1\n c: 2\n",
	"value after":     "a: b: c\n",
	"entry after key": "a: - b\n",
	"scalar line":     "a:\n  text\n",
	"seq then key":    "a:\n- x\nb: 1\n",
	"seq then bad":    "a:\n  - x\n  b: 1\n",
	"dup keys":        "a: 1\na: 2\n",
	"long key":        strings.Repeat("k", 1030) + ": v\n",
	"escape unknown":  "a: \"\\x41\"\n",
	"literal eof":     "a: |\n  x",
	"literal blanks":  "a: |\n  x\n    \n  y\n",
	"literal lead":    "a: |\n    \n  x\n",
	"literal empty":   "a: |\nb: 1\n",
	"literal under":   "a:\n  b: |\n   x\n  c: 1\n",
	"percent":         "%YAML 1.2\n---\na: 1\n",
	"dots":            "a: 1\n...\n",
	"junk after":      "a: \"x\" y\n",
	"comment no gap":  "a: \"x\"#y\n",
	"deep":            deepMapping(300),
	// Found by a hostile-input review: each was read differently from
	// yaml.v3 (or read where yaml.v3 refuses it).
	"flow question":   "apiVersion: v1\nkind: Pod\nmetadata: {?name: evil}\nspec:\n  containers:\n  - securityContext: {?privileged: true}\n",
	"flow question 2": "a: [?x]\n",
	"flow colon 3":    "a: [:x]\n",
	"flow colon 2":    "a: {a: :b}\n",
	"flow mid ?":      "a: [a?b]\n",
	"flow mid ? 2":    "a: {x?: y}\n",
	"key 1024 blanks": strings.Repeat("k", 1000) + strings.Repeat(" ", 30) + ": v\n",
	"key 1024 colon":  strings.Repeat("k", 1024) + " : v\n",
	"flow key long":   "a: {" + strings.Repeat("k", 1024) + " : v}\n",
	"flow quoted key": "a: {\"" + strings.Repeat("k", 1023) + "\": v}\n",
	"dots key":        "a: 1\n... x: 2\n",
	"dots alone":      "... x: 1\n",
	"dots colon":      "...: x\n",
	"deep seq":        "a: " + strings.Repeat("- ", 300) + "x\n",
}

func deepMapping(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// compareNodes reports the first difference between two yaml.v3 trees:
// kind, style, resolved tag, value, line, column and children.
func compareNodes(path string, a, b *yaml.Node) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("%s: one node is missing", path)
		}
		return nil
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.ShortTag() != b.ShortTag() || a.Value != b.Value ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: block reader %v %v %s %q @%d:%d (%d children), yaml.v3 %v %v %s %q @%d:%d (%d children)", path,
			a.Kind, a.Style, a.ShortTag(), a.Value, a.Line, a.Column, len(a.Content),
			b.Kind, b.Style, b.ShortTag(), b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if err := compareNodes(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkBlockReader cuts src and, for every document the block reader
// reads, wants yaml.v3's decoding of that document to be one document with
// the same tree. It returns how many documents the reader read and left.
func checkBlockReader(src []byte) (read, left int, err error) {
	if !blockText(src) {
		return 0, 0, nil
	}
	var starts, sizes []int
	if cutDocuments(src, 1<<30, newAlloc(), func(line, size int) {
		starts = append(starts, line)
		sizes = append(sizes, size)
	}) != nil {
		return 0, 0, nil
	}
	r := newAlloc().blockReader(256)
	off := 0
	for i, line := range starts {
		end := off + sizes[i]
		doc, ok := r.document(src, off, end, line)
		if !ok {
			left++
			off = end
			continue
		}
		read++
		dec := yaml.NewDecoder(bytes.NewReader(src[off:end]))
		var want yaml.Node
		if err := dec.Decode(&want); err != nil {
			return read, left, fmt.Errorf("document at line %d: the block reader read it, yaml.v3 says %v", line, err)
		}
		var more yaml.Node
		if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
			return read, left, fmt.Errorf("document at line %d: yaml.v3 reads more than one document (%v)", line, err)
		}
		shiftLines(&want, line-1)
		if err := compareNodes(fmt.Sprintf("line %d", line), doc, &want); err != nil {
			return read, left, err
		}
		off = end
	}
	return read, left, nil
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// TestBlockReaderMatchesYAML holds the block reader to yaml.v3 on its own
// cases and on every YAML file of the repository's testdata, and wants
// ParseBytes to give the same resources, comments and errors with and
// without it.
func TestBlockReaderMatchesYAML(t *testing.T) {
	inputs := map[string]string{}
	for k, v := range blockCases {
		inputs[k] = v
	}
	addYAMLFiles(inputs, "testdata", "../../rules/testdata", "../../testdata", "../../linter/testdata", "../../parsers")
	read, left := 0, 0
	for name, src := range inputs {
		rd, lf, err := checkBlockReader([]byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		read, left = read+rd, left+lf
		if d := parseDiff([]byte(src), Options{}, &fastFiles); d != "" {
			t.Errorf("%s: %s (without the block reader)", name, d)
		}
	}
	// The reader must read most real documents, or it buys nothing.
	if read < 4*left {
		t.Errorf("the block reader read %d documents and left %d", read, left)
	}
	t.Logf("read %d documents, left %d", read, left)
	for name, want := range map[string]bool{
		"object": true, "empty values": true, "compact": true, "literal": true, "quoted": true, "scalars": true,
		"keys": true, "markers": true, "marker comment": true, "seq then key": true, "dup keys": true,
		"indented root": false, "root sequence": false, "plain multiline": true, "quoted multi": true, "plain comment": false,
		"plain key": false, "plain dash": false, "plain under": false, "quoted under": false, "quoted key": false,
		"folded": false, "folded more": true, "anchor": false, "tag": false, "merge": false, "flow map": true, "flow empty": false, "flow key only": false, "flow colon": false, "complex key": false,
		"bad indent": false, "value after": false, "entry after key": false, "seq then bad": false,
		"long key": false, "escape unknown": false, "literal eof": false, "deep": false, "deep seq": false,
		"flow question": false, "flow question 2": false, "flow colon 3": false, "flow colon 2": false,
		"flow mid ?": false, "flow mid ? 2": false, "key 1024 blanks": false, "key 1024 colon": false,
		"flow key long": false, "flow quoted key": false, "dots key": false, "dots alone": false, "dots colon": true,
	} {
		src := []byte(blockCases[name])
		_, ok := newAlloc().blockReader(256).document(src, 0, len(src), 1)
		if ok != want {
			t.Errorf("%s: block reader answered %v, want %v", name, ok, want)
		}
	}
}

// FuzzBlockReader: whatever the input, a document the block reader reads
// is the document yaml.v3 decodes, and ParseBytes gives the same resources
// and error with the reader and without.
func FuzzBlockReader(f *testing.F) {
	for _, src := range blockCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		if _, _, err := checkBlockReader(src); err != nil {
			t.Fatal(err)
		}
		if d := parseDiff(src, Options{}, &fastFiles); d != "" {
			t.Fatalf("%s (without the block reader)", d)
		}
	})
}

// TestBlockReaderReleasesTrees: once a document is converted, the worker's
// reader keeps no pointer into its tree (the blocks are reused, not the
// tree kept alive until the next large document).
func TestBlockReaderReleasesTrees(t *testing.T) {
	buf := NewBuffers()
	src := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: |\n    " + strings.Repeat("x", 100) + "\n  list: [a, b, c]\n")
	if _, _, err := ParseBytes("f.yaml", src, Options{Buffers: buf}); err != nil {
		t.Fatal(err)
	}
	r := buf.al.block
	for _, n := range r.nodes[:cap(r.nodes)] {
		if n.Value != "" || n.Content != nil {
			t.Fatalf("the reader keeps a node of the last tree: %+v", n)
		}
	}
	for _, k := range r.kids[:cap(r.kids)] {
		if k != nil {
			t.Fatal("the reader keeps a child pointer of the last tree")
		}
	}
	for _, k := range r.stack[:cap(r.stack)] {
		if k != nil {
			t.Fatal("the reader's stack keeps a node of the last tree")
		}
	}
}
