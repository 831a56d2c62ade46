// Package suppress decides which findings are silenced and why. Every
// source of an ignore — an inline comment, a Kubernetes annotation, the
// configuration file, a baseline — becomes the same thing: a set of rule
// IDs, a scope, a reason, an optional last day and the place it is
// written. Apply marks the findings each ignore covers (f.Suppression) and
// reports what the user should fix: malformed directives, expired ignores
// and ignores that match nothing.
package suppress

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// Kinds of suppression, named as SARIF names them.
const (
	InSource = "inSource" // a comment or an annotation in the scanned source
	External = "external" // the configuration file or a baseline
)

// Annotations that silence findings of the object that carries them (or
// of the workload whose pod template carries them).
const (
	AnnotationIgnore = "pvlint.dev/ignore"
	AnnotationReason = "pvlint.dev/ignore-reason"
	AnnotationUntil  = "pvlint.dev/ignore-until"
)

// ConfigIgnore is an ignore from the configuration file (kind external).
type ConfigIgnore struct {
	Rules    []string
	Paths    []*Glob // any of them; none means every path
	Resource *Glob   // matched against ResourceNames; nil means any resource
	Reason   string
	Until    string // YYYY-MM-DD or ""
	File     string // the configuration file, for notices
	Line     int
}

// Options say which ignores count.
type Options struct {
	// Known reports whether a rule ID exists; directives naming others are
	// malformed. nil accepts any PVLnnn.
	Known func(id string) bool
	// Ran reports whether a rule ran in this scan: an ignore for a rule
	// that did not run is never reported unused. nil means every rule ran.
	Ran func(id string) bool
	// NoInline disregards comments and annotations (--no-inline-ignores).
	NoInline bool
	// NoInlineRules are rules no comment or annotation may silence.
	NoInlineRules map[string]bool
	Config        []ConfigIgnore
	Baseline      *Baseline
	// Today is the date ignores expire against (YYYY-MM-DD); an ignore
	// holds through its until date.
	Today string
}

// Stats counts what Apply saw, for the summary on standard error.
type Stats struct {
	Suppressed int // findings silenced
	Unused     int // (ignore, rule) pairs that matched no finding
	Expired    int // ignores past their until date
	Malformed  int // directives and annotations that could not be read
	NoReason   int // ignores written without a reason
	Stale      int // baseline entries that matched no finding
}

// ignore is one ignore of any source.
type ignore struct {
	rules  []string
	used   []bool
	reason string
	until  string
	kind   string
	file   string // where it is written
	line   int
	config *ConfigIgnore
}

func (ig *ignore) index(id string) int { return slices.Index(ig.rules, id) }

func (ig *ignore) source() string {
	if ig.line > 0 {
		return fmt.Sprintf("%s:%d", ig.file, ig.line)
	}
	return ig.file
}

type annotKey struct {
	file                string
	line                int
	list, reason, until string
}

type fileLine struct {
	file string
	line int
}

// set is every ignore of a scan, indexed by what it covers.
type set struct {
	opt      Options
	notices  []diag.Notice
	stats    Stats
	all      []*ignore
	byLine   map[fileLine][]*ignore         // a comment covers its line and the next
	byResCmt map[*graph.Resource][]*ignore  // a comment directly above a resource
	byFile   map[string][]*ignore           // pvlint:ignore-file
	byAnnot  map[*graph.Resource][]*ignore  // pvlint.dev/ignore annotations
	annots   map[annotKey]*ignore           // the same annotation on copies of one object
	config   []*ignore                      // configuration ignores
	startsAt map[fileLine][]*graph.Resource // resources by first line; nil until an ignore comment needs it
}

// Apply marks the findings that an ignore covers and returns notices about
// the ignores themselves. Findings are changed in place.
func Apply(g *graph.Graph, findings []*rules.Finding, opt Options) ([]diag.Notice, Stats) {
	s := &set{
		opt:      opt,
		byLine:   map[fileLine][]*ignore{},
		byResCmt: map[*graph.Resource][]*ignore{},
		byFile:   map[string][]*ignore{},
		byAnnot:  map[*graph.Resource][]*ignore{},
	}
	if !opt.NoInline {
		s.collectComments(g.Comments, g.Resources)
		for _, r := range g.Resources {
			s.collectAnnotations(r)
		}
	}
	for i := range opt.Config {
		s.collectConfig(&opt.Config[i])
	}
	for _, f := range findings {
		s.match(f)
	}
	s.matchBaseline(findings)
	s.reportUnused()
	return s.notices, s.stats
}

