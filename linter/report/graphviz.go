package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/pvlint/pvlint/internal/escape"
	"github.com/pvlint/pvlint/rules"
)

// dotWriter and mermaidWriter export the storage map (view.go) for docs and
// wikis: the same nodes and edges the HTML report draws, each node coloured
// by its worst unsuppressed finding.
type dotWriter struct{}
type mermaidWriter struct{}

// mapFill is the fill of a node by its worst finding (none: grey).
func mapFill(n MapNode) string {
	if !n.HasFinding {
		return "#e8eaed"
	}
	switch n.Worst {
	case rules.Critical:
		return "#f4b4b4"
	case rules.High:
		return "#f8cfa6"
	case rules.Medium:
		return "#fbe7a1"
	}
	return "#cfe2f3"
}

func nodeLabel(n MapNode) string {
	label := n.Title
	if n.File != "" {
		label += fmt.Sprintf("\n%s:%d", n.File, n.Line)
	}
	if n.HasFinding {
		label += fmt.Sprintf("\n%s: %s", n.Worst, plural(n.Findings, "finding"))
	}
	return label
}

// dotQuote and mermaidText are the channels' escapers (internal/escape):
// labels come from scanned files.
func dotQuote(s string) string    { return escape.DOT(s) }
func mermaidText(s string) string { return escape.Mermaid(s) }

func (dotWriter) Write(w io.Writer, r *Report) error {
	m := BuildStorageMap(r.Graph, r.Findings)
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "// pvlint storage map: workloads, claims, volumes, classes and keys; fill = worst finding")
	fmt.Fprintln(bw, "digraph pvlint {")
	fmt.Fprintln(bw, "  rankdir=LR;")
	fmt.Fprintln(bw, `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];`)
	for c := ColAccess; c <= ColKey; c++ {
		var ids []string
		for _, n := range m.Nodes {
			if n.Column == c {
				ids = append(ids, fmt.Sprintf("n%d", n.ID))
			}
		}
		if len(ids) == 0 {
			continue
		}
		fmt.Fprintf(bw, "  subgraph cluster_%s {\n    label=%s; style=dashed; color=\"#9aa0a6\";\n", c, dotQuote(c.String()))
		for _, n := range m.Nodes {
			if n.Column == c {
				fmt.Fprintf(bw, "    n%d [label=%s, fillcolor=%s];\n", n.ID, dotQuote(nodeLabel(n)), dotQuote(mapFill(n)))
			}
		}
		fmt.Fprintln(bw, "  }")
	}
	for _, e := range m.Edges {
		fmt.Fprintf(bw, "  n%d -> n%d [label=%s, fontsize=8];\n", e.From, e.To, dotQuote(e.Kind))
	}
	if m.Truncated > 0 {
		fmt.Fprintf(bw, "  more [shape=note, label=%s];\n", dotQuote(fmt.Sprintf("%d more resources not drawn", m.Truncated)))
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

func (mermaidWriter) Write(w io.Writer, r *Report) error {
	m := BuildStorageMap(r.Graph, r.Findings)
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "%% pvlint storage map: workloads, claims, volumes, classes and keys; fill = worst finding")
	fmt.Fprintln(bw, "flowchart LR")
	for c := ColAccess; c <= ColKey; c++ {
		first := true
		for _, n := range m.Nodes {
			if n.Column != c {
				continue
			}
			if first {
				fmt.Fprintf(bw, "  subgraph %s [\"%s\"]\n", c, c)
				first = false
			}
			fmt.Fprintf(bw, "    n%d[\"%s\"]\n", n.ID, mermaidText(nodeLabel(n)))
		}
		if !first {
			fmt.Fprintln(bw, "  end")
		}
	}
	for _, e := range m.Edges {
		fmt.Fprintf(bw, "  n%d -->|%s| n%d\n", e.From, e.Kind, e.To)
	}
	for _, n := range m.Nodes {
		fmt.Fprintf(bw, "  style n%d fill:%s,stroke:#5f6368\n", n.ID, mapFill(n))
	}
	if m.Truncated > 0 {
		fmt.Fprintf(bw, "  more[\"%d more resources not drawn\"]\n", m.Truncated)
	}
	return bw.Flush()
}

// markdownWriter is the step summary as a file, for tools that post it as a
// pull request comment.
type markdownWriter struct{}

func (markdownWriter) Write(w io.Writer, r *Report) error {
	_, err := io.WriteString(w, stepSummary(r))
	return err
}
