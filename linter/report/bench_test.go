package report

import (
	"io"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// benchReport is n findings shaped like those of a large scan: a message,
// every third one with a detail and two related locations.
func benchReport(n int) *Report {
	r := manyFindings(n)
	for i, f := range r.Findings {
		if i%3 == 0 {
			f.Detail = "rendered from charts/db/templates/storageclass.yaml:\n  parameters:\n    type: gp3"
			f.RelatedLocs = []rules.Related{
				{Loc: graph.Location{File: f.Loc.File, Line: 30, Col: 7}, Message: `claim "data/pg" uses the class`},
				{Loc: graph.Location{File: "charts/db/values.yaml", Line: 4, Col: 5}, Message: "encryption is set by storage.encrypted"},
			}
		}
	}
	return r
}

func benchmarkWrite(b *testing.B, format string, n int) {
	r := benchReport(n)
	w, err := New(format, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// 20,000 findings: below GitHub's results limit, so SARIF writes them all.
func BenchmarkWriteSARIF(b *testing.B) { benchmarkWrite(b, "sarif", 20_000) }
func BenchmarkWriteJSON(b *testing.B)  { benchmarkWrite(b, "json", 20_000) }
