package rules_test

import (
	"testing"

	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func TestFileServiceRules(t *testing.T) {
	var rs []*rules.Rule
	for _, id := range []string{"PVL410", "PVL411", "PVL425", "PVL444"} {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		rs = append(rs, r)
	}
	rulestest.Run(t, "testdata/fileservices", rs, rulestest.Options{Undecided: true})
}
