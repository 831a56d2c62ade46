package kustomize

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// attributor maps the fields of one rendered object back to the files the
// user edits. Its rule is "last writer": the sources that shaped the object
// are replayed in the order Kustomize applied them (the base document, then
// each applicable patch from the innermost kustomization out), and every
// rendered value takes the position of the last source that wrote that
// value. A value no source wrote comes from a transformer and points at
// its kustomization entry; failing that, the object's kind: line.
type attributor struct {
	p     *parser
	res   *graph.Resource
	tree  *layer
	chain []*layer

	names    []string // the object's names as patches may target it
	origName string
	prefixes []string
	suffixes []string

	exact   map[*graph.Node]bool  // positioned at a source that wrote this value
	keyOnly map[*graph.Node]place // a source wrote the key with another value
	patches []string
}

type place struct {
	file string
	n    *graph.Node
}

func newAttributor(p *parser, r *graph.Resource, t *layer) *attributor {
	return &attributor{p: p, res: r, tree: t, exact: map[*graph.Node]bool{}, keyOnly: map[*graph.Node]place{}}
}

// contrib is one source of an object's fields, in the object's shape.
type contrib struct {
	file  string
	root  *graph.Node
	hints map[*graph.Node]int  // JSON 6902: list index an operation named (-1: appended)
	wild  map[*graph.Node]bool // JSON 6902 copy/move: whatever is there came from the operation
}

// locate finds the object's source document and positions every field.
func (a *attributor) locate(origin *resource.Origin, helmIdx string, v *vfs) {
	clearPositions(a.res.Root)
	rootDir := a.tree.k.dir
	var src *graph.Resource
	var srcFile string
	switch {
	case origin != nil && origin.ConfiguredIn != "" && strings.HasSuffix(origin.ConfiguredBy.Kind, "Generator"):
		kfile := path.Clean(path.Join(rootDir, origin.ConfiguredIn))
		a.generated(kfile, origin.ConfiguredBy.Kind)
		return
	case origin != nil && origin.Path != "" && origin.Repo == "":
		srcFile = path.Clean(path.Join(rootDir, origin.Path))
	}
	if srcFile == "" {
		a.fallback(a.tree)
		return
	}
	if hs, ok := v.helmSource(srcFile, helmIdx); ok {
		a.helmObject(srcFile, hs)
		return
	}
	src = a.p.sourceDoc(srcFile, a.res)
	def := a.tree.find(func(l *layer) bool { return l.files[srcFile] })
	if def == nil {
		def = a.tree
	}
	a.chain = def.chain()
	if src == nil {
		a.fallback(def)
		return
	}
	a.fromSource(src)
}

