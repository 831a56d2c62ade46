package k8s

import (
	"bytes"
	"context"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// The block reader: the YAML most manifests are written in, read without
// yaml.v3's scanner.
//
// Manifests use a small part of YAML: block mappings and sequences,
// one-line plain and quoted scalars, literal block scalars and one-line
// flow lists. yaml.v3 reads them through a general scanner, parser and
// composer that were most of a scan's time (issue 18: the parse floor is
// yaml.v3's own, and pvlint stood at twice it). blockReader reads that part
// straight into the yaml.Node tree yaml.v3 would build for the document
// (kinds, values, styles, lines and columns; the tag of a plain scalar is
// left for ShortTag, which resolves it with yaml.v3's own function), from
// buffers a worker reuses, and the one converter turns it into the graph.
//
// It answers only where it can tell: the file is printable ASCII with "\n"
// line ends (no tab, no carriage return, no byte-order mark), and each
// document uses nothing but the forms above. Anything else (an anchor, an
// alias, a tag, a merge key, a multi-line plain or quoted scalar, a folded
// scalar, a complex key, a nested flow collection, an escape it does not
// know, a line it cannot place) and the document is decoded by yaml.v3 as
// before, with yaml.v3's errors. TestBlockReaderMatchesYAML and
// FuzzBlockReader hold it to that: whenever it answers, its tree is
// yaml.v3's, node for node.

// fastFiles turns the block reader on; tests turn it off to compare.
var fastFiles = true

// parseFast is ParseBytes's first path: the documents are cut as
// splitDocuments cuts them, each one the block reader reads is converted
// from its tree, and each other one is decoded by yaml.v3 alone, which is
// the per-document result by construction. ok is false when the file is
// not for the block reader at all.
func parseFast(file string, data []byte, opt Options, al *alloc) ([]*graph.Resource, bool, error) {
	if !fastFiles || !blockText(data) {
		return nil, false, nil
	}
	var starts, sizes []int
	if err := cutDocuments(data, opt.MaxDocumentBytes, al, func(line, size int) {
		starts = append(starts, line)
		sizes = append(sizes, size)
	}); err != nil {
		return nil, false, nil // the per-document path names the document
	}
	r := al.blockReader(opt.MaxDepth)
	var out []*graph.Resource
	index, off := 0, 0
	for i, line := range starts {
		end := off + sizes[i]
		w := min(int64(sizes[i]), limits.DocumentBytes)
		_ = decoding.Acquire(context.Background(), w) // never fails without a deadline
		doc, ok := r.document(data, off, end, line)
		if !ok {
			r.release()
			decoding.Release(w)
			var n int
			var err error
			out, n, err = decodeDocument(file, document{line: line, data: data[off:end], size: sizes[i]}, opt, al, out, index)
			index += n
			if err != nil {
				return out, true, err
			}
			off = end
			continue
		}
		c := converter{prune: opt.Prune, max: opt.MaxNodes, maxDepth: opt.MaxDepth, docLine: doc.Line, alloc: al}.sized(sizes[i])
		root, err := c.convert(doc, 0, "")
		r.release()
		decoding.Release(w)
		if err != nil {
			return out, true, &parsers.Error{File: file, Line: doc.Line, Msg: err.Error()}
		}
		if root != nil && root.Kind == graph.Map {
			out = c.appendConverted(out, file, index, root, opt.Source)
		}
		index++
		off = end
	}
	return out, true, nil
}

// blockByte marks the bytes the block reader accepts anywhere in a file:
// printable ASCII and "\n".
var blockByte = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = true
	}
	t['\n'] = true
	return t
}()

// blockText reports whether data is only bytes the block reader accepts.
func blockText(data []byte) bool {
	for _, b := range data {
		if !blockByte[b] {
			return false
		}
	}
	return true
}

// blockReader reads one document at a time; a worker keeps one (alloc).
type blockReader struct {
	src      []byte
	end      int // end of the document being read
	ls, le   int // the current line: its first byte and its end ('\n' or end)
	ind      int // its indentation; -1 once the document has no more content lines
	line     int // its number in the file
	depth    int
	maxDepth int
	nodes    []yaml.Node  // node block, reused from document to document
	kids     []*yaml.Node // children block, reused likewise
	stack    []*yaml.Node // children of the collections being read
	buf      []byte       // a value being unescaped or joined
	al       *alloc
}

