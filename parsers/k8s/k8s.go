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
	"math"
	"path"
	"regexp"
	yamlv2 "sigs.k8s.io/yaml/goyaml.v2"
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
	MaxNodes         int // nodes one document may expand to (alias bombs); 0 = limits.DocumentNodes
	MaxDepth         int // nesting depth; 0 = limits.Depth
	MaxDocumentBytes int // bytes of one document; 0 = limits.DocumentBytes
	Source           graph.Source
	// Buffers, when set, is reused instead of fresh ones per file: a
	// worker that parses many files passes its own (never shared between
	// goroutines).
	Buffers *Buffers
	// Prune, when set, is the pruning the caller applies to every object
	// afterwards (graph.PruneKeeping with it): an object that pruning
	// leaves with its identity alone (graph.IdentityOnly: a ConfigMap's
	// data, a kind no rule reads) has its other top-level fields checked
	// but never converted.
	Prune *graph.Keep
}

// Buffers is what one parsing worker reuses from file to file: the table
// that interns keys and short values, and the block that children slices
// are cut from. Interned across files, the "apiVersion", "v1", "metadata"
// and label values of a thousand small files are one string each, not a
// thousand; and a tiny file no longer starts a block of its own. Not safe
// for concurrent use.
type Buffers struct{ al *alloc }

// NewBuffers returns buffers for one worker.
func NewBuffers() *Buffers {
	al := newAlloc()
	// A worker's table meets thousands of names: made at that size, it is
	// not rehashed while it grows (5 % of a 10k scan's conversion time).
	al.strs = make(map[string]string, 1<<12)
	return &Buffers{al: al}
}

// alloc is the allocator of one parse: the worker's, or a fresh one.
func (o Options) alloc() *alloc {
	if o.Buffers != nil {
		return o.Buffers.al
	}
	return newAlloc()
}

// ParseBytes parses every document of data, a file named file (relative to
// the repository root). Documents without apiVersion and kind are skipped.
// On invalid input it returns the resources of the documents before the
// fault and a parsers.Error naming the line when known.
func ParseBytes(file string, data []byte, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	opt = opt.withDefaults()
	if err := checkText(data); err != nil {
		return nil, nil, &parsers.Error{File: file, Msg: err.Error()}
	}
	data = jsonSurrogates(data)
	comments := scanComments(file, data)
	al := opt.alloc()
	if out, ok, err := parseFast(file, data, opt, al); ok {
		return out, comments, err
	}
	if out, ok, err := parseWhole(file, data, opt, al); ok {
		return out, comments, err
	}
	var out []*graph.Resource
	index := 0
	err := splitDocuments(file, al.reader(data), opt.MaxDocumentBytes, func(d document) error {
		var n int
		var err error
		out, n, err = decodeDocument(file, d, opt, al, out, index)
		index += n
		return err
	})
	return out, comments, err
}

// ParseNode converts y, one decoded document (another library's tree, such
// as a Kustomize resource), as ParseBytes converts a document it decoded:
// the same node budget, depth limit, YAML 1.1 booleans, last duplicate
// key winning and merge keys; a node without a tag reads as its text
// would. Positions are y's. limits.DocumentBytes does not apply: it bounds
// what decoding a document's text may build, and y is built already. ok is false when y holds
// what only its YAML text could say the same way (an alias or a value that
// is not UTF-8: encoded, it would become base64 !!binary); the caller then
// encodes y and uses ParseBytes.
func ParseNode(file string, y *yaml.Node, opt Options) (rs []*graph.Resource, ok bool, err error) {
	opt = opt.withDefaults()
	if !textFree(y, 0, opt.MaxDepth) {
		return nil, false, nil
	}
	c := converter{max: opt.MaxNodes, maxDepth: opt.MaxDepth, alloc: opt.alloc()}
	root, err := c.convert(y, 0, "")
	if err != nil {
		return nil, true, &parsers.Error{File: file, Line: y.Line, Msg: err.Error()}
	}
	if root == nil || root.Kind != graph.Map {
		return nil, true, nil
	}
	return appendObjects(nil, file, 0, root, opt.Source), true, nil
}

