package custom_test

import (
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/custom"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func builtin(id string) bool { return rules.ByID(id) != nil }

func load(t *testing.T, paths ...string) *custom.Set {
	t.Helper()
	set, err := custom.Load(paths, builtin)
	if err != nil {
		t.Fatalf("custom.Load: %v", err)
	}
	return set
}

// The five organisation policies, over YAML, a Helm chart and Terraform:
// findings, undecided checks and related locations on their lines.
func TestOrganisationRules(t *testing.T) {
	set := load(t, "testdata/org/rules.yaml")
	if len(set.Rules) != 5 {
		t.Fatalf("loaded %d rules, want 5", len(set.Rules))
	}
	rulestest.Run(t, "testdata/org/fixtures", set.Rules, rulestest.Options{
		Linter: linter.Options{Keep: set.Keep()}, Undecided: true,
	})
}

// ValidatingAdmissionPolicies from the Kubernetes documentation, as they
// are, over inputs of ours.
func TestDocumentationPolicies(t *testing.T) {
	set := load(t, "testdata/vap/policies")
	var ids []string
	for _, r := range set.Rules {
		ids = append(ids, r.ID)
		if r.Category != rules.CatCustom || r.Custom == "" || r.Severity != rules.Medium {
			t.Errorf("%s: meta %+v", r.ID, r.Meta)
		}
	}
	if len(ids) != 4 {
		t.Fatalf("loaded %v, want 4 policies", ids)
	}
	res := rulestest.Run(t, "testdata/vap/inputs", set.Rules, rulestest.Options{
		Linter: linter.Options{Keep: set.Keep()}, Undecided: true,
	})
	for _, f := range res.Findings {
		if f.RuleID == "VAP/image-matches-namespace-environment.policy.example.com" && !f.Undecided &&
			f.Message != `Deployment "test-apps/big" is denied by ValidatingAdmissionPolicy "image-matches-namespace-environment.policy.example.com": only test images are allowed in namespace test-apps` {
			t.Errorf("messageExpression: %s", f.Message)
		}
		if strings.HasPrefix(f.RuleID, "VAP/replicalimit") && !f.Undecided && !strings.Contains(f.Message, `with params ReplicaLimit "default/replica-limit-test.example.com"`) {
			t.Errorf("params not named: %s", f.Message)
		}
	}
}
