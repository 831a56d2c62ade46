package report

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/pvlint/pvlint/internal/escape"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// htmlWriter writes one self-contained HTML file for a security review or a
// CI artifact: no network, no external scripts, styles or fonts (a Content
// Security Policy with the hashes of the one inline style and script says
// so to the browser), the findings list readable without JavaScript, and
// filters, the drawn chains and the storage map on top. Every text from a
// scanned file goes through html/template's contextual escaping, the one
// escaper of this channel.
type htmlWriter struct{}

//go:embed html/report.tmpl
var htmlTemplateText string

//go:embed html/report.css
var htmlCSS string

//go:embed html/report.js
var htmlJS string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(htmlTemplateText))

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

type htmlCount struct {
	Severity string
	N        int
}

type htmlRule struct {
	ID, Title, Severity, Link string
	N                         int
}

type htmlHop struct {
	Label, Where, Link, Value string
	First                     bool
}

type htmlFinding struct {
	Rule, RuleLink, Severity, Source, Path string
	Title, Message, Detail                 string
	Where, Link, Precision                 string
	Suppressed, Undecided                  bool
	SuppressedBy                           string
	Chain                                  []htmlHop
}

type htmlMapNode struct {
	MapNode
	X, Y        int
	Label, Link string
	Class       string
}

type htmlMapEdge struct {
	Path, Kind string
	Class      string
}

type htmlPage struct {
	Title, Summary, Version string
	CSP                     string
	CSS                     template.CSS
	JS                      template.JS
	Counts                  []htmlCount
	Rules                   []htmlRule
	Findings                []htmlFinding
	RuleIDs, Sources        []string
	Errors, Notices         []string
	Map                     *StorageMap
	MapNodes                []htmlMapNode
	MapEdges                []htmlMapEdge
	MapWidth, MapHeight     int
	Columns                 []htmlColumn
	Truncated               int
}

type htmlColumn struct {
	Name string
	X    int
}

func (r *Report) sourceLink(file string, line int) string {
	if file == "" {
		return ""
	}
	link := r.SourceBaseURL + file
	if line > 0 {
		link += fmt.Sprintf("#L%d", line)
	}
	return link
}

// secretish matches the fields whose value a report never shows (keys,
// passwords, secret data): the offending value is shown for the others.
var secretish = regexp.MustCompile(`(?i)(data|secret|password|passphrase|token|raw_key|_wo$|key_value|credential|private)`)

func offendingValue(f *rules.Finding) string {
	if f.Resource == nil || f.Loc.FieldPath == "" || f.RuleID == "PVL109" || f.RuleID == "PVL422" || secretish.MatchString(f.Loc.FieldPath) {
		return ""
	}
	loc := f.Resource.At(strings.Split(f.Loc.FieldPath, ".")...)
	if loc.Missing {
		return "(not set)"
	}
	if loc.Node == nil {
		return ""
	}
	s, ok := loc.Node.Str()
	if !ok || len(s) > 120 {
		return ""
	}
	return f.Loc.FieldPath + ": " + s
}

func (htmlWriter) Write(w io.Writer, r *Report) error {
	page := htmlPage{Title: "pvlint report", Summary: summaryLine(r), Version: r.Version, CSS: template.CSS(htmlCSS), JS: template.JS(htmlJS)}
	page.CSP = "default-src 'none'; style-src " + cspHash(htmlCSS) + "; script-src " + cspHash(htmlJS) +
		"; img-src data:; base-uri 'none'; form-action 'none'"
	c := countFindings(r.Findings)
	for _, s := range severitiesDesc {
		page.Counts = append(page.Counts, htmlCount{Severity: s.String(), N: c.BySeverity[s]})
	}
	idx := ruleIndex(r.Rules)
	byRule := map[string]int{}
	sources := map[string]bool{}
	for _, f := range r.Findings {
		// Suppressed findings are listed (marked, after the others) so a
		// review sees what was accepted; undecided ones as the flag says.
		if stateOf(f) == undecided && !r.ShowUndecided {
			continue
		}
		if stateOf(f) == active {
			byRule[f.RuleID]++
		}
		hf := htmlFinding{Rule: f.RuleID, RuleLink: r.ruleURL(f.RuleID), Severity: f.Severity.String(), Path: f.Loc.File,
			Title: firstSentence(f.Message), Message: f.Message, Detail: f.Detail,
			Where: fmt.Sprintf("%s:%d:%d", f.Loc.File, f.Loc.Line, f.Loc.Col), Link: r.sourceLink(f.Loc.File, f.Loc.Line),
			Precision: f.Loc.Precision.String(), Undecided: f.Undecided, Suppressed: f.Suppression != nil}
		if f.Undecided {
			hf.Severity = "unknown"
		}
		if f.Suppression != nil {
			hf.SuppressedBy = f.Suppression.Reason
		}
		hf.Source = graph.SourceYAML.String()
		if f.Resource != nil {
			hf.Source = f.Resource.Source.String()
		}
		sources[hf.Source] = true
		if len(f.RelatedLocs) > 0 {
			first := htmlHop{Where: fmt.Sprintf("%s:%d", f.Loc.File, f.Loc.Line), Link: hf.Link, First: true, Value: offendingValue(f)}
			if f.Resource != nil {
				first.Label = f.Resource.Title()
			} else {
				first.Label = f.Loc.File
			}
			hf.Chain = append(hf.Chain, first)
			for _, rel := range f.RelatedLocs {
				hf.Chain = append(hf.Chain, htmlHop{Label: rel.Message, Where: fmt.Sprintf("%s:%d", rel.Loc.File, rel.Loc.Line),
					Link: r.sourceLink(rel.Loc.File, rel.Loc.Line)})
			}
		}
		page.Findings = append(page.Findings, hf)
	}
	// Most severe first in the list, then the report order.
	rank := map[string]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "unknown": 4}
	slices.SortStableFunc(page.Findings, func(a, b htmlFinding) int {
		ra, rb := rank[a.Severity], rank[b.Severity]
		if a.Suppressed {
			ra += 10
		}
		if b.Suppressed {
			rb += 10
		}
		return ra - rb
	})
	for id, n := range byRule {
		hr := htmlRule{ID: id, N: n, Link: r.ruleURL(id)}
		if i, ok := idx[id]; ok {
			hr.Title, hr.Severity = r.Rules[i].Title, r.Rules[i].Severity.String()
		}
		page.Rules = append(page.Rules, hr)
		page.RuleIDs = append(page.RuleIDs, id)
	}
	slices.SortFunc(page.Rules, func(a, b htmlRule) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.ID, b.ID)
	})
	slices.Sort(page.RuleIDs)
	for s := range sources {
		page.Sources = append(page.Sources, s)
	}
	slices.Sort(page.Sources)
	for _, e := range r.Errors {
		page.Errors = append(page.Errors, e.Error())
	}
	for _, n := range r.Notices {
		page.Notices = append(page.Notices, n.String())
	}
	page.layoutMap(r)
	page.clean()
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, page); err != nil {
		return err
	}
	return bw.Flush()
}

