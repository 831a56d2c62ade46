package helm

import (
	"path"
	"regexp"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// Objects built whole in a helper ({{ include "x.daemonset" . }} in the
// template, the object in a define block of _helpers.tpl) are mapped into
// the define block, where their keys are written; the include line becomes
// a related location (graph.Origin().IncludedAt).

// define is a named template: where its body is written.
type define struct {
	name       string
	t          *tmpl // the template file holding it
	start, end int   // byte offsets of the body
	rm         *remapper
}

// maxIncludeDepth bounds how many include-only helpers are followed.
const maxIncludeDepth = 8

var defineRe = regexp.MustCompile(`^define\s+"((?:[^"\\]|\\.)*)"`)

// includeRe reads the helper an insertion names literally.
var includeRe = regexp.MustCompile(`^(?:include|template)\s+"((?:[^"\\]|\\.)*)"`)

// indexDefines records every define block of the chart tree by name, the
// chart's own first (Helm resolves names globally; a chart's own helper is
// the usual meaning).
func (r *renderer) indexDefines() {
	r.defines = map[string][]*define{}
	for _, t := range r.sortedTemplates() {
		if !strings.Contains(t.src, "define") {
			continue
		}
		acts := scanActions(t.src)
		for i := 0; i < len(acts); i++ {
			a := acts[i]
			if a.kind != actOpen || firstWord(a.text) != "define" {
				continue
			}
			m := defineRe.FindStringSubmatch(a.text)
			depth := 1
			j := i + 1
			for ; j < len(acts) && depth > 0; j++ {
				switch acts[j].kind {
				case actOpen:
					depth++
				case actEnd:
					depth--
				}
			}
			if depth != 0 || m == nil {
				continue
			}
			end := acts[j-1]
			r.defines[m[1]] = append(r.defines[m[1]], &define{name: m[1], t: t, start: a.end, end: end.start})
			i = j - 1
		}
	}
}

// helperFor returns the define that built the object rendered from doc when
// the document does nothing but include one helper by a literal name, and
// that helper writes an object (a kind: key of its own).
//
// A document made of several such includes (serviceaccounts, then roles,
// then bindings, each helper writing objects) is followed into the helper
// that writes the object's kind, in order: cursor is where the previous
// object of the document was found.
func (r *renderer) helperFor(from *tmpl, doc *entry, kind string, cursor map[*entry]int) (*define, *entry) {
	if doc.kindEnt != nil || len(doc.children) == 0 {
		return nil, nil
	}
	for _, c := range doc.children {
		if c.kind != entInsert {
			return nil, nil
		}
	}
	if r.defines == nil {
		r.indexDefines()
	}
	n := len(doc.children)
	start := cursor[doc]
	for k := 0; k < n; k++ {
		i := (start + k) % n
		ins := doc.children[i]
		m := includeRe.FindStringSubmatch(ins.action)
		if m == nil {
			continue
		}
		d := r.defineFor(from, m[1])
		if d == nil || !writes(d, kind, n == 1) {
			continue
		}
		cursor[doc] = i
		return d, ins
	}
	return nil, nil
}

// writes says whether a helper writes objects of kind (any object when
// only says it is the document's one include).
func writes(d *define, kind string, only bool) bool {
	for _, dd := range d.rm.sk.docs {
		if dd.first == 0 {
			continue
		}
		switch {
		case dd.kindLit == kind && kind != "":
			return true
		case dd.kindLit == "" && (dd.kindEnt != nil || len(dd.children) == 1 && dd.children[0].kind == entInsert):
			return true // a templated kind, or an include of its own
		case only && dd.kindEnt != nil:
			return true
		}
	}
	return false
}

// defineFor returns the define called name, the including chart's own
// first, with its skeleton built.
func (r *renderer) defineFor(from *tmpl, name string) *define {
	cands := r.defines[name]
	if len(cands) == 0 {
		return nil
	}
	d := cands[0]
	chartDir := path.Dir(path.Dir(from.name)) // chart/templates/x.yaml → chart
	for _, c := range cands {
		if path.Dir(path.Dir(c.t.name)) == chartDir {
			d = c
			break
		}
	}
	if d.rm == nil {
		// The body alone, at its own lines and columns: the lines before
		// it empty, its first line padded to where the body starts.
		before := d.t.src[:d.start]
		lineStart := strings.LastIndexByte(before, '\n') + 1
		var b strings.Builder
		b.Grow(d.end - lineStart + strings.Count(before, "\n"))
		b.WriteString(strings.Repeat("\n", strings.Count(before, "\n")))
		b.WriteString(strings.Repeat(" ", d.start-lineStart))
		b.WriteString(d.t.src[d.start:d.end])
		d.rm = newRemapper(b.String(), nil)
		d.rm.helpers = r.helperNamed(d.t)
		for _, dd := range d.rm.sk.docs {
			dd.repeatable = true // a helper renders wherever it is included
		}
	}
	return d
}

// remapFollowingHelpers maps res, rendered from template t, into the
// helper that built it when there is one, following include-only helpers.
func (r *renderer) remapFollowingHelpers(t *tmpl, res *graph.Resource) (inHelper bool) {
	doc := t.rm.pickDoc(res.Root)
	rm, file := t.rm, t.file
	var sites []graph.Include
	vals := t.values
	kind, _ := res.Root.Get("kind").Str()
	for depth := 0; depth < maxIncludeDepth; depth++ {
		d, ins := r.helperFor(t, doc, kind, rm.cursor)
		if d == nil {
			break
		}
		sites = append(sites, graph.Include{Name: d.name, At: graph.Location{File: file, Line: ins.line, Col: ins.col}})
		d.rm.values = vals
		hdoc := d.rm.pickDoc(res.Root)
		if hdoc.first == 0 {
			break
		}
		rm, doc, file = d.rm, hdoc, d.t.file
		t = d.t
	}
	// Inside a packaged chart too: the lines are the archive's, and the
	// linter relocates findings to res.Origin().Packaged.At.
	rm.remapDoc(res, doc, false)
	if len(sites) > 0 {
		res.File = file
		res.EditOrigin().Packaged = t.pkg
		res.EditOrigin().IncludedAt = sites
	}
	return len(sites) > 0
}

// inserts lists the insertion lines directly under e.
func inserts(e *entry) []*entry {
	var out []*entry
	for _, c := range e.children {
		if c.kind == entInsert {
			out = append(out, c)
		}
	}
	return out
}

// intoHelper maps a rendered list item that one of the insertions ins
// wrote into the define block it includes, when a list item written there
// explains it (RBAC rules, volumes or containers kept in a helper): its
// nodes then point into the helper's file. It reports whether it did.
func (m *remapper) intoHelper(it *graph.Node, ins []*entry) bool {
	if m.helpers == nil {
		return false
	}
	var bestDef *define
	var best *entry
	bestScore := 0
	// The items of the helpers the insertions include, and of the helpers
	// those include on lines of their own (kafka.commonEnv includes
	// kafka.saslEnv), at most maxIncludeDepth deep.
	var visit func(helpers func(string) *define, ins []*entry, depth int)
	visit = func(helpers func(string) *define, ins []*entry, depth int) {
		if helpers == nil || depth >= maxIncludeDepth {
			return
		}
		for _, in := range ins {
			d := helpers(in.action)
			if d == nil {
				continue
			}
			for _, doc := range d.rm.sk.docs {
				for _, e := range doc.children {
					if e.kind != entItem {
						continue
					}
					if s := itemScore(e, it); s > bestScore {
						bestDef, best, bestScore = d, e, s
					}
				}
				visit(d.rm.helpers, inserts(doc), depth+1)
			}
		}
	}
	visit(m.helpers, ins, 0)
	if best == nil {
		return false
	}
	if m.noteLines {
		m.inHelper(renderedLines(it, nil))
	}
	h := bestDef.rm
	h.values = m.values
	h.start = target{best.line, best.col, graph.Insertion}
	h.mapItem(it, best)
	setFileIfUnset(it, bestDef.t.file)
	return true
}

func setFile(n *graph.Node, file string) {
	n.SetFile(file)
	for _, it := range n.Children() {
		setFile(it, file)
	}
}

// setFileIfUnset gives the nodes of n that no deeper helper claimed the
// file of the helper that wrote them.
func setFileIfUnset(n *graph.Node, file string) {
	if n.File() == "" {
		n.SetFile(file)
	}
	for _, it := range n.Children() {
		setFileIfUnset(it, file)
	}
}

// helperNamed returns the define that an include action names literally,
// its skeleton built, or nil.
func (r *renderer) helperNamed(from *tmpl) func(action string) *define {
	return func(action string) *define {
		m := includeRe.FindStringSubmatch(action)
		if m == nil {
			return nil
		}
		if r.defines == nil {
			r.indexDefines()
		}
		return r.defineFor(from, m[1])
	}
}