// Blocks a reader keeps between documents at most; a larger document's
// blocks are dropped after it.
const (
	blockNodesKept = 1 << 14
	blockKidsKept  = 1 << 15
)

func (a *alloc) blockReader(maxDepth int) *blockReader {
	if a.block == nil {
		a.block = &blockReader{al: a}
	}
	a.block.maxDepth = maxDepth
	return a.block
}

// document reads src[off:end], one cut document whose first line is line
// of the file, into a DocumentNode as yaml.v3 decodes it.
func (r *blockReader) document(src []byte, off, end, line int) (*yaml.Node, bool) {
	r.reset(src, end)
	r.le, r.line = off-1, line-1
	r.next()
	explicit := false
	docLine := r.line
	if r.ind == 0 && bytes.HasPrefix(src[r.ls:r.le], dashes) {
		// The cut starts at its "---" line (after comments, for the
		// first document): a marker with nothing after it but a comment.
		if !r.rest(r.ls + 3) {
			return nil, false
		}
		explicit = true
		r.next()
	}
	doc := r.node(yaml.DocumentNode, docLine, 1)
	if r.ind < 0 {
		if !explicit {
			return nil, false // nothing but comments: yaml.v3 reads no document
		}
		// An empty document is a null where the document ends, at the
		// start of the line after its last (yaml.v3 ends a stream with a
		// line break).
		d := src[off:end]
		last := line + bytes.Count(d, newline)
		if d[len(d)-1] != '\n' {
			last++
		}
		doc.Content = r.take(r.push(r.node(yaml.ScalarNode, last, 1)))
		return doc, true
	}
	if !explicit {
		doc.Line = r.line
	}
	if r.ind != 0 {
		return nil, false
	}
	root, ok := r.mapping(r.ls)
	if !ok || r.ind >= 0 {
		return nil, false
	}
	doc.Content = r.take(r.push(root))
	return doc, true
}

var dashes, newline = []byte("---"), []byte("\n")

// release drops what the last document left in the reader's blocks, so
// that its tree is garbage once the caller is done with it.
func (r *blockReader) release() {
	clear(r.nodes)
	clear(r.kids)
	clear(r.stack[:cap(r.stack)])
	r.nodes, r.kids = r.nodes[:0], r.kids[:0]
	if cap(r.stack) > blockKidsKept {
		r.stack = nil
	}
	if cap(r.buf) > 1<<16 {
		r.buf = nil
	}
}

func (r *blockReader) reset(src []byte, end int) {
	r.src, r.end, r.depth = src, end, 0
	if cap(r.nodes) > blockNodesKept {
		r.nodes = nil
	}
	if cap(r.kids) > blockKidsKept {
		r.kids = nil
	}
	r.nodes, r.kids, r.stack = r.nodes[:0], r.kids[:0], r.stack[:0]
}

// lineAt returns the end of the line starting at p (its '\n', or the
// document's end: nl is false then) and the offset of its first byte that
// is not a blank.
func (r *blockReader) lineAt(p int) (e, i int, nl bool) {
	e = bytes.IndexByte(r.src[p:r.end], '\n')
	if nl = e >= 0; nl {
		e += p
	} else {
		e = r.end
	}
	i = p
	for i < e && r.src[i] == ' ' {
		i++
	}
	return e, i, nl
}

// next moves to the next line that holds content: not blank, not only a
// comment.
func (r *blockReader) next() {
	p := r.le + 1
	r.line++
	for p < r.end {
		e, i, _ := r.lineAt(p)
		if i < e && r.src[i] != '#' {
			r.ls, r.le, r.ind = p, e, i-p
			return
		}
		p = e + 1
		r.line++
	}
	r.ls, r.le, r.ind = r.end, r.end, -1
}