// textFree reports whether y has no alias and only UTF-8 text (see
// ParseNode); deeper than depth, the converter's own limit answers.
func textFree(y *yaml.Node, depth, max int) bool {
	if y == nil || depth > max {
		return true
	}
	switch y.Kind {
	case yaml.AliasNode:
		return false
	case yaml.ScalarNode:
		return utf8.ValidString(y.Value)
	}
	for _, c := range y.Content {
		if !textFree(c, depth+1, max) {
			return false
		}
	}
	return true
}

func (o Options) withDefaults() Options {
	if o.MaxNodes == 0 {
		o.MaxNodes = limits.DocumentNodes
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = limits.Depth
	}
	if o.MaxDocumentBytes == 0 {
		o.MaxDocumentBytes = limits.DocumentBytes
	}
	return o
}

// ParseStream parses r (named file in reports) as ParseBytes does, without
// holding its contents: one streaming pass checks that it is text and
// collects the directive comments, a second cuts the documents and decodes
// them in chunks on every core. A 100 MB manifest costs its resources, not
// its bytes. The caller opens r (through the file gate) and closes it.
func ParseStream(file string, r io.ReadSeeker, opt Options) ([]*graph.Resource, []graph.Comment, error) {
	opt = opt.withDefaults()
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

// scanText is checkText and scanComments over a reader, a fragment of at
// most the reader's buffer at a time: the same errors (a NUL in the first
// 8 KiB wins over invalid UTF-8) and the same comments, and never more than
// the buffer held, however long a line (a 100 MB flow sequence is one).
func scanText(file string, r *bufio.Reader) ([]graph.Comment, error) {
	head, err := r.Peek(8192)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, &parsers.Error{File: file, Msg: "binary content (NUL byte); not a YAML or JSON file"}
	}
	var out []graph.Comment
	var cs commentScan
	var carry []byte // the start of a rune cut at a fragment's end
	line := 1
	for {
		frag, err := r.ReadSlice('\n')
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		chunk := frag
		if len(carry) > 0 {
			chunk = append(carry, frag...)
			carry = nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			if cut := incompleteRuneTail(chunk); cut < len(chunk) {
				carry = append([]byte(nil), chunk[cut:]...)
				chunk = chunk[:cut]
			}
		}
		if !utf8.Valid(chunk) {
			return nil, &parsers.Error{File: file, Msg: fmt.Sprintf("line %d: invalid UTF-8", line+bytes.Count(chunk[:invalidUTF8Offset(chunk)], []byte("\n")))}
		}
		cs.feed(chunk)
		if n := len(chunk); n > 0 && chunk[n-1] == '\n' || errors.Is(err, io.EOF) {
			if c, ok := cs.end(); ok {
				out = append(out, graph.Comment{File: file, Line: line, Col: c.col, Text: c.text})
			}
			line++
		}
		if errors.Is(err, io.EOF) {
			if len(carry) > 0 {
				return nil, &parsers.Error{File: file, Msg: fmt.Sprintf("line %d: invalid UTF-8", line-1)}
			}
			return out, nil
		}
	}
}

