// Package report writes the result of a scan in one of pvlint's output
// formats: text for people, json for scripts, sarif for code scanning and
// github for workflow annotations. Each format is one file behind Writer.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// Stats counts what a scan read.
type Stats struct {
	Files, Resources, Charts, Modules int
	// Empty lists the directories named for the scan that hold nothing
	// pvlint reads: the summary says so, so that no one mistakes the
	// scan of an empty folder for a clean one.
	Empty []string
}

// Report is everything a Writer needs: the enabled rules, the findings in
// report order and the inputs that failed.
type Report struct {
	Version  string           // pvlint version
	Rules    []rules.Meta     // every enabled rule, sorted by ID
	Findings []*rules.Finding // sorted by file, line, column, rule; includes suppressed and undecided ones
	Errors   []diag.Error     // inputs that failed (the scan is incomplete)
	Notices  []diag.Notice
	Stats    Stats

	ShowSuppressed bool // text and json: include suppressed findings
	ShowUndecided  bool // include undecided checks as notes
	// DocsBaseURL is where the rule pages live, ending in a slash; a rule's
	// help URI is DocsBaseURL + ID + ".md". Empty means no links.
	DocsBaseURL string
	// Graph is the scan's graph, for the formats that draw it (html, dot,
	// mermaid); nil draws nothing.
	Graph *graph.Graph
	// SourceBaseURL prefixes the repository-relative file links of the html
	// report (e.g. https://github.com/o/r/blob/SHA/); empty links relative
	// to the report, which then belongs at the repository root.
	SourceBaseURL string
	// SARIFSuppressed is --sarif-suppressed: "include" or "omit" suppressed
	// results; "" includes them unless the run is over GitHub's results
	// limit.
	SARIFSuppressed string
}

// Writer writes a Report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// Formats lists the names New accepts, for flag help.
func Formats() []string {
	return []string{"text", "json", "sarif", "github", "markdown", "html", "dot", "mermaid"}
}

// New returns the Writer for a format. color applies to text only; the
// caller decides it (a terminal, and NO_COLOR unset).
func New(format string, color bool) (Writer, error) {
	switch format {
	case "text":
		return textWriter{color: color}, nil
	case "json":
		return jsonWriter{}, nil
	case "sarif":
		return sarifWriter{}, nil
	case "github":
		return githubWriter{}, nil
	case "markdown":
		return markdownWriter{}, nil
	case "html":
		return htmlWriter{}, nil
	case "dot":
		return dotWriter{}, nil
	case "mermaid":
		return mermaidWriter{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// ReadsGraph reports whether the format reads the resource graph (its
// edges, or the node trees of findings' resources): the HTML report's
// storage map and field snippets, and the DOT and Mermaid maps. The other
// formats read only findings and resource identities, so a scan written in
// them alone may drop the trees first (graph.Graph.DropTrees).
func ReadsGraph(format string) bool {
	switch format {
	case "html", "dot", "mermaid":
		return true
	}
	return false
}

// state sorts a finding into the one bucket it is counted in. An undecided
// check is undecided whether or not an ignore also covers it: it is never a
// failure either way.
type state uint8

const (
	active state = iota
	suppressed
	undecided
)

func stateOf(f *rules.Finding) state {
	switch {
	case f.Undecided:
		return undecided
	case f.Suppression != nil:
		return suppressed
	}
	return active
}

// shown reports whether a text or json report lists the finding.
func (r *Report) shown(f *rules.Finding) bool {
	if f.Undecided && !r.ShowUndecided {
		return false
	}
	if f.Suppression != nil && !r.ShowSuppressed {
		return false
	}
	return true
}

// counts is the summary every format prints.
type counts struct {
	Findings   int // active findings, the ones that fail a build
	BySeverity [rules.Critical + 1]int
	Suppressed int
	Undecided  int
}

func countFindings(fs []*rules.Finding) counts {
	var c counts
	for _, f := range fs {
		switch stateOf(f) {
		case active:
			c.Findings++
			if f.Severity <= rules.Critical {
				c.BySeverity[f.Severity]++
			}
		case suppressed:
			c.Suppressed++
		case undecided:
			c.Undecided++
		}
	}
	return c
}

// severitiesDesc lists the severities a summary counts, most severe first.
var severitiesDesc = []rules.Severity{rules.Critical, rules.High, rules.Medium, rules.Low}

// summaryLine is the last line of a text report, e.g.
// "12 findings (2 critical, 5 high, 4 medium, 1 low), 3 suppressed; 41 files, 187 resources scanned; 1 input failed."
func summaryLine(r *Report) string {
	c := countFindings(r.Findings)
	var b strings.Builder
	if c.Findings == 0 {
		b.WriteString("No findings")
	} else {
		b.WriteString(plural(c.Findings, "finding"))
		var parts []string
		for _, s := range severitiesDesc {
			if n := c.BySeverity[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, s))
			}
		}
		if len(parts) > 0 {
			b.WriteString(" (" + strings.Join(parts, ", ") + ")")
		}
	}
	if c.Suppressed > 0 {
		fmt.Fprintf(&b, ", %d suppressed", c.Suppressed)
	}
	if c.Undecided > 0 {
		fmt.Fprintf(&b, ", %d undecided", c.Undecided)
	}
	scanned := []string{plural(r.Stats.Files, "file")}
	if r.Stats.Charts > 0 {
		scanned = append(scanned, plural(r.Stats.Charts, "chart"))
	}
	if r.Stats.Modules > 0 {
		scanned = append(scanned, plural(r.Stats.Modules, "Terraform module"))
	}
	scanned = append(scanned, plural(r.Stats.Resources, "resource"))
	if len(r.Stats.Empty) > 0 {
		fmt.Fprintf(&b, "; nothing to scan in %s", strings.Join(r.Stats.Empty, ", "))
	}
	fmt.Fprintf(&b, "; %s scanned", strings.Join(scanned, ", "))
	if n := len(r.Errors); n > 0 {
		fmt.Fprintf(&b, "; %s (the scan is incomplete)", plural(n, "input error"))
	}
	b.WriteString(".")
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// level is the SARIF level of a severity, also used for GitHub annotations.
func level(s rules.Severity) string {
	switch s {
	case rules.Critical, rules.High:
		return "error"
	case rules.Medium:
		return "warning"
	}
	return "note"
}

// ruleIndex finds rule metadata by ID.
func ruleIndex(ms []rules.Meta) map[string]int {
	idx := make(map[string]int, len(ms))
	for i, m := range ms {
		idx[m.ID] = i
	}
	return idx
}

// firstSentence is the part of a message that names the problem and the
// resource: up to the first ". " (or a line break).
func firstSentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ". "); i >= 0 {
		return msg[:i+1]
	}
	return msg
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string { return diag.Truncate(s, n) }
