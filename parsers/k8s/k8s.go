// Package k8s parses Kubernetes manifests (YAML or JSON, many documents a
// file, kind: List) into graph resources whose every field keeps its line
// and column.
package k8s

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/limits"
)

// Options tune parsing. The zero value uses the limits in package parsers.
type Options struct {
	MaxNodes int // nodes one document may expand to (alias bombs); 0 = limits.DocumentNodes
	MaxDepth int // nesting depth; 0 = limits.Depth
	Source   graph.Source
}

// ParseBytes parses every document of data, a file named file (relative to
// the repository root). Documents without apiVersion and kind are skipped.
// On invalid input it returns the resources of the documents before the
// fault and a parsers.Error naming the line when known.
func ParseBytes(file string, data []byte, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	if opt.MaxNodes == 0 {
		opt.MaxNodes = limits.DocumentNodes
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = limits.Depth
	}
	if err := checkText(data); err != nil {
		return nil, nil, &parsers.Error{File: file, Msg: err.Error()}
	}
	return parse(file, bytes.NewReader(data), scanComments(file, data), opt)
}

// ParseStream parses r (named file in reports) as ParseBytes does, without
// holding its contents: one streaming pass checks that it is text and
// collects the directive comments, a second decodes the documents one at a
// time from a buffered reader. A 100 MB manifest costs its resources, not
// its bytes. The caller opens r (through the file gate) and closes it.
func ParseStream(file string, r io.ReadSeeker, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	if opt.MaxNodes == 0 {
		opt.MaxNodes = limits.DocumentNodes
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = limits.Depth
	}
	br := bufio.NewReaderSize(r, 64<<10)
	comments, err := scanText(file, br)
	if err != nil {
		return nil, nil, readError(file, err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, nil, readError(file, err)
	}
	br.Reset(r)
	return parseChunked(file, br, comments, opt)
}

// readError is a failed read as a parsers.Error naming the file.
func readError(file string, err error) error {
	var pe *parsers.Error
	if errors.As(err, &pe) {
		return err
	}
	return &parsers.Error{File: file, Msg: fsgate.Describe(err)}
}

// scanText is checkText and scanComments over a reader, a line at a time:
// the same errors (a NUL in the first 8 KiB wins over invalid UTF-8) and
// the same comments. Only a line longer than the buffer is held whole.
func scanText(file string, r *bufio.Reader) ([]graph.Comment, error) {
	head, err := r.Peek(8192)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, &parsers.Error{File: file, Msg: "binary content (NUL byte); not a YAML or JSON file"}
	}
	var out []graph.Comment
	var long []byte
	for line := 1; ; line++ {
		l, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], l...)
			for errors.Is(err, bufio.ErrBufferFull) {
				l, err = r.ReadSlice('\n')
				long = append(long, l...)
			}
			l = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if !utf8.Valid(l) {
			return nil, &parsers.Error{File: file, Msg: fmt.Sprintf("line %d: invalid UTF-8", line+bytes.Count(l[:invalidUTF8Offset(l)], []byte("\n")))}
		}
		if bytes.Contains(l, directive) {
			t := bytes.TrimSuffix(l, []byte("\n"))
			if h := commentStart(t); h >= 0 {
				out = append(out, graph.Comment{File: file, Line: line, Col: h + 1, Text: strings.TrimSpace(string(t[h+1:]))})
			}
		}
		if err != nil { // io.EOF
			return out, nil
		}
	}
}

// parse decodes the documents of r one at a time.
func parse(file string, r io.Reader, comments []graph.Comment, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	out, _, err := decode(file, r, opt)
	return out, comments, err
}

// decode decodes every document of r and returns the resources and how many
// documents it read.
func decode(file string, r io.Reader, opt Options) ([]*graph.Resource, int, error) {
	var out []*graph.Resource
	dec := yaml.NewDecoder(r)
	al := &alloc{strs: map[string]string{}}
	doc := 0
	for ; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, doc, yamlError(file, err)
		}
		c := converter{max: opt.MaxNodes, maxDepth: opt.MaxDepth, alloc: al}
		root, err := c.convert(&n, 0)
		if err != nil {
			return out, doc, &parsers.Error{File: file, Line: n.Line, Msg: err.Error()}
		}
		if root == nil || root.Kind != graph.Map {
			continue
		}
		out = appendObjects(out, file, doc, root, &n, opt.Source)
	}
	return out, doc, nil
}