// node hands out a node from the reader's block.
func (r *blockReader) node(kind yaml.Kind, line, col int) *yaml.Node {
	if len(r.nodes) == cap(r.nodes) {
		r.nodes = make([]yaml.Node, 0, max(64, min(2*cap(r.nodes), blockNodesKept)))
	}
	r.nodes = r.nodes[:len(r.nodes)+1]
	n := &r.nodes[len(r.nodes)-1]
	*n = yaml.Node{Kind: kind, Line: line, Column: col}
	return n
}

// push adds a child of the collection being read and returns the mark of
// its first child, for take.
func (r *blockReader) push(n *yaml.Node) int {
	r.stack = append(r.stack, n)
	return len(r.stack) - 1
}

// take returns the children pushed since mark as one slice of the block.
func (r *blockReader) take(mark int) []*yaml.Node {
	k := r.stack[mark:]
	n := len(k)
	if cap(r.kids)-len(r.kids) < n {
		r.kids = make([]*yaml.Node, 0, max(256, n, min(2*cap(r.kids), blockKidsKept)))
	}
	l := len(r.kids)
	r.kids = append(r.kids, k...)
	r.stack = r.stack[:mark]
	return r.kids[l : l+n : l+n]
}

// enter counts one more level of nesting; past the limit the reader gives
// up and yaml.v3 with the converter give their error.
func (r *blockReader) enter() bool {
	r.depth++
	return r.depth <= r.maxDepth
}

// col is the column of offset p of the current line.
func (r *blockReader) col(p int) int { return p - r.ls + 1 }

// rest reports whether the current line from p holds nothing but blanks and
// a comment after at least one blank.
func (r *blockReader) rest(p int) bool {
	q := p
	for q < r.le && r.src[q] == ' ' {
		q++
	}
	return q == r.le || r.src[q] == '#' && q > p
}

// dash reports whether p, on the current line, is a block sequence entry
// indicator.
func (r *blockReader) dash(p int) bool {
	return r.src[p] == '-' && (p+1 == r.le || r.src[p+1] == ' ')
}

// text returns b as a string: interned when short, as the converter would.
func (r *blockReader) text(b []byte) string {
	if len(b) <= 64 {
		if s, ok := r.al.strs[string(b)]; ok {
			return s
		}
		return r.al.intern(string(b))
	}
	return string(b)
}

// mapping reads a block mapping whose first key is at p on the current
// line; its indentation is p's.
func (r *blockReader) mapping(p int) (*yaml.Node, bool) {
	if !r.enter() {
		return nil, false
	}
	defer func() { r.depth-- }()
	n := p - r.ls
	m := r.node(yaml.MappingNode, r.line, n+1)
	mark := len(r.stack)
	for {
		k, q, ok := r.key(p)
		if !ok {
			return nil, false
		}
		r.push(k)
		v, ok := r.value(q, n, true)
		if !ok {
			return nil, false
		}
		r.push(v)
		if r.ind < n {
			break
		}
		if r.ind > n {
			return nil, false
		}
		p = r.ls + n
	}
	m.Content = r.take(mark)
	return m, true
}

// sequence reads a block sequence whose first entry indicator is at p on
// the current line. ofKey is set for the value of a mapping key written
// at the mapping's own indentation: a line there that is not an entry then
// ends the sequence instead of being out of place.
func (r *blockReader) sequence(p int, ofKey bool) (*yaml.Node, bool) {
	if !r.enter() {
		return nil, false
	}
	defer func() { r.depth-- }()
	n := p - r.ls
	s := r.node(yaml.SequenceNode, r.line, n+1)
	mark := len(r.stack)
	for {
		v, ok := r.value(p+1, n, false)
		if !ok {
			return nil, false
		}
		r.push(v)
		if r.ind < n {
			break
		}
		if r.ind > n {
			return nil, false
		}
		p = r.ls + n
		if !r.dash(p) {
			if ofKey {
				break
			}
			return nil, false
		}
	}
	s.Content = r.take(mark)
	return s, true
}

