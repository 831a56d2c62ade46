package custom_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules/custom"
)

// burnRule spends the API server's per-expression limit on every object
// (a nested all() over a 500-element list), as a hostile configuration can.
func burnRule() string {
	var l []string
	for i := 0; i < 500; i++ {
		l = append(l, fmt.Sprint(i))
	}
	return `apiVersion: pvlint.dev/v1
kind: Rule
metadata:
  name: burn
spec:
  id: ORG901
  title: burn
  severity: low
  match:
    kinds: [PersistentVolume]
  params:
    l: [` + strings.Join(l, ", ") + `]
  validations:
  - expression: params.l.all(x, params.l.all(y, y >= 0))
    message: burn
`
}

// cheapRule costs a few units per object and fails on every one.
const cheapRule = `apiVersion: pvlint.dev/v1
kind: Rule
metadata:
  name: cheap
spec:
  id: ORG902
  title: cheap
  severity: low
  match:
    kinds: [PersistentVolume]
  validations:
  - expression: object.metadata.name == "never"
    message: cheap
`

const cheapPolicy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: cheap.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["persistentvolumes"]
  validations:
  - expression: object.metadata.name == "never"
`

// budgetScan writes a rule file and n PersistentVolumes, loads the rule
// and scans.
func budgetScan(t *testing.T, rule string, n int) *linter.Result {
	t.Helper()
	dir := t.TempDir()
	var docs []string
	for i := 0; i < n; i++ {
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p%d}\nspec: {csi: {driver: x, volumeHandle: h}}\n", i))
	}
	if err := os.WriteFile(filepath.Join(dir, "pvs.yaml"), []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	rf := filepath.Join(t.TempDir(), "rule.yaml")
	if err := os.WriteFile(rf, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	set := load(t, rf)
	res, err := linter.Run(linter.Options{Root: dir, Rules: set.Rules, Keep: set.Keep()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A rule over the per-expression limit on every object is an error for
// each object until its budget for the scan is spent, then one error for
// the rest: the number of errors is bounded, and so is the time.
func TestCostlyRuleStopsAtItsBudget(t *testing.T) {
	defer custom.SetBudgets(3_000_000, 1<<62)()
	res := budgetScan(t, burnRule(), 10)
	var perObject, spent int
	for _, e := range res.Errors {
		switch {
		case strings.Contains(e.Msg, "an expression went over its cost budget (1000000"):
			perObject++
		case strings.Contains(e.Msg, "rule ORG901 could not check PersistentVolume \"p3\": the rule spent its CEL cost budget for the scan (3000000;") &&
			strings.Contains(e.Msg, "was not evaluated on the 7 objects left, this one first"):
			if e.File != "pvs.yaml" || e.Line != 16 {
				t.Errorf("budget error at %s:%d, want pvs.yaml:16 (p3)", e.File, e.Line)
			}
			spent++
		default:
			t.Errorf("error: %s", e.Error())
		}
	}
	if perObject != 3 || spent != 1 {
		t.Errorf("%d per-object cost errors and %d budget errors, want 3 and 1: %v", perObject, spent, res.Errors)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings: %v", res.Findings)
	}
}

// The budget is counted in CEL's cost units, so the objects checked are
// the same on every run: with a budget of one unit, the first object (in
// graph order) is checked and the rest are one error; the same for an
// admission policy. With the real budget every object is checked.
func TestBudgetIsDeterministic(t *testing.T) {
	for _, rule := range []string{cheapRule, cheapPolicy} {
		func() {
			defer custom.SetBudgets(1, 1<<62)()
			for run := 0; run < 3; run++ {
				res := budgetScan(t, rule, 20)
				if len(res.Findings) != 1 || res.Findings[0].Resource.Name != "p0" {
					t.Fatalf("findings %v, want one on p0", res.Findings)
				}
				if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, `could not check PersistentVolume "p1": the rule spent its CEL cost budget for the scan (1;`) ||
					!strings.Contains(res.Errors[0].Msg, "not evaluated on the 19 objects left") {
					t.Fatalf("errors %v", res.Errors)
				}
			}
		}()
		res := budgetScan(t, rule, 20)
		if len(res.Findings) != 20 || len(res.Errors) != 0 {
			t.Errorf("with the real budget: %d findings, errors %v", len(res.Findings), res.Errors)
		}
	}
}

// Many rules share the scan's total: each gets the smaller of the
// per-rule budget and its share.
func TestRulesShareTheTotal(t *testing.T) {
	defer custom.SetBudgets(10, 20)()
	dir := t.TempDir()
	for i := 0; i < 4; i++ {
		f := filepath.Join(dir, fmt.Sprintf("r%d.yaml", i))
		body := strings.ReplaceAll(strings.ReplaceAll(cheapRule, "ORG902", fmt.Sprintf("ORG91%d", i)), "name: cheap", fmt.Sprintf("name: cheap-%d", i))
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set := load(t, dir)
	if len(set.Rules) != 4 {
		t.Fatalf("loaded %d rules", len(set.Rules))
	}
	root := t.TempDir()
	var docs []string
	for i := 0; i < 50; i++ {
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p%d}\nspec: {csi: {driver: x, volumeHandle: h}}\n", i))
	}
	if err := os.WriteFile(filepath.Join(root, "pvs.yaml"), []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := linter.Run(linter.Options{Root: root, Rules: set.Rules, Keep: set.Keep()})
	if err != nil {
		t.Fatal(err)
	}
	// Each rule's budget is 20/4 = 5 units, not 10.
	per := map[string]int{}
	for _, f := range res.Findings {
		per[f.RuleID]++
	}
	if len(res.Errors) != 4 || !strings.Contains(res.Errors[0].Msg, "cost budget for the scan (5;") {
		t.Fatalf("errors %v", res.Errors)
	}
	for id, n := range per {
		if n != per["ORG910"] || n == 0 || n >= 50 {
			t.Errorf("findings per rule: %v (%s)", per, id)
		}
	}
}
