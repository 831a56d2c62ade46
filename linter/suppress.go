package linter

import (
	"time"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/linter/suppress"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/rules"
)

// SuppressOptions say which ignores apply. The zero value honours inline
// comments and annotations and nothing else.
type SuppressOptions struct {
	// NoInline disregards comments and annotations (--no-inline-ignores).
	NoInline bool
	// NoInlineRules are rules that no comment or annotation may silence.
	NoInlineRules []string
	// Ignores come from the configuration file.
	Ignores []suppress.ConfigIgnore
	// Baseline marks the findings it lists as suppressed.
	Baseline *suppress.Baseline
	// Severity overrides the severity of every finding of a rule.
	Severity map[string]rules.Severity
	// Now is the clock ignores expire against; default time.Now.
	Now func() time.Time
	// Stats, when set, receives the counts of the suppression pass.
	Stats *suppress.Stats
}

// applySuppressions overrides severities, then marks suppressed findings
// and returns notices about the ignores (malformed, expired, unused).
func applySuppressions(g *graph.Graph, findings []*rules.Finding, opt Options) ([]*rules.Finding, []parsers.Notice) {
	so := opt.Suppress
	for _, f := range findings {
		if s, ok := so.Severity[f.RuleID]; ok {
			f.Severity = s
		}
	}
	known := map[string]bool{}
	for _, r := range rules.All() {
		known[r.ID] = true
	}
	ran := map[string]bool{}
	for _, r := range opt.Rules {
		known[r.ID] = true
		ran[r.ID] = true
	}
	noInline := map[string]bool{}
	for _, id := range so.NoInlineRules {
		noInline[id] = true
	}
	now := time.Now
	if so.Now != nil {
		now = so.Now
	}
	notices, stats := suppress.Apply(g, findings, suppress.Options{
		Known:         func(id string) bool { return known[id] },
		Ran:           func(id string) bool { return ran[id] },
		NoInline:      so.NoInline,
		NoInlineRules: noInline,
		Config:        so.Ignores,
		Baseline:      so.Baseline,
		Today:         now().Format(time.DateOnly),
	})
	if so.Stats != nil {
		*so.Stats = stats
	}
	return findings, notices
}
