package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// Unit tests of the RBAC model: aggregation, binding scope, subjects and
// rule matching. (An internal test: the model is unexported.)

func rbacModelOf(t *testing.T, src string) *rbacModel {
	t.Helper()
	rs, _, err := k8s.ParseBytes("rbac.yaml", []byte(src), k8s.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rbacOf(graph.Build(rs, nil, graph.Options{}))
}

// rbacCan reports whether any of perms allows verb on group/resource.
func rbacCan(perms []rbacPermission, verb, group, resource string) bool {
	for _, p := range perms {
		if _, ok := p.Rule.Match([]rbacTarget{{Group: group, Resource: resource, Verbs: []string{verb}}}, false); ok {
			return true
		}
	}
	return false
}

func rbacSA(ns, name string) rbacSubject {
	return rbacSubject{Kind: "ServiceAccount", Namespace: ns, Name: name}
}

func rbacRoleNames(roles []*rbacRole) string {
	var out []string
	for _, r := range roles {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestRBACAggregation(t *testing.T) {
	m := rbacModelOf(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {tier: top}
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["delete"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: middle
  labels: {tier: top}
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions:
        - {key: tier, operator: In, values: [middle, low]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secrets
  labels: {tier: low}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: other
  labels: {tier: none}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: to-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
  - apiGroups: ["example.com"]
    resources: ["widgets"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: self}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {me: "yes"}
`)
	top := m.Role("ClusterRole", "", "top")
	if got := rbacRoleNames(top.Sources); got != "middle,secrets" {
		t.Errorf("top aggregates %s, want middle,secrets (transitively)", got)
	}
	var rules []string
	for _, r := range top.Rules {
		rules = append(rules, rbacSummary(r.Verbs, r.Resources)+" from "+r.Role.Name)
	}
	// The written rule of an aggregated role is overwritten by the controller.
	if got := strings.Join(rules, "; "); got != "get secrets from secrets" {
		t.Errorf("top rules = %q", got)
	}
	if got := m.Role("ClusterRole", "", "self"); len(got.Sources) != 0 || len(got.Rules) != 0 {
		t.Errorf("an aggregate with no match has sources %v", rbacRoleNames(got.Sources))
	}
	// A repository's role labelled for view flows into the built-in view,
	// and through view's own label into edit and admin.
	for _, name := range []string{"view", "edit", "admin"} {
		r := m.Role("ClusterRole", "", name)
		if !strings.Contains(rbacRoleNames(r.Sources), "to-view") {
			t.Errorf("built-in %s does not aggregate to-view: %s", name, rbacRoleNames(r.Sources))
		}
	}
	view := m.Role("ClusterRole", "", "view")
	if rbacRisky(view, false) {
		t.Error("built-in view carries a PVL301–305 risk")
	}
	edit := m.Role("ClusterRole", "", "edit")
	for _, id := range []string{"PVL302", "PVL303", "PVL304", "PVL305"} {
		found := false
		for _, r := range edit.Rules {
			found = found || rbacRiskByID(r.Risks(true), id) != nil
		}
		if !found {
			t.Errorf("built-in edit in a namespace lacks %s", id)
		}
	}
}

func TestRBACScannedRoleOverridesBuiltin(t *testing.T) {
	m := rbacModelOf(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: edit}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: ServiceAccount, name: web}
`)
	perms := m.Permissions(rbacSA("app", "web"), "app")
	if rbacCan(perms, "get", "", "secrets") || !rbacCan(perms, "get", "", "configmaps") {
		t.Errorf("the scanned edit should replace the built-in one: %v", perms)
	}
}

func TestRBACBindingScope(t *testing.T) {
	m := rbacModelOf(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources: ["secrets", "persistentvolumes"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ns-only, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - {kind: ServiceAccount, name: app}
  - {kind: ServiceAccount, name: other, namespace: tools}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everywhere}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - {kind: Group, name: "system:serviceaccounts:batch"}
  - {kind: User, name: "system:serviceaccount:ops:bot"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: role-kind}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - {kind: User, name: carol}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: missing, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: not-scanned}
subjects:
  - {kind: ServiceAccount, name: app}
`)
	for _, c := range []struct {
		who  rbacSubject
		ns   string
		want bool
	}{
		{rbacSA("payments", "app"), "payments", true}, // RoleBinding → ClusterRole: its namespace
		{rbacSA("payments", "app"), "billing", false}, // ... and no other
		{rbacSA("payments", "app"), rbacClusterWide, false},
		{rbacSA("tools", "other"), "payments", true}, // a subject of another namespace, granted in payments
		{rbacSA("tools", "other"), "tools", false},
		{rbacSA("batch", "job"), "anywhere", true}, // through the group of its namespace
		{rbacSA("batch", "job"), rbacClusterWide, true},
		{rbacSA("ops", "bot"), "x", true}, // through its user name
		{rbacSA("ops", "other"), "x", false},
		{rbacSubject{Kind: "User", Name: "carol"}, rbacClusterWide, false}, // a ClusterRoleBinding cannot bind a Role
	} {
		if got := rbacCan(m.Permissions(c.who, c.ns), "get", "", "secrets"); got != c.want {
			t.Errorf("%s in %s can get secrets = %v, want %v", c.who, c.ns, got, c.want)
		}
	}
	// A namespaced grant does not reach cluster-scoped resources.
	for _, g := range m.Grants(rbacSA("payments", "app"), nil) {
		if g.Role == nil {
			if g.Binding.Res.Name != "missing" {
				t.Errorf("unexpected unresolved grant %s", g.Binding.Res.Name)
			}
			continue
		}
		for _, r := range g.Role.Rules {
			if _, ok := r.Match([]rbacTarget{{Resource: "persistentvolumes", Verbs: []string{"get"}, Cluster: true}}, g.Namespace != rbacClusterWide); ok {
				t.Error("a RoleBinding reaches persistentvolumes")
			}
		}
	}
	if c, bs := m.Reach(m.Role("ClusterRole", "", "reader")); !c || len(bs) != 2 {
		t.Errorf("reader reach = %v, %d bindings; want cluster-wide, 2", c, len(bs))
	}
}

func TestRBACRuleMatching(t *testing.T) {
	rule := func(groups, resources, verbs []string) *rbacRule {
		return &rbacRule{APIGroups: groups, Resources: resources, Verbs: verbs}
	}
	l := rbacList
	for _, c := range []struct {
		rule       *rbacRule
		target     rbacTarget
		namespaced bool
		want       bool
	}{
		{rule(l("*"), l("*"), l("*")), rbacTarget{Group: "", Resource: "pods/exec", Verbs: l("create")}, false, true},
		{rule(l(""), l("pods"), l("*")), rbacTarget{Group: "", Resource: "pods/exec", Verbs: l("create")}, false, false},
		{rule(l(""), l("*/exec"), l("create")), rbacTarget{Group: "", Resource: "pods/exec", Verbs: l("create")}, false, true},
		{rule(l(""), l("pods/*"), l("create")), rbacTarget{Group: "", Resource: "pods/exec", Verbs: l("create")}, false, false},
		{rule(l("apps"), l("secrets"), l("get")), rbacTarget{Group: "", Resource: "secrets", Verbs: l("get")}, false, false},
		{rule(l("*"), l("secrets"), l("get")), rbacTarget{Group: "", Resource: "secrets", Verbs: l("get")}, false, true},
		{rule(l(""), l("secrets"), l("create")), rbacTarget{Group: "", Resource: "secrets", Verbs: l("get", "list")}, false, false},
		{rule(l(""), l("*"), l("delete")), rbacTarget{Group: "", Resource: "persistentvolumes", Verbs: l("delete"), Cluster: true}, true, false},
		{rule(l(""), l("*"), l("delete")), rbacTarget{Group: "", Resource: "persistentvolumes", Verbs: l("delete"), Cluster: true}, false, true},
		{&rbacRule{NonResourceURLs: l("*"), Verbs: l("*")}, rbacTarget{Group: "", Resource: "secrets", Verbs: l("get")}, false, false},
	} {
		_, got := c.rule.Match([]rbacTarget{c.target}, c.namespaced)
		if got != c.want {
			t.Errorf("%v %v %v vs %s %s (namespaced %v): %v, want %v",
				c.rule.APIGroups, c.rule.Resources, c.rule.Verbs, c.target.Group, c.target.Resource, c.namespaced, got, c.want)
		}
	}
}

func TestRBACRisks(t *testing.T) {
	l := rbacList
	for _, c := range []struct {
		rule       *rbacRule
		namespaced bool
		want       string
	}{
		{&rbacRule{APIGroups: l("*"), Resources: l("*"), Verbs: l("*")}, false, "PVL301 PVL302 PVL303 PVL304 PVL305"},
		{&rbacRule{APIGroups: l(""), Resources: l("secrets"), Verbs: l("list"), ResourceNames: l("a")}, true, "PVL303"},
		{&rbacRule{APIGroups: l(""), Resources: l("serviceaccounts"), Verbs: l("impersonate")}, true, "PVL304"},
		{&rbacRule{APIGroups: l(""), Resources: l("users"), Verbs: l("impersonate")}, true, ""},
		{&rbacRule{APIGroups: l(""), Resources: l("nodes/proxy"), Verbs: l("get")}, false, "PVL305"},
		{&rbacRule{APIGroups: l(""), Resources: l("nodes/proxy"), Verbs: l("get")}, true, ""},
		{&rbacRule{APIGroups: l(""), Resources: l("pods/exec"), Verbs: l("get")}, true, ""},
		{&rbacRule{APIGroups: l("snapshot.storage.k8s.io"), Resources: l("volumesnapshots"), Verbs: l("deletecollection")}, true, "PVL302"},
		{&rbacRule{NonResourceURLs: l("*"), Verbs: l("*")}, false, ""},
	} {
		var ids []string
		for _, k := range c.rule.Risks(c.namespaced) {
			ids = append(ids, k.ID)
		}
		if got := strings.Join(ids, " "); got != c.want {
			t.Errorf("%s (namespaced %v): risks %q, want %q", fmt.Sprint(c.rule.APIGroups, c.rule.Resources, c.rule.Verbs), c.namespaced, got, c.want)
		}
	}
}

func TestRBACSelector(t *testing.T) {
	labels := map[string]string{"a": "1", "b": "2"}
	for _, c := range []struct {
		sel  rbacSelector
		want bool
	}{
		{rbacSelector{}, true}, // an empty selector selects everything
		{rbacSelector{MatchLabels: map[string]string{"a": "1"}}, true},
		{rbacSelector{MatchLabels: map[string]string{"a": "2"}}, false},
		{rbacSelector{Exprs: []rbacSelectorExpr{{Key: "b", Operator: "NotIn", Values: []string{"3"}}}}, true},
		{rbacSelector{Exprs: []rbacSelectorExpr{{Key: "c", Operator: "Exists"}}}, false},
		{rbacSelector{Exprs: []rbacSelectorExpr{{Key: "c", Operator: "DoesNotExist"}}}, true},
		{rbacSelector{Exprs: []rbacSelectorExpr{{Key: "a", Operator: "Bogus"}}}, false},
	} {
		if got := c.sel.Matches(labels); got != c.want {
			t.Errorf("%+v: %v, want %v", c.sel, got, c.want)
		}
	}
}

// Role returns the first scanned role kind/ns/name in graph order, else the
// built-in ClusterRole of that name (tests only: bindings resolve through
// the graph's GrantsRole edges).
func (m *rbacModel) Role(kind, ns, name string) *rbacRole {
	for _, r := range m.Roles {
		if r.Kind == kind && r.Name == name && (kind == "ClusterRole" || r.Namespace == ns) {
			return r
		}
	}
	if kind == "ClusterRole" {
		return m.builtins[name]
	}
	return nil
}

// The graph's resolver knows exactly the built-in ClusterRoles whose
// permissions this package models.
func TestBuiltinRoleNamesMatchGraph(t *testing.T) {
	var names []string
	for _, b := range rbacBuiltinRoles {
		names = append(names, b.name)
	}
	sort.Strings(names)
	want := graph.BuiltinClusterRoles()
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("rules model %v,\ngraph knows %v", names, want)
	}
}