// incompleteRuneTail returns where a rune cut at the end of b starts, or
// len(b) when b ends on a rune boundary.
func incompleteRuneTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// appendObjects adds root as a resource, or its items when it is a List kind.
func appendObjects(out []*graph.Resource, file string, doc int, root *graph.Node, src graph.Source) []*graph.Resource {
	apiVersion, _ := root.Get("apiVersion").Str()
	kind, _ := root.Get("kind").Str()
	if apiVersion == "" || kind == "" {
		return out // values files, CI configs, compose files: not Kubernetes objects
	}
	if strings.HasSuffix(kind, "List") && root.Get("items") != nil {
		for _, it := range root.Get("items").List() {
			if it.Kind == graph.Map {
				out = appendObjects(out, file, doc, it, src)
			}
		}
		return out
	}
	r := &graph.Resource{
		Source:     src,
		APIVersion: apiVersion,
		Kind:       kind,
		File:       file,
		Doc:        int32(min(doc, math.MaxInt32)),
		Root:       root,
		KindPos:    root.Get("kind").KeyPos(),
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

// appendConverted is appendObjects for the root c converted: an object
// whose pruned fields c only checked (planRoot) still ends on the last
// line of what it checked, as it would converted whole.
func (c *converter) appendConverted(out []*graph.Resource, file string, doc int, root *graph.Node, src graph.Source) []*graph.Resource {
	before := len(out)
	out = appendObjects(out, file, doc, root, src)
	if c.skippedLine > 0 && len(out) == before+1 {
		out[before].End.Line = max(out[before].End.Line, c.skippedLine)
	}
	return out
}

func firstPos(root *graph.Node) graph.Pos {
	p := root.Pos()
	if len(root.Children()) > 0 && !root.Children()[0].KeyPos().IsZero() {
		p = root.Children()[0].KeyPos()
	}
	return p
}

func lastLine(n *graph.Node) int {
	max := n.Pos().Line
	if n.KeyPos().Line > max {
		max = n.KeyPos().Line
	}
	for _, it := range n.Children() {
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

var (
	yamlLine      = regexp.MustCompile(`line (\d+)`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// yamlError turns a yaml.v3 error in document d into a parsers.Error on the
// file's line.
func yamlError(file string, err error, d document) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// A .json file is read as YAML, of which JSON is a subset, so the
	// parser's words are YAML's; the file's own format leads the message.
	// (kubectl reads a stream that starts with "{" with a JSON decoder:
	// what they disagree on, surrogate escapes, jsonSurrogates rewrites.)
	what := "invalid YAML: "
	if strings.EqualFold(path.Ext(file), ".json") {
		what = "invalid JSON (read as YAML, of which JSON is a subset): "
	}
	e := &parsers.Error{File: file, Msg: what + msg}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		// yaml.v3 gives no line here; find the alias.
		e.Msg = fmt.Sprintf("alias *%s refers to no anchor defined before it in the same document (each document is decoded on its own, as kubectl does: an alias cannot reach into another document)", m[1])
		if l := aliasLine(d.data, m[1]); l > 0 {
			e.Line = l + d.line - 1
		}
		return e
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		l, _ := strconv.Atoi(m[1])
		rest := strings.TrimSpace(strings.TrimPrefix(msg, m[0]+":"))
		if p := problemLine(d.data, rest); p > l {
			l = p
		}
		e.Line = l + d.line - 1
		e.Msg = what + strings.TrimSpace(yamlLine.ReplaceAllString(rest, ""))
		e.Msg = strings.TrimSuffix(e.Msg, ": ")
	} else if strings.HasPrefix(msg, "did not find expected") {
		// yaml.v3 leaves the line out when the token and the
		// enclosing node are both on the document's first line (its
		// 0-based line 0): a template's leading {{ for one.
		e.Line = d.line
	}
	return e
}

// problemLine returns the line (1-based, within data) of the token a
// parser error of yaml.v3 (msg: "did not find expected key", "... '-'
// indicator") is about, or 0. yaml.v3 names the line where the enclosing
// mapping or list starts, which can be a hundred lines above the
// mis-indented entry the user has to fix; the goyaml.v2 parser that
// sigs.k8s.io/yaml carries names the token, on its 0-based line. The
// documents are parsed again only up to that error, into a value that
// decodes nothing (aliases are never expanded), under the decoding budget
// the caller holds. Scanner errors (a tab, "mapping values are not
// allowed") already name their own line.
func problemLine(data []byte, msg string) int {
	if !strings.HasPrefix(msg, "did not find expected") {
		return 0
	}
	dec := yamlv2.NewDecoder(bytes.NewReader(data))
	for {
		var v decodesNothing
		err := dec.Decode(&v)
		if err == nil {
			continue
		}
		m := yamlLine.FindStringSubmatch(err.Error())
		if m == nil || !strings.HasSuffix(err.Error(), ": "+msg) {
			return 0
		}
		l, _ := strconv.Atoi(m[1])
		return l + 1
	}
}

// decodesNothing stops goyaml.v2 at its parse: the node tree is built (and
// checked) but never decoded.
type decodesNothing struct{}

func (*decodesNothing) UnmarshalYAML(func(any) error) error { return nil }

// aliasLine returns the line (1-based, within data) of the first alias
// *name, or 0.
func aliasLine(data []byte, name string) int {
	tok := []byte("*" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], tok)
		if i < 0 {
			return 0
		}
		i += off
		end := i + len(tok)
		before := i == 0 || strings.IndexByte(" \t\n[{,:-?", data[i-1]) >= 0
		after := end == len(data) || strings.IndexByte(" \t\r\n]},", data[end]) >= 0
		if before && after {
			return 1 + bytes.Count(data[:i], []byte("\n"))
		}
		off = i + 1
	}
}

// converter turns a yaml.Node into a graph.Node, expanding aliases within a
// node budget so that an alias bomb ends in an error, not in memory blow-up.
type converter struct {
	prune            *graph.Keep // Options.Prune
	plan             rootPlan    // what pruning drops of this document's object
	n, max, maxDepth int
	shift            int  // lines before the cut document in the file
	docLine          int  // first line of the YAML document, within the cut one
	expanded         bool // an alias or merge key was expanded
	// inAlias counts the aliases and merge keys being expanded around the
	// node converted now; aliasLeft is how many more nodes they may add
	// (limits.AliasNodesPerByte per byte of the document, size bytes).
	inAlias, aliasLeft, size int
	lastLine                 int // the last line a converted node starts on
	skippedLine              int // the last line of a value check walked instead (planRoot)
	*alloc
}

// alloc hands out the child slices of one file's maps and lists from
// shared blocks, and interns repeated keys and short values, so the
// yaml.v3 strings become garbage with the yaml.v3 tree and a resource keeps
// fewer, larger allocations. Blocks start small and double, so a file of
// one small object keeps a few hundred bytes of blocks, not kilobytes.
// itemSlice returns an empty slice with room for n entries; appending past
// n reallocates, so a block is never shared by two nodes.
type alloc struct {
	items []*graph.Node
	itemN int // size of the next block
	strs  map[string]string
	rd    *bufio.Reader // cuts a file's documents (cutDocuments); 16 KiB, made once
	block *blockReader  // the block reader's buffers (parseFast), made once
}

// reader returns the alloc's line reader over data.
func (a *alloc) reader(data []byte) *bufio.Reader {
	if a.rd == nil {
		a.rd = bufio.NewReaderSize(nil, 16<<10)
	}
	a.rd.Reset(bytes.NewReader(data))
	return a.rd
}

const (
	allocFirst = 16
	allocBlock = 512
)

// internMax is the number of strings an interning table holds before it
// starts again.
const internMax = 1 << 16

func newAlloc() *alloc {
	return &alloc{itemN: allocFirst, strs: map[string]string{}}
}

func (a *alloc) itemSlice(n int) []*graph.Node {
	if n > allocBlock/4 {
		return make([]*graph.Node, 0, n)
	}
	if len(a.items) < n {
		a.items = make([]*graph.Node, max(a.itemN, n))
		a.itemN = min(2*a.itemN, allocBlock)
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
	if len(a.strs) >= internMax {
		// A worker's table stays bounded however many distinct names it
		// meets; the strings already handed out stay shared.
		a.strs = make(map[string]string, len(a.strs)/4)
	}
	a.strs[s] = s
	return s
}

// crossDocumentAlias is the error of an alias to an anchor of an earlier
// document of the stream (yaml.v3 keeps anchors across documents).
type crossDocumentAlias struct{ error }

// aliasNode takes a node from the alias budget when an alias or merge key
// is being expanded: converted or only checked (pruned), the same nodes
// count, so pruning never changes what is refused.
func (c *converter) aliasNode() error {
	if c.inAlias > 0 {
		if c.aliasLeft--; c.aliasLeft < 0 {
			return errors.New(limits.TooManyAliasNodes(c.size))
		}
	}
	return nil
}

// sized sets the alias budget of a document of size bytes.
func (c converter) sized(size int) converter {
	c.size, c.aliasLeft = size, size*limits.AliasNodesPerByte
	return c
}

func (c *converter) budgetError() error {
	return errors.New(limits.TooManyNodes(c.max, c.expanded))
}

// convert converts y, the value under key (the key of the map that holds
// it, or of the list whose item it is; "" at the top).
func (c *converter) convert(y *yaml.Node, depth int, key string) (*graph.Node, error) {
	if depth > c.maxDepth {
		return nil, c.tooDeep(y)
	}
	c.n++
	if c.n > c.max {
		return nil, c.budgetError()
	}
	if err := c.aliasNode(); err != nil {
		return nil, err
	}
	pos := graph.Pos{Line: y.Line + c.shift, Col: y.Column}
	if pos.Line > c.lastLine {
		c.lastLine = pos.Line
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return nil, nil
		}
		return c.convert(y.Content[0], depth, "")
	case yaml.AliasNode:
		if y.Alias == nil {
			return graph.NewNull(pos), nil
		}
		if y.Alias.Line < c.docLine {
			return nil, c.crossDocument(y)
		}
		c.expanded = true
		c.inAlias++
		defer func() { c.inAlias-- }()
		return c.convert(y.Alias, depth+1, key)
	case yaml.ScalarNode:
		return c.scalar(y, pos), nil
	case yaml.SequenceNode:
		out := graph.NewList(pos)
		out.SetChildren(c.itemSlice(len(y.Content)))
		for _, it := range y.Content {
			v, err := c.convert(it, depth+1, key)
			if err != nil {
				return nil, err
			}
			out.Append(v)
		}
		return out, nil
	case yaml.MappingNode:
		out := graph.NewMap(pos)
		if depth == 0 {
			c.plan = c.planRoot(y)
		}
		identity := depth == 0 && c.plan.identity
		kept := len(y.Content) / 2
		if identity {
			kept = min(kept, 3)
		}
		out.SetChildren(c.itemSlice(kept))
		m := entries{m: out}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if isMergeKey(k) {
				if err := c.merge(&m, v, depth, key); err != nil {
					return nil, err
				}
				continue
			}
			name := keyName(k)
			if identity && name != "apiVersion" && name != "kind" && name != "metadata" ||
				depth == 0 && c.plan.status && name == "status" ||
				depth == 1 && key == "metadata" && c.plan.managedFields && name == "managedFields" {
				// Pruning drops it: checked as a converted value is, kept not.
				c.skippedLine = max(c.skippedLine, k.Line+c.shift)
				if err := c.check(v, depth+1); err != nil {
					return nil, err
				}
				continue
			}
			val, err := c.convert(v, depth+1, name)
			if err != nil {
				return nil, err
			}
			if val.Kind == graph.Scalar && booleanField(name, key) {
				if b, ok := yaml11Bool(v); ok {
					val.SetValue(b)
					val.Tag = graph.TagBool
				}
			}
			m.set(c.intern(name), graph.Pos{Line: k.Line + c.shift, Col: k.Column}, val)
		}
		return out, nil
	}
	return graph.NewNull(pos), nil
}

// mergeSources are the mappings a merge key's value v names: one, or a
// list of them.
func mergeSources(v *yaml.Node) []*yaml.Node {
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// keyName is the text of a mapping key (an alias key names its anchor's).
func keyName(k *yaml.Node) string {
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		return k.Alias.Value
	}
	return k.Value
}

func (c *converter) tooDeep(y *yaml.Node) error {
	return fmt.Errorf("line %d: nesting deeper than %d levels", y.Line+c.shift, c.maxDepth)
}

// crossDocument is the error of an alias to an anchor of an earlier
// document: yaml.v3 keeps anchors across the documents of one stream;
// kubectl decodes each on its own.
func (c *converter) crossDocument(y *yaml.Node) error {
	return crossDocumentAlias{fmt.Errorf("line %d: alias *%s refers to an anchor of an earlier document (each document is decoded on its own, as kubectl does: an alias cannot reach into another document)", y.Line+c.shift, y.Value)}
}

// rootPlan is what pruning (Options.Prune) drops of a document's object,
// read before its fields are converted.
type rootPlan struct {
	identity      bool // all but apiVersion, kind and metadata (graph.IdentityOnly)
	status        bool // the top-level status (graph.DropsStatus)
	managedFields bool // metadata.managedFields (graph.DropsManagedFields)
}

// planRoot reads the document's top-level mapping y. Only a plain reading
// decides: kind and apiVersion plain scalars, no merge key or alias key at
// the top, not a List (its items are objects of their own); otherwise
// nothing is dropped before pruning.
func (c *converter) planRoot(y *yaml.Node) rootPlan {
	if c.prune == nil {
		return rootPlan{}
	}
	var kind, apiVersion string
	var spec *yaml.Node
	hasSpec := false
	for i := 0; i+1 < len(y.Content); i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if isMergeKey(k) || k.Kind != yaml.ScalarNode {
			return rootPlan{}
		}
		switch k.Value {
		case "kind", "apiVersion":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
				return rootPlan{}
			}
			if k.Value == "kind" {
				kind = v.Value
			} else {
				apiVersion = v.Value
			}
		case "spec":
			hasSpec = true
			spec = v // the last one wins, as in the converted map
		}
	}
	if kind == "" || apiVersion == "" || strings.HasSuffix(kind, "List") {
		return rootPlan{}
	}
	keep := *c.prune
	mayHold := func() bool { return mayHoldTemplates(spec, 0, c.maxDepth) }
	return rootPlan{
		identity:      graph.IdentityOnly(apiVersion, kind, hasSpec, mayHold, keep),
		status:        graph.DropsStatus(kind, keep),
		managedFields: graph.DropsManagedFields(kind, keep),
	}
}

