package linter

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/kustomize"
	"github.com/pvlint/pvlint/rules"
)

// kustomizeOutput is what rendering the kustomizations of a scan gave.
type kustomizeOutput struct {
	parsers.Result
	owned  map[string]bool // shown paths not to lint as written
	charts map[string]bool // shown chart directories rendered through helmCharts
	roots  int
	// reads are the files each root kustomization's render read (shown paths).
	reads map[string]map[string]bool
}

// parseKustomizations renders the root kustomizations found, tree by tree
// (the root, and each path named outside it), through each tree's gate.
func parseKustomizations(ts *trees, dirs []string, opt Options) kustomizeOutput {
	out := kustomizeOutput{owned: map[string]bool{}, charts: map[string]bool{}, reads: map[string]map[string]bool{}}
	byTree := map[*tree][]string{}
	var order []*tree
	for _, d := range dirs {
		t, rel := ts.locate(d)
		if t == nil {
			continue
		}
		if byTree[t] == nil {
			order = append(order, t)
		}
		byTree[t] = append(byTree[t], rel)
	}
	ho := helm.Options{ReleaseName: opt.Helm.ReleaseName, Namespace: opt.Namespace, KubeVersion: opt.Helm.KubeVersion, APIVersions: opt.Helm.APIVersions, Timeout: opt.ChartTimeout, ScanTime: opt.chartTime}
	if ho.Timeout <= 0 {
		ho.Timeout = DefaultChartTimeout
	}
	for _, t := range order {
		root := t.gate.Dir()
		o := kustomize.Parse(byTree[t], kustomize.Options{
			Files:   t.gate,
			Workers: opt.Workers,
			Helm:    ho,
			Root:    root,
			RenderChart: func(chart string, ho helm.Options) parsers.Result {
				return helm.Render(root, chart, ho)
			},
		})
		if t.display != "" {
			showAll(t, &o)
		}
		out.Merge(o.Result)
		for f := range o.Owned {
			out.owned[t.show(f)] = true
		}
		for c := range o.Charts {
			out.charts[t.show(c)] = true
		}
		for k, files := range o.Reads {
			set := map[string]bool{}
			for _, f := range files {
				set[t.show(f)] = true
			}
			out.reads[t.show(k)] = set
		}
		out.roots += o.Roots
	}
	return out
}

// showAll rewrites the paths of an outside tree's output as reported.
func showAll(t *tree, o *kustomize.Output) {
	for _, r := range o.Resources {
		r.File = t.show(r.File)
		r.EditOrigin().Kustomization = t.show(r.Origin().Kustomization)
		for i, p := range r.Origin().Patches {
			r.EditOrigin().Patches[i] = t.show(p)
		}
		r.Root.Walk(func(_ []string, n *graph.Node) bool {
			if n.File() != "" {
				n.SetFile(t.show(n.File()))
			}
			return true
		})
	}
	for i := range o.Errors {
		o.Errors[i].File = t.show(o.Errors[i].File)
	}
	for i := range o.Notices {
		o.Notices[i].File = t.show(o.Notices[i].File)
	}
	for i := range o.Comments {
		o.Comments[i].File = t.show(o.Comments[i].File)
	}
}

// without drops the entries of list that are in set.
func without(list []string, set map[string]bool) []string {
	if len(set) == 0 {
		return list
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !set[s] {
			out = append(out, s)
		}
	}
	return out
}

// maxListedOverlays bounds the overlays a merged finding names.
const maxListedOverlays = 8