// key reads a mapping key at p: a plain or quoted scalar followed by ":"
// and a blank or the line's end. q is the offset after the ":".
func (r *blockReader) key(p int) (k *yaml.Node, q int, ok bool) {
	line, col := r.line, r.col(p)
	switch c := r.src[p]; {
	case c == '"' || c == '\'':
		v, style, e, ok := r.quoted(p, -1)
		if !ok {
			return nil, 0, false
		}
		for e < r.le && r.src[e] == ' ' {
			e++
		}
		if e == r.le || r.src[e] != ':' || e+1 < r.le && r.src[e+1] != ' ' || e-p > 1024 {
			return nil, 0, false
		}
		k = r.node(yaml.ScalarNode, line, col)
		k.Value, k.Style, k.Tag = v, style, "!!str"
		return k, e + 1, true
	case !r.plainStart(p, false):
		return nil, 0, false
	case p == r.ls && r.le-p >= 3 && r.src[p] == '.' && r.src[p+1] == '.' && r.src[p+2] == '.' && (r.le-p == 3 || r.src[p+3] == ' '):
		return nil, 0, false // "..." ends the document
	}
	i := p
	for ; i < r.le; i++ {
		switch r.src[i] {
		case ':':
			if i+1 == r.le || r.src[i+1] == ' ' {
				goto found
			}
		case '#':
			if r.src[i-1] == ' ' {
				return nil, 0, false // a comment before any ":"
			}
		}
	}
	return nil, 0, false
found:
	e := i
	for e > p && r.src[e-1] == ' ' {
		e--
	}
	if i-p > 1024 || e-p == 2 && r.src[p] == '<' && r.src[p+1] == '<' {
		return nil, 0, false // longer than a simple key may be, or a merge key
	}
	k = r.node(yaml.ScalarNode, line, col)
	k.Value = r.text(r.src[p:e])
	return k, i + 1, true
}

