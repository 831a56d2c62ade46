package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/pvlint/pvlint/internal/parallel"
	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/rules"
)

// sarifWriter writes SARIF 2.1.0 for GitHub code scanning and other SARIF
// viewers, with go-sarif v3's object model.
//
// go-sarif v3 can express everything pvlint writes, but its generated types
// always emit some members that have a spec default ("index": -1,
// "byteOffset": -1, "rank": -1, empty arrays such as "annotations": []).
// They are valid against the schema and mean "not given", so the output is
// larger than a hand-written one but equivalent; the golden tests validate
// every file against the SARIF schema.
type sarifWriter struct{}

const (
	sarifSchema     = "https://json.schemastore.org/sarif-2.1.0.json"
	informationURI  = "https://github.com/pvlint/pvlint"
	srcRoot         = "%SRCROOT%"
	fingerprintKey  = "pvlint/v2"
	maxMessageBytes = 4000 // GitHub accepts more; beyond this a message is noise
	maxRelated      = 50
)

func (sarifWriter) Write(w io.Writer, r *Report) error {
	log, results, idx := buildSARIFLog(r)
	return writeSARIF(w, log, results, idx)
}

// buildSARIFLog is the log without its results, which are written as they are
// streamed, the results to write and the index of each rule in the log.
func buildSARIFLog(r *Report) (*sarif.Report, []result, map[string]int) {
	log := sarif.NewReport()
	log.Schema = sarifSchema

	run := sarif.NewRunWithInformationURI("pvlint", informationURI)
	driver := run.Tool.Driver
	if r.Version != "" {
		driver.WithVersion(r.Version)
		if sv := semanticVersion(r.Version); sv != "" {
			driver.WithSemanticVersion(sv)
		}
	}

	metas := sarifRules(r)
	idx := ruleIndex(metas)
	// Each rule's help is its documentation page rendered twice (Markdown
	// and text) through text/template: a few milliseconds for all rules,
	// made on every core since it is the serial part of the report.
	descs := make([]*sarif.ReportingDescriptor, len(metas))
	parallel.For(len(metas), func(i int) { descs[i] = sarifRule(metas[i], r.DocsBaseURL) })
	for _, d := range descs {
		driver.AddRule(d)
	}

	// The repository root is where the scan ran; its absolute path is left
	// out so that the output does not depend on the machine. (NewRun leaves
	// the map nil, so AddOriginalUriBaseId would panic.)
	run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{
		srcRoot: *sarif.NewArtifactLocation().WithDescription(sarif.NewTextMessage("The root of the scanned repository.")),
	})
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID("pvlint/"))

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(r.Errors) == 0)
	for _, e := range r.Errors {
		inv.AddToolExecutionNotification(errorNotification(e))
	}
	for _, n := range r.Notices {
		inv.AddToolExecutionNotification(noticeNotification(n))
	}

	var kept []*rules.Finding
	for _, f := range r.Findings {
		if f.Undecided && !r.ShowUndecided {
			inv.AddToolExecutionNotification(undecidedNotification(f, idx[f.RuleID]))
			continue
		}
		kept = append(kept, f)
	}
	results, notes := selectResults(groupResults(kept), r.SARIFSuppressed, maxSARIFResults)
	for _, n := range notes {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(n)))
	}
	run.AddInvocation(inv)
	log.AddRun(run)
	return log, results, idx
}

// maxSARIFResults is what GitHub code scanning accepts in one run: a file
// with more is rejected whole. (GitHub's number, not one of pvlint's limits.)
var maxSARIFResults = 25_000

