package linter

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// A Terraform module directory is evaluated once as its own root (with its
// variables' defaults) and once per instance that a scanned caller creates
// (parsers/terraform). The same declaration therefore yields several graph
// resources, and a rule that fires on the same line for several of them is
// one problem for the user: it is reported once, naming the instances.

// maxListedInstances bounds the instances a merged message names.
const maxListedInstances = 8

// locateInModule gives a finding whose location moved to a module caller's
// argument (the value was passed there) the resource inside the module as a
// related location.
func locateInModule(fs []*rules.Finding) {
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceTerraform || f.Loc.File == "" || f.Loc.File == r.File {
			continue
		}
		f.RelatedLocs = append(f.RelatedLocs, rules.Related{
			Loc:     graph.Location{File: r.File, Line: r.KindPos.Line, Col: r.KindPos.Col},
			Message: fmt.Sprintf("%s in module %s, which uses the value", r.Origin().Address, path.Dir(r.File)),
		})
	}
}

// underDotTerraform reports a path inside a .terraform directory.
func underDotTerraform(p string) bool {
	return strings.HasPrefix(p, ".terraform/") || strings.Contains(p, "/.terraform/")
}

// placeInstalled moves a finding inside an installed module (under
// .terraform/modules, which code scanning cannot show) onto the module
// block in the repository that leads to it, naming the module's own file
// and line in the message and as a related location.
func placeInstalled(fs []*rules.Finding) {
	for _, f := range fs {
		r := f.Resource
		if r == nil || r.Source != graph.SourceTerraform || r.Origin().Installed == nil || !underDotTerraform(f.Loc.File) {
			continue
		}
		inner := f.Loc
		at := *r.Origin().Installed
		f.Loc = graph.Location{File: at.File, Line: at.Line, Col: at.Col, FieldPath: inner.FieldPath, Precision: inner.Precision}
		f.Message = strings.TrimRight(f.Message, " ") + fmt.Sprintf(" It is inside the installed module, at %s:%d.", inner.File, inner.Line)
		f.RelatedLocs = append([]rules.Related{{Loc: inner, Message: "inside the installed module (" + path.Dir(inner.File) + ")"}}, f.RelatedLocs...)
	}
}

// statesConditions says on each finding whose Terraform resource exists
// only under a condition pvlint cannot evaluate (OpenTofu's
// lifecycle.enabled) what that condition is; it stays a finding.
func statesConditions(fs []*rules.Finding) {
	for _, f := range fs {
		if r := f.Resource; r != nil && r.Source == graph.SourceTerraform && r.Origin().Condition != "" {
			f.Message = strings.TrimRight(f.Message, " ") + " This holds only when " + r.Origin().Condition + "."
		}
	}
}

// ownRoot reports whether r is the instance of a module evaluated as its
// own root, with its defaults.
func ownRoot(r *graph.Resource) bool {
	return len(r.Origin().CallChain) == 0 && r.Origin().Module == path.Dir(r.File)
}

func instanceName(r *graph.Resource) string {
	if ownRoot(r) {
		return fmt.Sprintf("%s (%s as its own root, with its defaults)", r.Origin().Address, r.Origin().Module)
	}
	return fmt.Sprintf("%s (root module %s)", r.Origin().Address, r.Origin().Module)
}

type blockKey struct {
	file string
	line int
}