// mayHoldTemplates reports whether y (an object's spec) has a template or
// podTemplate key anywhere, or an alias or merge key that could bring one
// (see graph.IdentityOnly); past depth it answers yes.
func mayHoldTemplates(y *yaml.Node, depth, max int) bool {
	if y == nil {
		return false
	}
	if depth > max {
		return true
	}
	switch y.Kind {
	case yaml.AliasNode:
		return true
	case yaml.MappingNode:
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind != yaml.ScalarNode || isMergeKey(k) || k.Value == "template" || k.Value == "podTemplate" {
				return true
			}
			if mayHoldTemplates(y.Content[i+1], depth+1, max) {
				return true
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, it := range y.Content {
			if mayHoldTemplates(it, depth+1, max) {
				return true
			}
		}
	}
	return false
}

// check walks y as convert would, with the same node budget, depth limit,
// alias rules and last line, and builds nothing: for a value that pruning
// drops, so that an object's errors do not depend on what is kept.
func (c *converter) check(y *yaml.Node, depth int) error {
	if depth > c.maxDepth {
		return c.tooDeep(y)
	}
	c.n++
	if c.n > c.max {
		return c.budgetError()
	}
	if err := c.aliasNode(); err != nil {
		return err
	}
	if l := y.Line + c.shift; l > c.lastLine {
		c.lastLine = l
	}
	c.skippedLine = max(c.skippedLine, y.Line+c.shift)
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return nil
		}
		return c.check(y.Content[0], depth)
	case yaml.AliasNode:
		if y.Alias == nil {
			return nil
		}
		if y.Alias.Line < c.docLine {
			return c.crossDocument(y)
		}
		c.expanded = true
		c.inAlias++
		defer func() { c.inAlias-- }()
		return c.check(y.Alias, depth+1)
	case yaml.SequenceNode:
		for _, it := range y.Content {
			if err := c.check(it, depth+1); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			c.skippedLine = max(c.skippedLine, k.Line+c.shift)
			if !isMergeKey(k) {
				if err := c.check(v, depth+1); err != nil {
					return err
				}
				continue
			}
			c.expanded = true
			c.inAlias++
			for _, s := range mergeSources(v) {
				if err := c.check(s, depth+1); err != nil {
					c.inAlias--
					return err
				}
			}
			c.inAlias--
		}
	}
	return nil
}

