package graph_test

import (
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// build parses files (name → YAML) and builds the graph.
func build(t *testing.T, files map[string]string) *graph.Graph {
	t.Helper()
	var all []*graph.Resource
	for name, body := range files {
		rs, _, err := k8s.ParseBytes(name, []byte(body), k8s.Options{})
		if err != nil {
			t.Fatal(name, err)
		}
		all = append(all, rs...)
	}
	return graph.Build(all, nil, graph.Options{})
}

// find returns the resource of kind and name defined in file.
func find(t *testing.T, g *graph.Graph, file, kind, name string) *graph.Resource {
	t.Helper()
	for _, r := range g.Resources {
		if r.File == file && r.Kind == kind && r.Name == name {
			return r
		}
	}
	t.Fatalf("%s %s not in %s", kind, name, file)
	return nil
}

// target returns the file of the one edge of kind out of r ("" for a
// missing target, "none" for no edge).
func target(t *testing.T, r *graph.Resource, kind graph.EdgeKind) string {
	t.Helper()
	es := r.OutOf(kind)
	switch {
	case len(es) == 0:
		return "none"
	case len(es) > 1:
		t.Fatalf("%s: %d %s edges", r.Title(), len(es), kind)
	case es[0].To == nil:
		return ""
	}
	return es[0].To.File
}

// Each edge kind follows the one rule: in a scan with dev/ and prod/
// copies, each reference resolves to its own environment's definition.
func TestResolverPerEdgeKind(t *testing.T) {
	env := func(e string) map[string]string {
		return map[string]string{
			"envs/" + e + "/rbac.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: shop}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
`,
			"envs/" + e + "/storage.yaml": `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {storageClassName: fast, volumeName: pv-data}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-data}
spec:
  storageClassName: fast
  claimRef: {name: data, namespace: shop}
`,
			"envs/" + e + "/app/pod.yaml": `apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop}
spec:
  serviceAccountName: app
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
  containers: [{name: c, image: x}]
`,
		}
	}
	files := env("dev")
	for k, v := range env("prod") {
		files[k] = v
	}
	g := build(t, files)
	for _, e := range []string{"dev", "prod"} {
		rbac, storage := "envs/"+e+"/rbac.yaml", "envs/"+e+"/storage.yaml"
		pod := find(t, g, "envs/"+e+"/app/pod.yaml", "Pod", "app")
		binding := find(t, g, rbac, "RoleBinding", "app")
		claim := find(t, g, storage, "PersistentVolumeClaim", "data")
		pv := find(t, g, storage, "PersistentVolume", "pv-data")
		for _, c := range []struct {
			name string
			from *graph.Resource
			kind graph.EdgeKind
			want string
		}{
			{"binding→role", binding, graph.GrantsRole, rbac},
			{"binding→subject", binding, graph.BindsSubject, rbac},
			{"workload→claim", pod, graph.UsesClaim, storage},
			{"workload→serviceaccount", pod, graph.RunsAs, rbac},
			{"claim→class", claim, graph.UsesClass, storage},
			{"pv→class", pv, graph.UsesClass, storage},
			{"claim→pv", claim, graph.BindsVolume, storage},
			{"pv→claim", pv, graph.ClaimedBy, storage},
		} {
			if got := target(t, c.from, c.kind); got != c.want {
				t.Errorf("%s %s: resolved to %q, want %q", e, c.name, got, c.want)
			}
		}
	}
}

// Across an environment split a definition is out of reach: prod's
// binding to a Role that only dev defines is to a role not in the scan,
// while a definition in a common parent directory reaches both.
func TestResolverEnvironmentSplit(t *testing.T) {
	role := func(name string) string {
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: " + name + ", namespace: shop}\nrules: []\n"
	}
	binding := func(role string) string {
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nroleRef: {kind: Role, name: " + role + "}\nsubjects: [{kind: ServiceAccount, name: x}]\n"
	}
	g := build(t, map[string]string{
		"envs/dev/role.yaml":     role("app") + "---\n" + role("dev-only"),
		"envs/prod/role.yaml":    role("app"),
		"envs/dev/binding.yaml":  binding("dev-only"),
		"envs/prod/binding.yaml": binding("dev-only"),
		"envs/common.yaml":       role("shared"),
		"envs/prod/shared.yaml":  binding("shared"),
	})
	if got := target(t, find(t, g, "envs/dev/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "envs/dev/role.yaml" {
		t.Errorf("dev binding → %q", got)
	}
	if got := target(t, find(t, g, "envs/prod/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "" {
		t.Errorf("prod binding reached dev's role: %q", got)
	}
	if got := target(t, find(t, g, "envs/prod/shared.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "envs/common.yaml" {
		t.Errorf("a parent directory's role is in reach: %q", got)
	}
	// Without a split (no object defined twice), a lone definition in a
	// sibling folder is what the reference resolves to.
	g = build(t, map[string]string{
		"k8s/roles/role.yaml":       role("app"),
		"k8s/bindings/binding.yaml": binding("app"),
	})
	if got := target(t, find(t, g, "k8s/bindings/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "k8s/roles/role.yaml" {
		t.Errorf("sibling folder without a split: %q", got)
	}
}

// Ties: same number of shared directories → the first in graph order.
func TestResolverTieBreak(t *testing.T) {
	class := "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: x\n"
	g := build(t, map[string]string{
		"a/b/classes.yaml": class,
		"a/c/classes.yaml": class,
		"a/claim.yaml":     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {storageClassName: fast}\n",
	})
	if got := target(t, find(t, g, "a/claim.yaml", "PersistentVolumeClaim", "d"), graph.UsesClass); got != "a/b/classes.yaml" {
		t.Errorf("tie → %q, want the first in path order", got)
	}
}

// A scanned ClusterRole named like a built-in replaces the built-in only for
// bindings the rule resolves to it: its own folder, not an unrelated one.
func TestResolverBuiltinShadow(t *testing.T) {
	admin := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\nrules: []\n"
	binding := "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nroleRef: {kind: ClusterRole, name: admin}\nsubjects: [{kind: User, name: u}]\n"
	g := build(t, map[string]string{
		"team-a/admin.yaml":        admin,
		"team-a/rbac/binding.yaml": binding,
		"team-b/binding.yaml":      binding,
	})
	if got := target(t, find(t, g, "team-a/rbac/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "team-a/admin.yaml" {
		t.Errorf("same folder: %q, want the scanned admin", got)
	}
	if got := target(t, find(t, g, "team-b/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "" {
		t.Errorf("unrelated folder: %q, want the built-in (no target)", got)
	}
	// At the scan root a scanned admin applies to everything below it.
	g = build(t, map[string]string{"admin.yaml": admin, "team-b/binding.yaml": binding})
	if got := target(t, find(t, g, "team-b/binding.yaml", "RoleBinding", "b"), graph.GrantsRole); got != "admin.yaml" {
		t.Errorf("root definition: %q", got)
	}
	if !graph.BuiltinClusterRole("edit") || graph.BuiltinClusterRole("app") {
		t.Error("BuiltinClusterRole")
	}
}

// The default StorageClass and keys follow the same rule.
func TestResolverDefaultClassAndKeys(t *testing.T) {
	def := func(n string) string {
		return "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: " + n + "\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: x\n"
	}
	claim := "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {}\n"
	g := build(t, map[string]string{
		"dev/classes.yaml": def("dev-default"), "prod/classes.yaml": def("prod-default"),
		"dev/claim.yaml": claim, "prod/claim.yaml": claim,
	})
	for _, e := range []string{"dev", "prod"} {
		if got := target(t, find(t, g, e+"/claim.yaml", "PersistentVolumeClaim", "d"), graph.UsesClass); !strings.HasPrefix(got, e+"/") {
			t.Errorf("%s default class → %q", e, got)
		}
	}
	// class → key: a kmsKeyId alias defined in both environments' Terraform.
	key := func(dir string) []*graph.Resource {
		alias := &graph.Resource{Source: graph.SourceTerraform, Kind: "aws_kms_alias", Name: "aws_kms_alias.k", File: dir + "/kms.tf",
			Root: graph.NewMap(graph.Pos{Line: 1, Col: 1}), From: &graph.Origin{Module: dir, Address: "aws_kms_alias.k"}}
		alias.Root.Set("name", graph.Pos{Line: 2, Col: 3}, graph.NewScalar("alias/ebs", graph.TagString, graph.Pos{Line: 2, Col: 10}))
		k := &graph.Resource{Source: graph.SourceTerraform, Kind: "aws_kms_key", Name: "aws_kms_key.k", File: dir + "/kms.tf",
			Root: graph.NewMap(graph.Pos{Line: 5, Col: 1}), From: &graph.Origin{Module: dir, Address: "aws_kms_key.k"}}
		return []*graph.Resource{alias, k}
	}
	sc := "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: enc}\nprovisioner: ebs.csi.aws.com\nparameters: {kmsKeyId: alias/ebs}\n"
	var all []*graph.Resource
	for _, e := range []string{"dev", "prod"} {
		rs, _, err := k8s.ParseBytes(e+"/sc.yaml", []byte(sc), k8s.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all = append(append(all, rs...), key(e)...)
	}
	g = graph.Build(all, nil, graph.Options{})
	for _, e := range []string{"dev", "prod"} {
		if got := target(t, find(t, g, e+"/sc.yaml", "StorageClass", "enc"), graph.UsesKey); got != e+"/kms.tf" {
			t.Errorf("%s class → key %q", e, got)
		}
	}
}

// Two variants of one object set side by side in a directory (the plain
// and the OpenShift RBAC of an operator): each binding resolves to the
// role in its own file, not to the first in graph order.
func TestSameFileBeatsSameDirectory(t *testing.T) {
	variant := func(extra string) string {
		return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]` + extra + `}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: operator}
subjects: [{kind: ServiceAccount, name: operator, namespace: default}]
`
	}
	g := build(t, map[string]string{
		"manifests/rbac-openshift.yaml": variant(", list"),
		"manifests/rbac.yaml":           variant(""),
		"manifests/other/binding.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: extra}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: operator}
subjects: [{kind: ServiceAccount, name: x, namespace: default}]
`,
	})
	for _, f := range []string{"manifests/rbac-openshift.yaml", "manifests/rbac.yaml"} {
		if got := target(t, find(t, g, f, "ClusterRoleBinding", "operator"), graph.GrantsRole); got != f {
			t.Errorf("binding in %s resolved to %q", f, got)
		}
	}
	// A file with no definition of its own still takes the nearest, first
	// in graph order on a tie.
	if got := target(t, find(t, g, "manifests/other/binding.yaml", "ClusterRoleBinding", "extra"), graph.GrantsRole); got != "manifests/rbac-openshift.yaml" {
		t.Errorf("binding in other/ resolved to %q", got)
	}
}
