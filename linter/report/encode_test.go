package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// checkSameAsReference writes r with the writer and with the reference
// (reference_test.go) and fails on the first byte that differs.
func checkSameAsReference(t *testing.T, name, format string, r *Report) {
	t.Helper()
	got := render(t, format, false, r)
	var want bytes.Buffer
	if err := referenceWrite(&want, format, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		at := 0
		for at < len(got) && at < want.Len() && got[at] == want.Bytes()[at] {
			at++
		}
		from := max(0, at-300)
		t.Fatalf("%s %s: differs from encoding/json at byte %d of %d (want %d):\n--- got\n%s\n--- want\n%s", name, format, at, len(got), want.Len(),
			got[from:min(len(got), at+200)], want.Bytes()[from:min(want.Len(), at+200)])
	}
}

// The streamed SARIF results and JSON findings are the bytes encoding/json
// gives for go-sarif's and the report's values: every golden report, the
// scale reports and random reports of every shape a finding can take.
func TestWritersMatchEncodingJSON(t *testing.T) {
	reports := map[string]func() *Report{
		"golden":     testReport,
		"golden_all": func() *Report { return showAll(testReport()) },
		"clean":      cleanReport,
		"many":       func() *Report { return manyFindings(1000) },
		"bench":      func() *Report { return benchReport(700) },
		"cut":        messagesAtTheCut,
	}
	for seed := range uint64(20) {
		reports[fmt.Sprintf("random%d", seed)] = func() *Report { return randomReport(seed, 50+int(seed)*40) }
	}
	for name, mk := range reports {
		for _, format := range []string{"sarif", "json"} {
			checkSameAsReference(t, name, format, mk())
		}
	}
}

// messagesAtTheCut has SARIF messages (message, blank line, detail) of
// every length around maxMessageBytes, the cut falling inside a character.
func messagesAtTheCut() *Report {
	r := manyFindings(1)
	f0 := r.Findings[0]
	r.Findings = nil
	for n := maxMessageBytes - 8; n <= maxMessageBytes+8; n++ {
		for _, detail := range []string{"", "d", "dé", "\u2028"} {
			f := *f0
			f.Message = strings.Repeat("é", n/2) + strings.Repeat("x", n%2)
			f.Detail = detail
			f.Loc.Line = n
			r.Findings = append(r.Findings, &f)
		}
	}
	return r
}

