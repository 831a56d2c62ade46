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
	idx := ruleIndex(r.Rules)
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
	// Findings are streamed one at a time, as SARIF results are.
	return writeStreamed(w, out, "findings", len(shown), func(i int) any {
		return toJSONFinding(shown[i], r.Rules, idx)
	})
}

func toJSONFinding(f *rules.Finding, ms []rules.Meta, idx map[string]int) jsonFinding {
	jf := jsonFinding{
		RuleID:      f.RuleID,
		Severity:    f.Severity.String(),
		Message:     f.Message,
		Detail:      f.Detail,
		File:        f.Loc.File,
		Line:        f.Loc.Line,
		Column:      f.Loc.Col,
		FieldPath:   f.Loc.FieldPath,
		Precision:   f.Loc.Precision.String(),
		Related:     []jsonRelated{},
		Fingerprint: f.Fingerprint(),
		Undecided:   f.Undecided,
	}
	if i, ok := idx[f.RuleID]; ok {
		jf.RuleName = ms[i].Name
	}
	if res := f.Resource; res != nil {
		jf.Resource = &jsonResource{
			Kind:      res.Kind,
			Namespace: res.Namespace,
			Name:      res.Name,
			Source:    res.Source.String(),
			Address:   res.Origin.Address,
			Unit:      res.Unit(),
		}
	}
	for _, rel := range f.RelatedLocs {
		jf.Related = append(jf.Related, jsonRelated{File: rel.Loc.File, Line: rel.Loc.Line, Column: rel.Loc.Col, Message: rel.Message})
	}
	if s := f.Suppression; s != nil {
		jf.Suppressed = &jsonSuppressed{Kind: s.Kind, Reason: s.Reason, Source: s.Source}
	}
	return jf
}

// writeStreamed writes v as writeJSON does, with the empty array under key
// (written once in v as "key": []) filled with n items encoded one at a
// time, so a large report is never built whole in memory. The bytes are
// exactly what encoding the whole value at once would give.
func writeStreamed(w io.Writer, v any, key string, n int, item func(i int) any) error {
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
// separated by commas, as an indented encoding of the array would. The
// items are encoded by every core in turn, a batch each (encoding is most
// of the time a large report takes), and written in order.
func encodeItems(w io.Writer, indent string, n int, item func(i int) any) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), (n+streamBatch-1)/streamBatch))
	bufs := make([]bytes.Buffer, workers)
	errs := make([]error, workers)
	for start := 0; start < n; start += workers * streamBatch {
		var wg sync.WaitGroup
		for k := range workers {
			from := start + k*streamBatch
			if from >= n {
				break
			}
			to := min(from+streamBatch, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[k] = encodeBatch(&bufs[k], indent, from, to, item)
			}()
		}
		wg.Wait()
		for k := range workers {
			if errs[k] != nil {
				return errs[k]
			}
			if _, err := w.Write(bufs[k].Bytes()); err != nil {
				return err
			}
			bufs[k].Reset()
		}
	}
	return nil
}

func encodeBatch(out *bytes.Buffer, indent string, from, to int, item func(i int) any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(indent, "  ")
	for i := from; i < to; i++ {
		buf.Reset()
		if err := enc.Encode(item(i)); err != nil {
			return err
		}
		sep := ",\n"
		if i == 0 {
			sep = "\n"
		}
		out.WriteString(sep + indent)
		out.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	return nil
}

// writeJSON indents by two spaces, ends with a newline and leaves <, > and &
// readable: the output is never embedded in HTML.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
