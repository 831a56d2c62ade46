package report

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"sync"

	"github.com/pvlint/pvlint/rules"
)

// jsonWriter writes the stable machine-readable report documented in
// docs/json-format.md. Structs, not maps, fix the key order; every key is
// always present and lists are [] rather than null, so consumers need no
// special cases. Bump jsonFormatVersion on any incompatible change.
type jsonWriter struct{}

const jsonFormatVersion = 1

type jsonReport struct {
	Version  int           `json:"version"`
	Tool     jsonTool      `json:"tool"`
	Summary  jsonSummary   `json:"summary"`
	Findings []jsonFinding `json:"findings"`
	Errors   []jsonError   `json:"errors"`
	Notices  []jsonNotice  `json:"notices"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Findings   int            `json:"findings"`
	BySeverity jsonSeverities `json:"by_severity"`
	Suppressed int            `json:"suppressed"`
	Undecided  int            `json:"undecided"`
	Errors     int            `json:"errors"`
	Complete   bool           `json:"complete"`
	Files      int            `json:"files"`
	Resources  int            `json:"resources"`
	Charts     int            `json:"charts"`
	Modules    int            `json:"modules"`
	// NothingToScan lists the directories named for the scan that hold
	// nothing pvlint reads; [] when none.
	NothingToScan []string `json:"nothing_to_scan"`
}

type jsonSeverities struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
}

// jsonFinding documents a finding of the report; appendJSONFinding writes
// it without reflection, and the tests compare the two byte for byte.
type jsonFinding struct {
	RuleID      string          `json:"rule_id"`
	RuleName    string          `json:"rule_name"`
	Severity    string          `json:"severity"`
	Message     string          `json:"message"`
	Detail      string          `json:"detail"`
	File        string          `json:"file"`
	Line        int             `json:"line"`
	Column      int             `json:"column"`
	FieldPath   string          `json:"field_path"`
	Precision   string          `json:"precision"`
	Resource    *jsonResource   `json:"resource"`
	Related     []jsonRelated   `json:"related"`
	Fingerprint string          `json:"fingerprint"`
	Suppressed  *jsonSuppressed `json:"suppressed"`
	Undecided   bool            `json:"undecided"`
}

type jsonResource struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	Address   string `json:"address"`
	Unit      string `json:"unit"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSuppressed struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Source string `json:"source"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonNotice struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

func (jsonWriter) Write(w io.Writer, r *Report) error {
	out, shown := buildJSONReport(r)
	idx := ruleIndex(r.Rules)
	// Findings are streamed one at a time, as SARIF results are.
	return writeStreamed(w, out, "findings", len(shown), func(a *jsonAppender, i int) {
		appendJSONFinding(a, shown[i], r.Rules, idx)
	})
}

// buildJSONReport is the report without its findings, which are written as
// they are streamed, and the findings to write.
func buildJSONReport(r *Report) (jsonReport, []*rules.Finding) {
	c := countFindings(r.Findings)
	out := jsonReport{
		Version: jsonFormatVersion,
		Tool:    jsonTool{Name: "pvlint", Version: r.Version},
		Summary: jsonSummary{
			Findings: c.Findings,
			BySeverity: jsonSeverities{
				Critical: c.BySeverity[rules.Critical],
				High:     c.BySeverity[rules.High],
				Medium:   c.BySeverity[rules.Medium],
				Low:      c.BySeverity[rules.Low],
			},
			Suppressed:    c.Suppressed,
			Undecided:     c.Undecided,
			Errors:        len(r.Errors),
			Complete:      len(r.Errors) == 0,
			Files:         r.Stats.Files,
			Resources:     r.Stats.Resources,
			Charts:        r.Stats.Charts,
			Modules:       r.Stats.Modules,
			NothingToScan: append([]string{}, r.Stats.Empty...),
		},
		Findings: []jsonFinding{},
		Errors:   []jsonError{},
		Notices:  []jsonNotice{},
	}
	var shown []*rules.Finding
	for _, f := range r.Findings {
		if r.shown(f) {
			shown = append(shown, f)
		}
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, jsonError{File: e.File, Line: e.Line, Column: e.Col, Message: e.Msg})
	}
	for _, n := range r.Notices {
		out.Notices = append(out.Notices, jsonNotice{File: n.File, Message: n.Msg})
	}
	return out, shown
}

// appendJSONFinding writes f as a jsonFinding: the members in the order of
// its fields, every one present.
func appendJSONFinding(a *jsonAppender, f *rules.Finding, ms []rules.Meta, idx map[string]int) {
	a.beginObject()
	a.strMember("rule_id", f.RuleID)
	name := ""
	if i, ok := idx[f.RuleID]; ok {
		name = ms[i].Name
	}
	a.strMember("rule_name", name)
	a.strMember("severity", f.Severity.String())
	a.strMember("message", f.Message)
	a.strMember("detail", f.Detail)
	a.strMember("file", f.Loc.File)
	a.intMember("line", f.Loc.Line)
	a.intMember("column", f.Loc.Col)
	a.strMember("field_path", f.Loc.FieldPath)
	a.strMember("precision", f.Loc.Precision.String())
	a.key("resource")
	if res := f.Resource; res != nil {
		a.beginObject()
		a.strMember("kind", res.Kind)
		a.strMember("namespace", res.Namespace)
		a.strMember("name", res.Name)
		a.strMember("source", res.Source.String())
		a.strMember("address", res.Origin().Address)
		a.strMember("unit", res.Unit())
		a.endObject()
	} else {
		a.raw("null")
	}
	a.key("related")
	a.beginArray()
	for _, rel := range f.RelatedLocs {
		a.next()
		a.beginObject()
		a.strMember("file", rel.Loc.File)
		a.intMember("line", rel.Loc.Line)
		a.intMember("column", rel.Loc.Col)
		a.strMember("message", rel.Message)
		a.endObject()
	}
	a.endArray()
	a.strMember("fingerprint", f.Fingerprint())
	a.key("suppressed")
	if s := f.Suppression; s != nil {
		a.beginObject()
		a.strMember("kind", s.Kind)
		a.strMember("reason", s.Reason)
		a.strMember("source", s.Source)
		a.endObject()
	} else {
		a.raw("null")
	}
	a.key("undecided")
	a.bool(f.Undecided)
	a.endObject()
}

// writeStreamed writes v as writeJSON does, with the empty array under key
// (written once in v as "key": []) filled with n items, item(a, i) writing
// the i-th with a, so a large report is never built whole in memory. The
// bytes are exactly what encoding the whole value, with the items in the
// array, at once would give.
func writeStreamed(w io.Writer, v any, key string, n int, item func(a *jsonAppender, i int)) error {
	var head bytes.Buffer
	if err := writeJSON(&head, v); err != nil {
		return err
	}
	placeholder := []byte(`"` + key + `": []`)
	doc := head.Bytes()
	at := bytes.Index(doc, placeholder)
	if at < 0 || n == 0 {
		_, err := w.Write(doc)
		return err
	}
	lineStart := bytes.LastIndexByte(doc[:at], '\n') + 1
	indent := string(doc[lineStart:at]) + "  "
	if _, err := w.Write(doc[:at+len(placeholder)-1]); err != nil { // up to and including "["
		return err
	}
	if err := encodeItems(w, indent, n, item); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"+indent[:len(indent)-2]+"]"); err != nil {
		return err
	}
	_, err := w.Write(doc[at+len(placeholder):])
	return err
}

// streamBatch is how many items one worker encodes before the batch is
// written: a few hundred kilobytes of JSON per worker at most in memory.
const streamBatch = 128

// encodeItems writes items 0..n-1, each on a new line after indent and
// separated by commas, as an indented encoding of the array would. Batch b
// is encoded by worker b mod workers while the batches before it are
// written, in order, by the caller's goroutine: the write system calls
// (a tenth of a large report's time) overlap the encoding. Each worker
// fills its two appenders in turn, so at most two batches per worker are
// in memory, and an appender keeps its buffers from batch to batch.
func encodeItems(w io.Writer, indent string, n int, item func(a *jsonAppender, i int)) error {
	batches := (n + streamBatch - 1) / streamBatch
	workers := max(1, min(runtime.GOMAXPROCS(0), batches))
	full := make([]chan *jsonAppender, workers)
	free := make([]chan *jsonAppender, workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for k := range workers {
		full[k], free[k] = make(chan *jsonAppender, 2), make(chan *jsonAppender, 2)
		free[k] <- new(jsonAppender)
		free[k] <- new(jsonAppender)
		wg.Go(func() {
			for b := k; b < batches; b += workers {
				var a *jsonAppender
				select {
				case a = <-free[k]:
				case <-stop:
					return
				}
				encodeBatch(a, indent, b*streamBatch, min((b+1)*streamBatch, n), item)
				full[k] <- a // never blocks: a worker holds two appenders
			}
		})
	}
	var err error
	for b := range batches {
		a := <-full[b%workers]
		if _, err = w.Write(a.b); err != nil {
			close(stop)
			break
		}
		a.b = a.b[:0]
		free[b%workers] <- a
	}
	wg.Wait()
	return err
}

// encodeBatch appends items from..to-1 to a's buffer, each after a comma
// (but the first of all) and a new line.
func encodeBatch(a *jsonAppender, indent string, from, to int, item func(a *jsonAppender, i int)) {
	for i := from; i < to; i++ {
		a.start(indent)
		if i > 0 {
			a.b = append(a.b, ',')
		}
		a.newline()
		item(a, i)
	}
}

// writeJSON indents by two spaces, ends with a newline and leaves <, > and &
// readable: the output is never embedded in HTML.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