// nasty are the pieces random strings are made of: what JSON escapes, what
// encoding/json escapes although JSON need not, invalid UTF-8 and plain text.
var nasty = []string{
	"", "a", "plain text ", `"`, `\`, "/", "<", ">", "&", "<script>&amp;", "\x00", "\x01", "\x1f", "\x7f",
	"\b", "\f", "\n", "\r", "\t", "\u2028", "\u2029", "\u2027", "\u202a", "\u00e9", "\u2713", "\U0001F600",
	"\xff", "\xe2\x80", "\xe2\x80\xa8"[:2], "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\ufffd", "\ufeff",
	"%", "%20", " ", "a:b", "../x", "?#",
}

func randomText(r *rand.Rand, maxParts int) string {
	var b strings.Builder
	for range r.IntN(maxParts + 1) {
		b.WriteString(nasty[r.IntN(len(nasty))])
	}
	if r.IntN(40) == 0 { // past the SARIF message limit
		b.WriteString(strings.Repeat("long é ", 700))
	}
	return b.String()
}

// randomReport is n findings of random shape: any source, with and without
// resource, location, line, column, detail, related locations (past the
// SARIF limit), suppression and reason, undecided, rules the report has no
// metadata for, and runs of the same finding on several objects (merged in
// SARIF, past the named-objects limit); the text is made of nasty pieces.
func randomReport(seed uint64, n int) *Report {
	r := rand.New(rand.NewPCG(seed, 18))
	rep := &Report{Version: "v1.2.3", Rules: testRules(), DocsBaseURL: docsBase,
		ShowSuppressed: r.IntN(2) == 0, ShowUndecided: r.IntN(2) == 0,
		SARIFSuppressed: []string{"", "include", "omit"}[r.IntN(3)],
		Stats:           Stats{Files: r.IntN(100), Resources: r.IntN(1000), Empty: []string{randomText(r, 2)}}}
	ids := []string{"PVL101", "PVL201", "PVL301", "PVL401", "PVL999", "CUSTOM-" + randomText(r, 2)}
	sevs := []rules.Severity{rules.Critical, rules.High, rules.Medium, rules.Low}
	resource := func() *graph.Resource {
		if r.IntN(8) == 0 {
			return nil
		}
		res := &graph.Resource{Source: graph.Source(r.IntN(4)), Kind: "Pod" + randomText(r, 1), Namespace: randomText(r, 2),
			Name: randomText(r, 3), File: randomText(r, 2),
			From: &graph.Origin{Chart: randomText(r, 1), Template: randomText(r, 1), Module: randomText(r, 1), Address: randomText(r, 2),
				SourceUnit: []string{"", randomText(r, 2)}[r.IntN(2)]}}
		if res.Source != graph.SourceTerraform || r.IntN(2) == 0 {
			res.APIVersion = "v1"
		}
		return res
	}
	for len(rep.Findings) < n {
		f := &rules.Finding{RuleID: ids[r.IntN(len(ids))], Severity: sevs[r.IntN(len(sevs))], Resource: resource(),
			Message: randomText(r, 6), Undecided: r.IntN(6) == 0,
			Loc: graph.Location{File: randomText(r, 3), Line: r.IntN(3) * r.IntN(500), Col: r.IntN(3) * r.IntN(80),
				FieldPath: randomText(r, 2), Precision: graph.Precision(r.IntN(4))}}
		if r.IntN(3) == 0 {
			f.Detail = randomText(r, 8)
		}
		nrel := 0
		switch r.IntN(6) {
		case 0:
			nrel = 1 + r.IntN(3)
		case 1:
			nrel = maxRelated - 1 + r.IntN(4)
		}
		for range nrel {
			f.RelatedLocs = append(f.RelatedLocs, rules.Related{Message: randomText(r, 3),
				Loc: graph.Location{File: randomText(r, 2), Line: r.IntN(2) * r.IntN(99), Col: r.IntN(2) * r.IntN(9)}})
		}
		if r.IntN(5) == 0 {
			f.Suppression = &rules.Suppression{Kind: []string{"inSource", "external", "baseline", ""}[r.IntN(4)],
				Reason: []string{"", randomText(r, 3)}[r.IntN(2)], Source: randomText(r, 2)}
		}
		rep.Findings = append(rep.Findings, f)
		if f.Resource != nil && f.Loc.Line > 0 && r.IntN(4) == 0 { // the same finding on more objects
			for range 1 + r.IntN(maxNamedObjects+5) {
				g := *f
				g.Resource = resource()
				if g.Resource == nil {
					g.Resource = &graph.Resource{Kind: "Pod", Name: randomText(r, 2)}
				}
				rep.Findings = append(rep.Findings, &g)
			}
		}
	}
	for range r.IntN(3) {
		rep.Errors = append(rep.Errors, diag.Error{File: randomText(r, 2), Line: r.IntN(9), Col: r.IntN(9), Msg: randomText(r, 4)})
	}
	for range r.IntN(3) {
		rep.Notices = append(rep.Notices, diag.Notice{File: randomText(r, 2), Msg: randomText(r, 4)})
	}
	return rep
}

// encodingJSONString is what encoding/json writes for s.
func encodingJSONString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func TestJSONString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a\"b\\c/d", `"a\"b\\c/d"`},
		{"\b\f\n\r\t\x00\x1f\x7f", `"\b\f\n\r\t\u0000\u001f` + "\x7f" + `"`},
		{"<a&b>", `"<a&b>"`},
		{"x\u2028y\u2029z", `"x\u2028y\u2029z"`},
		{"bad \xff \xe2\x80 end", `"bad \ufffd \ufffd\ufffd end"`},
		{"é✓😀", `"é✓😀"`},
	} {
		if got := string(appendJSONString(nil, c.in, false)); got != c.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := string(appendJSONString(nil, "<a&b>", true)); got != `"\u003ca\u0026b\u003e"` {
		t.Errorf("HTML-safe: %s", got)
	}
	for _, s := range nasty {
		for _, html := range []bool{false, true} {
			if got, want := string(appendJSONString(nil, s, html)), encodingJSONString(s, html); got != want {
				t.Errorf("appendJSONString(%q, %v) = %s, encoding/json writes %s", s, html, got, want)
			}
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range nasty {
		f.Add([]byte(s))
	}
	f.Add([]byte("\xed\xbf\xbf\xf0\x9f\x98\x80\xf0\x9f\x98"))
	f.Fuzz(func(t *testing.T, in []byte) {
		s := string(in)
		for _, html := range []bool{false, true} {
			got := appendJSONString([]byte("prefix"), s, html)
			if want := "prefix" + encodingJSONString(s, html); string(got) != want {
				t.Fatalf("appendJSONString(%q, %v) = %s, encoding/json writes %s", s, html, got[6:], want[6:])
			}
			if !utf8.Valid(got) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
		}
	})
}

// The streamed items are written in order whatever the number of workers
// encoding the batches.
func TestStreamedWhateverTheWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := randomReport(99, 1500) // a dozen batches
	for _, format := range []string{"sarif", "json"} {
		var first []byte
		for _, procs := range []int{1, 2, 3, 7} {
			runtime.GOMAXPROCS(procs)
			got := render(t, format, false, r)
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Errorf("%s with %d workers differs from one worker", format, procs)
			}
		}
	}
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		w.n = 0
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// A write that fails in the middle of the streamed items stops the workers
// and returns the error, whatever the number of workers and wherever it
// fails.
func TestStreamedWriteFails(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := randomReport(7, 1500)
	full := render(t, "sarif", false, r)
	for _, procs := range []int{1, 2, 7} {
		runtime.GOMAXPROCS(procs)
		for _, at := range []int{0, 100, len(full) / 3, len(full) - 10} {
			w, err := New("sarif", false)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(&failAfter{n: at}, r); err == nil || err.Error() != "disk full" {
				t.Errorf("%d workers, failing after %d bytes: got %v", procs, at, err)
			}
		}
	}
}
