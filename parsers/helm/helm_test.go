package helm

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

func testRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func render(t *testing.T, chart string, opt Options) parsers.Result {
	t.Helper()
	res := Render(testRoot(t), chart, opt)
	for _, e := range res.Errors {
		t.Errorf("unexpected error: %v", e)
	}
	return res
}

func find(t *testing.T, res parsers.Result, kind, name string) *graph.Resource {
	t.Helper()
	for _, r := range res.Resources {
		if r.Kind == kind && r.Name == name {
			return r
		}
	}
	var have []string
	for _, r := range res.Resources {
		have = append(have, r.Kind+"/"+r.Name)
	}
	t.Fatalf("no %s %q among %v", kind, name, have)
	return nil
}

// at asserts where the node at path was mapped: the key (or, for list
// items, the value) position and the precision.
func at(t *testing.T, r *graph.Resource, path string, line, col int, prec graph.Precision) {
	t.Helper()
	n := r.Root.Path(strings.Split(path, ".")...)
	if n == nil {
		t.Errorf("%s: no %s", r.Title(), path)
		return
	}
	p := n.KeyPos()
	if p.IsZero() {
		p = n.Pos()
	}
	if p.Line != line || (col > 0 && p.Col != col) || n.Precision != prec {
		t.Errorf("%s %s: at %d:%d (%s), want %d:%d (%s)", r.Title(), path, p.Line, p.Col, n.Precision, line, col, prec)
	}
}

func TestRenderMapsTemplateLines(t *testing.T) {
	res := render(t, "charts/app", Options{})
	d := find(t, res, "Deployment", "release-name-app")
	if d.File != "charts/app/templates/deployment.yaml" || d.Source != graph.SourceHelm {
		t.Errorf("file %q source %v", d.File, d.Source)
	}
	if d.Origin().Chart != "charts/app" || d.Origin().Template != "app/templates/deployment.yaml" {
		t.Errorf("origin %+v", d.Origin())
	}
	if d.KindPos != (graph.Pos{Line: 2, Col: 1}) || d.Start.Line != 1 {
		t.Errorf("kind at %v, start %v", d.KindPos, d.Start)
	}
	if d.Namespace != "default" {
		t.Errorf("namespace %q", d.Namespace)
	}
	if !strings.Contains(d.Origin().Rendered, "kind: Deployment") {
		t.Errorf("rendered: %q", d.Origin().Rendered)
	}
	at(t, d, "spec.template.spec.volumes.1.hostPath.path", 23, 13, graph.Exact)
	at(t, d, "spec.template.spec.volumes.1", 21, 11, graph.Exact) // at its first key, as in plain YAML
	// range: one template item serves every rendered item
	at(t, d, "spec.template.spec.volumes.2.emptyDir", 26, 11, graph.Exact)
	at(t, d, "spec.template.spec.volumes.3.name", 25, 11, graph.Exact)
	// if: the item after a range is told apart by its literal name
	at(t, d, "spec.template.spec.volumes.4.persistentVolumeClaim.claimName", 31, 13, graph.Exact)
	// include | nindent: the key is written in the helper (issue 12)
	at(t, d, "metadata.labels.team", 7, 1, graph.Exact)
	if f := d.Root.Path("metadata", "labels", "team").File(); f != "charts/app/templates/_helpers.tpl" {
		t.Errorf("metadata.labels.team in %q", f)
	}
	at(t, d, "metadata.name", 4, 3, graph.Exact)
	// key: {{- toYaml ... | nindent }}
	at(t, d, "spec.template.spec.containers.0.securityContext", 39, 11, graph.Exact)
	at(t, d, "spec.template.spec.containers.0.securityContext.runAsNonRoot", 39, 28, graph.Insertion)
	at(t, d, "spec.template.spec.containers.0.volumeMounts.0.mountPath", 42, 15, graph.Exact)

	cms := 0
	for _, r := range res.Resources {
		if r.Kind == "ConfigMap" && strings.HasPrefix(r.Name, "extra-") {
			cms++
			at(t, r, "data.key", 17, 3, graph.Exact)
			if r.KindPos.Line != 12 || r.Namespace != "other" {
				t.Errorf("%s: kind at %v, namespace %q", r.Title(), r.KindPos, r.Namespace)
			}
		}
	}
	if cms != 2 {
		t.Errorf("%d ConfigMaps from the range, want 2", cms)
	}
	sc := find(t, res, "StorageClass", "release-name-app-sc")
	at(t, sc, "parameters.encrypted", 26, 3, graph.Exact)
	if sc.Namespace != "" {
		t.Errorf("cluster-scoped StorageClass got namespace %q", sc.Namespace)
	}
	// A block scalar's text is not structure.
	if n := find(t, res, "ConfigMap", "release-name-app").Root.Path("data", "app.yaml"); n == nil || n.KeyPos() != (graph.Pos{Line: 6, Col: 3}) || n.Precision != graph.Exact {
		t.Errorf("data[app.yaml]: %+v", n)
	}

	pvc := find(t, res, "PersistentVolumeClaim", "release-name-app-data")
	at(t, pvc, "spec.resources.requests.storage", 15, 7, graph.Exact)
	at(t, pvc, "spec.accessModes.0", 9, 7, graph.Exact)
	if pvc.Root.Path("spec", "storageClassName") != nil {
		t.Error("storageClassName rendered although the value is empty")
	}

	// Subcharts: real paths under charts/, values scoped to the subchart, globals.
	db := find(t, res, "StatefulSet", "release-name-db")
	if db.File != "charts/app/charts/db/templates/statefulset.yaml" {
		t.Errorf("db file %q", db.File)
	}
	at(t, db, "spec.volumeClaimTemplates.0.spec.storageClassName", 18, 9, graph.Exact)
	if v, _ := db.Root.Path("metadata", "labels", "team").Str(); v != "storage" {
		t.Errorf("global not passed: %q", v)
	}
	cache := find(t, res, "StatefulSet", "release-name-cache")
	if cache.File != "charts/app/charts/db/charts/cache/templates/sts.yaml" {
		t.Errorf("cache file %q", cache.File)
	}
	at(t, cache, "spec.template.spec.volumes.0.hostPath.path", 11, 13, graph.Exact)

	for _, r := range res.Resources {
		if strings.Contains(r.File, "NOTES") || strings.Contains(r.File, "empty.yaml") || strings.Contains(r.File, "common") {
			t.Errorf("unexpected resource from %s", r.File)
		}
	}
	if len(res.Resources) != 9 {
		t.Errorf("%d resources, want 9", len(res.Resources))
	}
}

