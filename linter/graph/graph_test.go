package graph

import "testing"

func kube(kind, ns, name, file string, root *Node) *Resource {
	if root == nil {
		root = NewMap(Pos{Line: 1, Col: 1})
	}
	return &Resource{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name, File: file, Root: root, Start: Pos{Line: 1, Col: 1}}
}

func claimOf(class string) *Node {
	spec := NewMap(Pos{Line: 5, Col: 1})
	spec.Set("storageClassName", Pos{Line: 6, Col: 3}, NewScalar(class, TagString, Pos{Line: 6, Col: 21}))
	root := NewMap(Pos{Line: 1, Col: 1})
	root.Set("spec", Pos{Line: 5, Col: 1}, spec)
	return root
}

// Objects defined once per environment folder: a reference resolves to the
// definition nearest the referring file, and the duplicate is reported.
func TestNearestDefinitionWins(t *testing.T) {
	devClass := kube("StorageClass", "", "fast", "envs/dev/classes.yaml", nil)
	prodClass := kube("StorageClass", "", "fast", "envs/prod/classes.yaml", nil)
	devClaim := kube("PersistentVolumeClaim", "app", "data", "envs/dev/app/claim.yaml", claimOf("fast"))
	prodClaim := kube("PersistentVolumeClaim", "app", "data", "envs/prod/app/claim.yaml", claimOf("fast"))
	g := Build([]*Resource{prodClaim, devClass, prodClass, devClaim}, nil, Options{})
	for claim, want := range map[*Resource]*Resource{devClaim: devClass, prodClaim: prodClass} {
		es := claim.OutOf(UsesClass)
		if len(es) != 1 || es[0].To != want {
			t.Errorf("%s: linked to %+v, want %s", claim.File, es, want.File)
		}
	}
	d := g.Duplicates()
	if len(d) != 2 || d[0][0] != devClaim || d[1][0] != devClass {
		t.Errorf("duplicates: %v", d)
	}
}

func TestDefaultClassAndNoClass(t *testing.T) {
	def := kube("StorageClass", "", "standard", "classes.yaml", nil)
	ann := NewMap(Pos{})
	ann.Set("storageclass.kubernetes.io/is-default-class", Pos{}, NewScalar("true", TagString, Pos{}))
	meta := NewMap(Pos{})
	meta.Set("annotations", Pos{}, ann)
	def.Root.Set("metadata", Pos{}, meta)

	implicit := kube("PersistentVolumeClaim", "", "a", "a.yaml", NewMap(Pos{Line: 1}))
	none := kube("PersistentVolumeClaim", "", "b", "b.yaml", claimOf(""))
	g := Build([]*Resource{def, implicit, none}, nil, Options{DefaultNamespace: "team"})
	if implicit.Namespace != "team" || def.Namespace != "" {
		t.Errorf("namespaces: claim %q class %q", implicit.Namespace, def.Namespace)
	}
	es := implicit.OutOf(UsesClass)
	if len(es) != 1 || es[0].To != def || !es[0].DefaultClass {
		t.Errorf("a claim naming no class gets the default: %+v", es)
	}
	if len(none.OutOf(UsesClass)) != 0 {
		t.Errorf(`storageClassName: "" asks for no class`)
	}
	if g.DefaultClass != def {
		t.Errorf("default class %v", g.DefaultClass)
	}
}

func TestPruneKeepsWhatRulesRead(t *testing.T) {
	m := func(kv ...any) *Node {
		n := NewMap(Pos{Line: 1})
		for i := 0; i < len(kv); i += 2 {
			v, ok := kv[i+1].(*Node)
			if !ok {
				v = NewScalar(kv[i+1].(string), TagString, Pos{Line: 1})
			}
			n.Set(kv[i].(string), Pos{Line: 1}, v)
		}
		return n
	}
	list := func(items ...*Node) *Node { l := NewList(Pos{}); l.SetChildren(items); return l }
	cm := kube("ConfigMap", "a", "cfg", "c.yaml", m("apiVersion", "v1", "kind", "ConfigMap", "metadata", m("name", "cfg", "managedFields", list()), "data", m("big", "x")))
	Prune(cm)
	if cm.Root.Get("data") != nil || cm.Root.Path("metadata", "name") == nil || cm.Root.Path("metadata", "managedFields") != nil {
		t.Errorf("ConfigMap keeps only apiVersion, kind and metadata: %v", cm.Root.Keys())
	}
	c := m("name", "app", "env", list(m("name", "X")), "securityContext", m("privileged", "true"), "volumeMounts", list(m("name", "d")))
	pod := kube("Pod", "a", "p", "p.yaml", m("apiVersion", "v1", "kind", "Pod", "spec", m("containers", list(c)), "status", m("phase", "Running")))
	Prune(pod)
	if c.Get("env") != nil || c.Get("securityContext") == nil || c.Get("volumeMounts") == nil || pod.Root.Get("status") != nil {
		t.Errorf("container keeps what rules read: %v; pod %v", c.Keys(), pod.Root.Keys())
	}
}

// TestDropTrees keeps what reports read of a resource and lets the rest go.
func TestDropTrees(t *testing.T) {
	root := NewMap(Pos{Line: 1, Col: 1})
	root.Set("kind", Pos{Line: 2, Col: 1}, NewScalar("Pod", TagString, Pos{Line: 2, Col: 7}))
	r := &Resource{Kind: "Pod", Name: "p", Namespace: "ns", File: "p.yaml", Root: root, Start: Pos{Line: 1, Col: 1}}
	g := Build([]*Resource{r}, nil, Options{})
	key, title, unit := r.Key(), r.Title(), r.Unit()
	g.DropTrees()
	if r.Root != nil || r.Out != nil || r.In != nil || len(g.Resources) != 1 {
		t.Errorf("trees kept: %+v", r)
	}
	if r.Key() != key || r.Title() != title || r.Unit() != unit {
		t.Errorf("identity changed: %s %s %s", r.Key(), r.Title(), r.Unit())
	}
}
