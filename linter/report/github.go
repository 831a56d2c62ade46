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

// GitHub shows at most 10 annotations of each level (error, warning,
// notice) per step and 50 per job; the rest are dropped without a word.
// These are GitHub's numbers, not pvlint's limits.
const (
	maxAnnotationsPerLevel = 10
	maxAnnotationsPerJob   = 50
)

// annotation is one workflow command the runner would turn into an
// annotation, with what orders it: input errors first (the scan is
// incomplete), then findings most severe first, then notices.
type annotation struct {
	level      string // error, warning, notice
	rank       int
	rule, file string
	line, col  int
	title, msg string
}

func (a annotation) command() string {
	var props []string
	if a.file != "" {
		props = append(props, "file="+escapeProperty(a.file))
		if a.line > 0 {
			props = append(props, fmt.Sprintf("line=%d", a.line))
			if a.col > 0 {
				props = append(props, fmt.Sprintf("col=%d", a.col))
			}
		}
	}
	if a.title != "" {
		props = append(props, "title="+escapeProperty(a.title))
	}
	return command(a.level, props) + "::" + escapeData(a.msg)
}

// plain is the annotation as an ordinary log line (no workflow command), for
// the ones GitHub would not show.
func (a annotation) plain() string {
	where := a.file
	if a.line > 0 {
		where += fmt.Sprintf(":%d:%d", a.line, a.col)
	}
	head := a.level
	if a.title != "" {
		head = a.title
	}
	return escape.Terminal(fmt.Sprintf("pvlint: %s: %s: %s", where, head, a.msg))
}

// annotations plans the workflow commands: every one, in order, and how
// many of them GitHub shows (the first shown, by level and per job).
func annotations(r *Report) (all []annotation, shown []bool) {
	rankOf := map[rules.Severity]int{rules.Critical: 1, rules.High: 2, rules.Medium: 3, rules.Low: 4}
	for _, e := range r.Errors {
		all = append(all, annotation{level: "error", rank: 0, file: e.File, line: e.Line, col: e.Col, msg: e.Msg})
	}
	for _, g := range groupResults(r.Findings) {
		f := g.Finding
		if f.Suppression != nil || (f.Undecided && !r.ShowUndecided) {
			continue
		}
		a := annotation{level: annotationCommand(f.Severity), rank: rankOf[f.Severity], rule: f.RuleID,
			file: f.Loc.File, line: f.Loc.Line, col: f.Loc.Col, title: f.RuleID + " (" + f.Severity.String() + ")"}
		if f.Undecided {
			a.level, a.rank, a.title = "notice", 5, f.RuleID+" (unknown)"
		}
		if f.Loc.File == "" {
			a.line, a.col = 0, 0
		}
		msg := g.message()
		for _, rel := range f.RelatedLocs {
			msg += fmt.Sprintf("\n↳ %s:%d:%d %s", rel.Loc.File, rel.Loc.Line, rel.Loc.Col, rel.Message)
		}
		a.msg = msg
		all = append(all, a)
	}
	for _, n := range r.Notices {
		all = append(all, annotation{level: "notice", rank: 6, file: n.File, msg: n.Msg})
	}
	slices.SortStableFunc(all, func(a, b annotation) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.rule, b.rule), cmp.Compare(a.file, b.file),
			cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
	})
	shown = make([]bool, len(all))
	perLevel := map[string]int{}
	total := 0
	for i, a := range all {
		if perLevel[a.level] < maxAnnotationsPerLevel && total < maxAnnotationsPerJob {
			perLevel[a.level]++
			total++
			shown[i] = true
		}
	}
	return all, shown
}

func (githubWriter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	all, shown := annotations(r)
	hidden := 0
	for i, a := range all {
		if shown[i] {
			fmt.Fprintln(bw, a.command())
		}
	}
	// The rest still reach the log, as plain lines the runner does not act on.
	for i, a := range all {
		if !shown[i] {
			hidden++
			fmt.Fprintln(bw, a.plain())
		}
	}
	if hidden > 0 {
		fmt.Fprintf(bw, "pvlint: %d more not annotated (GitHub shows at most %d annotations of each level per step): see the job summary and the SARIF report\n",
			hidden, maxAnnotationsPerLevel)
	}
	fmt.Fprintln(bw, summaryLine(r))
	if err := bw.Flush(); err != nil {
		return err
	}

	path := stepSummaryPath()
	if path == "" {
		return nil
	}
	if err := appendFile(path, stepSummaryNoting(r, hidden)); err != nil {
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
func stepSummary(r *Report) string { return stepSummaryNoting(r, 0) }

// stepSummaryNoting is stepSummary saying how many annotations GitHub
// would not have shown.
func stepSummaryNoting(r *Report, notAnnotated int) string {
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
		if notAnnotated > 0 {
			fmt.Fprintf(&b, "\n_%d more findings and messages are not annotated on the pull request (GitHub shows at most %d of each level): see the SARIF report or code scanning for all of them._\n",
				notAnnotated, maxAnnotationsPerLevel)
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
