package linter

import (
	"reflect"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

// mergeCopies groups by key in the order of the findings, lets merge drop
// what its representative stands for, keeps the order, and leaves findings
// that are no copy alone.
func TestMergeCopies(t *testing.T) {
	mk := func(id, msg string) *rules.Finding { return &rules.Finding{RuleID: id, Message: msg} }
	a1, b1, solo, a2, b2 := mk("A", "a1"), mk("B", "b1"), mk("S", "solo"), mk("A", "a2"), mk("B", "b2")
	var groups [][]string
	out := mergeCopies([]*rules.Finding{a1, b1, solo, a2, b2},
		func(f *rules.Finding) (string, bool) { return f.RuleID, f.RuleID != "S" },
		func(g []*rules.Finding) []*rules.Finding {
			var names []string
			for _, f := range g {
				names = append(names, f.Message)
			}
			groups = append(groups, names)
			if g[0].RuleID == "B" {
				return nil // B's copies stay apart
			}
			return g[1:]
		})
	var got []string
	for _, f := range out {
		got = append(got, f.Message)
	}
	if want := []string{"a1", "b1", "solo", "b2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if want := [][]string{{"a1", "a2"}, {"b1", "b2"}}; !reflect.DeepEqual(groups, want) {
		t.Errorf("groups %v, want %v", groups, want)
	}
}
