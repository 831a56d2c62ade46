// Package rules holds pvlint's checks. A Rule is a value: its Meta (which
// feeds docs, --explain and SARIF) and one Check that walks the graph and
// reports through a Pass.
package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// Severity orders findings; the zero value is "none" (used by --fail-on none).
type Severity uint8

const (
	None Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return None, fmt.Errorf("unknown severity %q (want critical, high, medium, low or none)", s)
}

// SecuritySeverity is the CVSS-like score GitHub code scanning reads from
// SARIF's properties.security-severity.
func (s Severity) SecuritySeverity() string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "2.0"
	}
	return "0.0"
}

// ValidID reports whether id can name a rule: PVL and three digits for a
// built-in, letters then digits for a custom rule (ORG001), or VAP/ and a
// ValidatingAdmissionPolicy's name.
func ValidID(id string) bool { return idRE.MatchString(id) }

var idRE = regexp.MustCompile(`^(PVL\d{3}|[A-Z]+\d+|VAP/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$`)

// Category groups rules in docs and listings.
type Category string

const (
	CatEncryption Category = "encryption"
	CatVolumes    Category = "volumes"
	CatWorkload   Category = "workload"
	CatRBAC       Category = "rbac"
	CatAWS        Category = "aws"
	CatGCP        Category = "gcp"
	CatAzure      Category = "azure"
	CatCustom     Category = "custom" // rules loaded with --rules
	CatBackup     Category = "backup"
	CatState      Category = "state"
)

// Example is a bad or good snippet in one language ("yaml", "hcl", "helm").
type Example struct {
	Lang string
	Code string
	// KubeVersion is the --kube-version the example is linted (and shown)
	// for, for rules that depend on it; "" for the default.
	KubeVersion string
}

// Meta documents a rule. It is the single source of the docs pages, the
// --explain text, the rules listing and the SARIF rule descriptors.
type Meta struct {
	ID          string   // PVL101; public and stable
	Name        string   // kebab-case: storageclass-unencrypted
	Title       string   // one line, no final period
	Severity    Severity // default severity; a finding may raise it
	Category    Category
	Graph       bool   // the check follows edges between resources
	Description string // what it finds and why it matters (markdown)
	Remediation string // how to fix (markdown)
	Bad, Good   []Example
	References  []string // URLs
	// Custom is where a custom rule is defined ("rules/org.yaml:12"); it is
	// empty for the built-in rules. Custom rules have no page under
	// docs/rules, so their help carries no link there.
	Custom string
}

// Rule is a check with its documentation.
type Rule struct {
	Meta
	Check func(*Pass)
}

// Related is a secondary location of a finding: another hop of a graph path.
type Related struct {
	Loc     graph.Location
	Message string
}

// Finding is one problem a rule reported.
type Finding struct {
	RuleID      string
	Severity    Severity
	Message     string // the first sentence names the problem and the resource
	Detail      string // optional extra text (e.g. the rendered Helm snippet)
	Loc         graph.Location
	Resource    *graph.Resource
	RelatedLocs []Related
	// Undecided marks a check that could not be decided because a value was
	// unknown. Undecided findings are not failures; --fail-on-unknown turns
	// them into notes.
	Undecided bool
	// Suppression is set by the linter when an ignore covers the finding.
	Suppression *Suppression
	// Merged are the same finding in other renders of one source, folded
	// into this one for the report (one base object rendered by several
	// Kustomize overlays). Their fingerprints differ (the source unit
	// names the overlay); a baseline records every one of them.
	Merged []*Finding
}

// Suppression says why a finding is silenced.
type Suppression struct {
	Kind   string // "inSource" (comment or annotation) or "external" (config, baseline)
	Reason string
	Source string // where the ignore is written, e.g. "db.yaml:12" or ".pvlint.yaml"
}

// Fingerprint is the finding's identity, stable across line moves: rule,
// source unit (graph.Resource.Unit: the file, chart and template, module
// and address, or kustomization and file), resource identity and field
// path, joined by "|".
func (f *Finding) Fingerprint() string {
	return Fingerprint(f.RuleID, f.Unit(), f.ResourceIdentity(), f.Loc.FieldPath)
}

// Fingerprint joins the parts of a fingerprint.
func Fingerprint(rule, unit, identity, field string) string {
	return rule + "|" + unit + "|" + identity + "|" + field
}

// Unit is the source unit of the finding's resource, or its file when it is
// about no single resource.
func (f *Finding) Unit() string {
	if f.Resource != nil {
		return f.Resource.Unit()
	}
	return f.Loc.File
}

// ResourceIdentity is the finding's resource identity, "" when none.
func (f *Finding) ResourceIdentity() string {
	if f.Resource != nil {
		return f.Resource.Identity()
	}
	return ""
}

// Raise lifts the finding's severity to s (never lowers it).
func (f *Finding) Raise(s Severity) *Finding {
	if s > f.Severity {
		f.Severity = s
	}
	return f
}

// Lower sets a lower severity (for narrowed cases such as resourceNames).
func (f *Finding) Lower(s Severity) *Finding {
	if s < f.Severity {
		f.Severity = s
	}
	return f
}

// With sets the finding's severity.
func (f *Finding) With(s Severity) *Finding {
	f.Severity = s
	return f
}

// Related adds a related location.
func (f *Finding) Related(loc graph.Loc, format string, args ...any) *Finding {
	l := loc.Resolve()
	if l.File == "" {
		return f
	}
	f.RelatedLocs = append(f.RelatedLocs, Related{Loc: l, Message: fmt.Sprintf(format, args...)})
	return f
}

// Pass gives one rule the graph and collects what it reports.
type Pass struct {
	Graph *graph.Graph
	Rule  *Rule
	found []*Finding
	errs  []RuleError
}

// RuleError is a check that could not run on one resource (a custom rule
// over its cost budget, say): the scan is incomplete, not clean.
type RuleError struct {
	Resource *graph.Resource // nil when the error is not about one resource
	Msg      string
}

// Errorf records that the rule could not check res. The linter turns it
// into an input error naming the rule and the resource (exit status 3).
func (p *Pass) Errorf(res *graph.Resource, format string, args ...any) {
	p.errs = append(p.errs, RuleError{Resource: res, Msg: fmt.Sprintf(format, args...)})
}

// Errors returns what Errorf recorded.
func (p *Pass) Errors() []RuleError { return p.errs }

// NewPass prepares a pass of rule over g.
func NewPass(g *graph.Graph, r *Rule) *Pass { return &Pass{Graph: g, Rule: r} }

// Findings returns what the pass reported.
func (p *Pass) Findings() []*Finding { return p.found }

// Report records a finding at loc with the rule's default severity.
func (p *Pass) Report(loc graph.Loc, format string, args ...any) *Finding {
	f := &Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Message:  fmt.Sprintf(format, args...),
		Loc:      loc.Resolve(),
		Resource: loc.Res,
	}
	if loc.NullExpr != "" && len(loc.Path) > 0 {
		// The finding is at a module caller's line (Terraform sets
		// NullExpr only then): the argument the message names is not what
		// the caller writes, so say which of the module's expressions its
		// inputs turned null.
		f.Message += fmt.Sprintf(" In the module, `%s = %s`, which is null with this caller's inputs.", loc.Path[len(loc.Path)-1], loc.NullExpr)
	}
	p.found = append(p.found, f)
	return f
}

// Undecided records a check that an unknown value kept from being decided.
func (p *Pass) Undecided(loc graph.Loc, format string, args ...any) *Finding {
	f := p.Report(loc, format, args...)
	f.Undecided = true
	return f
}
