package report

import (
	"fmt"
	"strings"

	"github.com/pvlint/pvlint/rules"
)

// A result is what SARIF and the annotations report once: the findings of
// one rule, at one location, with one severity and state, for every object
// rendered or instantiated from that line (a range loop in a template, a
// module called for each environment). Reviewers see one alert, naming the
// objects, instead of one per object.
type result struct {
	*rules.Finding                  // the first, in report order
	Others         []*rules.Finding // the same finding for the other objects
}

// maxNamedObjects bounds the objects a merged message names.
const maxNamedObjects = 20

func sameResult(a, b *rules.Finding) bool {
	return a.RuleID == b.RuleID && a.Loc.File == b.Loc.File && a.Loc.Line == b.Loc.Line && a.Loc.Line > 0 &&
		a.Loc.Col == b.Loc.Col && a.Severity == b.Severity && stateOf(a) == stateOf(b) &&
		a.Resource != nil && b.Resource != nil && a.Resource != b.Resource
}

// groupResults merges adjacent findings of the report order (file, line,
// column, rule) that are the same result.
func groupResults(fs []*rules.Finding) []result {
	out := make([]result, 0, len(fs))
	for _, f := range fs {
		if n := len(out); n > 0 && sameResult(out[n-1].Finding, f) {
			out[n-1].Others = append(out[n-1].Others, f)
			continue
		}
		out = append(out, result{Finding: f})
	}
	return out
}

// message is the first finding's message, naming the other objects.
func (r result) message() string {
	if len(r.Others) == 0 {
		return r.Message
	}
	names := make([]string, 0, min(len(r.Others), maxNamedObjects))
	for i, o := range r.Others {
		if i == maxNamedObjects {
			break
		}
		names = append(names, o.Resource.Title())
	}
	more := ""
	if n := len(r.Others) - len(names); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	return fmt.Sprintf("%s\n\nThe same finding holds at this line for %s: %s%s.", r.Message,
		plural(len(r.Others), "more object"), strings.Join(names, ", "), more)
}