// notice reports a problem with an ignore at file:line.
// (diag.Notice has no line of its own, so the line leads the message.)
func (s *set) notice(file string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	s.notices = append(s.notices, diag.Notice{File: file, Msg: msg})
}

// add validates a parsed ignore against the options and today's date and
// returns it, or nil when nothing of it is left to apply.
func (s *set) add(ig *ignore) *ignore {
	if ig.reason == "" {
		s.stats.NoReason++
	}
	if ig.kind == InSource && len(s.opt.NoInlineRules) > 0 {
		kept := ig.rules[:0:0]
		for _, id := range ig.rules {
			if s.opt.NoInlineRules[id] {
				s.notice(ig.file, ig.line, "ignore for %s not honoured: the configuration allows no inline ignore for it (no-inline-ignore)", id)
				continue
			}
			kept = append(kept, id)
		}
		ig.rules = kept
		if len(kept) == 0 {
			return nil
		}
	}
	if ig.until != "" && s.opt.Today != "" && s.opt.Today > ig.until {
		s.stats.Expired++
		s.notice(ig.file, ig.line, "ignore for %s expired on %s", strings.Join(ig.rules, ","), ig.until)
		return nil
	}
	ig.used = make([]bool, len(ig.rules))
	s.all = append(s.all, ig)
	return ig
}

func (s *set) collectComments(comments []graph.Comment, resources []*graph.Resource) {
	seen := map[graph.Comment]bool{}
	for _, c := range comments {
		// A chart rendered more than once hands over its comments each time.
		if seen[c] {
			continue
		}
		seen[c] = true
		d, err := ParseDirective(c.Text, s.opt.Known)
		if err == ErrNotDirective {
			continue
		}
		if err != nil {
			s.stats.Malformed++
			s.notice(c.File, c.Line, "malformed ignore, nothing suppressed: %v", err)
			continue
		}
		ig := s.add(&ignore{rules: d.Rules, reason: d.Reason, until: d.Until, kind: InSource, file: c.File, line: c.Line})
		if ig == nil {
			continue
		}
		if d.File {
			s.byFile[c.File] = append(s.byFile[c.File], ig)
			continue
		}
		for _, l := range []int{c.Line, c.Line + 1} {
			k := fileLine{c.File, l}
			s.byLine[k] = append(s.byLine[k], ig)
		}
		if s.startsAt == nil { // made for the first ignore comment: most scans have none
			s.startsAt = map[fileLine][]*graph.Resource{}
			for _, r := range resources {
				k := fileLine{r.File, r.Start.Line}
				s.startsAt[k] = append(s.startsAt[k], r)
			}
		}
		for _, r := range s.startsAt[fileLine{c.File, c.Line + 1}] {
			s.byResCmt[r] = append(s.byResCmt[r], ig)
		}
	}
}

