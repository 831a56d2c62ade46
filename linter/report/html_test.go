package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

func renderString(t *testing.T, format string, r *Report) string {
	t.Helper()
	return string(render(t, format, false, r))
}

// mapReport is a small scan with a chain: a workload that uses a claim of a
// class that names a key, the class carrying a finding.
func mapReport() *Report {
	g := &graph.Graph{}
	pod := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "Pod", Namespace: "data", Name: `pg"<x>`, File: "db/pod.yaml", KindPos: graph.Pos{Line: 2, Col: 1}}
	pvc := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "PersistentVolumeClaim", Namespace: "data", Name: "pg", File: "db/pvc.yaml", KindPos: graph.Pos{Line: 2, Col: 1}}
	sc := &graph.Resource{Source: graph.SourceYAML, APIVersion: "storage.k8s.io/v1", Kind: "StorageClass", Name: "gp3", File: "db/sc.yaml", KindPos: graph.Pos{Line: 2, Col: 1}}
	key := &graph.Resource{Source: graph.SourceTerraform, Kind: "aws_kms_key", Name: "aws_kms_key.pv", File: "infra/kms.tf", KindPos: graph.Pos{Line: 1, Col: 1},
		From: &graph.Origin{Module: "infra", Address: "aws_kms_key.pv"}}
	// The pod has a container, so the graph sees a workload.
	root, spec, containers := graph.NewMap(graph.Pos{}), graph.NewMap(graph.Pos{}), graph.NewList(graph.Pos{})
	c := graph.NewMap(graph.Pos{})
	c.Set("name", graph.Pos{}, graph.NewScalar("pg", graph.TagString, graph.Pos{}))
	containers.Append(c)
	spec.Set("containers", graph.Pos{}, containers)
	root.Set("spec", graph.Pos{}, spec)
	pod.Root = root
	g.Resources = []*graph.Resource{pod, pvc, sc, key}
	g.AddEdge(&graph.Edge{Kind: graph.UsesClaim, From: pod, To: pvc})
	g.AddEdge(&graph.Edge{Kind: graph.UsesClass, From: pvc, To: sc})
	g.AddEdge(&graph.Edge{Kind: graph.UsesKey, From: sc, To: key})
	r := testReport()
	r.Graph = g
	r.Findings = append(r.Findings, &rules.Finding{RuleID: "PVL101", Severity: rules.Critical, Resource: sc,
		Message:     "StorageClass \"gp3\" <script>alert(1)</script> \u202eleaves encryption off.",
		Loc:         graph.Location{File: "db/sc.yaml", Line: 5, Col: 3, FieldPath: "parameters.encrypted"},
		RelatedLocs: []rules.Related{{Loc: graph.Location{File: "infra/kms.tf", Line: 1, Col: 1}, Message: "key aws_kms_key.pv"}}})
	return r
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	out := renderString(t, "html", mapReport())
	for _, bad := range []string{"<script>alert(1)", `src="http`, "src='http", "<link", "@import", "url(", "fetch(", "XMLHttpRequest", "<iframe"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	if strings.Contains(out, "\u202e") || !strings.Contains(out, `\u202e`) {
		t.Error("a bidi override reaches the page instead of its escape")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a message's markup is not escaped as text")
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(out)
	if csp == nil || !strings.Contains(csp[1], "default-src &#39;none&#39;") {
		t.Fatalf("no default-src 'none' Content Security Policy: %v", csp)
	}
	// The hashes in the policy are those of the inline style and script.
	for _, part := range []struct{ name, body string }{{"style", htmlCSS}, {"script", htmlJS}} {
		if !strings.Contains(out, "<"+part.name+">"+part.body+"</"+part.name+">") {
			t.Errorf("the %s is not inlined verbatim", part.name)
		}
		if !strings.Contains(strings.ReplaceAll(csp[1], "&#39;", "'"), cspHash(part.body)) {
			t.Errorf("the policy lacks the %s hash", part.name)
		}
	}
	// The findings list is there without JavaScript; the filter form is
	// hidden until the script shows it.
	if !strings.Contains(out, `<form id="filters" class="filters" hidden`) || strings.Count(out, `<li class="finding `) < 4 {
		t.Error("the findings list or the hidden filter form is missing")
	}
	if !strings.Contains(out, `<figure class="chain"`) || !strings.Contains(out, "key aws_kms_key.pv") {
		t.Error("no chain for the finding with related locations")
	}
	if !strings.Contains(out, `<svg class="map"`) || strings.Count(out, `<path class="edge`) != 3 {
		t.Errorf("the storage map does not draw the three edges")
	}
	if !strings.Contains(out, `href="db/sc.yaml#L5"`) {
		t.Error("no link to the finding's file and line")
	}
}

func TestHTMLLinksToTheCommitOnGitHub(t *testing.T) {
	r := mapReport()
	r.SourceBaseURL = "https://github.com/o/r/blob/0123456789abcdef/"
	if out := renderString(t, "html", r); !strings.Contains(out, `href="https://github.com/o/r/blob/0123456789abcdef/db/sc.yaml#L5"`) {
		t.Error("file links do not use SourceBaseURL")
	}
}

func TestStorageMapColumnsAndWorst(t *testing.T) {
	r := mapReport()
	m := BuildStorageMap(r.Graph, r.Findings)
	if len(m.Nodes) != 4 || len(m.Edges) != 3 {
		t.Fatalf("map: %d nodes, %d edges; want 4 and 3", len(m.Nodes), len(m.Edges))
	}
	want := []Column{ColWorkload, ColClaim, ColClass, ColKey}
	for i, n := range m.Nodes {
		if n.Column != want[i] {
			t.Errorf("node %d (%s) in column %s, want %s", i, n.Title, n.Column, want[i])
		}
	}
	if sc := m.Nodes[2]; !sc.HasFinding || sc.Worst != rules.Critical {
		t.Errorf("the class's worst finding = %v/%v, want critical", sc.HasFinding, sc.Worst)
	}
	if m.Nodes[0].HasFinding {
		t.Error("the pod has no finding but is coloured")
	}
	if BuildStorageMap(nil, nil) == nil {
		t.Error("nil graph: want an empty map")
	}
}

func TestDotAndMermaidExportTheMap(t *testing.T) {
	r := mapReport()
	dot := renderString(t, "dot", r)
	for _, want := range []string{"digraph pvlint {", "subgraph cluster_workloads", `n0 -> n1 [label="uses-claim"`, `fillcolor="#f4b4b4"`, `Pod \"data/pg\"<x>\"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("dot output lacks %q:\n%s", want, dot)
		}
	}
	mm := renderString(t, "mermaid", r)
	for _, want := range []string{"flowchart LR", "n1 -->|uses-class| n2", "style n2 fill:#f4b4b4", "#quot;data/pg#quot;#lt;x#gt;#quot;"} {
		if !strings.Contains(mm, want) {
			t.Errorf("mermaid output lacks %q:\n%s", want, mm)
		}
	}
	if strings.Contains(mm, `"<x>`) {
		t.Error("mermaid label is not escaped")
	}
}

func TestMarkdownIsTheStepSummary(t *testing.T) {
	r := testReport()
	if got, want := renderString(t, "markdown", r), stepSummary(r); got != want {
		t.Errorf("markdown differs from the step summary:\n%s\n---\n%s", got, want)
	}
}
