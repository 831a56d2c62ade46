package rules_test

import (
	"testing"

	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func TestBackupRules(t *testing.T) {
	var rs []*rules.Rule
	for _, id := range []string{"PVL501", "PVL502", "PVL503", "PVL504"} {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		rs = append(rs, r)
	}
	rulestest.Run(t, "testdata/backup", rs, rulestest.Options{Undecided: true})
}