// collectAnnotations reads pvlint.dev/ignore on the object and, for a
// workload, on its pod template.
func (s *set) collectAnnotations(r *graph.Resource) {
	if !r.IsKubernetes() || r.Root == nil {
		return
	}
	metas := []*graph.Node{r.Root.Get("metadata")}
	if p := graph.PodTemplatePath(r.Kind); len(p) > 0 {
		metas = append(metas, r.Root.Path(append(p, "metadata")...))
	}
	for _, meta := range metas {
		ann := meta.Get("annotations")
		v := ann.Get(AnnotationIgnore)
		if v == nil {
			continue
		}
		line := v.KeyPos().Line
		if line == 0 {
			line = v.Pos().Line
		}
		file := r.File
		if v.File() != "" { // written by a Kustomize patch
			file = v.File()
		}
		list, ok := v.Str()
		if !ok {
			continue // an unknown (unrendered) value silences nothing
		}
		ids, err := ParseRuleIDs(list, s.opt.Known)
		if err != nil {
			s.stats.Malformed++
			s.notice(file, line, "malformed %s annotation, nothing suppressed: %v", AnnotationIgnore, err)
			continue
		}
		reason, _ := ann.Get(AnnotationReason).Str()
		until := ""
		if u, ok := ann.Get(AnnotationUntil).Str(); ok && strings.TrimSpace(u) != "" {
			if until, err = ParseDate(u); err != nil {
				s.stats.Malformed++
				s.notice(file, line, "malformed %s annotation, nothing suppressed: %v", AnnotationUntil, err)
				continue
			}
		}
		// One annotation in a base that several overlays render is one
		// ignore: used when any overlay's copy of the object needs it.
		ak := annotKey{file, line, list, reason, until}
		ig, seen := s.annots[ak]
		if !seen {
			ig = s.add(&ignore{rules: ids, reason: strings.TrimSpace(reason), until: until, kind: InSource, file: file, line: line})
			if s.annots == nil {
				s.annots = map[annotKey]*ignore{}
			}
			s.annots[ak] = ig
		}
		if ig != nil {
			s.byAnnot[r] = append(s.byAnnot[r], ig)
		}
	}
}

func (s *set) collectConfig(c *ConfigIgnore) {
	ig := s.add(&ignore{rules: slices.Clone(c.Rules), reason: c.Reason, until: c.Until, kind: External, file: c.File, line: c.Line, config: c})
	if ig != nil {
		s.config = append(s.config, ig)
	}
}

// match applies the first ignore that covers f, in order of closeness:
// the line, a comment above the resource, the file, an annotation, the
// configuration. Every ignore that covers f counts as used, so an ignore
// is only "unused" when removing it would change nothing anywhere.
func (s *set) match(f *rules.Finding) {
	var groups [][]*ignore
	if f.Loc.File != "" {
		groups = append(groups, s.byLine[fileLine{f.Loc.File, f.Loc.Line}])
	}
	if f.Resource != nil {
		groups = append(groups, s.byResCmt[f.Resource])
	}
	groups = append(groups, s.byFile[f.Loc.File])
	if f.Resource != nil && f.Resource.File != f.Loc.File {
		groups = append(groups, s.byFile[f.Resource.File])
	}
	if f.Resource != nil {
		groups = append(groups, s.byAnnot[f.Resource])
	}
	groups = append(groups, s.config)
	for _, group := range groups {
		for _, ig := range group {
			i := ig.index(f.RuleID)
			if i < 0 || (ig.config != nil && !ig.config.matches(f)) {
				continue
			}
			ig.used[i] = true
			if f.Suppression == nil {
				f.Suppression = &rules.Suppression{Kind: ig.kind, Reason: ig.reason, Source: ig.source()}
				s.stats.Suppressed++
			}
		}
	}
}

