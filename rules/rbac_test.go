package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func TestRBACRules(t *testing.T) {
	rulestest.Run(t, "testdata/rbac", rbacFamily(t), rulestest.Options{})
}

// rbacFamily returns PVL301..PVL310 from the registry.
func rbacFamily(t *testing.T) []*rules.Rule {
	t.Helper()
	var rs []*rules.Rule
	for _, id := range []string{"PVL301", "PVL302", "PVL303", "PVL304", "PVL305", "PVL306", "PVL307", "PVL308", "PVL309", "PVL310", "PVL312"} {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		rs = append(rs, r)
	}
	return rs
}

// TestRBACUnknownValuesAreUndecided: an unevaluated value (Terraform, an
// unrendered Helm value) is never a finding and never proof of compliance.
func TestRBACUnknownValuesAreUndecided(t *testing.T) {
	rs, _, err := k8s.ParseBytes("unknown.yaml", []byte(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tf-role, namespace: app}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "placeholder"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tf-binding, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tf-role}
subjects:
  - kind: Group
    name: placeholder
  - kind: ServiceAccount
    name: web
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app}
spec:
  serviceAccountName: web
  containers:
    - name: app
      image: example/app:1.0
  volumes:
    - name: data
      persistentVolumeClaim: {claimName: data}
`), k8s.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		var n *graph.Node
		switch r.Kind {
		case "Role":
			n = r.Root.Path("rules", "0", "verbs", "1")
		case "RoleBinding":
			n = r.Root.Path("subjects", "0", "name")
		}
		if n != nil {
			n.Kind = graph.Unknown
			n.SetValue("var.x")
		}
	}
	g := graph.Build(rs, nil, graph.Options{})
	for _, c := range []struct {
		id   string
		want string
	}{
		{"PVL301", "[undecided:5]"},
		{"PVL303", "[undecided:5]"},
		{"PVL305", "[undecided:5]"},
		{"PVL307", "[undecided:14]"},
		{"PVL309", "[]"}, // a Group subject cannot be the default ServiceAccount
		{"PVL310", "[undecided:23]"},
	} {
		r := rules.ByID(c.id)
		p := rules.NewPass(g, r)
		r.Check(p)
		var got []string
		for _, f := range p.Findings() {
			kind := "finding"
			if f.Undecided {
				kind = "undecided"
			}
			got = append(got, fmt.Sprintf("%s:%d", kind, f.Loc.Line))
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("%s: got %v, want %s", c.id, got, c.want)
		}
	}
}

// PVL306 names only the claims a binding reaches: envs/dev's binding lists
// dev's claim, never prod's (each environment is a cluster of its own).
func TestCreatePodsNearClaimsInReach(t *testing.T) {
	res := rulestest.Run(t, "testdata/rbac-reach", []*rules.Rule{rules.ByID("PVL306")}, rulestest.Options{})
	seen := 0
	for _, f := range res.Findings {
		env := strings.Split(f.Loc.File, "/")[len(strings.Split(f.Loc.File, "/"))-2]
		other := map[string]string{"dev": "prod", "prod": "dev"}[env]
		if !strings.Contains(f.Message, "shop/"+env+"-data") || strings.Contains(f.Message, other+"-data") {
			t.Errorf("%s: %s", f.Loc.File, f.Message)
		}
		for _, r := range f.RelatedLocs {
			if strings.Contains(r.Loc.File, "/"+other+"/") {
				t.Errorf("%s: related location in %s", f.Loc.File, r.Loc.File)
			}
		}
		seen++
	}
	if seen != 2 {
		t.Errorf("%d PVL306 findings, want one per environment", seen)
	}
}

// An aggregated ClusterRole copied in two installs aggregates the parts of
// its own install only (the reference resolver's rule), and names one
// binding: not the other copy's rules as "more rules", nor its binding.
func TestAggregationInReach(t *testing.T) {
	res := rulestest.Run(t, "testdata/rbac-aggregate", []*rules.Rule{rules.ByID("PVL303")}, rulestest.Options{})
	n := 0
	for _, f := range res.Findings {
		dir := strings.Split(f.Loc.File, "/")[2]
		if dir == "install" {
			if strings.Contains(f.Message, "No scanned binding") || !strings.Contains(f.Message, `ClusterRoleBinding "install-operator"`) {
				t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
			}
			n++
			continue
		}
		if strings.Contains(f.Message, "more rule") || strings.Count(f.Message, `ClusterRoleBinding "operator"`) != 1 {
			t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
		}
		for _, r := range f.RelatedLocs {
			if !strings.Contains(r.Loc.File, "/"+dir+"/") {
				t.Errorf("%s:%d: related location in %s", f.Loc.File, f.Loc.Line, r.Loc.File)
			}
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d PVL303 findings, want 6", n)
	}
}