// entries adds the keys of one map node in linear time: a small map is
// searched, a large one indexed (a map of 100,000 keys, or an anchor of
// 20,000 keys merged into many maps, would otherwise be quadratic).
type entries struct {
	m   *graph.Node
	idx map[string]int
}

const indexAbove = 16

func (e *entries) find(key string) int {
	if e.idx != nil {
		if i, ok := e.idx[key]; ok {
			return i
		}
		return -1
	}
	for i := range e.m.Len() {
		k := e.m.KeyAt(i)
		if k == key {
			return i
		}
	}
	return -1
}

func (e *entries) add(key string, v *graph.Node) {
	e.m.Set(key, v.KeyPos(), v)
	switch {
	case e.idx != nil:
		e.idx[key] = e.m.Len() - 1
	case e.m.Len() > indexAbove:
		e.idx = make(map[string]int, 2*e.m.Len())
		for i := range e.m.Len() {
			k := e.m.KeyAt(i)
			e.idx[k] = i
		}
	}
}

// set sets key, replacing an earlier value (the last duplicate wins, as
// the API server's decoder does).
func (e *entries) set(key string, keyPos graph.Pos, v *graph.Node) {
	v.SetKeyPos(keyPos)
	if i := e.find(key); i >= 0 {
		e.m.SetChild(i, v)
		return
	}
	e.add(key, v)
}

