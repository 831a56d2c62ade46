package rules_test

import (
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

// Findings on a chart land on the template lines that write the keys, and
// a values file that makes the chart secure takes every finding away.
func TestHelmChartFindings(t *testing.T) {
	all := rules.All()
	rulestest.Run(t, "testdata/helm", all, rulestest.Options{})
	secure, err := runWith(t, "testdata/helm", all, []string{"testdata/helm/secure-values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range secure.Findings {
		if f.Resource != nil && f.Resource.Origin.Chart != "" {
			t.Errorf("with secure values: %s:%d: %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
		}
	}
	if len(secure.Errors) > 0 {
		t.Errorf("errors: %v", secure.Errors)
	}
}

func runWith(t *testing.T, dir string, rs []*rules.Rule, values []string) (*linter.Result, error) {
	t.Helper()
	return linter.Run(linter.Options{Paths: []string{dir}, Rules: rs, Helm: linter.HelmOptions{Values: values}})
}