// appendObjects adds root as a resource, or its items when it is a List kind.
func appendObjects(out []*graph.Resource, file string, doc int, root *graph.Node, yn *yaml.Node, src graph.Source) []*graph.Resource {
	apiVersion, _ := root.Get("apiVersion").Str()
	kind, _ := root.Get("kind").Str()
	if apiVersion == "" || kind == "" {
		return out // values files, CI configs, compose files: not Kubernetes objects
	}
	if strings.HasSuffix(kind, "List") && root.Get("items") != nil {
		for _, it := range root.Get("items").List() {
			if it.Kind == graph.Map {
				out = appendObjects(out, file, doc, it, nil, src)
			}
		}
		return out
	}
	r := &graph.Resource{
		Source:     src,
		APIVersion: apiVersion,
		Kind:       kind,
		File:       file,
		Doc:        doc,
		Root:       root,
		KindPos:    root.Get("kind").KeyPos,
		Start:      firstPos(root),
		End:        graph.Pos{Line: lastLine(root)},
	}
	r.Name, _ = root.Path("metadata", "name").Str()
	if r.Name == "" {
		if g, ok := root.Path("metadata", "generateName").Str(); ok {
			r.Name = g + "*"
		}
	}
	r.Namespace, _ = root.Path("metadata", "namespace").Str()
	return append(out, r)
}

func firstPos(root *graph.Node) graph.Pos {
	p := root.Pos
	if len(root.Items) > 0 && !root.Items[0].KeyPos.IsZero() {
		p = root.Items[0].KeyPos
	}
	return p
}

func lastLine(n *graph.Node) int {
	max := n.Pos.Line
	if n.KeyPos.Line > max {
		max = n.KeyPos.Line
	}
	for _, it := range n.Items {
		if l := lastLine(it); l > max {
			max = l
		}
	}
	return max
}

// checkText refuses input that is not text: NUL bytes or invalid UTF-8.
func checkText(data []byte) error {
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return errors.New("binary content (NUL byte); not a YAML or JSON file")
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8Offset(data)], []byte("\n"))
		return fmt.Errorf("line %d: invalid UTF-8", line)
	}
	return nil
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &parsers.Error{File: file, Msg: "invalid YAML: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "invalid YAML: " + strings.TrimSpace(yamlLine.ReplaceAllString(strings.TrimPrefix(msg, m[0]+":"), ""))
		e.Msg = strings.TrimSuffix(e.Msg, ": ")
	}
	return e
}

// converter turns a yaml.Node into a graph.Node, expanding aliases within a
// node budget so that an alias bomb ends in an error, not in memory blow-up.
type converter struct {
	n, max, maxDepth int
	*alloc
}

// alloc hands out the key and item slices of one file's maps and lists
// from shared blocks, and interns repeated keys and short values, so the
// yaml.v3 strings become garbage with the yaml.v3 tree and a resource keeps
// fewer, larger allocations. (Nodes are allocated one by one: a Node is
// exactly a size class, and blocks of them would waste their tails.)
type alloc struct {
	keys  []string
	items []*graph.Node
	strs  map[string]string
}

const allocBlock = 512

func (a *alloc) node(n graph.Node) *graph.Node {
	p := new(graph.Node)
	*p = n
	return p
}

// keySlice and itemSlice return empty slices with room for n entries;
// appending past n reallocates, so blocks are never shared by two nodes.
func (a *alloc) keySlice(n int) []string {
	if n > allocBlock/4 {
		return make([]string, 0, n)
	}
	if len(a.keys) < n {
		a.keys = make([]string, allocBlock)
	}
	s := a.keys[:0:n]
	a.keys = a.keys[n:]
	return s
}

func (a *alloc) itemSlice(n int) []*graph.Node {
	if n > allocBlock/4 {
		return make([]*graph.Node, 0, n)
	}
	if len(a.items) < n {
		a.items = make([]*graph.Node, allocBlock)
	}
	s := a.items[:0:n]
	a.items = a.items[n:]
	return s
}

// intern returns one shared copy of s for keys and short values (names,
// labels, booleans, image tags); long values are kept as they are.
func (a *alloc) intern(s string) string {
	if len(s) > 64 {
		return s
	}
	if v, ok := a.strs[s]; ok {
		return v
	}
	a.strs[s] = s
	return s
}