func TestRenderInsertions(t *testing.T) {
	res := render(t, "charts/app", Options{Values: []string{"values/sc.yaml"}})
	d := find(t, res, "Deployment", "release-name-app")
	at(t, d, "spec.template.spec.containers.0.securityContext.privileged", 39, 28, graph.Insertion)
	at(t, d, "spec.template.spec.securityContext", 44, 7, graph.Exact)
	at(t, d, "spec.template.spec.securityContext.runAsUser", 45, 9, graph.Insertion)
	// an item from toYaml of a values list, after the literal items
	at(t, d, "spec.template.spec.volumes.5.hostPath.path", 34, 9, graph.Insertion)
	at(t, d, "spec.template.spec.volumes.5", 34, 9, graph.Insertion)
	// condition: the db subchart is disabled
	for _, r := range res.Resources {
		if strings.Contains(r.File, "charts/db/") {
			t.Errorf("disabled subchart rendered %s", r.Title())
		}
	}
	if got := d.Origin().Values; len(got) != 2 || got[0] != "charts/app/values.yaml" || got[1] != "values/sc.yaml" {
		t.Errorf("values %v", got)
	}
}

func TestValuesPrecedence(t *testing.T) {
	opt := Options{
		Values:    []string{"values/a.yaml", "charts/app=values/b.yaml", "charts/other=values/sc.yaml"},
		Set:       []string{"image.tag=set", "replicas=3"},
		SetString: []string{"image.tag=setstring"},
		SetFile:   []string{"global.team=values/file.txt"},
	}
	res := render(t, "charts/app", opt)
	d := find(t, res, "Deployment", "release-name-app")
	check := func(path, want string) {
		t.Helper()
		if got, _ := d.Root.Path(strings.Split(path, ".")...).Str(); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	check("spec.template.spec.volumes.1.hostPath.path", "/from-b")
	check("spec.replicas", "3")
	check("spec.template.spec.containers.0.image", "nginx:setstring")
	check("metadata.labels.team", "file-content")
	for _, r := range res.Resources {
		if r.Kind == "PersistentVolumeClaim" {
			t.Error("persistence.enabled=false from b.yaml ignored")
		}
	}
	find(t, res, "StatefulSet", "release-name-db") // values/sc.yaml (for charts/other only) would disable it
	if got := d.Origin().Values; len(got) != 3 || got[2] != "values/b.yaml" {
		t.Errorf("values used %v", got)
	}
	if opt.Namespace == "" {
		res := render(t, "charts/app", Options{Namespace: "prod", ReleaseName: "rel"})
		d := find(t, res, "Deployment", "rel-app")
		if d.Namespace != "prod" {
			t.Errorf("namespace %q, want prod", d.Namespace)
		}
	}
}

func TestLookupReturnsNothing(t *testing.T) {
	res := render(t, "charts/app", Options{})
	cm := find(t, res, "ConfigMap", "lookup-result")
	if v, _ := cm.Root.Path("data", "found").Str(); v != "no" {
		t.Errorf("lookup found something: %q", v)
	}
	if v, _ := cm.Root.Path("data", "count").Str(); v != "0" {
		t.Errorf("lookup count %q", v)
	}
}

func TestComments(t *testing.T) {
	res := render(t, "charts/app", Options{})
	want := map[string]graph.Comment{
		"charts/app/templates/deployment.yaml": {File: "charts/app/templates/deployment.yaml", Line: 23, Col: 43, Text: "pvlint:ignore PVL201 host logs are read-only"},
		"charts/app/templates/pvc.yaml":        {File: "charts/app/templates/pvc.yaml", Line: 2, Col: 1, Text: "pvlint:ignore PVL102 the class is chosen per cluster"},
	}
	if len(res.Comments) != len(want) {
		t.Errorf("comments %+v", res.Comments)
	}
	for _, c := range res.Comments {
		if c != want[c.File] {
			t.Errorf("comment %+v, want %+v", c, want[c.File])
		}
	}
}

// A comment a helper writes above a key governs the helper's own line,
// where the key is located (issue 12), and is not mapped again onto the
// template that includes it.
func TestRenderedCommentsFromHelpers(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":             "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"templates/_helpers.tpl": "{{- define \"c.vol\" -}}\nhostPath:\n  # pvlint:ignore PVL201 from helper\n  path: /x\n{{- end }}\n",
		"templates/pod.yaml":     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes:\n    - name: v\n      {{- include \"c.vol\" . | nindent 6 }}\n    # pvlint:ignore PVL104 template\n    - name: w\n      emptyDir: {}\n",
	})
	res := Render(root, "c", Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	pod := res.Resources[0]
	at(t, pod, "spec.volumes.0.hostPath.path", 4, 3, graph.Exact)
	if f := pod.Root.Path("spec", "volumes", "0", "hostPath", "path").File(); f != "c/templates/_helpers.tpl" {
		t.Errorf("hostPath.path in %q", f)
	}
	var got []string
	for _, c := range res.Comments {
		got = append(got, fmt.Sprintf("%s:%d %s", c.File, c.Line, c.Text))
	}
	want := []string{"c/templates/_helpers.tpl:3 pvlint:ignore PVL201 from helper", "c/templates/pod.yaml:9 pvlint:ignore PVL104 template"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("comments %q, want %q", got, want)
	}
}

func TestMissingDependency(t *testing.T) {
	res := Render(testRoot(t), "charts/missing", Options{})
	if len(res.Resources) != 0 || len(res.Errors) != 1 {
		t.Fatalf("resources %d errors %v", len(res.Resources), res.Errors)
	}
	e := res.Errors[0]
	if e.File != "charts/missing/Chart.yaml" || e.Msg != `chart charts/missing: dependency "postgresql" is missing from charts/; run helm dependency build` {
		t.Errorf("error %v", e)
	}
}

func TestRequiredValue(t *testing.T) {
	res := Render(testRoot(t), "charts/required", Options{})
	if len(res.Resources) != 0 || len(res.Errors) != 1 {
		t.Fatalf("resources %d errors %v", len(res.Resources), res.Errors)
	}
	e := res.Errors[0]
	if e.File != "charts/required/templates/pv.yaml" || e.Line != 9 || !strings.Contains(e.Msg, "hostPath is required") {
		t.Errorf("error %#v", e)
	}
	res = Render(testRoot(t), "charts/required", Options{Set: []string{"hostPath=/srv"}})
	if len(res.Errors) != 0 || len(res.Resources) != 1 {
		t.Fatalf("with the value: %v", res.Errors)
	}
	at(t, res.Resources[0], "spec.hostPath.path", 9, 5, graph.Exact)
}

func TestTemplateParseError(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ nosuchfunc . }}\n",
	})
	res := Render(root, "c", Options{})
	if len(res.Errors) != 1 || res.Errors[0].File != "c/templates/cm.yaml" || res.Errors[0].Line != 4 {
		t.Fatalf("errors %#v", res.Errors)
	}
}

