package helm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/pvlint/pvlint/linter/graph"
)

// A packaged subchart's template text has no file the user can edit, but
// the values that decide what it renders often do: the parent's
// values.yaml (`db.persistence.hostPath: /var/lib/kubelet`) or a --values
// file. For every field of such an object whose rendered value an action
// took from .Values, and whose value a values file outside the archive set,
// the object's Origin.Packaged.Set records the field and the values line;
// the linter reports findings on the field there (the archive's template
// line in the message, the Chart.yaml dependency entry as a related
// location). Fields written literally in the archive, or whose value is the
// subchart's own default, stay on the dependency entry.

// valueSource is one layer of the values given to the root chart, in
// Helm's precedence order (lowest first): a file with its text, or values
// without lines (valuesInline, --set).
type valueSource struct {
	file string         // repo-relative; "" for values without a file
	data []byte         // the file's text
	vals map[string]any // values without a file
	name string         // what set vals, for messages: --set, a kustomization
	doc  *yaml3.Node    // data parsed, on first use
}

// diskValues is the values.yaml of a chart directory between the root
// chart and a packaged subchart (root/charts/sub/charts/db.tgz: sub's),
// whose values for the subchart sit under chain[depth:].
type diskValues struct {
	file  string
	depth int
}

// setSources records the --set family as one layer of values without a
// file: a value they set is not the file's.
func (r *renderer) setSources() {
	set := map[string]any{}
	for _, v := range r.opt.Set {
		_ = strvals.ParseInto(v, set)
	}
	for _, v := range r.opt.SetString {
		_ = strvals.ParseIntoString(v, set)
	}
	for _, v := range r.opt.SetFile {
		_ = strvals.ParseIntoFile(v, set, func([]rune) (any, error) { return "", nil })
	}
	if len(set) > 0 {
		r.sources = append(r.sources, &valueSource{vals: set, name: "--set"})
	}
}

// valuesRefRe finds the .Values paths an action reads.
var valuesRefRe = regexp.MustCompile(`\$?\.Values((?:\.[A-Za-z_]\w*)+)`)

// packagedValues fills res.Origin().Packaged.Set for an object of packaged
// template t (its values, chain and parents' values files).
func (r *renderer) packagedValues(t *tmpl, res *graph.Resource) {
	if res.Origin().Packaged == nil || t.values == nil {
		return
	}
	var sites []graph.ValueSite
	var walk func(n, parent *graph.Node, field string, vp []string)
	walk = func(n, parent *graph.Node, field string, vp []string) {
		var own []string
		switch {
		case vp != nil && parent != nil && n.Pos() == parent.Pos() && n.File() == parent.File():
			own = vp // deeper in the same inserted value
		default:
			refs := r.actionRefs(res, n)
			inserted := n.KeyPos() == n.Pos() || n.KeyPos().IsZero() && parent != nil && parent.Kind == graph.List
			for _, ref := range refs {
				cand := ref
				if inserted { // n is a key (or item) of the inserted text
					cand = append(append([]string(nil), ref...), lastField(field))
				}
				if matches(lookupValues(t.values, cand), n) {
					own = cand
					break
				}
			}
		}
		if own != nil {
			if site, ok := r.valueLine(t, own); ok {
				site.Field = field
				sites = append(sites, site)
			}
		}
		for i, it := range n.Children() {
			k := strconv.Itoa(i)
			if n.Kind == graph.Map {
				k = it.Key()
			}
			var next []string
			if own != nil {
				next = append(append([]string(nil), own...), k)
			}
			walk(it, n, joinPath(field, k), next)
		}
	}
	for _, it := range res.Root.Children() {
		if res.Root.Kind == graph.Map {
			walk(it, res.Root, it.Key(), nil)
		}
	}
	if len(sites) > 0 {
		p := *res.Origin().Packaged
		p.Set = sites
		res.EditOrigin().Packaged = &p
	}
}