// merge applies a YAML merge key (<<: *anchor or a list of them); keys
// already present win, and so do earlier sources.
func (c *converter) merge(out *entries, v *yaml.Node, depth int, key string) error {
	c.expanded = true
	c.inAlias++
	defer func() { c.inAlias-- }()
	for _, s := range mergeSources(v) {
		m, err := c.convert(s, depth+1, key)
		if err != nil {
			return err
		}
		if m == nil || m.Kind != graph.Map {
			continue
		}
		for i := range m.Len() {
			k := m.KeyAt(i)
			if out.find(k) < 0 {
				out.add(k, m.Children()[i])
			}
		}
	}
	return nil
}

func (c *converter) scalar(y *yaml.Node, pos graph.Pos) *graph.Node {
	n := graph.NewScalar(c.intern(y.Value), graph.TagString, pos)
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
		var cs commentScan
		cs.feed(l)
		if c, ok := cs.end(); ok {
			out = append(out, graph.Comment{File: file, Line: line, Col: c.col, Text: c.text})
		}
	}
	return out
}

// commentStart returns the index of the '#' that starts a comment on the
// line, skipping '#' inside quotes, or -1.
func commentStart(l []byte) int {
	var cs commentScan
	cs.feed(l)
	return cs.hash
}

// commentScan finds the comment of one line fed in fragments: the '#'
// that starts it (outside quotes, at the line start or after a blank) and
// its text, kept up to maxCommentText bytes.
type commentScan struct {
	quote, prev byte
	col, hash   int // bytes fed so far; index of the '#', or -1 once reset
	text        []byte
	started     bool
}

const maxCommentText = 4096

func (s *commentScan) feed(b []byte) {
	if !s.started {
		*s = commentScan{hash: -1, started: true, text: s.text[:0]}
	}
	for i, ch := range b {
		if s.hash >= 0 {
			if len(s.text) < maxCommentText && ch != '\n' {
				s.text = append(s.text, ch)
			}
			continue
		}
		switch {
		case s.quote != 0:
			if ch == s.quote {
				s.quote = 0
			}
		case ch == '"' || ch == '\'':
			s.quote = ch
		case ch == '#' && (s.col+i == 0 || s.prev == ' ' || s.prev == '\t'):
			s.hash = s.col + i
		}
		s.prev = ch
	}
	s.col += len(b)
}

type lineComment struct {
	col  int
	text string
}

// end finishes the line and returns its comment when it holds a pvlint
// directive.
func (s *commentScan) end() (lineComment, bool) {
	s.started = false
	if s.hash < 0 || !bytes.Contains(s.text, directive) {
		return lineComment{}, false
	}
	return lineComment{col: s.hash + 1, text: strings.TrimSpace(string(s.text))}, true
}