func TestInvalidRenderedYAML(t *testing.T) {
	res := Render(testRoot(t), "charts/badyaml", Options{})
	if len(res.Errors) != 1 || res.Errors[0].File != "charts/badyaml/templates/broken.yaml" || !strings.Contains(res.Errors[0].Msg, "invalid YAML") {
		t.Fatalf("errors %v", res.Errors)
	}
	find(t, res, "ConfigMap", "ok")
}

func TestSchemaViolation(t *testing.T) {
	res := Render(testRoot(t), "charts/app", Options{Values: []string{"values/bad-schema.yaml"}})
	if len(res.Resources) != 0 || len(res.Errors) != 1 {
		t.Fatalf("resources %d errors %v", len(res.Resources), res.Errors)
	}
	e := res.Errors[0]
	if e.File != "charts/app/values.schema.json" || !strings.Contains(e.Msg, "/persistence/size") {
		t.Errorf("error %v", e)
	}
}

func TestPackagedSubchart(t *testing.T) {
	root := t.TempDir()
	copyDir(t, filepath.Join(testRoot(t), "charts", "pkgparent"), filepath.Join(root, "pkgparent"))
	writeTgz(t, filepath.Join(testRoot(t), "charts", "redis"), filepath.Join(root, "pkgparent", "charts", "redis-1.0.0.tgz"), "redis")
	res := Render(root, "pkgparent", Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	sts := find(t, res, "StatefulSet", "redis")
	if sts.File != "pkgparent/charts/redis-1.0.0.tgz/templates/sts.yaml" {
		t.Errorf("file %q", sts.File)
	}
	// Mapped inside the archive's template text; findings are relocated to
	// the dependency entry of the parent's Chart.yaml.
	at(t, sts, "spec.template.spec.volumes.0.hostPath.path", 11, 13, graph.Exact)
	if p := sts.Origin().Packaged; p == nil || p.Archive != "pkgparent/charts/redis-1.0.0.tgz" ||
		p.At != (graph.Location{File: "pkgparent/Chart.yaml", Line: 5, Col: 5}) || p.Entry != `dependency "redis" in Chart.yaml` {
		t.Errorf("packaged %+v", p)
	}
	if v, _ := sts.Root.Path("spec", "template", "spec", "volumes", "0", "hostPath", "path").Str(); v != "/data/redis" {
		t.Errorf("subchart values: %q", v)
	}
	find(t, res, "ConfigMap", "parent")

	// The packaged chart on its own.
	res = Render(root, "pkgparent/charts/redis-1.0.0.tgz", Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if f := res.Resources[0].File; f != "pkgparent/charts/redis-1.0.0.tgz/templates/sts.yaml" {
		t.Errorf("file %q", f)
	}
}

func TestLibraryChartAlone(t *testing.T) {
	res := Render(testRoot(t), "charts/app/charts/common", Options{})
	if len(res.Errors) != 0 || len(res.Resources) != 0 {
		t.Errorf("library chart: %v %v", res.Errors, res.Resources)
	}
}

func TestKubeVersion(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version }}\n  api: {{ .Capabilities.APIVersions.Has \"example.com/v1\" | quote }}\n  helm: {{ .Capabilities.HelmVersion.Version }}\n  apps: {{ .Capabilities.APIVersions.Has \"apps/v1\" | quote }}\n  minor: {{ .Capabilities.KubeVersion.Minor | quote }}\n",
	})
	res := Render(root, "c", Options{})
	cm := res.Resources[0]
	// Pinned by pvlint, not Helm 4's build-dependent defaults (v1.20 under
	// go test, client-go's minor + 1 in a binary).
	for key, want := range map[string]string{"kube": DefaultKubeVersion, "minor": "34", "helm": helmSDKVersion, "apps": "true"} {
		if v, _ := cm.Root.Path("data", key).Str(); v != want {
			t.Errorf("%s: %q, want %q", key, v, want)
		}
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "\thelm.sh/helm/v4 "+helmSDKVersion+"\n") || strings.Contains(string(gomod), "helm.sh/helm/v3") {
		t.Errorf("go.mod does not require helm.sh/helm/v4 %s alone; update helmSDKVersion with it", helmSDKVersion)
	}
	res = Render(root, "c", Options{KubeVersion: "1.29.3", APIVersions: []string{"example.com/v1"}})
	cm = res.Resources[0]
	if v, _ := cm.Root.Path("data", "kube").Str(); v != "v1.29.3" {
		t.Errorf("kube version %q", v)
	}
	if v, _ := cm.Root.Path("data", "api").Str(); v != "true" {
		t.Errorf("api versions %q", v)
	}
}

