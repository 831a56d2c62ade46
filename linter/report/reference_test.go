package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/pvlint/pvlint/rules"
)

// The reference writers: the SARIF and JSON reports built whole as
// go-sarif and jsonReport values and encoded at once by encoding/json, as
// pvlint wrote them before the streamed parts were appended by hand. The
// writers must give the same bytes for every report.

func referenceWrite(w io.Writer, format string, r *Report) error {
	switch format {
	case "sarif":
		log, results, idx := buildSARIFLog(r)
		run := log.Runs[0]
		for _, g := range results {
			run.AddResult(refSARIFResult(g, idx[g.RuleID]))
		}
		return writeJSON(w, log)
	case "json":
		out, shown := buildJSONReport(r)
		idx := ruleIndex(r.Rules)
		for _, f := range shown {
			out.Findings = append(out.Findings, refJSONFinding(f, r.Rules, idx))
		}
		return writeJSON(w, out)
	}
	return fmt.Errorf("no reference writer for %s", format)
}

func refSARIFResult(g result, ruleIdx int) *sarif.Result {
	f := g.Finding
	lvl := level(f.Severity)
	if f.Undecided {
		lvl = "note"
	}
	sum := sha256.Sum256([]byte(f.Fingerprint()))
	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIdx).
		WithLevel(lvl).
		WithMessage(sarif.NewTextMessage(resultMessage(f, g.message()))).
		WithPartialFingerprints(map[string]string{fingerprintKey: hex.EncodeToString(sum[:])})
	if f.Loc.File != "" {
		res.AddLocation(sarifLocation(f.Loc.File, f.Loc.Line, f.Loc.Col))
	}
	for i, rel := range f.RelatedLocs {
		if i == maxRelated {
			break
		}
		loc := sarifLocation(rel.Loc.File, rel.Loc.Line, rel.Loc.Col).
			WithID(i + 1).
			WithMessage(sarif.NewTextMessage(rel.Message))
		res.AddRelatedLocation(loc)
	}
	props := sarif.NewPropertyBag().
		Add("security-severity", f.Severity.SecuritySeverity()).
		Add("pvlint-precision", f.Loc.Precision.String())
	if f.Resource != nil {
		props.Add("resource", f.Resource.Identity())
		props.Add("pvlint-unit", f.Resource.Unit())
	}
	if f.Undecided {
		props.Add("pvlint-undecided", true)
	}
	if len(g.Others) > 0 {
		objs := make([]string, 0, len(g.Others)+1)
		for _, o := range append([]*rules.Finding{f}, g.Others...) {
			objs = append(objs, o.Resource.Identity())
		}
		props.Add("pvlint-objects", objs)
	}
	res.WithProperties(props)
	if s := f.Suppression; s != nil {
		sup := sarif.NewSuppression().WithKind(suppressionKind(s.Kind)).WithStatus("accepted")
		if s.Reason != "" {
			sup.WithJustification(s.Reason)
		}
		res.AddSuppression(sup)
	}
	return res
}

func refJSONFinding(f *rules.Finding, ms []rules.Meta, idx map[string]int) jsonFinding {
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
			Address:   res.Origin().Address,
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