func lastField(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// actionRefs returns the .Values paths read by the output action written
// at n's position, if one is.
func (r *renderer) actionRefs(res *graph.Resource, n *graph.Node) [][]string {
	if n.Pos().IsZero() || n.Precision == graph.ObjectStart {
		return nil
	}
	file := n.File()
	if file == "" {
		file = res.File
	}
	t := r.templateFile(file)
	if t == nil {
		return nil
	}
	if t.actionsAt == nil {
		t.actionsAt = map[graph.Pos]string{}
		for _, a := range scanActions(t.src) {
			if a.kind == actOutput {
				t.actionsAt[graph.Pos{Line: a.line, Col: a.col}] = a.text
			}
		}
	}
	text, ok := t.actionsAt[n.Pos()]
	if !ok {
		return nil
	}
	var out [][]string
	for _, m := range valuesRefRe.FindAllStringSubmatch(text, -1) {
		out = append(out, strings.Split(m[1], ".")[1:])
	}
	return out
}

// templateFile finds the template at a repo-relative file path.
func (r *renderer) templateFile(file string) *tmpl {
	if r.byFile == nil {
		r.byFile = map[string]*tmpl{}
		for _, t := range r.templates {
			r.byFile[t.file] = t
		}
	}
	return r.byFile[file]
}

// lookupValues follows path (map keys, list indexes) in values.
func lookupValues(values any, path []string) any {
	cur := values
	for _, k := range path {
		switch x := cur.(type) {
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			cur = x[i]
		default:
			m, ok := asMap(cur)
			if !ok {
				return nil
			}
			cur = m[k]
		}
	}
	return cur
}

// matches says whether value v is what node n rendered, so that the values
// path was what decided n (and not a default the action chose instead).
func matches(v any, n *graph.Node) bool {
	switch x := v.(type) {
	case nil:
		return false
	case []any:
		return n.Kind == graph.List
	case string:
		return n.Kind == graph.Scalar && n.Value() == x
	case map[string]any:
		return n.Kind == graph.Map
	}
	if _, ok := asMap(v); ok {
		return n.Kind == graph.Map
	}
	return n.Kind == graph.Scalar && n.Value() == fmt.Sprint(v)
}

// valueLine finds the values file line that set path (relative to
// template t's .Values): the layer of highest precedence that sets it. A
// value set without a file (--set, valuesInline) has no line (At is zero,
// By names what set it); one set nowhere outside the archive, no site.
func (r *renderer) valueLine(t *tmpl, path []string) (graph.ValueSite, bool) {
	var tries [][]string // the path in the root's values: under the chain, or a global
	tries = append(tries, append(append([]string(nil), t.chain...), path...))
	if len(path) > 0 && path[0] == "global" {
		tries = append(tries, path)
	}
	for i := len(r.sources) - 1; i >= 0; i-- {
		s := r.sources[i]
		for _, p := range tries {
			if s.file == "" {
				if lookupValues(s.vals, p) != nil {
					return graph.ValueSite{Value: strings.Join(p, "."), By: s.name}, true
				}
				continue
			}
			if at, ok := s.line(p); ok {
				r.yamlComments(s.file, s.data)
				return graph.ValueSite{Value: strings.Join(p, "."), At: at}, true
			}
		}
	}
	for _, d := range t.disk {
		p := append([]string(nil), t.chain[d.depth:]...)
		p = append(p, path...)
		data, err := r.opt.Files.ReadFile(d.file)
		if err != nil {
			continue
		}
		s := &valueSource{file: d.file, data: data}
		if at, ok := s.line(p); ok {
			r.yamlComments(s.file, s.data)
			return graph.ValueSite{Value: strings.Join(p, "."), At: at}, true
		}
	}
	return graph.ValueSite{}, false
}

// line finds the key of path in the values file, explicitly set (a null
// is Helm's way of removing a value, not of setting it).
func (s *valueSource) line(path []string) (graph.Location, bool) {
	if s.doc == nil {
		s.doc = &yaml3.Node{}
		if yaml3.Unmarshal(s.data, s.doc) != nil {
			return graph.Location{}, false
		}
	}
	n := s.doc
	if n.Kind == yaml3.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	var key *yaml3.Node
	for _, k := range path {
		for n.Kind == yaml3.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml3.MappingNode:
			var next *yaml3.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					key, next = n.Content[i], n.Content[i+1]
				}
			}
			if next == nil {
				return graph.Location{}, false
			}
			n = next
		case yaml3.SequenceNode:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(n.Content) {
				return graph.Location{}, false
			}
			key, n = n.Content[i], n.Content[i]
		default:
			return graph.Location{}, false
		}
	}
	if key == nil || n.Tag == "!!null" {
		return graph.Location{}, false
	}
	return graph.Location{File: s.file, Line: key.Line, Col: key.Column, Precision: graph.Exact}, true
}