func (c *ConfigIgnore) matches(f *rules.Finding) bool {
	if len(c.Paths) > 0 {
		ok := false
		for _, g := range c.Paths {
			if g.MatchUnder(f.Loc.File) || (f.Resource != nil && f.Resource.File != "" && g.MatchUnder(f.Resource.File)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if c.Resource != nil {
		if f.Resource == nil {
			return false
		}
		return slices.ContainsFunc(ResourceNames(f.Resource), c.Resource.Match)
	}
	return true
}

// ResourceNames are the names a configuration resource pattern is matched
// against: Kind/namespace/name for Kubernetes objects (and Kind/name for
// cluster-scoped ones), the address for Terraform resources.
func ResourceNames(r *graph.Resource) []string {
	if r.IsKubernetes() {
		out := []string{r.Kind + "/" + r.Namespace + "/" + r.Name}
		if r.Namespace == "" {
			out = append(out, r.Kind+"/"+r.Name)
		}
		return out
	}
	out := []string{r.Identity()}
	if r.Origin().Address != "" {
		out = append(out, r.Origin().Address)
	}
	return append(out, r.Kind+"."+r.Name)
}

func (s *set) matchBaseline(findings []*rules.Finding) {
	b := s.opt.Baseline
	if b == nil {
		return
	}
	if b.Version == 1 {
		s.matchLegacyBaseline(b, findings)
		return
	}
	used := map[string]bool{}
	for _, f := range findings {
		fp := f.Fingerprint()
		if !b.Has(fp) {
			continue
		}
		used[fp] = true
		s.suppressByBaseline(b, f)
	}
	for _, e := range b.Findings {
		if !used[e.Fingerprint()] && s.ran(e.Rule) {
			s.stats.Stale++
		}
	}
	s.staleNotice(b)
}

func (s *set) suppressByBaseline(b *Baseline, f *rules.Finding) {
	if f.Suppression == nil {
		f.Suppression = &rules.Suppression{Kind: External, Reason: "in baseline " + b.File, Source: b.File}
		s.stats.Suppressed++
	}
}

func (s *set) staleNotice(b *Baseline) {
	if s.stats.Stale > 0 {
		s.notice(b.File, 0, "%d baseline %s no longer %s a finding (fixed, or moved to another resource or field); rewrite it with --write-baseline",
			s.stats.Stale, plural(s.stats.Stale, "entry", "entries"), plural(s.stats.Stale, "matches", "match"))
	}
}

// matchLegacyBaseline matches a version 1 baseline, whose entries have no
// source unit. An entry is migrated when it is unambiguous: the findings
// with its rule, resource and field, narrowed to its recorded file when
// that file still has one, all come from one source unit. An entry that
// matches findings in several units (a file copied to another environment
// since) suppresses none of them: the copy must not pass as accepted, and
// pvlint cannot tell which one was. Either way a notice says to rewrite
// the baseline.
func (s *set) matchLegacyBaseline(b *Baseline, findings []*rules.Finding) {
	byKey := map[string][]*rules.Finding{}
	for _, f := range findings {
		k := legacyKey(f)
		byKey[k] = append(byKey[k], f)
	}
	migrated := 0
	var ambiguous []string
	for _, e := range b.Findings {
		cands := byKey[e.legacyKey()]
		if e.File != "" {
			var inFile []*rules.Finding
			for _, f := range cands {
				if f.Loc.File == e.File {
					inFile = append(inFile, f)
				}
			}
			if len(inFile) > 0 {
				cands = inFile
			}
		}
		var units []string
		for _, f := range cands {
			if u := f.Unit(); !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
		switch {
		case len(units) == 0:
			if s.ran(e.Rule) {
				s.stats.Stale++
			}
		case len(units) == 1:
			migrated++
			for _, f := range cands {
				s.suppressByBaseline(b, f)
			}
		default:
			slices.Sort(units)
			ambiguous = append(ambiguous, fmt.Sprintf("%s %s in %s", e.Rule, e.Resource, strings.Join(units, ", ")))
		}
	}
	if migrated > 0 {
		s.notice(b.File, 0, "baseline version 1 has no source units; %d %s matched by rule, resource and field and migrated in memory; rewrite it with --write-baseline to record them",
			migrated, plural(migrated, "entry", "entries"))
	}
	if len(ambiguous) > 0 {
		more := ""
		if len(ambiguous) > 3 {
			more = fmt.Sprintf(" and %d more", len(ambiguous)-3)
			ambiguous = ambiguous[:3]
		}
		s.notice(b.File, 0, "%d version 1 baseline %s %s findings in several source units and suppress none of them (%s%s); review them and rewrite the baseline with --write-baseline",
			len(ambiguous), plural(len(ambiguous), "entry", "entries"), plural(len(ambiguous), "matches", "match"), strings.Join(ambiguous, "; "), more)
	}
	s.staleNotice(b)
}

func (s *set) ran(id string) bool { return s.opt.Ran == nil || s.opt.Ran(id) }

func (s *set) reportUnused() {
	for _, ig := range s.all {
		for i, id := range ig.rules {
			if !ig.used[i] && s.ran(id) {
				s.stats.Unused++
				s.notice(ig.file, ig.line, "unused ignore for %s: it matches no finding", id)
			}
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