// selectResults applies --sarif-suppressed and the results limit: suppressed
// results are included below the limit and left out above it unless the
// policy says otherwise ("include", "omit", "" for that default), and past
// the limit the most severe results are kept, in report order. notes say
// what was left out and why.
func selectResults(all []result, policy string, limit int) (out []result, notes []string) {
	omit := policy == "omit" || (policy == "" && len(all) > limit)
	if omit {
		n := 0
		for _, g := range all {
			if g.Suppression != nil {
				n++
				continue
			}
			out = append(out, g)
		}
		if n > 0 {
			why := "--sarif-suppressed=omit"
			if policy == "" {
				why = fmt.Sprintf("the run has more than %d results, the most GitHub code scanning accepts; --sarif-suppressed=include keeps them", limit)
			}
			notes = append(notes, fmt.Sprintf("%s left out of this file (%s).", plural(n, "suppressed result"), why))
		}
	} else {
		out = all
	}
	if len(out) <= limit {
		return out, notes
	}
	// Keep the most severe; ties keep the report order.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := out[a], out[b]
		return cmp.Or(cmp.Compare(resultRank(rb), resultRank(ra)), cmp.Compare(a, b))
	})
	keep := make([]bool, len(out))
	for _, i := range order[:limit] {
		keep[i] = true
	}
	var cut []result
	counts := map[rules.Severity]int{}
	for i, g := range out {
		if keep[i] {
			cut = append(cut, g)
		} else {
			counts[g.Severity]++
		}
	}
	var parts []string
	for _, s := range severitiesDesc {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	notes = append(notes, fmt.Sprintf("%s left out of this file (%s): GitHub code scanning accepts at most %d results per run, so the %d most severe are kept; the JSON report (--format json) has every finding.",
		plural(len(out)-limit, "result"), strings.Join(parts, ", "), limit, limit))
	return cut, notes
}

// resultRank orders results for the limit: unsuppressed before suppressed,
// then by severity.
func resultRank(g result) int {
	r := int(g.Severity) * 2
	if g.Suppression == nil && !g.Undecided {
		r++
	}
	return r
}

// writeSARIF writes the log with its results streamed one at a time: a
// report with tens of thousands of results is never built whole in memory.
func writeSARIF(w io.Writer, log *sarif.Report, results []result, idx map[string]int) error {
	return writeStreamed(w, log, "results", len(results), func(a *jsonAppender, i int) {
		appendSARIFResult(a, results[i], idx[results[i].RuleID])
	})
}

// sarifRules is every enabled rule, then (sorted) any rule a finding names
// that is not among them, so that every result has a valid ruleIndex.
func sarifRules(r *Report) []rules.Meta {
	metas := slices.Clone(r.Rules)
	known := ruleIndex(metas)
	var extra []string
	for _, f := range r.Findings {
		if _, ok := known[f.RuleID]; !ok {
			known[f.RuleID] = -1
			extra = append(extra, f.RuleID)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		metas = append(metas, rules.Meta{ID: id})
	}
	return metas
}

func sarifRule(m rules.Meta, docsBaseURL string) *sarif.ReportingDescriptor {
	d := sarif.NewRule(m.ID)
	if m.Name == "" { // a rule the report has no metadata for
		return d
	}
	d.WithName(m.Name).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(m.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(firstParagraph(m.Description, m.Title))).
		WithHelp(sarif.NewMultiformatMessageString().
			WithText(rules.HelpText(m)).
			WithMarkdown(rules.HelpMarkdown(m, docsBaseURL))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(m.Severity)))
	if docsBaseURL != "" && m.Custom == "" {
		d.WithHelpURI(docsBaseURL + m.ID + ".md")
	}
	props := sarif.NewPropertyBag().
		Add("security-severity", m.Severity.SecuritySeverity()).
		Add("precision", "high")
	props.WithTags(ruleTags(m))
	return d.WithProperties(props)
}

// ruleTags feed GitHub's filters: "security" puts the alerts among security
// alerts, and the category narrows them.
func ruleTags(m rules.Meta) []string {
	tags := []string{"security"}
	if m.Category != "" {
		tags = append(tags, string(m.Category))
	}
	return append(tags, "storage")
}

