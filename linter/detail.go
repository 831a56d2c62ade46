package linter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// addRenderedDetail gives findings on Helm-rendered objects the value the
// chart produced at the offending field, so that a reviewer looking at the
// template line sees what it rendered to with the values used.
func addRenderedDetail(fs []*rules.Finding, h HelmOptions) {
	var sets []string
	for _, group := range [][]string{h.Set, h.SetString, h.SetFile} {
		sets = append(sets, group...)
	}
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceHelm || f.Detail != "" {
			continue
		}
		path := splitPath(f.Loc.FieldPath)
		n := r.Root
		var shown []string
		for _, k := range path { // the deepest part of the path that exists
			next := n.Path(k)
			if next == nil {
				break
			}
			n, shown = next, append(shown, k)
		}
		var b strings.Builder
		b.WriteString("Rendered")
		if len(r.Origin().Values) > 0 {
			b.WriteString(" with values " + strings.Join(r.Origin().Values, ", "))
		}
		if len(sets) > 0 {
			b.WriteString(" and --set " + strings.Join(sets, ", "))
		}
		b.WriteString(":\n")
		if len(shown) == 0 {
			b.WriteString("kind: " + r.Kind + "\n")
		} else {
			writeSnippet(&b, shown[len(shown)-1], n, 0, new(int))
		}
		f.Detail = strings.TrimRight(b.String(), "\n")
	}
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

const maxSnippetLines = 12

// writeSnippet prints n under key as compact YAML, at most maxSnippetLines.
func writeSnippet(b *strings.Builder, key string, n *graph.Node, indent int, lines *int) {
	if *lines >= maxSnippetLines {
		return
	}
	pad := strings.Repeat("  ", indent)
	prefix := pad
	if _, err := strconv.Atoi(key); err == nil {
		prefix += "- "
	} else {
		prefix += key + ":"
	}
	*lines++
	switch n.Kind {
	case graph.Scalar:
		v := n.Value()
		if n.Tag == graph.TagString && (v == "" || strings.ContainsAny(v, ":#{}[]\n") || v == "true" || v == "false") {
			v = strconv.Quote(v)
		}
		if strings.HasSuffix(prefix, "- ") {
			b.WriteString(prefix + v + "\n")
		} else {
			b.WriteString(prefix + " " + v + "\n")
		}
	case graph.Null:
		b.WriteString(strings.TrimSuffix(prefix, " ") + " null\n")
	default:
		b.WriteString(strings.TrimSuffix(prefix, " ") + "\n")
		for i, it := range n.Children() {
			k := strconv.Itoa(i)
			if n.Kind == graph.Map {
				k = it.Key()
			}
			if *lines >= maxSnippetLines {
				b.WriteString(pad + "  ...\n")
				return
			}
			writeSnippet(b, k, it, indent+1, lines)
		}
	}
}

// callSite reads a Terraform call-chain entry: `module.db["a"] (infra/main.tf:12)`.
var callSite = regexp.MustCompile(`^(.+) \((.+):(\d+)\)$`)

// addModuleCallSites gives findings inside local Terraform modules the
// module calls that instantiated them as related locations: the argument
// the user changes is usually at the call, not in the module.
func addModuleCallSites(fs []*rules.Finding) {
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceTerraform || len(r.Origin().CallChain) == 0 {
			continue
		}
		for _, c := range r.Origin().CallChain {
			m := callSite.FindStringSubmatch(c)
			if m == nil {
				continue
			}
			line, _ := strconv.Atoi(m[3])
			f.RelatedLocs = append(f.RelatedLocs, rules.Related{
				Loc:     graph.Location{File: m[2], Line: line, Col: 1},
				Message: "instantiated by " + m[1],
			})
		}
	}
}

// addIncludeSites gives findings on objects built whole in a Helm helper
// (located in its define block) the include lines that inserted them as
// related locations, outermost first: the template a reader opens first.
func addIncludeSites(fs []*rules.Finding) {
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceHelm {
			continue
		}
		for _, in := range r.Origin().IncludedAt {
			f.RelatedLocs = append(f.RelatedLocs, rules.Related{
				Loc:     in.At,
				Message: fmt.Sprintf("object built by include %q", in.Name),
			})
		}
	}
}

// relocatePackaged moves findings on objects of packaged subcharts (.tgz),
// located inside the archive's template text, to a file the user edits:
// the values line that set the field's value, when a values file outside
// the archive did (Packaged.Set), with the dependency entry as a related
// location; else the parent's Chart.yaml dependency entry. The path inside
// the archive and the template line go into the message.
func relocatePackaged(fs []*rules.Finding) {
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Origin().Packaged == nil {
			continue
		}
		p := r.Origin().Packaged
		entry := graph.Location{File: p.At.File, Line: p.At.Line, Col: p.At.Col, Precision: graph.ObjectStart}
		if inArchive(f.Loc.File, p.Archive) {
			if s := valueSiteOf(p, f.Loc.FieldPath); s != nil && s.By != "" {
				f.Message = strings.TrimRight(f.Message, " ") + fmt.Sprintf(" Written at %s:%d inside the packaged chart, with the value %s set by %s; reported at its %s.", f.Loc.File, f.Loc.Line, s.Value, s.By, p.Entry)
				f.Loc = at(entry, f.Loc.FieldPath)
			} else if s != nil {
				f.Message = strings.TrimRight(f.Message, " ") + fmt.Sprintf(" Written at %s:%d inside the packaged chart, with the value %s set here.", f.Loc.File, f.Loc.Line, s.Value)
				f.RelatedLocs = append(f.RelatedLocs, rules.Related{Loc: at(entry, f.Loc.FieldPath), Message: "the packaged chart: " + p.Entry})
				f.Loc = at(s.At, f.Loc.FieldPath)
			} else {
				f.Message = strings.TrimRight(f.Message, " ") + fmt.Sprintf(" Written at %s:%d inside the packaged chart; reported at its %s.", f.Loc.File, f.Loc.Line, p.Entry)
				f.Loc = at(entry, f.Loc.FieldPath)
			}
		}
		for i := range f.RelatedLocs {
			rl := &f.RelatedLocs[i]
			if !inArchive(rl.Loc.File, p.Archive) {
				continue
			}
			if s := valueSiteOf(p, rl.Loc.FieldPath); s != nil && s.By == "" {
				rl.Message += fmt.Sprintf(" (%s:%d inside the packaged chart, with the value %s)", rl.Loc.File, rl.Loc.Line, s.Value)
				rl.Loc = at(s.At, rl.Loc.FieldPath)
			} else {
				rl.Message += fmt.Sprintf(" (%s:%d inside the packaged chart)", rl.Loc.File, rl.Loc.Line)
				rl.Loc = at(entry, rl.Loc.FieldPath)
			}
		}
	}
}

// at is l for the field path of a finding.
func at(l graph.Location, field string) graph.Location {
	l.FieldPath = field
	return l
}

// valueSiteOf finds the values line of a field of a packaged object: its
// own, or that of the nearest enclosing field a values file set whole
// (a map inserted with toYaml).
func valueSiteOf(p *graph.Packaged, field string) *graph.ValueSite {
	var best *graph.ValueSite
	for i := range p.Set {
		s := &p.Set[i]
		if s.Field == field || strings.HasPrefix(field, s.Field+".") {
			if best == nil || len(s.Field) > len(best.Field) {
				best = s
			}
		}
	}
	return best
}

func inArchive(file, archive string) bool {
	return file == archive || strings.HasPrefix(file, archive+"/")
}