// mergeOverlays makes one finding of the findings several root
// kustomizations produce at the same line of a shared base: the message
// names the overlays that have it and, when others render the same object
// without it, the overlays that fix it. Suppression has been applied, so
// only findings in the same state are merged (an annotation one overlay's
// patch adds silences that overlay only). The grouping is mergeCopies'
// (copies.go), shared with Terraform instances.
func mergeOverlays(g *graph.Graph, fs []*rules.Finding, reads map[string]map[string]bool) []*rules.Finding {
	type key struct {
		rule       string
		file       string
		line, col  int
		src        string
		suppressed bool
	}
	srcOf := func(r *graph.Resource) string {
		return fmt.Sprintf("%s#%d#%s", r.File, r.Doc, r.Kind)
	}
	// Which roots render each source object.
	renderedBy := map[string][]string{}
	for _, r := range g.Resources {
		if r.Source == graph.SourceKustomize && r.Origin().Kustomization != "" {
			s := srcOf(r)
			renderedBy[s] = appendOnce(renderedBy[s], r.Origin().Kustomization)
		}
	}
	// Which overlays have each rule's finding on each source object, at any
	// line: an overlay whose own patch moved the finding to its line still
	// has it, and does not fix it.
	hasRule := map[string]map[string]bool{}
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceKustomize || r.Origin().Kustomization == "" || f.Suppression != nil {
			continue
		}
		k := f.RuleID + "#" + srcOf(r)
		if hasRule[k] == nil {
			hasRule[k] = map[string]bool{}
		}
		hasRule[k][path.Dir(r.Origin().Kustomization)] = true
	}
	keyOf := func(f *rules.Finding) (key, bool) {
		r := f.Resource
		if r == nil || r.Source != graph.SourceKustomize || r.Origin().Kustomization == "" {
			return key{}, false
		}
		// The written line, not the field path: list indices differ when
		// one overlay's patch added items before the one found.
		return key{f.RuleID, f.Loc.File, f.Loc.Line, f.Loc.Col, srcOf(r), f.Suppression != nil}, true
	}
	return mergeCopies(fs, keyOf, func(group []*rules.Finding) (drop []*rules.Finding) {
		k, _ := keyOf(group[0])
		// The overlays that could have the finding: they render the object
		// and read the file the finding is written in (a component's patch
		// is no concern of an overlay without the component).
		var all []string
		for _, o := range renderedBy[k.src] {
			if reads[o][k.file] || k.file == group[0].Resource.File {
				all = append(all, path.Dir(o))
			}
		}
		if len(all) < 2 {
			return nil // one overlay alone writes or renders it: nothing to name
		}
		var have []string
		for _, f := range group {
			have = appendOnce(have, path.Dir(f.Resource.Origin().Kustomization))
		}
		sort.Strings(have)
		var fixed, elsewhere []string
		for _, o := range all {
			switch {
			case contains(have, o):
			case hasRule[k.rule+"#"+k.src][o]:
				elsewhere = append(elsewhere, o)
			default:
				fixed = append(fixed, o)
			}
		}
		sort.Strings(fixed)
		sort.Strings(elsewhere)
		short := shortener(append(append(append([]string{path.Dir(group[0].Resource.File)}, have...), fixed...), elsewhere...))
		have, fixed, elsewhere = mapNames(have, short), mapNames(fixed, short), mapNames(elsewhere, short)
		rep := group[0]
		for _, f := range group[1:] {
			if f.Severity > rep.Severity {
				rep.Severity = f.Severity
			}
			if f.Undecided != rep.Undecided && !f.Undecided {
				rep.Undecided = false
			}
			drop = append(drop, f)
			rep.Merged = append(rep.Merged, f)
		}
		msg := strings.TrimRight(rep.Message, " ")
		switch {
		case len(fixed) == 0 && len(elsewhere) == 0:
			msg += fmt.Sprintf(" Found in every overlay that renders it: %s.", listed(have))
		case len(elsewhere) == 0:
			only := ""
			if len(have) == 1 {
				only = "only "
			}
			msg += fmt.Sprintf(" Found %sin %s; %s %s.", only, listed(have), listed(fixed), plural(len(fixed), "fixes it", "fix it"))
		default:
			msg += fmt.Sprintf(" Found here in %s; %s %s at a line of its own", listed(have), listed(elsewhere), plural(len(elsewhere), "has it", "have it"))
			if len(fixed) > 0 {
				msg += fmt.Sprintf("; %s %s", listed(fixed), plural(len(fixed), "fixes it", "fix it"))
			}
			msg += "."
		}
		rep.Message = msg
		seen := map[string]bool{}
		for _, f := range group {
			kf := f.Resource.Origin().Kustomization
			if seen[kf] {
				continue
			}
			seen[kf] = true
			rep.RelatedLocs = append(rep.RelatedLocs, rules.Related{
				Loc:     graph.Location{File: kf, Line: 1, Col: 1},
				Message: fmt.Sprintf("overlay %s renders %s with this finding", path.Dir(kf), f.Resource.Title()),
			})
		}
		return drop
	})
}

// shortener names overlays relative to the deepest directory they share
// with the base ("overlays/prod" rather than the path from the repository
// root); related locations keep the full paths.
func shortener(dirs []string) func(string) string {
	common := strings.Split(dirs[0], "/")
	for _, d := range dirs[1:] {
		p := strings.Split(d, "/")
		n := 0
		for n < len(common) && n < len(p) && common[n] == p[n] {
			n++
		}
		common = common[:n]
	}
	prefix := strings.Join(common, "/")
	return func(d string) string {
		if prefix == "" || prefix == "." || d == prefix {
			return d
		}
		return strings.TrimPrefix(d, prefix+"/")
	}
}

func mapNames(names []string, f func(string) string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = f(n)
	}
	return out
}

func listed(names []string) string {
	if len(names) > maxListedOverlays {
		return strings.Join(names[:maxListedOverlays], ", ") + fmt.Sprintf(" and %d more", len(names)-maxListedOverlays)
	}
	return strings.Join(names, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func appendOnce(s []string, v string) []string {
	if contains(s, v) {
		return s
	}
	return append(s, v)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
