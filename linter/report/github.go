package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/pvlint/pvlint/internal/escape"
	"github.com/pvlint/pvlint/rules"
)

// githubWriter writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request, and appends a Markdown summary
// to the job's step summary when there is one.
type githubWriter struct{}

// stepSummaryPath returns the file GitHub Actions collects the step summary
// from, or "". A variable so that tests can point it elsewhere.
var stepSummaryPath = func() string { return os.Getenv("GITHUB_STEP_SUMMARY") }

// maxSummaryFindings bounds the findings table of the step summary.
const maxSummaryFindings = 20

func (githubWriter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Findings {
		if f.Suppression != nil || (f.Undecided && !r.ShowUndecided) {
			continue
		}
		cmd, label := annotationCommand(f.Severity), f.Severity.String()
		if f.Undecided {
			cmd, label = "notice", "unknown"
		}
		var props []string
		if f.Loc.File != "" {
			props = append(props, "file="+escapeProperty(f.Loc.File))
		}
		if f.Loc.File != "" && f.Loc.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Loc.Line))
			if f.Loc.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", f.Loc.Col))
			}
		}
		props = append(props, "title="+escapeProperty(f.RuleID+" ("+label+")"))
		msg := f.Message
		for _, rel := range f.RelatedLocs {
			msg += fmt.Sprintf("\n↳ %s:%d:%d %s", rel.Loc.File, rel.Loc.Line, rel.Loc.Col, rel.Message)
		}
		fmt.Fprintf(bw, "%s::%s\n", command(cmd, props), escapeData(msg))
	}
	for _, e := range r.Errors {
		var props []string
		if e.File != "" {
			props = append(props, "file="+escapeProperty(e.File))
		}
		if e.File != "" && e.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", e.Line))
			if e.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", e.Col))
			}
		}
		fmt.Fprintf(bw, "%s::%s\n", command("error", props), escapeData(e.Msg))
	}
	for _, n := range r.Notices {
		var props []string
		if n.File != "" {
			props = append(props, "file="+escapeProperty(n.File))
		}
		fmt.Fprintf(bw, "%s::%s\n", command("notice", props), escapeData(n.Msg))
	}
	fmt.Fprintln(bw, summaryLine(r))
	if err := bw.Flush(); err != nil {
		return err
	}

	path := stepSummaryPath()
	if path == "" {
		return nil
	}
	if err := appendFile(path, stepSummary(r)); err != nil {
		return fmt.Errorf("writing the GitHub step summary: %w", err)
	}
	return nil
}

// command starts a workflow command line: "::error file=a.yaml,line=3".
func command(name string, props []string) string {
	if len(props) == 0 {
		return "::" + name
	}
	return "::" + name + " " + strings.Join(props, ",")
}

func annotationCommand(s rules.Severity) string {
	switch level(s) {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "notice"
}

// Every text from the scan reaches the runner through escape.WorkflowData
// or escape.WorkflowProperty; Markdown goes through escape.Markdown.
var (
	escapeData     = escape.WorkflowData
	escapeProperty = escape.WorkflowProperty
	mdEscape       = escape.Markdown
)

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// stepSummary renders the Markdown appended to the job summary: counts by
// severity, the most severe findings, the rules they break and the inputs
// that failed.
func stepSummary(r *Report) string {
	var b strings.Builder
	title := "pvlint"
	if r.Version != "" {
		title += " " + r.Version
	}
	fmt.Fprintf(&b, "## %s\n\n%s\n", mdEscape(title), mdEscape(summaryLine(r)))

	c := countFindings(r.Findings)
	if c.Findings > 0 || c.Suppressed > 0 {
		b.WriteString("\n| Severity | Findings |\n|----------|---------:|\n")
		for _, s := range severitiesDesc {
			fmt.Fprintf(&b, "| %s | %d |\n", s, c.BySeverity[s])
		}
		fmt.Fprintf(&b, "| suppressed | %d |\n", c.Suppressed)
	}

	var top []*rules.Finding
	for _, f := range r.Findings {
		if stateOf(f) == active {
			top = append(top, f)
		}
	}
	// Most severe first; the report order (file, line) breaks ties.
	slices.SortStableFunc(top, func(a, b *rules.Finding) int { return cmp.Compare(b.Severity, a.Severity) })
	if len(top) > 0 {
		shown := top[:min(len(top), maxSummaryFindings)]
		b.WriteString("\n### Findings\n\n| Location | Rule | Severity | Message |\n|----------|------|----------|---------|\n")
		for _, f := range shown {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n",
				mdEscape(fmt.Sprintf("%s:%d", f.Loc.File, f.Loc.Line)),
				ruleLink(r, f.RuleID), f.Severity, mdEscape(firstSentence(f.Message)))
		}
		if rest := len(top) - len(shown); rest > 0 {
			fmt.Fprintf(&b, "\n_%d more not shown; the %d most severe are listed._\n", rest, len(shown))
		}

		fired := map[string]bool{}
		for _, f := range top {
			fired[f.RuleID] = true
		}
		ids := make([]string, 0, len(fired))
		for id := range fired {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		idx := ruleIndex(r.Rules)
		b.WriteString("\n### Rules\n\n")
		for _, id := range ids {
			if i, ok := idx[id]; ok {
				m := r.Rules[i]
				fmt.Fprintf(&b, "- %s `%s`: %s\n", ruleLink(r, id), m.Name, mdEscape(m.Title))
			} else {
				fmt.Fprintf(&b, "- %s\n", ruleLink(r, id))
			}
		}
	}

	if len(r.Errors) > 0 {
		b.WriteString("\n### Failed inputs\n\nThe scan is incomplete: these inputs could not be read.\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "- %s\n", mdEscape(e.Error()))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func ruleLink(r *Report, id string) string {
	if r.DocsBaseURL == "" || !strings.HasPrefix(id, "PVL") { // custom rules have no page
		return mdEscape(id)
	}
	return "[" + mdEscape(id) + "](" + r.DocsBaseURL + id + ".md)"
}