// mergeInstances reports once what several instances of Terraform
// declarations share (same rule, same location), and says when a finding
// exists only through a module's defaults. fs is sorted; so is the result.
// The grouping is mergeCopies' (copies.go), shared with Kustomize overlays.
func mergeInstances(g *graph.Graph, fs []*rules.Finding) []*rules.Finding {
	// Two findings of one rule on one line are one problem only when they are
	// about the same field (a key and a host flag assembled on the same line
	// are two).
	type locKey struct {
		rule string
		loc  graph.Location
	}
	key := func(f *rules.Finding) (locKey, bool) {
		if f.Resource == nil || f.Resource.Source != graph.SourceTerraform {
			return locKey{}, false
		}
		return locKey{f.RuleID, graph.Location{File: f.Loc.File, Line: f.Loc.Line, Col: f.Loc.Col, FieldPath: f.Loc.FieldPath}}, true
	}
	var blocks map[blockKey][]*graph.Resource
	type ruleRes struct {
		rule string
		res  *graph.Resource
	}
	var fired map[ruleRes]bool // built when the first defaults note is looked for
	return mergeCopies(fs, key, func(group []*rules.Finding) (drop []*rules.Finding) {
		decided := group[:0:0]
		for _, f := range group {
			if !f.Undecided {
				decided = append(decided, f)
			}
		}
		if len(decided) > 0 && len(decided) < len(group) {
			for _, f := range group {
				if f.Undecided {
					drop = append(drop, f)
				}
			}
			group = decided
		}
		rep := group[0]
		for _, f := range group {
			if ownRoot(f.Resource) && !ownRoot(rep.Resource) {
				rep = f
			}
		}
		if len(group) > 1 {
			mergeInto(rep, group)
			for _, f := range group {
				if f != rep {
					drop = append(drop, f)
				}
			}
		}
		if ownRoot(rep.Resource) && !rep.Undecided {
			if blocks == nil {
				// Only blocks that some caller instantiates can have a note.
				blocks = map[blockKey][]*graph.Resource{}
				for _, r := range g.Resources {
					if r.Source == graph.SourceTerraform && !ownRoot(r) {
						k := blockKey{r.File, r.Start.Line}
						blocks[k] = append(blocks[k], r)
					}
				}
			}
			instances := blocks[blockKey{rep.Resource.File, rep.Resource.Start.Line}]
			if len(instances) > 0 && fired == nil {
				fired = map[ruleRes]bool{}
				for _, f := range fs {
					fired[ruleRes{f.RuleID, f.Resource}] = true
				}
			}
			var quiet []*graph.Resource // the callers' instances of the block that do not have the finding
			for _, r := range instances {
				if r != rep.Resource && !ownRoot(r) && r.Kind == rep.Resource.Kind && !fired[ruleRes{rep.RuleID, r}] {
					quiet = append(quiet, r)
				}
			}
			noteDefaultsOnly(rep, quiet)
		}
		return drop
	})
}

// mergeInto makes rep stand for every finding of group.
func mergeInto(rep *rules.Finding, group []*rules.Finding) {
	var names []string
	seen := map[string]bool{}
	for _, f := range group {
		if n := instanceName(f.Resource); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
		if f.Severity > rep.Severity {
			rep.Severity = f.Severity
		}
	}
	sort.Strings(names)
	more := ""
	if len(names) > maxListedInstances {
		more = fmt.Sprintf(" and %d more", len(names)-maxListedInstances)
		names = names[:maxListedInstances]
	}
	rep.Message = strings.TrimRight(rep.Message, " ") + fmt.Sprintf(" Found in %d instances: %s%s.", len(group), strings.Join(names, ", "), more)
	type relKey struct {
		file      string
		line, col int
		msg       string
	}
	have := map[relKey]bool{}
	for _, r := range rep.RelatedLocs {
		have[relKey{r.Loc.File, r.Loc.Line, r.Loc.Col, r.Message}] = true
	}
	for _, f := range group {
		if f == rep {
			continue
		}
		for _, r := range f.RelatedLocs {
			k := relKey{r.Loc.File, r.Loc.Line, r.Loc.Col, r.Message}
			if !have[k] {
				have[k] = true
				rep.RelatedLocs = append(rep.RelatedLocs, r)
			}
		}
	}
}

// noteDefaultsOnly says so when a finding on a module's own-root instance
// does not hold for the instances some callers create (callers): it comes
// from the module's defaults, and those callers' values are named.
func noteDefaultsOnly(f *rules.Finding, callers []*graph.Resource) {
	if len(callers) == 0 {
		return
	}
	field := splitPath(f.Loc.FieldPath)
	what := "with the module's defaults"
	if len(field) > 0 {
		name := field[len(field)-1]
		if n := f.Resource.Root.Path(field...); n != nil && n.Kind == graph.Scalar {
			what = fmt.Sprintf("with the module's defaults (`%s = %s`)", name, n.Value())
		} else if n == nil {
			what = fmt.Sprintf("with the module's defaults (`%s` unset)", name)
		}
	}
	var passes []string
	seen := map[string]bool{}
	for _, r := range callers {
		desc := r.Origin().Address + " in " + r.Origin().Module
		if len(field) > 0 {
			if n := r.Root.Path(field...); n != nil && n.Kind == graph.Scalar {
				desc += " (passing `" + n.Value() + "`)"
			}
		}
		if !seen[desc] {
			seen[desc] = true
			passes = append(passes, desc)
		}
	}
	sort.Strings(passes)
	if len(passes) > maxListedInstances {
		passes = append(passes[:maxListedInstances], fmt.Sprintf("%d more", len(passes)-maxListedInstances))
	}
	f.Message = strings.TrimRight(f.Message, " ") + fmt.Sprintf(" This holds only %s; it does not hold for %s.", what, strings.Join(passes, ", "))
}