var errBudget = errors.New("document expands to too many nodes (YAML alias bomb?)")

func (c *converter) convert(y *yaml.Node, depth int) (*graph.Node, error) {
	if depth > c.maxDepth {
		return nil, fmt.Errorf("line %d: nesting deeper than %d levels", y.Line, c.maxDepth)
	}
	c.n++
	if c.n > c.max {
		return nil, errBudget
	}
	pos := graph.Pos{Line: y.Line, Col: y.Column}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return nil, nil
		}
		return c.convert(y.Content[0], depth)
	case yaml.AliasNode:
		if y.Alias == nil {
			return c.node(graph.Node{Kind: graph.Null, Pos: pos}), nil
		}
		n, err := c.convert(y.Alias, depth+1)
		if err != nil {
			return nil, err
		}
		return n, nil
	case yaml.ScalarNode:
		return c.scalar(y, pos), nil
	case yaml.SequenceNode:
		out := c.node(graph.Node{Kind: graph.List, Pos: pos, Items: c.itemSlice(len(y.Content))})
		for _, it := range y.Content {
			v, err := c.convert(it, depth+1)
			if err != nil {
				return nil, err
			}
			out.Items = append(out.Items, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := c.node(graph.Node{Kind: graph.Map, Pos: pos, Keys: c.keySlice(len(y.Content) / 2), Items: c.itemSlice(len(y.Content) / 2)})
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
				if err := c.merge(out, v, depth); err != nil {
					return nil, err
				}
				continue
			}
			val, err := c.convert(v, depth+1)
			if err != nil {
				return nil, err
			}
			key := k.Value
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				key = k.Alias.Value
			}
			setKey(out, c.intern(key), graph.Pos{Line: k.Line, Col: k.Column}, val)
		}
		return out, nil
	}
	return c.node(graph.Node{Kind: graph.Null, Pos: pos}), nil
}

// setKey sets key, replacing an earlier value (the last duplicate wins, as
// the API server's decoder does).
func setKey(m *graph.Node, key string, keyPos graph.Pos, v *graph.Node) {
	v.KeyPos = keyPos
	for i, k := range m.Keys {
		if k == key {
			m.Items[i] = v
			return
		}
	}
	m.Keys = append(m.Keys, key)
	m.Items = append(m.Items, v)
}

// merge applies a YAML merge key (<<: *anchor or a list of them); keys
// already present win.
func (c *converter) merge(out *graph.Node, v *yaml.Node, depth int) error {
	var srcs []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		srcs = v.Content
	} else {
		srcs = []*yaml.Node{v}
	}
	for _, s := range srcs {
		m, err := c.convert(s, depth+1)
		if err != nil {
			return err
		}
		if m == nil || m.Kind != graph.Map {
			continue
		}
		for i, k := range m.Keys {
			if out.Get(k) == nil {
				out.Keys = append(out.Keys, k)
				out.Items = append(out.Items, m.Items[i])
			}
		}
	}
	return nil
}

func (c *converter) scalar(y *yaml.Node, pos graph.Pos) *graph.Node {
	n := c.node(graph.Node{Kind: graph.Scalar, Value: c.intern(y.Value), Pos: pos})
	switch y.ShortTag() {
	case "!!null":
		n.Kind = graph.Null
	case "!!bool":
		n.Tag = graph.TagBool
	case "!!int":
		n.Tag = graph.TagInt
	case "!!float":
		n.Tag = graph.TagFloat
	}
	return n
}

var directive = []byte("pvlint:")

// scanComments finds "# ... pvlint:..." comments. A cheap byte scan: most
// files have none.
func scanComments(file string, data []byte) []graph.Comment {
	if !bytes.Contains(data, directive) {
		return nil
	}
	var out []graph.Comment
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		if !bytes.Contains(l, directive) {
			continue
		}
		h := commentStart(l)
		if h < 0 {
			continue
		}
		text := strings.TrimSpace(string(l[h+1:]))
		out = append(out, graph.Comment{File: file, Line: line, Col: h + 1, Text: text})
	}
	return out
}

// commentStart returns the index of the '#' that starts a comment on the
// line, skipping '#' inside quotes, or -1.
func commentStart(l []byte) int {
	var quote byte
	for i := 0; i < len(l); i++ {
		ch := l[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return i
		}
	}
	return -1
}