// appendSARIFResult writes the result as go-sarif's Result with the members
// pvlint sets encodes (the reference, reference_test.go, builds that Result
// and the tests compare the bytes): the members in its field order, the
// spec defaults it always writes ("rank": -1, "index": -1, empty arrays),
// and the property bag's values with <, > and & escaped, as go-sarif's
// json.Marshal of the bag writes them.
func appendSARIFResult(a *jsonAppender, g result, ruleIdx int) {
	f := g.Finding
	lvl := level(f.Severity)
	if f.Undecided {
		lvl = "note"
	}
	a.beginObject()
	a.key("partialFingerprints")
	a.beginObject()
	a.key(fingerprintKey)
	// The hash of the line-independent identity of the finding, so that
	// code scanning tracks an alert across edits that move it. (Copied to
	// scratch: converting a string this long would allocate.)
	a.scratch = append(a.scratch[:0], f.Fingerprint()...)
	sum := sha256.Sum256(a.scratch)
	a.b = append(a.b, '"') // hex digits need no escaping
	a.b = hex.AppendEncode(a.b, sum[:])
	a.b = append(a.b, '"')
	a.endObject()
	a.rawMember("attachments", "[]")
	a.rawMember("codeFlows", "[]")
	a.rawMember("fixes", "[]")
	a.rawMember("graphTraversals", "[]")
	a.rawMember("graphs", "[]")
	a.strMember("kind", "fail")
	if lvl != "" {
		a.strMember("level", lvl)
	}
	a.key("locations")
	a.beginArray()
	if f.Loc.File != "" {
		a.next()
		appendSARIFLocation(a, f.Loc.File, f.Loc.Line, f.Loc.Col, -1, nil)
	}
	a.endArray()
	a.key("message")
	a.beginObject()
	a.rawMember("arguments", "[]")
	a.key("text")
	msg := f.Message
	if len(g.Others) > 0 {
		msg = g.message()
	}
	a.scratch = appendResultMessage(a.scratch[:0], f, msg)
	a.b = appendJSONString(a.b, a.scratch, false)
	a.endObject()
	a.key("properties")
	a.beginObject() // keys sorted, as json.Marshal sorts a map's
	if len(g.Others) > 0 {
		a.key("pvlint-objects")
		a.beginArray()
		a.next()
		a.htmlSafeStr(f.Resource.Identity())
		for _, o := range g.Others {
			a.next()
			a.htmlSafeStr(o.Resource.Identity())
		}
		a.endArray()
	}
	a.key("pvlint-precision")
	a.htmlSafeStr(f.Loc.Precision.String())
	if f.Undecided {
		a.key("pvlint-undecided")
		a.bool(true)
	}
	if f.Resource != nil {
		a.key("pvlint-unit")
		a.htmlSafeStr(f.Resource.Unit())
		a.key("resource")
		a.htmlSafeStr(f.Resource.Identity())
	}
	a.key("security-severity")
	a.htmlSafeStr(f.Severity.SecuritySeverity())
	a.endObject()
	a.rawMember("rank", "-1")
	a.key("relatedLocations")
	a.beginArray()
	for i, rel := range f.RelatedLocs {
		if i == maxRelated {
			break
		}
		a.next()
		appendSARIFLocation(a, rel.Loc.File, rel.Loc.Line, rel.Loc.Col, i+1, &rel.Message)
	}
	a.endArray()
	a.strMember("ruleId", f.RuleID)
	a.intMember("ruleIndex", ruleIdx)
	a.rawMember("stacks", "[]")
	if s := f.Suppression; s != nil { // omitempty
		a.key("suppressions")
		a.beginArray()
		a.next()
		a.beginObject()
		if s.Reason != "" {
			a.strMember("justification", s.Reason)
		}
		a.strMember("kind", suppressionKind(s.Kind))
		a.strMember("status", "accepted")
		a.endObject()
		a.endArray()
	}
	a.rawMember("taxa", "[]")
	a.endObject()
}

// appendSARIFLocation writes what sarifLocation builds, with the id and
// message a related location has.
func appendSARIFLocation(a *jsonAppender, file string, line, col, id int, msg *string) {
	a.beginObject()
	a.rawMember("annotations", "[]")
	a.intMember("id", id)
	a.rawMember("logicalLocations", "[]")
	if msg != nil {
		a.key("message")
		appendSARIFMessage(a, *msg)
	}
	a.key("physicalLocation")
	a.beginObject()
	a.key("artifactLocation")
	a.beginObject()
	a.rawMember("index", "-1")
	if file != a.lastFile { // the results of a file come together; relativeURI("") is ""
		a.lastFile, a.lastURI = file, relativeURI(file)
	}
	a.strMember("uri", a.lastURI)
	a.strMember("uriBaseId", srcRoot)
	a.endObject()
	if line > 0 {
		a.key("region")
		a.beginObject()
		a.rawMember("byteOffset", "-1")
		a.rawMember("charOffset", "-1")
		if col > 0 {
			a.intMember("startColumn", col)
		}
		a.intMember("startLine", line)
		a.endObject()
	}
	a.endObject()
	a.rawMember("relationships", "[]")
	a.endObject()
}