// fromSource maps the object onto its source document (a base file, or a
// vendored chart's rendered template): the document's lines are its base,
// then the patches of the chain of kustomizations, in order.
func (a *attributor) fromSource(src *graph.Resource) {
	a.res.File, a.res.Doc = src.File, src.Doc
	a.res.KindPos, a.res.Start, a.res.End = src.KindPos, src.Start, src.End
	a.origName = src.Name
	a.nameForms()
	a.apply(contrib{file: src.File, root: src.Root})
	for _, l := range a.chain {
		for _, pr := range l.patches() {
			for _, c := range a.p.patchContribs(pr, a) {
				a.apply(c)
				a.patches = appendUnique(a.patches, c.file)
			}
		}
	}
	a.finish()
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// clearPositions forgets the positions of the rendered text.
func clearPositions(n *graph.Node) {
	if n == nil {
		return
	}
	n.SetPos(graph.Pos{})
	n.SetKeyPos(graph.Pos{})
	n.SetFile("")
	n.Precision = graph.ObjectStart
	for _, it := range n.Children() {
		clearPositions(it)
	}
}

// nameForms lists the names the object had on its way up: patches of an
// overlay may name it with or without the prefixes of the layers below.
func (a *attributor) nameForms() {
	name := a.origName
	a.names = []string{name}
	for _, l := range a.chain {
		pre, _ := l.k.namePrefix.Str()
		suf, _ := l.k.nameSuffix.Str()
		if pre != "" {
			a.prefixes = append(a.prefixes, pre)
		}
		if suf != "" {
			a.suffixes = append(a.suffixes, suf)
		}
		name = pre + name + suf
		a.names = append(a.names, name)
	}
	a.names = append(a.names, a.res.Name)
}

// sameValue reports whether a rendered scalar is what a source wrote,
// allowing for the name prefixes, suffixes and generator hashes that
// Kustomize adds to names and to the references that follow them.
func (a *attributor) sameValue(rendered, written string) bool {
	if rendered == written {
		return true
	}
	if written == "" || !strings.Contains(rendered, written) {
		return false
	}
	s := rendered
	for changed := true; changed; {
		changed = false
		for _, p := range a.prefixes {
			if strings.HasPrefix(s, p) && len(s) > len(p) {
				s, changed = s[len(p):], true
			}
		}
	}
	s = hashSuffix.ReplaceAllString(s, "")
	for changed := true; changed; {
		changed = false
		for _, p := range a.suffixes {
			if strings.HasSuffix(s, p) && len(s) > len(p) {
				s, changed = s[:len(s)-len(p)], true
			}
		}
	}
	return s == written
}

func (a *attributor) set(rn *graph.Node, file string, cn *graph.Node, prec graph.Precision) {
	rn.SetFile(file)
	rn.SetPos(cn.Pos())
	rn.SetKeyPos(cn.KeyPos())
	rn.Precision = prec
	if cn.Precision != graph.Exact && prec == graph.Exact {
		rn.Precision = cn.Precision // a Helm template's own precision
	}
	if cn.File() != "" {
		rn.SetFile(cn.File())
	}
}

func (a *attributor) apply(c contrib) {
	if c.root == nil {
		return
	}
	a.walk(c, a.res.Root, c.root, true)
}

func (a *attributor) walk(c contrib, rn, cn *graph.Node, top bool) {
	if rn == nil || cn == nil {
		return
	}
	if c.wild[cn] {
		a.setTree(rn, c.file, cn)
		return
	}
	switch rn.Kind {
	case graph.Scalar:
		if cn.Kind == graph.Scalar && a.sameValue(rn.Value(), cn.Value()) {
			a.set(rn, c.file, cn, graph.Exact)
			a.exact[rn] = true
		} else if cn.Kind == graph.Scalar {
			a.keyOnly[rn] = place{c.file, cn}
		}
	case graph.Null:
		a.set(rn, c.file, cn, graph.Exact)
		a.exact[rn] = true
	case graph.Map:
		if cn.Kind != graph.Map {
			return
		}
		if !top && (!a.exact[rn] || isReplace(cn)) {
			a.set(rn, c.file, cn, graph.Exact)
			a.exact[rn] = true
		}
		// A key the source deleted (key: null, $patch: delete) makes the
		// source the last writer of the map that lost it.
		for i := range cn.Len() {
			k := cn.KeyAt(i)
			if v := cn.Children()[i]; (v.Kind == graph.Null || isDelete(v)) && rn.Get(k) == nil && !top {
				rn.SetFile(c.file)
				rn.SetPos(v.KeyPos())
				rn.SetKeyPos(v.KeyPos())
				rn.Precision = graph.Exact
				if cn.File() != "" {
					rn.SetFile(cn.File())
				}
			}
		}
		for i := range rn.Len() {
			k := rn.KeyAt(i)
			a.walk(c, rn.Children()[i], cn.Get(k), false)
		}
	case graph.List:
		if cn.Kind != graph.List {
			return
		}
		if !a.exact[rn] || isReplaceList(cn) {
			a.set(rn, c.file, cn, graph.Exact)
			a.exact[rn] = true
		}
		used := map[*graph.Node]bool{}
		for i, it := range rn.Children() {
			if m := a.matchItem(c, rn, i, cn, used); m != nil {
				used[m] = true
				a.walk(c, it, m, false)
			}
		}
	}
}

func (a *attributor) setTree(rn *graph.Node, file string, cn *graph.Node) {
	rn.Walk(func(_ []string, n *graph.Node) bool {
		n.SetFile(file)
		n.SetPos(cn.Pos())
		n.SetKeyPos(cn.KeyPos())
		n.Precision = graph.Exact
		a.exact[n] = true
		return true
	})
}

func isReplace(n *graph.Node) bool {
	s, _ := n.Get("$patch").Str()
	return s == "replace"
}

func isReplaceList(n *graph.Node) bool {
	for _, it := range n.Children() {
		if isReplace(it) {
			return true
		}
	}
	return false
}

func isDelete(n *graph.Node) bool {
	s, _ := n.Get("$patch").Str()
	return s == "delete"
}

// mergeKeys identify list items the way strategic merge does for the
// lists storage rules read (containers, volumes, mounts, env, ports...).
var mergeKeys = []string{"name", "mountPath", "devicePath", "containerPort", "key", "ip", "topologyKey"}

// matchItem finds the item of source list cn that rendered item i of rn
// came from.
func (a *attributor) matchItem(c contrib, rn *graph.Node, i int, cn *graph.Node, used map[*graph.Node]bool) *graph.Node {
	it := rn.Children()[i]
	if c.hints != nil {
		for _, ci := range cn.Children() {
			h, ok := c.hints[ci]
			if !ok || used[ci] {
				continue
			}
			if h == i || (h < 0 && contains(it, ci)) {
				return ci
			}
		}
		return nil
	}
	if it.Kind == graph.Map {
		for _, k := range mergeKeys {
			v, ok := it.Get(k).Str()
			if !ok {
				continue
			}
			for _, ci := range cn.Children() {
				if cv, ok := ci.Get(k).Str(); ok && !used[ci] && a.sameValue(v, cv) {
					return ci
				}
			}
			return nil // the item has an identity no source item shares
		}
	}
	if it.Kind == graph.Scalar {
		for _, ci := range cn.Children() {
			if cv, ok := ci.Str(); ok && !used[ci] && a.sameValue(it.Value(), cv) {
				return ci
			}
		}
		return nil
	}
	if len(cn.Children()) == len(rn.Children()) {
		return cn.Children()[i]
	}
	for _, ci := range cn.Children() {
		if !used[ci] && contains(it, ci) {
			return ci
		}
	}
	return nil
}

// contains reports whether every scalar of sub is in n at the same path.
func contains(n, sub *graph.Node) bool {
	if n == nil || sub == nil {
		return sub == nil
	}
	switch sub.Kind {
	case graph.Scalar:
		return n.Kind == graph.Scalar && n.Value() == sub.Value()
	case graph.Map:
		if n.Kind != graph.Map {
			return false
		}
		for i := range sub.Len() {
			k := sub.KeyAt(i)
			if strings.HasPrefix(k, "$") {
				continue
			}
			if !contains(n.Get(k), sub.Children()[i]) {
				return false
			}
		}
		return true
	case graph.List:
		if n.Kind != graph.List {
			return false
		}
		for _, s := range sub.Children() {
			found := false
			for _, it := range n.Children() {
				if contains(it, s) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return true
}

// finish positions what no source wrote: at the transformer's entry when
// one is known, else at the key a source wrote with another value, else at
// the object's kind: line.
func (a *attributor) finish() {
	a.res.EditOrigin().Patches = a.patches
	a.res.Root.Walk(func(p []string, n *graph.Node) bool {
		if n == a.res.Root || a.exact[n] {
			return true
		}
		if a.transformer(p, n) {
			return true
		}
		if pl, ok := a.keyOnly[n]; ok {
			a.set(n, pl.file, pl.n, graph.Insertion)
		}
		return true
	})
}

// transformer points n at the kustomization entry that produced it.
func (a *attributor) transformer(p []string, n *graph.Node) bool {
	if len(p) == 0 {
		return false
	}
	last := p[len(p)-1]
	v, _ := n.Str()
	at := func(k *kustomization, e *graph.Node) bool {
		if e == nil {
			return false
		}
		n.SetFile(k.file)
		n.SetPos(e.Pos())
		n.SetKeyPos(e.KeyPos())
		n.Precision = graph.Transformer
		return true
	}
	under := func(key string) bool {
		for _, s := range p[:len(p)-1] {
			if s == key {
				return true
			}
		}
		return false
	}
	// Outer kustomizations apply last: look from the root inwards.
	for i := len(a.chain) - 1; i >= 0; i-- {
		k := a.chain[i].k
		switch {
		case last == "namespace" && n.Kind == graph.Scalar:
			if ns, ok := k.namespace.Str(); ok && ns == v {
				return at(k, k.namespace)
			}
		case last == "image" && n.Kind == graph.Scalar:
			for _, im := range k.images.List() {
				name, _ := im.Get("name").Str()
				newName, _ := im.Get("newName").Str()
				base := imageBase(v)
				if name != "" && (base == name || (newName != "" && base == newName)) {
					return at(k, im)
				}
			}
		case len(p) == 2 && p[0] == "spec" && last == "replicas":
			for _, rp := range k.replicas.List() {
				if name, _ := rp.Get("name").Str(); a.isName(name) {
					return at(k, rp)
				}
			}
		case under("labels") || under("matchLabels") || (len(p) >= 2 && p[len(p)-2] == "selector"):
			if e := k.commonLabels.Get(last); e != nil {
				return at(k, e)
			}
			for _, l := range k.labels.List() {
				if e := l.Path("pairs", last); e != nil {
					return at(k, e)
				}
			}
		case under("annotations"):
			if e := k.annotations.Get(last); e != nil {
				return at(k, e)
			}
		case len(p) == 2 && p[0] == "metadata" && last == "name":
			if k.namePrefix != nil {
				return at(k, k.namePrefix)
			}
			if k.nameSuffix != nil {
				return at(k, k.nameSuffix)
			}
		}
	}
	if n.Kind == graph.Scalar {
		for i := len(a.chain) - 1; i >= 0; i-- {
			if k := a.chain[i].k; k.hasReplacements {
				e := k.root.Get("replacements")
				if e == nil {
					e = k.root.Get("vars")
				}
				if _, written := a.keyOnly[n]; written {
					return at(k, e)
				}
			}
		}
	}
	return false
}

func imageBase(img string) string {
	if i := strings.Index(img, "@"); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndex(img, ":"); i > strings.LastIndex(img, "/") {
		img = img[:i]
	}
	return img
}

func (a *attributor) isName(s string) bool {
	for _, n := range a.names {
		if n == s {
			return true
		}
	}
	return false
}

// fallback positions an object whose source document was not found at the
// kustomization that rendered it.
func (a *attributor) fallback(l *layer) {
	a.chain = l.chain()
	a.res.File = l.k.file
	a.res.KindPos = graph.Pos{Line: 1, Col: 1}
	a.res.Start, a.res.End = a.res.KindPos, a.res.KindPos
	a.res.Root.Precision = graph.ObjectStart
}

// generated positions an object a generator made at its entry.
func (a *attributor) generated(kfile, kind string) {
	l := a.tree.find(func(l *layer) bool { return l.k.file == kfile })
	if l == nil {
		a.fallback(a.tree)
		return
	}
	a.chain = l.chain()
	a.res.File = l.k.file
	var entry *graph.Node
	for _, g := range l.k.generators {
		if g.kind == kind && g.name != "" && strings.Contains(a.res.Name, g.name) {
			entry = g.node
			break
		}
	}
	if entry == nil {
		a.fallback(l)
		return
	}
	a.res.KindPos, a.res.Start = entry.Pos(), entry.Pos()
	a.res.End = entry.Pos()
	a.res.Root.Walk(func(_ []string, n *graph.Node) bool {
		n.SetFile(l.k.file)
		n.SetPos(entry.Pos())
		n.Precision = graph.Transformer
		return true
	})
}

// sourceDoc finds the document of file that the rendered object came from:
// the same kind, and the longest name the rendered name contains (prefixes,
// suffixes and hashes only add to it).
func (p *parser) sourceDoc(file string, r *graph.Resource) *graph.Resource {
	docs := p.docs(file)
	var best *graph.Resource
	for _, d := range docs {
		if d.Kind != r.Kind || !strings.Contains(r.Name, d.Name) {
			continue
		}
		if best == nil || len(d.Name) > len(best.Name) {
			best = d
		}
	}
	if best == nil {
		for _, d := range docs {
			if d.Kind == r.Kind && len(docs) == 1 {
				best = d
			}
		}
	}
	return best
}

// docs parses a source file once per scan.
func (p *parser) docs(file string) []*graph.Resource {
	p.mu.Lock()
	if p.docCache == nil {
		p.docCache = map[string][]*graph.Resource{}
	}
	d, ok := p.docCache[file]
	p.mu.Unlock()
	if ok {
		return d
	}
	data, err := p.files.ReadFile(file)
	if err == nil {
		d, _, _ = k8s.ParseBytes(file, data, k8s.Options{})
	}
	p.mu.Lock()
	p.docCache[file] = d
	p.mu.Unlock()
	return d
}

// nodes parses a patch file's documents once per scan.
func (p *parser) nodes(file string) []*graph.Node {
	p.mu.Lock()
	if p.nodeCache == nil {
		p.nodeCache = map[string][]*graph.Node{}
	}
	d, ok := p.nodeCache[file]
	p.mu.Unlock()
	if ok {
		return d
	}
	data, err := p.files.ReadFile(file)
	if err == nil {
		d, _ = k8s.ParseDocuments(file, data, k8s.Options{})
	}
	p.mu.Lock()
	p.nodeCache[file] = d
	p.mu.Unlock()
	return d
}

// patchContribs returns what one patch entry contributes to the object, or
// nothing when it does not target it.
func (p *parser) patchContribs(pr patchRef, a *attributor) []contrib {
	pe := pr.p
	var docs []*graph.Node
	file := pe.file
	if pe.inline != nil {
		file = pr.k.file
		docs = inlineDocs(pr.k, pe.inline)
	} else if file != "" {
		docs = p.nodes(file)
	}
	if len(docs) == 0 {
		return nil
	}
	if pe.target != nil && !a.selects(pe.target) {
		return nil
	}
	if isJSONPatch(docs[0]) {
		if pe.target == nil {
			return nil
		}
		return []contrib{jsonPatchContrib(file, docs[0])}
	}
	var out []contrib
	for _, d := range docs {
		if d == nil || d.Kind != graph.Map {
			continue
		}
		if pe.target == nil {
			kind, _ := d.Get("kind").Str()
			name, _ := d.Path("metadata", "name").Str()
			if kind != a.res.Kind || !a.isName(name) {
				continue
			}
		}
		out = append(out, contrib{file: file, root: d})
	}
	return out
}

func isJSONPatch(d *graph.Node) bool {
	if d == nil || d.Kind != graph.List || len(d.Children()) == 0 {
		return false
	}
	_, ok := d.Children()[0].Get("op").Str()
	return ok
}

// selects reports whether a patch target selector picks the object.
func (a *attributor) selects(t *graph.Node) bool {
	if kind, ok := t.Get("kind").Str(); ok && kind != "" && kind != a.res.Kind {
		return false
	}
	if name, ok := t.Get("name").Str(); ok && name != "" {
		re, err := regexp.Compile("^(?:" + name + ")$")
		match := false
		for _, n := range a.names {
			if (err == nil && re.MatchString(n)) || n == name {
				match = true
			}
		}
		if !match {
			return false
		}
	}
	if sel, ok := t.Get("labelSelector").Str(); ok && sel != "" {
		s, err := labels.Parse(sel)
		if err == nil && !s.Matches(labels.Set(stringMap(a.res.Root.Path("metadata", "labels")))) {
			return false
		}
	}
	if sel, ok := t.Get("annotationSelector").Str(); ok && sel != "" {
		s, err := labels.Parse(sel)
		if err == nil && !s.Matches(labels.Set(stringMap(a.res.Root.Path("metadata", "annotations")))) {
			return false
		}
	}
	return true
}

func stringMap(n *graph.Node) map[string]string {
	out := map[string]string{}
	n.Each(func(k string, v *graph.Node) {
		if s, ok := v.Str(); ok {
			out[k] = s
		}
	})
	return out
}

// jsonPatchContrib turns JSON 6902 operations into a sparse tree in the
// object's shape: each add or replace puts its value at its path, each
// remove marks the parent it changed, copy and move mark their target.
func jsonPatchContrib(file string, ops *graph.Node) contrib {
	c := contrib{file: file, root: graph.NewMap(graph.Pos{}), hints: map[*graph.Node]int{}, wild: map[*graph.Node]bool{}}
	for _, op := range ops.Children() {
		kind, _ := op.Get("op").Str()
		ptr, ok := op.Get("path").Str()
		if !ok {
			continue
		}
		segs := pointer(ptr)
		if len(segs) == 0 {
			continue
		}
		var leaf *graph.Node
		switch kind {
		case "add", "replace":
			leaf = op.Get("value")
			if leaf == nil {
				continue
			}
			leaf = cloneShallowKey(leaf, op.Get("path"))
		case "copy", "move":
			leaf = graph.NewNull(op.Get("path").Pos())
			leaf.SetKeyPos(op.Get("path").KeyPos())
			c.wild[leaf] = true
		case "remove":
			// The parent lost a child: the operation is its last writer.
			if len(segs) == 1 {
				continue
			}
			parent := sparse(c, segs[:len(segs)-1], op.Get("path"))
			del := graph.NewNull(op.Get("path").Pos())
			del.SetKeyPos(op.Get("path").KeyPos())
			if parent.Kind == graph.Map && parent.Get(segs[len(segs)-1]) == nil {
				parent.Set(segs[len(segs)-1], del.KeyPos(), del)
			}
			continue
		default:
			continue
		}
		parent := sparse(c, segs[:len(segs)-1], op.Get("path"))
		last := segs[len(segs)-1]
		switch parent.Kind {
		case graph.Map:
			if parent.Len() == 0 && isIndex(last) {
				parent.Kind = graph.List
			}
		}
		if parent.Kind == graph.List {
			idx, err := strconv.Atoi(last)
			if err != nil {
				idx = -1
			}
			parent.Append(leaf)
			c.hints[leaf] = idx
			continue
		}
		replaceKey(parent, last, leaf)
	}
	return c
}

func isIndex(s string) bool {
	if s == "-" {
		return true
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

// cloneShallowKey gives the value of an operation the key position of its
// path: a finding on the value points at the operation's value line, its
// key at the path line.
func cloneShallowKey(v, pathNode *graph.Node) *graph.Node {
	c := *v
	if c.KeyPos().IsZero() || c.Kind != graph.Scalar {
		c.SetKeyPos(v.KeyPos())
	}
	return &c
}

func replaceKey(m *graph.Node, k string, v *graph.Node) {
	for i := range m.Len() {
		kk := m.KeyAt(i)
		if kk == k {
			m.SetChild(i, v)
			return
		}
	}
	m.Set(k, v.KeyPos(), v)
}

// sparse returns the node at segs in c's tree, creating maps (or, for a
// numeric segment, a list with one hinted item) on the way.
func sparse(c contrib, segs []string, at *graph.Node) *graph.Node {
	cur := c.root
	for _, s := range segs {
		if cur.Kind == graph.Map && cur.Len() == 0 && isIndex(s) {
			cur.Kind = graph.List
		}
		if cur.Kind == graph.List {
			idx, err := strconv.Atoi(s)
			if err != nil {
				idx = -1
			}
			var next *graph.Node
			for _, it := range cur.Children() {
				if c.hints[it] == idx && idx >= 0 {
					next = it
				}
			}
			if next == nil {
				next = graph.NewMap(at.Pos())
				next.SetKeyPos(at.KeyPos())
				cur.Append(next)
				c.hints[next] = idx
			}
			cur = next
			continue
		}
		next := cur.Get(s)
		if next == nil {
			next = graph.NewMap(at.Pos())
			next.SetKeyPos(at.KeyPos())
			cur.Set(s, next.KeyPos(), next)
		}
		cur = next
	}
	return cur
}

// pointer splits a JSON pointer (RFC 6901) into its segments.
func pointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// inlineDocs parses an inline patch written in a kustomization file, with
// positions in that file when it is a literal block (|), else every
// position at the patch entry.
func inlineDocs(k *kustomization, n *graph.Node) []*graph.Node {
	text, ok := n.Str()
	if !ok {
		return nil
	}
	docs, err := k8s.ParseDocuments(k.file, []byte(text), k8s.Options{})
	if err != nil {
		return nil
	}
	lines := strings.Split(string(k.data), "\n")
	lineOff, colOff, literal := 0, 0, false
	if l := n.Pos().Line; l >= 1 && l <= len(lines) {
		if c := n.Pos().Col; c >= 1 && c <= len(lines[l-1]) && lines[l-1][c-1] == '|' {
			literal = true
			lineOff = l
			for _, body := range lines[l:] {
				if strings.TrimSpace(body) != "" {
					colOff = len(body) - len(strings.TrimLeft(body, " "))
					break
				}
			}
		}
	}
	for _, d := range docs {
		d.Walk(func(_ []string, x *graph.Node) bool {
			if literal {
				x.SetPos(shift(x.Pos(), lineOff, colOff))
				x.SetKeyPos(shift(x.KeyPos(), lineOff, colOff))
			} else {
				x.SetPos(n.Pos())
				x.SetKeyPos(n.KeyPos())
				x.Precision = graph.Insertion
			}
			return true
		})
	}
	return docs
}

func shift(p graph.Pos, l, c int) graph.Pos {
	if p.IsZero() {
		return p
	}
	return graph.Pos{Line: p.Line + l, Col: p.Col + c}
}