func TestNoChart(t *testing.T) {
	res := Render(testRoot(t), "charts/nope", Options{})
	if len(res.Errors) != 1 || len(res.Resources) != 0 {
		t.Fatalf("%v", res.Errors)
	}
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeTgz packages the chart at src as helm package does: every file under
// a top folder named top.
func writeTgz(t testing.TB, src, dst, top string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	err = filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: top + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupportedChartAPIVersion(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":        "apiVersion: v3\nname: c\nversion: 0.1.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
	})
	res := Render(root, "c", Options{})
	if len(res.Errors) != 1 || len(res.Resources) != 0 || res.Errors[0].File != "c/Chart.yaml" ||
		!strings.Contains(res.Errors[0].Msg, `chart c has apiVersion "v3"`) {
		t.Fatalf("errors %v, %d resources", res.Errors, len(res.Resources))
	}
}

func TestFileDependency(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"app/Chart.yaml":               "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: ~1.0.0\n    repository: file://../shared/db\n  - name: gone\n    version: 1.0.0\n    repository: file://../nowhere\n    condition: gone.enabled\n",
		"app/values.yaml":              "gone:\n  enabled: false\ndb:\n  size: 5Gi\n",
		"shared/db/Chart.yaml":         "apiVersion: v2\nname: db\nversion: 1.0.3\n",
		"shared/db/templates/pvc.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db\nspec:\n  resources:\n    requests:\n      storage: {{ .Values.size }}\n",
	})
	// A dependency neither vendored nor reachable is an error naming it,
	// even when disabled (helm template fails the same way).
	res := Render(root, "app", Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, `dependency "gone" is neither vendored in charts/ nor a chart at file://../nowhere`) || res.Errors[0].File != "app/Chart.yaml" {
		t.Fatalf("errors %v", res.Errors)
	}
	writeFiles(t, root, map[string]string{"nowhere/Chart.yaml": "apiVersion: v2\nname: gone\nversion: 1.0.0\n"})
	res = Render(root, "app", Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	pvc := find(t, res, "PersistentVolumeClaim", "db")
	if pvc.File != "shared/db/templates/pvc.yaml" {
		t.Errorf("file %q", pvc.File)
	}
	at(t, pvc, "spec.resources.requests.storage", 8, 7, graph.Exact)
	if v, _ := pvc.Root.Path("spec", "resources", "requests", "storage").Str(); v != "5Gi" {
		t.Errorf("parent values not passed: %q", v)
	}
	var notes []string
	for _, n := range res.Notices {
		notes = append(notes, n.File+": "+n.Msg)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], `app/Chart.yaml: dependency "db" is not vendored in charts/; rendered from shared/db (file://../shared/db)`) {
		t.Errorf("notices %q", notes)
	}

	// Outside the scanned root: not read.
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.3\n"})
	writeFiles(t, root, map[string]string{"far/Chart.yaml": "apiVersion: v2\nname: far\nversion: 0.1.0\ndependencies:\n  - name: db\n    repository: file://" + filepath.ToSlash(filepath.Join(outside, "db")) + "\n"})
	res = Render(root, "far", Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, `dependency "db" is neither vendored`) || len(res.Notices) != 1 || !strings.Contains(res.Notices[0].Msg, "outside the scanned tree") {
		t.Errorf("outside: errors %v notices %v", res.Errors, res.Notices)
	}
	// A version that does not meet the constraint is an error.
	writeFiles(t, root, map[string]string{"old/Chart.yaml": "apiVersion: v2\nname: old\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: ^2.0.0\n    repository: file://../shared/db\n"})
	res = Render(root, "old", Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, `is version 1.0.3, which does not meet "^2.0.0"`) {
		t.Errorf("version: %v", res.Errors)
	}
}