// appendSARIFMessage writes sarif.NewTextMessage(text).
func appendSARIFMessage(a *jsonAppender, text string) {
	a.beginObject()
	a.rawMember("arguments", "[]")
	a.strMember("text", text)
	a.endObject()
}

// appendResultMessage appends resultMessage(f, msg) to dst, without
// building the string when it needs no cut.
func appendResultMessage(dst []byte, f *rules.Finding, msg string) []byte {
	n := len(msg)
	if f.Detail != "" {
		n += len("\n\n") + len(f.Detail)
	}
	if n > maxMessageBytes {
		return append(dst, resultMessage(f, msg)...)
	}
	dst = append(dst, msg...)
	if f.Detail != "" {
		dst = append(append(dst, "\n\n"...), f.Detail...)
	}
	return dst
}

// resultMessage is the finding's message, then its detail; GitHub shows the
// first sentence as the alert title.
func resultMessage(f *rules.Finding, msg string) string {
	if f.Detail != "" {
		msg += "\n\n" + f.Detail
	}
	return truncate(msg, maxMessageBytes)
}

func suppressionKind(k string) string {
	if k == "inSource" {
		return "inSource"
	}
	return "external" // config files and baselines live outside the source
}

func sarifLocation(file string, line, col int) *sarif.Location {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(artifact(file))
	if line > 0 {
		region := sarif.NewRegion().WithStartLine(line)
		if col > 0 {
			region.WithStartColumn(col)
		}
		phys.WithRegion(region)
	}
	return sarif.NewLocationWithPhysicalLocation(phys)
}

func artifact(file string) *sarif.ArtifactLocation {
	return sarif.NewArtifactLocation().WithURI(relativeURI(file)).WithURIBaseID(srcRoot)
}

// relativeURI turns a repository-relative path into a URI reference: spaces
// and % are escaped, and a first segment with a colon is kept from reading
// as a scheme.
func relativeURI(file string) string {
	return (&url.URL{Path: file}).String()
}

func errorNotification(e diag.Error) *sarif.Notification {
	n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(e.Error()))
	if e.File != "" {
		n.AddLocation(sarifLocation(e.File, e.Line, e.Col))
	}
	return n
}

func noticeNotification(nt diag.Notice) *sarif.Notification {
	n := sarif.NewNotification().WithLevel("note").WithMessage(sarif.NewTextMessage(nt.String()))
	if nt.File != "" {
		n.AddLocation(sarifLocation(nt.File, 0, 0))
	}
	return n
}

// undecidedNotification tells about a check that an unknown value kept from
// being decided, without raising an alert.
func undecidedNotification(f *rules.Finding, ruleIdx int) *sarif.Notification {
	text := fmt.Sprintf("%s could not be decided: %s", f.RuleID, f.Message)
	n := sarif.NewNotification().
		WithLevel("note").
		WithMessage(sarif.NewTextMessage(truncate(text, maxMessageBytes))).
		WithAssociatedRule(sarif.NewReportingDescriptorReference().WithID(f.RuleID).WithIndex(ruleIdx))
	if f.Loc.File != "" {
		n.AddLocation(sarifLocation(f.Loc.File, f.Loc.Line, f.Loc.Col))
	}
	return n
}

// firstParagraph is the opening paragraph of a Markdown description, on one
// line, or fallback when there is none.
func firstParagraph(md, fallback string) string {
	md = strings.TrimSpace(md)
	if i := strings.Index(md, "\n\n"); i >= 0 {
		md = md[:i]
	}
	md = strings.Join(strings.Fields(md), " ")
	if md == "" {
		return fallback
	}
	return md
}

var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

// semanticVersion is version without its "v" when it is a semantic
// version, or "" (a development build says "dev").
func semanticVersion(version string) string {
	v := strings.TrimPrefix(version, "v")
	if semverRE.MatchString(v) {
		return v
	}
	return ""
}