// plainStart reports whether a plain scalar may start at p (in a flow
// collection when flow is set).
func (r *blockReader) plainStart(p int, flow bool) bool {
	switch r.src[p] {
	case '-', '?', ':':
		// An indicator, unless a character that could go on follows.
		if p+1 == r.le || flow && r.src[p] != '-' {
			return false // in a flow collection "?" and ":" are indicators
		}
		switch r.src[p+1] {
		case ' ':
			return false
		case ',', '[', ']', '{', '}':
			return !flow
		}
		return true
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// value reads the node after an indicator (":" of a key, "-" of an entry)
// ending at q on the current line; n is the indentation of the collection
// the indicator belongs to. It leaves the reader at the next content line
// after the node.
func (r *blockReader) value(q, n int, ofKey bool) (*yaml.Node, bool) {
	if r.rest(q) {
		line, col := r.line, r.col(q) // an empty node is where its indicator ends
		r.next()
		switch {
		case r.ind > n:
			p := r.ls + r.ind
			if r.dash(p) {
				return r.sequence(p, false)
			}
			return r.mapping(p)
		case ofKey && r.ind == n && r.dash(r.ls+n):
			return r.sequence(r.ls+n, true)
		}
		return r.node(yaml.ScalarNode, line, col), true
	}
	p := q + 1
	for r.src[p] == ' ' {
		p++
	}
	line, col := r.line, r.col(p)
	switch c := r.src[p]; c {
	case '"', '\'':
		v, style, e, ok := r.quoted(p, n)
		if !ok {
			return nil, false
		}
		if !r.rest(e) {
			if !ofKey && r.line == line && r.keyAfter(e) {
				return r.mapping(p) // "- 'a': b"
			}
			return nil, false
		}
		s := r.node(yaml.ScalarNode, line, col)
		s.Value, s.Style, s.Tag = v, style, "!!str"
		r.next()
		return s, true
	case '[', '{':
		s, ok := r.flow(p)
		if ok {
			r.next()
		}
		return s, ok
	case '|', '>':
		return r.blockScalar(p, n)
	case '-':
		if r.dash(p) {
			if ofKey {
				return nil, false // an entry after a key on its line
			}
			return r.sequence(p, false) // "- - x"
		}
	}
	if !r.plainStart(p, false) {
		return nil, false
	}
	e, isKey := r.plainEnd(p)
	if isKey {
		if ofKey {
			return nil, false // "a: b: c"
		}
		return r.mapping(p) // "- a: b"
	}
	s := r.node(yaml.ScalarNode, line, col)
	if r.blanks(e) == r.le {
		// Not ended by a comment: it may go on over the next lines.
		v, ok := r.plainLines(r.src[p:e], n)
		if !ok {
			return nil, false
		}
		s.Value = v
	} else {
		s.Value = r.text(r.src[p:e])
		r.next()
	}
	return s, true
}

// plainLines reads the lines that continue the plain scalar whose first
// line is first, in a collection indented n: lines indented past n, until
// one is not or starts a comment. Lines are joined with a blank, or with
// a line break for each blank line between them, as yaml.v3's scanner
// folds them. The reader is left at the next content line after them.
func (r *blockReader) plainLines(first []byte, n int) (string, bool) {
	b := r.buf[:0]
	joined := false
	empty := 0
	p, line := r.le+1, r.line+1
	for p < r.end {
		e, i, _ := r.lineAt(p)
		if i == e {
			empty++
			p, line = e+1, line+1
			continue
		}
		if i-p <= n || r.src[i] == '#' {
			break
		}
		t := r.src[i:e]
		for len(t) > 0 && t[len(t)-1] == ' ' {
			t = t[:len(t)-1]
		}
		last := false // a comment ends the scalar on this line
		if c := bytes.Index(t, blankHash); c >= 0 {
			t, last = bytes.TrimRight(t[:c], " "), true
		}
		if bytes.Contains(t, colonBlank) || t[len(t)-1] == ':' ||
			len(t) > 1 && t[1] == ' ' && (t[0] == '-' || t[0] == '?' || t[0] == ':') {
			return "", false
		}
		if !joined {
			b, joined = append(b, first...), true
		}
		if empty == 0 {
			b = append(b, ' ')
		}
		for ; empty > 0; empty-- {
			b = append(b, '\n')
		}
		b = append(b, t...)
		p, line = e+1, line+1
		if last {
			break
		}
	}
	r.le, r.line = p-1, line-1
	r.next()
	if !joined {
		return r.text(first), true
	}
	r.buf = b
	return r.text(b), true
}

var colonBlank, blankHash = []byte(": "), []byte(" #")

// keyAfter reports whether a ":" that makes a key follows e, after blanks.
func (r *blockReader) keyAfter(e int) bool {
	for e < r.le && r.src[e] == ' ' {
		e++
	}
	return e < r.le && r.src[e] == ':' && (e+1 == r.le || r.src[e+1] == ' ')
}

// plainEnd finds the end of the one-line plain scalar at p (blanks before
// a comment or the line's end left out); isKey is set when a ":" and a
// blank or the line's end make it a key instead.
func (r *blockReader) plainEnd(p int) (e int, isKey bool) {
	i := p
	for ; i < r.le; i++ {
		switch r.src[i] {
		case ':':
			if i+1 == r.le || r.src[i+1] == ' ' {
				return 0, true
			}
		case '#':
			if r.src[i-1] == ' ' {
				goto end
			}
		}
	}
end:
	for i > p && r.src[i-1] == ' ' {
		i--
	}
	return i, false
}

// quoted reads the quoted scalar at p; e is the offset after its closing
// quote. With n >= 0 the scalar may go on over lines indented past n (the
// reader then moves to the line of the closing quote), folded as yaml.v3's
// scanner folds it: blanks around a line break dropped, one line break a
// blank, each further one kept, and an escaped line break joining the
// lines. With n < 0 it must end on its line (a key, a flow item).
func (r *blockReader) quoted(p, n int) (v string, style yaml.Style, e int, ok bool) {
	q := r.src[p]
	style = yaml.DoubleQuotedStyle
	if q == '\'' {
		style = yaml.SingleQuotedStyle
	}
	b := r.buf[:0]
	plain := true // no escape, one line: the value is src[p+1:i]
	i := p + 1
	for {
		escaped := false // the line ends in an escaped line break
	line:
		for ; i < r.le; i++ {
			c := r.src[i]
			switch {
			case c == '\'' && q == '\'' && i+1 < r.le && r.src[i+1] == '\'':
				if plain {
					b, plain = append(b, r.src[p+1:i]...), false
				}
				b = append(b, '\'')
				i++
				continue
			case c == q:
				if plain {
					return r.text(r.src[p+1 : i]), style, i + 1, true
				}
				r.buf = b
				return r.text(b), style, i + 1, true
			case c == '\\' && q == '"':
				if i+1 == r.le {
					escaped = true
					break line
				}
				var u byte
				switch r.src[i+1] {
				case '\\', '"':
					u = r.src[i+1]
				case 'n':
					u = '\n'
				case 't':
					u = '\t'
				default:
					return "", 0, 0, false
				}
				if plain {
					b, plain = append(b, r.src[p+1:i]...), false
				}
				b = append(b, u)
				i++
				continue
			}
			if !plain {
				b = append(b, c)
			}
		}
		// The scalar goes on past its line.
		if n < 0 {
			return "", 0, 0, false
		}
		if plain {
			b, plain = append(b, r.src[p+1:i]...), false
		}
		if !escaped {
			for len(b) > 0 && b[len(b)-1] == ' ' && r.src[i-1] == ' ' {
				b, i = b[:len(b)-1], i-1
			}
		}
		empty, ok := r.continuation(n)
		if !ok {
			return "", 0, 0, false
		}
		if !escaped && empty == 0 {
			b = append(b, ' ')
		}
		for ; empty > 0; empty-- {
			b = append(b, '\n')
		}
		i = r.ls + r.ind
	}
}

// continuation moves the reader to the next line that is not blank, for a
// scalar going on there; empty counts the blank lines passed. The line
// must be indented past n.
func (r *blockReader) continuation(n int) (empty int, ok bool) {
	p := r.le + 1
	for p < r.end {
		e, i, _ := r.lineAt(p)
		r.line++
		if i == e {
			empty++
			p = e + 1
			continue
		}
		if i-p <= n {
			return 0, false
		}
		r.ls, r.le, r.ind = p, e, i-p
		return empty, true
	}
	return 0, false
}

// flow reads the one-line flow collection at p (a "[" or "{"), then
// wants nothing but a comment after it.
func (r *blockReader) flow(p int) (*yaml.Node, bool) {
	n, e, ok := r.flowNode(p, false)
	if !ok || !r.rest(e) {
		return nil, false
	}
	return n, true
}

// flowNode reads a flow collection or scalar at p, within one line; e is
// the offset after it. A key of a flow mapping is a scalar ended by ":"
// and a blank.
func (r *blockReader) flowNode(p int, isKey bool) (n *yaml.Node, e int, ok bool) {
	line, col := r.line, r.col(p)
	switch c := r.src[p]; c {
	case '"', '\'':
		v, style, e, ok := r.quoted(p, -1)
		if !ok {
			return nil, 0, false
		}
		n = r.node(yaml.ScalarNode, line, col)
		n.Value, n.Style, n.Tag = v, style, "!!str"
		return n, e, true
	case '[', '{':
		if isKey || !r.enter() {
			return nil, 0, false
		}
		defer func() { r.depth-- }()
		kind, closing := yaml.SequenceNode, byte(']')
		if c == '{' {
			kind, closing = yaml.MappingNode, '}'
		}
		n = r.node(kind, line, col)
		n.Style = yaml.FlowStyle
		mark := len(r.stack)
		i := r.blanks(p + 1)
		if i < r.le && r.src[i] == closing {
			n.Content = r.take(mark)
			return n, i + 1, true
		}
		for {
			if i == r.le {
				return nil, 0, false
			}
			it0 := i
			it, e, ok := r.flowNode(i, kind == yaml.MappingNode)
			if !ok {
				return nil, 0, false
			}
			r.push(it)
			i = r.blanks(e)
			if kind == yaml.MappingNode {
				if i == r.le || r.src[i] != ':' || i+1 == r.le || r.src[i+1] != ' ' || i-it0 > 1024 {
					return nil, 0, false // a key without a value, ":" without a blank, or a key too long
				}
				i = r.blanks(i + 1)
				if i == r.le || r.src[i] == ',' || r.src[i] == '}' {
					return nil, 0, false // an empty value
				}
				v, e, ok := r.flowNode(i, false)
				if !ok {
					return nil, 0, false
				}
				r.push(v)
				i = r.blanks(e)
			}
			if i == r.le {
				return nil, 0, false
			}
			switch r.src[i] {
			case closing:
				n.Content = r.take(mark)
				return n, i + 1, true
			case ',':
				i = r.blanks(i + 1)
				if i < r.le && r.src[i] == closing {
					return nil, 0, false // a trailing comma
				}
			default:
				return nil, 0, false
			}
		}
	}
	if !r.plainStart(p, true) {
		return nil, 0, false
	}
	e = p
	for ; e < r.le; e++ {
		c := r.src[e]
		if c == ',' || c == ']' || c == '[' || c == '{' || c == '}' {
			break
		}
		if c == '?' {
			return nil, 0, false // yaml.v3 ends a flow plain scalar at "?"
		}
		if c == ':' && (e+1 == r.le || r.src[e+1] == ' ' || r.src[e+1] == ',' || r.src[e+1] == ']' || r.src[e+1] == '}') {
			if isKey && e+1 < r.le && r.src[e+1] == ' ' {
				break
			}
			return nil, 0, false // a pair where a scalar should be
		}
		if c == '#' && r.src[e-1] == ' ' {
			return nil, 0, false // a comment inside: the collection goes on past its line
		}
	}
	v := e
	for v > p && r.src[v-1] == ' ' {
		v--
	}
	if isKey && v-p == 2 && r.src[p] == '<' && r.src[p+1] == '<' {
		return nil, 0, false
	}
	n = r.node(yaml.ScalarNode, line, col)
	n.Value = r.text(r.src[p:v])
	return n, e, true
}

// blanks returns the first offset from p that is not a blank.
func (r *blockReader) blanks(p int) int {
	for p < r.le && r.src[p] == ' ' {
		p++
	}
	return p
}

// blockScalar reads the literal or folded block scalar whose "|" or ">" is
// at p; n is the indentation of the collection holding it. The reader is
// left at the first line after it that holds content. Its value is built
// as yaml.v3's scanner builds it: the indentation is the first text
// line's, a folded line break between two text lines that do not start
// with a blank becomes a blank (or disappears before empty lines), and
// the last line break and the empty lines after it are chomped.
func (r *blockReader) blockScalar(p, n int) (*yaml.Node, bool) {
	s := r.node(yaml.ScalarNode, r.line, r.col(p))
	s.Style, s.Tag = yaml.LiteralStyle, "!!str"
	folded := r.src[p] == '>'
	if folded {
		s.Style = yaml.FoldedStyle
	}
	h := p + 1
	var chomp byte
	if h < r.le && (r.src[h] == '-' || r.src[h] == '+') {
		chomp = r.src[h]
		h++
	}
	if h < r.le && r.src[h] != ' ' || !r.rest(h) {
		return nil, false // an indentation indicator, or more on the line
	}
	b := r.buf[:0]
	indent := -1
	empty := 0                  // empty lines since the last text line
	text, blank := false, false // a text line was read; the last one starts with a blank
	leading := 0
	q, line := r.le+1, r.line+1
	for q < r.end {
		e, i, nl := r.lineAt(q)
		if !nl {
			return nil, false // the last line has no line break
		}
		sp := i - q
		if q+sp == e {
			// A line of blanks at most.
			if indent < 0 {
				leading = max(leading, sp)
			} else if sp > indent {
				return nil, false // blanks past the indentation are text
			}
			empty++
			q, line = e+1, line+1
			continue
		}
		if indent < 0 {
			if sp <= n || leading > sp {
				return nil, false // empty, or an ill-indented leading line
			}
			indent = sp
		} else if sp < indent {
			break
		}
		more := sp > indent
		switch {
		case folded && text && !blank && !more:
			if empty == 0 {
				b = append(b, ' ')
			}
		case text:
			b = append(b, '\n')
		}
		for ; empty > 0; empty-- {
			b = append(b, '\n')
		}
		b = append(b, r.src[q+indent:e]...)
		text, blank = true, more
		q, line = e+1, line+1
	}
	if indent < 0 {
		return nil, false
	}
	switch chomp {
	case 0:
		b = append(b, '\n')
	case '+':
		b = append(b, '\n')
		for ; empty > 0; empty-- {
			b = append(b, '\n')
		}
	}
	r.buf = b
	s.Value = r.text(b)
	r.le, r.line = q-1, line-1
	r.next()
	return s, true
}
