package custom_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules/custom"
)

const ruleHead = `apiVersion: pvlint.dev/v1
kind: Rule
metadata:
  name: r
spec:
  id: ORG001
  title: T
  severity: low
  match: {kinds: [ConfigMap]}
`

// Every problem in a rule file is reported with the file, the line and,
// for an expression, the column of the offending character.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"bad yaml", "apiVersion: pvlint.dev/v1\nkind: Rule\nmetadata: [\n", "r.yaml:3: did not find expected node content"},
		{"unknown field", ruleHead + "  validation:\n  - expression: 'true'\n", `r.yaml:10:3: spec: unknown field "validation"`},
		{"plain expression", ruleHead + "  validations:\n  - expression: has(object.data) && objekt.x\n",
			"r.yaml:11:37: spec.validations[0].expression: undeclared reference to 'objekt'"},
		{"quoted expression", ruleHead + "  validations:\n  - expression: \"object.data.size() > 'a' +\"\n",
			"r.yaml:11:44: spec.validations[0].expression: Syntax error"},
		{"folded expression", ruleHead + "  validations:\n  - expression: >\n      has(object.data) &&\n      graph.nope(object)\n",
			"r.yaml:13:17: spec.validations[0].expression: undeclared reference to 'nope'"},
		{"literal expression", ruleHead + "  validations:\n  - expression: |\n      has(object.data) &&\n        objekt\n",
			"r.yaml:13:9: spec.validations[0].expression: undeclared reference to 'objekt'"},
		{"not a bool", ruleHead + "  validations:\n  - expression: \"'yes'\"\n", "r.yaml:11:17: spec.validations[0].expression: must evaluate to bool but gives string"},
		{"pvl prefix", strings.Replace(ruleHead, "ORG001", "PVL999", 1) + "  validations:\n  - expression: 'true'\n",
			"r.yaml:6:7: spec.id: PVL999: the PVL prefix is reserved for built-in rules"},
		{"bad id", strings.Replace(ruleHead, "ORG001", "org-1", 1) + "  validations:\n  - expression: 'true'\n",
			`r.yaml:6:7: spec.id: "org-1": want upper-case letters then digits, e.g. ORG001`},
		{"duplicate id", ruleHead + "  validations:\n  - expression: 'true'\n---\n" + strings.Replace(ruleHead, "name: r", "name: s", 1) + "  validations:\n  - expression: 'true'\n",
			"r.yaml:18:7: rule ID ORG001 is already defined at r.yaml:6"},
		{"severity", strings.Replace(ruleHead, "low", "urgent", 1) + "  validations:\n  - expression: 'true'\n",
			`r.yaml:8:13: spec.severity: "urgent": want critical, high, medium or low`},
		{"unknown document", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "r.yaml:1:1: unknown document v1 ConfigMap"},
		{"vap expression", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  validations:
  - expression: "object.spec.containers.all(c, c.imag.startsWith('x') ||| true)"
`, "r.yaml:8:73: spec.validations[0].expression: Syntax error"},
		{"vap unknown field", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  validation: []
`, `r.yaml:1:1: ValidatingAdmissionPolicy: error unmarshaling JSON: while decoding JSON: json: unknown field "validation"`},
		{"binding without policy", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: missing, validationActions: [Deny]}
`, `r.yaml:1: ValidatingAdmissionPolicyBinding "b" binds policy "missing", which no rule file defines`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			wd, _ := os.Getwd()
			defer os.Chdir(wd)
			os.Chdir(dir)
			_, err := custom.Load([]string{"r.yaml"}, builtin)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got  %q\nwant %q…", err.Error(), tc.want)
			}
		})
	}
}