// clean passes every text taken from the scan through escape.HTMLText (the
// markup itself is html/template's to escape).
func (p *htmlPage) clean() {
	t := escape.HTMLText
	for i := range p.Findings {
		f := &p.Findings[i]
		f.Title, f.Message, f.Detail, f.Where, f.Path, f.SuppressedBy = t(f.Title), t(f.Message), t(f.Detail), t(f.Where), t(f.Path), t(f.SuppressedBy)
		for j := range f.Chain {
			h := &f.Chain[j]
			h.Label, h.Where, h.Value = t(h.Label), t(h.Where), t(h.Value)
		}
	}
	for i := range p.Errors {
		p.Errors[i] = t(p.Errors[i])
	}
	for i := range p.Notices {
		p.Notices[i] = t(p.Notices[i])
	}
	for i := range p.MapNodes {
		n := &p.MapNodes[i]
		n.Label, n.Title, n.File = t(n.Label), t(n.Title), t(n.File)
	}
	p.Summary = t(p.Summary)
}

func (r *Report) ruleURL(id string) string {
	if r.DocsBaseURL == "" || !strings.HasPrefix(id, "PVL") {
		return ""
	}
	return r.DocsBaseURL + id + ".md"
}

// Map geometry: one column per Column, boxes stacked in each.
const (
	mapColWidth = 230
	mapBoxW     = 200
	mapBoxH     = 34
	mapRowH     = 46
	mapTop      = 36
)

func (p *htmlPage) layoutMap(r *Report) {
	m := BuildStorageMap(r.Graph, r.Findings)
	p.Map, p.Truncated = m, m.Truncated
	if len(m.Nodes) == 0 {
		return
	}
	// Only the columns that have nodes, in order.
	var cols []Column
	for c := ColAccess; c <= ColKey; c++ {
		for _, n := range m.Nodes {
			if n.Column == c {
				cols = append(cols, c)
				break
			}
		}
	}
	colX := map[Column]int{}
	for i, c := range cols {
		colX[c] = 10 + i*mapColWidth
		p.Columns = append(p.Columns, htmlColumn{Name: c.String(), X: 10 + i*mapColWidth + mapBoxW/2})
	}
	rows := map[Column]int{}
	pos := make([][2]int, len(m.Nodes))
	maxRows := 0
	for _, n := range m.Nodes {
		x, y := colX[n.Column], mapTop+rows[n.Column]*mapRowH
		rows[n.Column]++
		maxRows = max(maxRows, rows[n.Column])
		pos[n.ID] = [2]int{x, y}
		class := "none"
		if n.HasFinding {
			class = n.Worst.String()
		}
		label := n.Title
		if len([]rune(label)) > 27 {
			label = string([]rune(label)[:26]) + "…"
		}
		p.MapNodes = append(p.MapNodes, htmlMapNode{MapNode: n, X: x, Y: y, Label: label, Link: r.sourceLink(n.File, n.Line), Class: class})
	}
	for _, e := range m.Edges {
		a, b := pos[e.From], pos[e.To]
		var x1, x2 int
		if b[0] >= a[0] {
			x1, x2 = a[0]+mapBoxW, b[0]
		} else {
			x1, x2 = a[0], b[0]+mapBoxW
		}
		y1, y2 := a[1]+mapBoxH/2, b[1]+mapBoxH/2
		mid := (x1 + x2) / 2
		if a[0] == b[0] { // same column: loop out to the right
			x1, x2, mid = a[0]+mapBoxW, b[0]+mapBoxW, a[0]+mapBoxW+24
		}
		class := "none"
		if n := m.Nodes[e.To]; n.HasFinding {
			class = n.Worst.String()
		}
		p.MapEdges = append(p.MapEdges, htmlMapEdge{
			Path: fmt.Sprintf("M%d %d C%d %d %d %d %d %d", x1, y1, mid, y1, mid, y2, x2, y2), Kind: e.Kind, Class: class})
	}
	p.MapWidth = 20 + len(cols)*mapColWidth
	p.MapHeight = mapTop + maxRows*mapRowH + 10
}
