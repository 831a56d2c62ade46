package kustomize

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/fsgate"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func parseTree(t *testing.T, dir string, dirs ...string) Output {
	t.Helper()
	g, err := fsgate.New(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	return Parse(dirs, Options{Files: g, Root: dir, Workers: 2})
}

func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			out = append(out, p+" "+fi.Mode().String()+" "+fi.ModTime().String())
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func find(rs []*graph.Resource, kind string) *graph.Resource {
	for _, r := range rs {
		if r.Kind == kind {
			return r
		}
	}
	return nil
}

func where(t *testing.T, r *graph.Resource, path ...string) graph.Location {
	t.Helper()
	l := r.At(path...)
	if l.Missing {
		t.Fatalf("%s has no %s", r.Title(), strings.Join(path, "."))
	}
	return l.Resolve()
}

// Transformers point at their kustomization entry, generated objects at
// their generator, and a generated name a base refers to at the base line.
func TestTransformersAndGenerators(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app/kustomization.yaml": `namespace: shop
images:
  - name: busybox
    newTag: "1.36"
configMapGenerator:
  - name: app-config
    literals: [A=b]
resources:
  - app.yaml
`,
		"app/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: busybox:1.0
      volumes:
        - name: cfg
          configMap:
            name: app-config
`,
	})
	before := listing(t, dir)
	out := parseTree(t, dir, "app")
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %v", out.Errors)
	}
	d := find(out.Resources, "Deployment")
	if d == nil || d.File != "app/app.yaml" || d.KindPos.Line != 2 || d.Origin().Kustomization != "app/kustomization.yaml" {
		t.Fatalf("deployment: %+v", d)
	}
	for _, c := range []struct {
		path []string
		want graph.Location
	}{
		{[]string{"metadata", "namespace"}, graph.Location{File: "app/kustomization.yaml", Line: 1, Col: 1, Precision: graph.Transformer}},
		{[]string{"spec", "template", "spec", "containers", "0", "image"}, graph.Location{File: "app/kustomization.yaml", Line: 3, Col: 5, Precision: graph.Transformer}},
		{[]string{"spec", "template", "spec", "volumes", "0", "configMap", "name"}, graph.Location{File: "app/app.yaml", Line: 14, Col: 13, Precision: graph.Exact}},
		{[]string{"metadata", "name"}, graph.Location{File: "app/app.yaml", Line: 4, Col: 3, Precision: graph.Exact}},
	} {
		got := where(t, d, c.path...)
		got.FieldPath = ""
		if got != c.want {
			t.Errorf("%s: at %+v, want %+v", strings.Join(c.path, "."), got, c.want)
		}
	}
	cm := find(out.Resources, "ConfigMap")
	if cm == nil || cm.File != "app/kustomization.yaml" || cm.KindPos.Line != 6 || !strings.HasPrefix(cm.Name, "app-config-") {
		t.Fatalf("generated config map: %+v", cm)
	}
	for _, f := range []string{"app/kustomization.yaml", "app/app.yaml"} {
		if !out.Owned[f] {
			t.Errorf("%s not owned by the render: %v", f, out.Owned)
		}
	}
	if after := listing(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("the render changed the tree:\n%s\nwas\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

// A path that leaves the scanned tree is never read: the kustomization is
// an error that says so, and nothing of it is rendered.
func TestNeverOutsideTheTree(t *testing.T) {
	outside := writeTree(t, map[string]string{"secret/pv.yaml": "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: x\n"})
	dir := writeTree(t, map[string]string{
		"k/kustomization.yaml": "resources:\n  - " + filepath.ToSlash(filepath.Join(strings.Repeat("../", 12), outside, "secret")) + "\n",
	})
	out := parseTree(t, dir, "k")
	if len(out.Resources) != 0 || len(out.Errors) != 1 {
		t.Fatalf("resources %d, errors %v", len(out.Resources), out.Errors)
	}
	if e := out.Errors[0]; e.File != "k/kustomization.yaml" || !strings.Contains(e.Msg, "outside the scanned tree; pvlint does not read it") {
		t.Errorf("error: %s", e.Error())
	}
}

// Only roots render: a base included by an overlay is not rendered on its
// own, and a base nothing includes is. A base of a root that fails renders
// on its own.
func TestRoots(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base/kustomization.yaml":     "resources: [cm.yaml]\n",
		"base/cm.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
		"prod/kustomization.yaml":     "namePrefix: prod-\nresources: [../base]\n",
		"lonely/kustomization.yaml":   "resources: [cm.yaml]\n",
		"lonely/cm.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: l\n",
		"comp/kustomization.yaml":     "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
		"cyclic/a/kustomization.yaml": "resources: [../b]\n",
		"cyclic/b/kustomization.yaml": "resources: [../a]\n",
		"agg/kustomization.yaml":      "resources: [../app, https://example.com/x.yaml]\npatches:\n  - path: p.yaml\n",
		"agg/p.yaml":                  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-remote\n",
		"app/kustomization.yaml":      "resources: [cm.yaml]\n",
		"app/cm.yaml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
	})
	out := parseTree(t, dir, "base", "prod", "lonely", "comp", "cyclic/a", "cyclic/b", "agg", "app")
	var names []string
	for _, r := range out.Resources {
		names = append(names, r.Name+"@"+r.Origin().Kustomization)
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "app@app/kustomization.yaml l@lonely/kustomization.yaml prod-c@prod/kustomization.yaml" {
		t.Errorf("rendered %s", got)
	}
	// The cycle is an error (for each member, as the fallback round tries
	// the kustomization the failed one includes).
	if len(out.Errors) == 0 {
		t.Errorf("no error for the cycle")
	}
	for _, e := range out.Errors {
		if e.File == "agg/kustomization.yaml" && strings.Contains(e.Msg, "https://example.com/x.yaml, which pvlint does not fetch") {
			continue
		}
		if !strings.Contains(e.Msg, "cycle") || !strings.HasPrefix(e.File, "cyclic/") {
			t.Errorf("error: %s", e.Error())
		}
	}
	var ns []string
	for _, n := range out.Notices {
		ns = append(ns, n.String())
	}
	sort.Strings(ns)
	if len(ns) != 2 || !strings.Contains(ns[0], "remote resource https://example.com/x.yaml is not fetched") || !strings.Contains(ns[1], "Component is included by no scanned kustomization") {
		t.Errorf("notices: %v", out.Notices)
	}
}

// A local resource that does not exist (a manifest a build step generates)
// fails every kustomization that reaches it. Those are reported on the
// entry that leads to it, naming the chain, and not rendered; what they
// include is still rendered on its own where it can be.
func TestMissingResourceIsReportedWithoutRendering(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"crd/kustomization.yaml":      "resources:\n- crd.yaml\n",
		"crd/crd.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-crd\n",
		"rbac/kustomization.yaml":     "resources:\n- role.yaml\n- service_account.yaml\n",
		"rbac/role.yaml":              "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n",
		"bundle/kustomization.yaml":   "resources:\n- ../crd\n- ../rbac\n",
		"overlay/kustomization.yaml":  "namePrefix: o-\nresources:\n- ../bundle\n",
		"overlay2/kustomization.yaml": "resources:\n- ../bundle\n",
	})
	out := parseTree(t, dir, "crd", "rbac", "bundle", "overlay", "overlay2")
	byFile := map[string]string{}
	lines := map[string]int{}
	for _, e := range out.Errors {
		byFile[e.File] = e.Msg
		lines[e.File] = e.Line
	}
	want := map[string]struct {
		line int
		msg  string
	}{
		"rbac/kustomization.yaml":     {3, "kustomization rbac did not render: resource service_account.yaml (rbac/service_account.yaml) does not exist"},
		"bundle/kustomization.yaml":   {3, "kustomization bundle did not render: it includes rbac, whose resource service_account.yaml (rbac/service_account.yaml) does not exist"},
		"overlay/kustomization.yaml":  {3, "kustomization overlay did not render: it includes bundle, then rbac, whose resource service_account.yaml (rbac/service_account.yaml) does not exist"},
		"overlay2/kustomization.yaml": {2, "kustomization overlay2 did not render: it includes bundle, then rbac"},
	}
	for f, w := range want {
		if !strings.HasPrefix(byFile[f], w.msg) || lines[f] != w.line {
			t.Errorf("%s: line %d %q, want line %d %q...", f, lines[f], byFile[f], w.line, w.msg)
		}
	}
	if len(out.Errors) != len(want) {
		t.Errorf("errors: %+v", out.Errors)
	}
	var names []string
	for _, r := range out.Resources {
		names = append(names, r.Name)
	}
	if len(names) != 1 || names[0] != "from-crd" {
		t.Errorf("rendered %v, want the crd kustomization alone (from-crd)", names)
	}
}
