package helm

import (
	"sort"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// target is a template position for a rendered node.
type target struct {
	line, col int
	prec      graph.Precision
}

func (t target) pos() graph.Pos { return graph.Pos{Line: t.line, Col: t.col} }

// remapper moves the nodes of the objects rendered from one template to the
// template's own lines.
type remapper struct {
	sk      *skeleton
	values  map[string]any // the template's .Values, nil when unknown
	lastDoc int            // the document of the previous object, -1 before the first
	used    []bool         // documents that explained an object
	start   target         // the current object's start
	// rendered line → template target of the first node written on it, to
	// map rendered comments; kept only while noteLines is set (the rendered
	// text holds comments).
	lines     map[int]target
	sorted    []int // the keys of lines, sorted (renderedComment)
	noteLines bool
	// paths indexes known, the key paths of the rendered objects seen
	// (pickDoc), each with the generation (object) that last had it; cur
	// lists those of the current object. Kept across objects, so that the
	// paths of objects alike are built once.
	paths map[string]int
	known []knownPath
	gen   uint32
	cur   []string
	buf   []byte
	// helpers finds the define block an include action names (nil: none
	// followed).
	helpers func(action string) *define
	cursor  map[*entry]int // per include-only document: the include last followed
}

func newRemapper(src string, values map[string]any) *remapper {
	sk := parseSkeleton(src)
	return &remapper{sk: sk, values: values, lastDoc: -1, used: make([]bool, len(sk.docs)), lines: map[int]target{}, cursor: map[*entry]int{}}
}

// remap rewrites every position of r (rendered lines) to template lines.
// objectOnly forces every node to the object's start (packaged subcharts,
// whose template has no file on disk).
func (m *remapper) remap(r *graph.Resource, objectOnly bool) {
	m.remapDoc(r, m.pickDoc(r.Root), objectOnly)
}

// remapDoc maps r as written by template document doc.
func (m *remapper) remapDoc(r *graph.Resource, doc *entry, objectOnly bool) {
	start := m.objectStart(doc)
	m.start = start
	if objectOnly {
		m.setAll(r.Root, start)
		r.Root.SetPos(start.pos())
		r.Root.Precision = graph.ObjectStart
		r.KindPos = start.pos()
	} else {
		r.Root.SetPos(start.pos())
		m.mapMap(r.Root, doc.children, m.insertIn(doc, start))
		if k := r.Root.Get("kind"); k != nil && !k.KeyPos().IsZero() {
			r.KindPos = k.KeyPos()
			if k.Precision != graph.Exact {
				r.Root.Precision = k.Precision
			}
		} else {
			r.KindPos = start.pos()
			r.Root.Precision = graph.ObjectStart
		}
	}
	first, last := doc.first, doc.last
	if first == 0 {
		first, last = start.line, start.line
	}
	r.Start = graph.Pos{Line: first, Col: 1}
	r.End = graph.Pos{Line: last}
}

// pickDoc chooses the template document that best explains a rendered
// object. Documents render in template order, so the search starts after
// the previous object's document (at it, when that document can render
// more than once: inside a range, or writing a helper's text) and looks at
// a few candidates of the object's kind (or of a templated kind): the
// literal kind, then a literal metadata.name, then the key paths both
// share decide; a document already used that cannot repeat is a last
// resort; ties go to the earliest. Only when nothing ahead fits does it
// look back (a range body holding several documents loops back to its
// first). The work per object is bounded, so remapping stays linear in the
// number of objects and documents.
func (m *remapper) pickDoc(root *graph.Node) *entry {
	sk := m.sk
	kind, _ := root.Get("kind").Str()
	name, _ := root.Get("metadata").Get("name").Str()
	start := m.lastDoc + 1
	if m.lastDoc >= 0 && sk.docs[m.lastDoc].repeatable {
		start = m.lastDoc
	}
	var rendered []string // computed only when candidates compete
	score := func(i int) int {
		d := sk.docs[i]
		s := 0
		if d.kindLit != "" {
			if d.kindLit == kind {
				s += 1000
			} else {
				s -= 1000
			}
		}
		if d.nameLit != "" && name != "" {
			if d.nameLit == name {
				s += 200
			} else {
				s -= 200
			}
		}
		if m.used[i] {
			if d.repeatable {
				s-- // may repeat, but a fresh document explains as well first
			} else {
				s -= 5000
			}
		}
		if rendered == nil {
			rendered = m.objectPaths(root)
		}
		// Keys the document cannot have written count against it; keys
		// it merely writes too do not count for it, so that a document
		// that inserts its content (rules: {{ include ... }}) is not
		// passed over for a later one spelling the same keys out.
		for _, p := range rendered {
			if !d.explains(p) {
				s -= 2
			}
		}
		return s
	}
	best, bestScore := -1, 0
	ahead := sk.candidates(kind, start, pickWindow, true)
	if len(ahead) == 1 && !m.used[ahead[0]] {
		best = ahead[0] // the common case: the next document of the kind
	} else {
		for _, i := range ahead {
			if s := score(i); best < 0 || s > bestScore {
				best, bestScore = i, s
			}
		}
	}
	if best < 0 || m.used[best] && !sk.docs[best].repeatable {
		// Nothing new ahead: the object repeats an earlier document (a
		// range body of several documents loops back).
		back, backScore := -1, 0
		for _, i := range sk.candidates(kind, start, pickWindow, false) {
			s := score(i)
			if m.used[i] && !sk.docs[i].repeatable {
				s += 5000 // repeating is what looking back means
			}
			if back < 0 || s > backScore {
				back, backScore = i, s
			}
		}
		if back >= 0 {
			best = back
		}
	}
	if best < 0 {
		for i, d := range sk.docs {
			if d.first != 0 {
				return sk.docs[i]
			}
		}
		return sk.docs[0]
	}
	m.lastDoc = best
	m.used[best] = true
	return sk.docs[best]
}

// pickWindow is how many candidate documents pickDoc compares.
const pickWindow = 8

// candidates returns up to n documents that can hold an object of kind:
// those writing it literally and those whose kind is templated or not
// written, in order from index from (forward) or before it (backward,
// nearest first).
func (sk *skeleton) candidates(kind string, from, n int, forward bool) []int {
	a, b := sk.byKind[kind], sk.openKind
	var i, j int
	if forward {
		i, j = sort.SearchInts(a, from), sort.SearchInts(b, from)
	} else {
		i, j = sort.SearchInts(a, from)-1, sort.SearchInts(b, from)-1
	}
	var out []int
	for len(out) < n {
		var next int
		okA := i >= 0 && i < len(a)
		okB := j >= 0 && j < len(b)
		switch {
		case okA && okB:
			if (a[i] < b[j]) == forward {
				next = a[i]
				okB = false
			} else {
				next = b[j]
				okA = false
			}
		case okA:
			next = a[i]
		case okB:
			next = b[j]
		default:
			return out
		}
		step := 1
		if !forward {
			step = -1
		}
		if okA {
			i += step
		} else {
			j += step
		}
		out = append(out, next)
	}
	return out
}

// objectPaths returns the distinct key paths of a rendered object, list
// items folded into "[]" (as collectPaths writes them).
func (m *remapper) objectPaths(root *graph.Node) []string {
	if m.paths == nil {
		m.paths = map[string]int{}
	}
	m.gen++
	m.cur = m.cur[:0]
	m.buf = m.nodePaths(root, m.buf[:0])
	return m.cur
}

func (m *remapper) nodePaths(n *graph.Node, buf []byte) []byte {
	switch n.Kind {
	case graph.Map:
		for i, it := range n.Children() {
			b := append(append(buf, '.'), n.KeyAt(i)...)
			m.addPath(b)
			b = m.nodePaths(it, b)
			buf = b[:len(buf)]
		}
	case graph.List:
		b := append(buf, "[]"...)
		for _, it := range n.Children() {
			b = m.nodePaths(it, b)
			b = b[:len(buf)+2]
		}
		buf = b[:len(buf)]
	}
	return buf
}

func (m *remapper) addPath(b []byte) {
	if i, ok := m.paths[string(b)]; ok { // no allocation to look up
		if k := &m.known[i]; k.gen != m.gen {
			k.gen = m.gen
			m.cur = append(m.cur, k.path)
		}
		return
	}
	p := string(b)
	m.paths[p] = len(m.known)
	m.known = append(m.known, knownPath{p, m.gen})
	m.cur = append(m.cur, p)
}

type knownPath struct {
	path string
	gen  uint32 // the object that last had it
}

// objectStart is where the object is written: its kind: line, else the
// first line of its document.
func (m *remapper) objectStart(doc *entry) target {
	if doc.kindEnt != nil {
		return target{doc.kindEnt.line, doc.kindEnt.col, graph.ObjectStart}
	}
	if doc.first > 0 {
		return target{doc.first, 1, graph.ObjectStart}
	}
	return target{1, 1, graph.ObjectStart}
}

// insertIn returns where text not written in e's own lines came from: its
// inline inserted value, the first line inserting text under it, or def.
func (m *remapper) insertIn(e *entry, def target) target {
	if e.valIns {
		return target{e.line, e.valCol, graph.Insertion}
	}
	if e.flow {
		return target{e.line, e.valCol, graph.Exact}
	}
	for _, c := range e.children {
		if c.kind == entInsert {
			return target{c.line, c.col, graph.Insertion}
		}
	}
	return def
}

func (m *remapper) setAll(n *graph.Node, t target) {
	if n == nil {
		return
	}
	m.note(n, t)
	n.SetPos(t.pos())
	n.Precision = t.prec
	if !n.KeyPos().IsZero() {
		n.SetKeyPos(t.pos())
	}
	for _, it := range n.Children() {
		m.setAll(it, t)
	}
}

// note records the target of the first node seen on a rendered line.
func (m *remapper) note(n *graph.Node, t target) {
	if !m.noteLines {
		return
	}
	l := n.KeyPos().Line
	if l == 0 {
		l = n.Pos().Line
	}
	if l > 0 {
		if _, ok := m.lines[l]; !ok {
			m.lines[l] = t
		}
	}
}

// mapMap maps the entries of a rendered map written under the template
// entries ents; what they do not explain goes to fallback.
func (m *remapper) mapMap(n *graph.Node, ents []*entry, fallback target) {
	m.mapMapSites(n, ents, nil, fallback)
}

// mapMapSites is mapMap with sites, inline actions that also inserted
// text into the map (labels: {{ include ... }} followed by keys of its own).
func (m *remapper) mapMapSites(n *graph.Node, ents []*entry, sites []insertSite, fallback target) {
	for i := range n.Len() {
		k := n.KeyAt(i)
		v := n.Children()[i]
		e := bestKey(ents, k, v)
		if e == nil || e.wild { // not written here: an included helper may write it
			if m.keyIntoHelper(v, k, append(m.insertSites(ents), sites...), 0) {
				continue
			}
			if e == nil {
				m.setAll(v, fallback)
				continue
			}
		}
		m.mapKey(v, e)
	}
}

// mapKey maps rendered map value v, whose key template entry e writes.
func (m *remapper) mapKey(v *graph.Node, e *entry) {
	t := target{e.line, e.col, graph.Exact}
	if e.wild {
		t.prec = graph.Insertion
	}
	m.note(v, t)
	v.SetKeyPos(t.pos())
	v.Precision = t.prec
	switch {
	case e.valCol > 0:
		v.SetPos(graph.Pos{Line: e.line, Col: e.valCol})
	default:
		v.SetPos(t.pos())
	}
	// Children the template does not write under the key came from an
	// insertion under it, or are only known to be in the object.
	m.mapValue(v, e, m.insertIn(e, m.start))
}

// insertSite is an output action that inserted text where a rendered node
// has no entry of its own.
type insertSite struct {
	action    string
	line, col int
}

// insertSites lists the insertion lines among ents.
func (m *remapper) insertSites(ents []*entry) []insertSite {
	var out []insertSite
	for _, c := range ents {
		if c.kind == entInsert {
			out = append(out, insertSite{c.action, c.line, c.col})
		}
	}
	return out
}

// valueSite is the inline action that inserted e's value (key: {{ ... }}).
func (m *remapper) valueSite(e *entry) []insertSite {
	if !e.valIns {
		return nil
	}
	acts := m.sk.actions
	i := sort.Search(len(acts), func(i int) bool {
		return acts[i].line > e.line || acts[i].line == e.line && acts[i].col >= e.valCol
	})
	if i < len(acts) && acts[i].line == e.line && acts[i].col == e.valCol {
		return []insertSite{{acts[i].text, e.line, e.valCol}}
	}
	return nil
}

// keyIntoHelper maps rendered key k (value v), which the template does not
// write, into the define block that one of the include actions at sites
// inserted, when the helper writes the key (itself, or through the
// helpers it includes): the node then points at the helper's line, in its
// file. It reports whether it did.
func (m *remapper) keyIntoHelper(v *graph.Node, k string, sites []insertSite, depth int) bool {
	if m.helpers == nil || depth >= maxIncludeDepth {
		return false
	}
	var lines []int
	for _, s := range sites {
		d := m.helpers(s.action)
		if d == nil {
			continue
		}
		if m.noteLines && lines == nil {
			lines = renderedLines(v, []int{})
		}
		h := d.rm
		for _, doc := range h.sk.docs {
			if h.keyIn(v, k, doc.children, m.values, depth+1) {
				m.inHelper(lines)
				setFileIfUnset(v, d.t.file)
				return true
			}
		}
	}
	return false
}

// keyIn maps key k among a helper's entries ents, or into the helpers they
// include.
func (m *remapper) keyIn(v *graph.Node, k string, ents []*entry, values map[string]any, depth int) bool {
	e := bestKey(ents, k, v)
	if e == nil || e.wild {
		return m.keyIntoHelper(v, k, m.insertSites(ents), depth)
	}
	saved, savedValues := m.start, m.values
	m.start, m.values = target{e.line, e.col, graph.Insertion}, values
	m.mapKey(v, e)
	m.start, m.values = saved, savedValues
	return true
}

// mapInserted maps the children of rendered map v, inserted whole by an
// action (an inline value, or an insertion line): into the helper that
// writes each key, else to fallback.
func (m *remapper) mapInserted(v *graph.Node, sites []insertSite, fallback target) {
	for _, it := range v.Children() {
		if len(sites) == 0 || !m.keyIntoHelper(it, it.Key(), sites, 0) {
			m.setAll(it, fallback)
		}
	}
}

func (m *remapper) mapValue(v *graph.Node, e *entry, fallback target) {
	switch v.Kind {
	case graph.Map:
		switch {
		case e.valIns && len(e.children) > 0: // keys written after the inline insertion
			m.mapMapSites(v, e.children, m.valueSite(e), fallback)
		case e.valIns || e.flow:
			m.mapInserted(v, m.valueSite(e), fallback)
		default:
			m.mapMap(v, e.children, fallback)
		}
	case graph.List:
		if e.valIns || e.flow {
			for _, it := range v.Children() {
				m.setAll(it, fallback)
			}
			return
		}
		m.mapList(v, e, fallback)
	}
}

// mapList maps the items of a rendered list to the template's items (see
// alignList): an item whose origin is ambiguous goes to the object's start,
// one nothing explains to fallback.
func (m *remapper) mapList(n *graph.Node, parent *entry, fallback target) {
	for x, a := range m.alignList(n.Children(), parent) {
		it := n.Children()[x]
		switch {
		case a.ent != nil:
			m.mapItem(it, a.ent)
		case a.ins != nil:
			if !m.intoHelper(it, []*entry{a.ins}) {
				m.setAll(it, target{a.ins.line, a.ins.col, graph.Insertion})
			}
		case a.ambiguous:
			if !m.intoHelper(it, inserts(parent)) {
				m.setAll(it, m.start)
			}
		default:
			if fallback.prec == graph.Exact {
				fallback.prec = graph.Insertion
			}
			m.setAll(it, fallback)
		}
	}
}

// mapItem maps rendered item it, written by template item e.
func (m *remapper) mapItem(it *graph.Node, e *entry) {
	t := target{e.line, e.col, graph.Exact}
	m.note(it, t)
	it.SetPos(t.pos())
	it.Precision = t.prec
	if e.valCol > 0 && it.Kind == graph.Scalar {
		it.SetPos(graph.Pos{Line: e.line, Col: e.valCol})
	}
	if it.Kind == graph.Map && len(e.children) > 0 && e.children[0].kind == entKey && e.children[0].line == e.line {
		// "- kind: x": a mapping item is where its first key is, as the
		// Kubernetes parser places it in plain YAML, not at the dash.
		it.SetPos(graph.Pos{Line: e.line, Col: e.children[0].col})
	}
	fb := m.insertIn(e, m.start)
	switch it.Kind {
	case graph.Map:
		if e.valIns || e.flow {
			m.mapInserted(it, m.valueSite(e), fb)
		} else {
			m.mapMap(it, e.children, fb)
		}
	case graph.List:
		m.mapValue(it, e, fb)
	}
}

// itemScore says how well a template item explains rendered item v; 0 or
// less means it cannot have written it. A literal name that agrees wins;
// rendered keys the item does not write count against it unless the item
// inserts text of its own.
func itemScore(e *entry, v *graph.Node) int {
	keys, open := 0, e.valIns
	for _, c := range e.children {
		switch {
		case c.kind == entInsert || c.wild:
			open = true
		case c.kind == entKey:
			keys++
		}
	}
	switch v.Kind {
	case graph.Map:
		if e.valIns {
			return 1
		}
		score := 0
		for i := range v.Len() {
			k := v.KeyAt(i)
			c, s, ok := agreeingKey(e.children, k, v.Children()[i])
			if c == nil {
				if !open {
					score--
				}
				continue
			}
			score++
			if k == "name" && !c.valIns && c.value != "" {
				s, ok := v.Children()[i].Str()
				if ok && s == c.value {
					score += 100
				} else if ok {
					return 0
				}
				continue
			}
			if !ok {
				return 0
			}
			score += s
		}
		if keys == 0 && open {
			score = max(score, 1)
		}
		return score
	case graph.List:
		if keys == 0 && (len(e.children) > 0 || e.flow) {
			return 1
		}
		return 0
	default:
		if keys > 0 {
			return 0
		}
		if e.valIns && !e.text && !e.flow && v.Kind == graph.Scalar {
			// The literal text around the actions tells items apart.
			s, ok := insertedAgreement(e.value, v.Value())
			if !ok {
				return 0
			}
			return 1 + s
		}
		if e.valIns || e.text {
			return 1
		}
		s, _ := v.Str()
		if e.value == s && (e.value != "" || v.Kind == graph.Null) {
			return 100
		}
		return 0
	}
}

// agreeingKey is keyEntry among alternatives: the key k may be written in
// several branches of an if/else (verbs: ["get"] or verbs: ["create",
// "get"]), and the branch that rendered n is the one whose literals agree
// with it. c is the best agreeing entry (ok), or the first of them when
// none agrees; nil when no entry writes k.
func agreeingKey(ents []*entry, k string, n *graph.Node) (c *entry, score int, ok bool) {
	for _, e := range ents {
		if e.kind != entKey || e.wild || e.key != k {
			continue
		}
		s, agree := literalAgreement(e, n)
		switch {
		case agree && (!ok || s > score):
			c, score, ok = e, s, true
		case c == nil:
			c = e
		}
	}
	return c, score, ok
}

// bestKey picks the entry for key k among ents: alternatives of an
// if/else are told apart by their literal value and child keys; a templated
// key is the last resort.
func bestKey(ents []*entry, k string, v *graph.Node) *entry {
	var best, wild *entry
	bestScore := -1
	for _, e := range ents {
		if e.kind != entKey {
			continue
		}
		if e.wild {
			if wild == nil {
				wild = e
			}
			continue
		}
		if e.key != k {
			continue
		}
		s := keyScore(e, v)
		if _, agree := literalAgreement(e, v); !agree {
			s -= 1 << 20 // a branch whose literal did not render: the last resort
		}
		if best == nil || s > bestScore {
			best, bestScore = e, s
		}
	}
	if best != nil {
		return best
	}
	return wild
}

func keyScore(e *entry, v *graph.Node) int {
	switch v.Kind {
	case graph.Scalar:
		if e.valIns || e.text {
			return 1
		}
		if e.value != "" && e.value == v.Value() {
			return 2
		}
		return 0
	case graph.Map:
		s := 0
		if e.block || e.valIns {
			s++
		}
		for _, c := range e.children {
			if c.kind == entKey && v.Get(c.key) != nil {
				s++
			}
		}
		return s
	case graph.List:
		s := 0
		if e.block || e.valIns || e.flow {
			s++
		}
		for _, c := range e.children {
			if c.kind == entItem {
				s++
				break
			}
		}
		return s
	}
	return 0
}

// renderedComment maps a comment of the rendered text to the template line
// of the node it sits on or, on a line of its own, of the next node.
func (m *remapper) renderedComment(line int) (target, bool) {
	if t, ok := m.lines[line]; ok {
		return t, t.line > 0
	}
	if len(m.sorted) != len(m.lines) {
		m.sorted = m.sorted[:0]
		for l := range m.lines {
			m.sorted = append(m.sorted, l)
		}
		sort.Ints(m.sorted)
	}
	i := sort.SearchInts(m.sorted, line+1)
	if i == len(m.sorted) {
		return target{}, false
	}
	t := m.lines[m.sorted[i]]
	return t, t.line > 0
}

// renderedLines appends the rendered lines of n's nodes (before they are
// remapped) to out.
func renderedLines(n *graph.Node, out []int) []int {
	l := n.KeyPos().Line
	if l == 0 {
		l = n.Pos().Line
	}
	if l > 0 {
		out = append(out, l)
	}
	for _, c := range n.Children() {
		out = renderedLines(c, out)
	}
	return out
}

// inHelper marks rendered lines whose nodes were mapped into a helper's
// define block, for renderedComment: a comment the helper wrote there is
// the helper file's own (templateComments), never the template's.
func (m *remapper) inHelper(lines []int) {
	for _, l := range lines {
		if _, ok := m.lines[l]; !ok {
			m.lines[l] = target{} // line 0: written in a helper
		}
	}
}

// templateComments returns the pvlint comments written in a template: YAML
// comments and {{/* */}} actions.
func templateComments(file string, src string, sk *skeleton) []graph.Comment {
	if !strings.Contains(src, "pvlint:") {
		return nil
	}
	var out []graph.Comment
	for _, a := range sk.actions {
		if a.kind == actComment && strings.Contains(a.text, "pvlint:") {
			t := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(a.text, "/*"), "*/"))
			out = append(out, graph.Comment{File: file, Line: a.line, Col: a.col, Text: t})
		}
	}
	for i, l := range sk.lines {
		if !strings.Contains(l, "pvlint:") {
			continue
		}
		h := commentIndex(l)
		if h < 0 || !strings.Contains(l[h:], "pvlint:") {
			continue
		}
		out = append(out, graph.Comment{File: file, Line: i + 1, Col: h + 1, Text: strings.TrimSpace(l[h+1:])})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}
