package linter

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// everyPod reports each Pod: enough to see which files were scanned.
var everyPod = &rules.Rule{
	Meta: rules.Meta{ID: "PVL999", Name: "every-pod", Title: "Test rule", Severity: rules.High},
	Check: func(p *rules.Pass) {
		for _, r := range p.Graph.OfKind("Pod") {
			p.Report(r.At("metadata", "name"), "Pod %s.", r.Name)
		}
	},
}

func pod(name string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers: [{name: c, image: x}]\n", name)
}

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func files(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d", f.Loc.File, f.Loc.Line))
	}
	return out
}

func errorsOf(res *Result) []string {
	var out []string
	for _, e := range res.Errors {
		out = append(out, e.Error())
	}
	return out
}

func TestDiscoverySkipsNonSourceDirs(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"app/pod.yaml":                   pod("a"),
		".git/pod.yaml":                  pod("git"),
		"node_modules/x/pod.yaml":        pod("nm"),
		"vendor/pod.yaml":                pod("vendor"),
		"infra/.terraform/m/pod.yaml":    pod("tf"),
		"app/values.yaml":                "replicaCount: 1\n",
		".github/workflows/ci.yaml":      "on: push\njobs: {}\n",
		"chart/Chart.yaml":               "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"chart/templates/pod.yaml":       "{{ if .Values.x }}\n" + pod("tpl") + "{{ end }}\n",
		"docs/readme.md":                 "# not scanned\n",
		"app/nested/deeper/pod.yml":      pod("b"),
		"app/list.json":                  `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}}]}`,
		"app/package.json":               `{"name": "not-kubernetes"}`,
		"app/nested/deeper/notes.txt":    "x",
		"app/nested/deeper/empty.yaml":   "",
		"app/nested/deeper/comment.yaml": "# only a comment\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	got := files(res)
	want := []string{"app/list.json:1", "app/nested/deeper/pod.yml:4", "app/pod.yaml:4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings in %v, want %v", got, want)
	}
	if res.Charts != 1 {
		t.Errorf("charts = %d, want 1 (the chart folder is left to the Helm parser)", res.Charts)
	}
	for _, e := range res.Errors {
		if !strings.HasPrefix(e.File, "chart") {
			t.Errorf("unexpected error %v", e)
		}
	}

	res, err = Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}, AllDirs: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Findings); n != 7 {
		t.Errorf("--all-dirs: %d findings (%v), want 7", n, files(res))
	}
}

func TestExcludeAndExplicitFile(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"a/pod.yaml": pod("a"), "b/pod.yaml": pod("b")})
	res, _ := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod},
		Exclude: func(rel string) bool { return rel == "b" }})
	if got := files(res); !reflect.DeepEqual(got, []string{"a/pod.yaml:4"}) {
		t.Errorf("exclude: %v", got)
	}
	res, _ = Run(Options{Root: root, Paths: []string{filepath.Join(root, "b/pod.yaml")}, Rules: []*rules.Rule{everyPod}})
	if got := files(res); !reflect.DeepEqual(got, []string{"b/pod.yaml:4"}) {
		t.Errorf("explicit file: %v", got)
	}
	// A PATH that does not exist is a usage problem (a typo), named in the
	// error: nothing is scanned, and nothing looks clean.
	res, err := Run(Options{Root: root, Paths: []string{filepath.Join(root, "missing.yaml"), filepath.Join(root, "a")}, Rules: []*rules.Rule{everyPod}})
	if err == nil || res != nil || !strings.Contains(err.Error(), "missing.yaml: no such file or directory") {
		t.Errorf("a missing path: %v, %v", res, err)
	}
	// A dangling link named as PATH exists: an input error as before.
	if err := os.Symlink("nowhere.yaml", filepath.Join(root, "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err = Run(Options{Root: root, Paths: []string{"dangling.yaml", "a"}, Rules: []*rules.Rule{everyPod}})
	if err != nil || len(res.Errors) != 1 || len(res.Findings) != 1 || res.ExitCode(rules.Low) != ExitIncomplete {
		t.Errorf("dangling link: %v %v", err, res)
	}
}

func TestSymlinks(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, map[string]string{"secret.yaml": pod("outside")})
	root := t.TempDir()
	write(t, root, map[string]string{"real/pod.yaml": pod("inside")})
	must(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(root, "escape.yaml")))
	must(t, os.Symlink(filepath.Join(root, "loop-b.yaml"), filepath.Join(root, "loop-a.yaml")))
	must(t, os.Symlink(filepath.Join(root, "loop-a.yaml"), filepath.Join(root, "loop-b.yaml")))
	must(t, os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "dirlink")))
	must(t, os.Symlink(filepath.Join(root, "real", "pod.yaml"), filepath.Join(root, "alias.yaml")))
	must(t, os.Symlink(root, filepath.Join(root, "real", "up")))

	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	// The in-tree file is scanned once, under whichever name the walk meets first.
	if got := files(res); len(got) != 1 {
		t.Errorf("findings %v: the in-tree pod once, nothing from outside", got)
	}
	errs := strings.Join(errorsOf(res), "\n")
	for _, want := range []string{"escape.yaml: symbolic link points outside the scanned tree", "loop-a.yaml: symbolic link loop", "loop-b.yaml"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors %q should contain %q", errs, want)
		}
	}
	if res.ExitCode(rules.Low) != ExitIncomplete {
		t.Errorf("exit %d, want 3", res.ExitCode(rules.Low))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestBrokenFilesDoNotStopTheScan(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"good.yaml":    pod("good"),
		"invalid.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n",
		"binary.yaml":  "\x00\x01\x02\x03ELF",
		"utf8.yaml":    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xff\n",
		"zz.yaml":      pod("last"),
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	if got := files(res); !reflect.DeepEqual(got, []string{"good.yaml:4", "zz.yaml:4"}) {
		t.Errorf("findings %v", got)
	}
	errs := errorsOf(res)
	want := []string{"binary.yaml: binary content (NUL byte); not a YAML or JSON file", "invalid.yaml:4: invalid YAML", "utf8.yaml: line 4: invalid UTF-8"}
	if len(errs) != 3 {
		t.Fatalf("errors %q", errs)
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %q, want prefix %q", errs[i], want[i])
		}
	}
}

func TestFileSizeLimit(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"big.yaml": strings.Repeat(pod("p")+"---\n", 2000), "small.yaml": pod("s")})
	res, _ := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}, MaxFileBytes: 10_000})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "big.yaml: file is") || len(res.Findings) != 1 {
		t.Errorf("errors %v findings %v", errorsOf(res), files(res))
	}
}

func TestStdin(t *testing.T) {
	res, err := Run(Options{Root: t.TempDir(), Paths: []string{"-"}, Stdin: strings.NewReader(pod("in")), Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	if got := files(res); !reflect.DeepEqual(got, []string{"stdin:4"}) {
		t.Errorf("stdin: %v", got)
	}
}

func TestDeterministicWhateverTheWorkers(t *testing.T) {
	root := t.TempDir()
	m := map[string]string{}
	for i := 0; i < 60; i++ {
		m[fmt.Sprintf("d%d/p%d.yaml", i%7, i)] = pod(fmt.Sprintf("p%d", i)) + "---\n" + pod(fmt.Sprintf("q%d", i))
	}
	write(t, root, m)
	var first []string
	for _, w := range []int{1, 2, 8} {
		res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod, everyPod}, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		got := files(res)
		if len(got) != 120 {
			t.Fatalf("workers %d: %d findings (duplicates must be dropped)", w, len(got))
		}
		if first == nil {
			first = got
		} else if !reflect.DeepEqual(first, got) {
			t.Errorf("workers %d: order differs", w)
		}
	}
}

func TestRulePanicIsAnInternalError(t *testing.T) {
	boom := &rules.Rule{Meta: rules.Meta{ID: "PVL998", Name: "boom"}, Check: func(p *rules.Pass) { panic("kaboom") }}
	root := t.TempDir()
	write(t, root, map[string]string{"p.yaml": pod("a")})
	res, _ := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{boom, everyPod}})
	if len(res.Findings) != 1 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "internal error in rule PVL998") {
		t.Errorf("findings %v errors %v", files(res), errorsOf(res))
	}
}

func TestNamespaceDefaulting(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"p.yaml": pod("a") + "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc, namespace: ignored}\n"})
	res, _ := Run(Options{Root: root, Paths: []string{"."}, Namespace: "team"})
	if res.Graph.Kube("Pod", "team", "a") == nil || res.Graph.Kube("StorageClass", "", "sc") == nil {
		t.Errorf("namespaces not defaulted: %v", keys(res.Graph))
	}
}

func keys(g *graph.Graph) []string {
	var out []string
	for _, r := range g.Resources {
		out = append(out, r.Key())
	}
	return out
}

// Inputs outside the root are reported by absolute path, Terraform modules
// included (they are evaluated from the filesystem root).
func TestInputsOutsideTheRoot(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, map[string]string{
		"infra/main.tf": "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\nresource \"aws_ebs_volume\" \"v\" {\n  size       = 1\n  encrypted  = true\n  kms_key_id = aws_kms_key.k.arn\n}\n",
		"pod.yaml":      pod("out"),
	})
	res, err := Run(Options{Root: t.TempDir(), Paths: []string{outside}, Rules: []*rules.Rule{everyPod, rules.ByID("PVL406")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", errorsOf(res))
	}
	got := files(res)
	want := []string{filepath.ToSlash(filepath.Join(outside, "infra/main.tf")) + ":2", filepath.ToSlash(filepath.Join(outside, "pod.yaml")) + ":4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings at %v, want %v", got, want)
	}
	var vol *graph.Resource
	for _, r := range res.Graph.Resources {
		if r.Kind == "aws_ebs_volume" {
			vol = r
		}
	}
	if vol == nil || len(vol.OutOf(graph.UsesKey)) != 1 {
		t.Errorf("the volume's reference to its key is not linked: %+v", vol)
	}
}

// A finding on a value a module caller passed is located at the caller's
// argument, where the user edits; the module call and the resource inside
// the module are related locations.
func TestModuleCallSitesAreRelated(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"main.tf":      "module \"disk\" {\n  source    = \"./disk\"\n  encrypted = false\n}\n",
		"disk/main.tf": "variable \"encrypted\" {\n  default = true\n}\nresource \"aws_ebs_volume\" \"d\" {\n  size      = 1\n  encrypted = var.encrypted\n}\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{rules.ByID("PVL401")}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, errorsOf(res))
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %v", files(res))
	}
	f := res.Findings[0]
	var related []string
	for _, r := range f.RelatedLocs {
		related = append(related, fmt.Sprintf("%s:%d", r.Loc.File, r.Loc.Line))
	}
	if f.Loc.File != "main.tf" || f.Loc.Line != 3 || !reflect.DeepEqual(related, []string{"main.tf:1", "disk/main.tf:4"}) {
		t.Errorf("finding %+v related %+v", f.Loc, f.RelatedLocs)
	}
}

// A chart whose template never finishes is an error for that chart; the
// rest of the scan goes on.
func TestChartRenderTimeout(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"loop/Chart.yaml":        "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
		"loop/templates/cm.yaml": "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n",
		"pod.yaml":               pod("ok"),
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}, ChartTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "did not render within") || len(res.Findings) != 1 {
		t.Errorf("errors %v findings %v", errorsOf(res), files(res))
	}
}

// A chart rendered through a kustomization's helmCharts goes through the
// same render worker: one that loops without calling a template function
// is an error for the kustomization, the rest of the scan goes on.
func TestKustomizeHelmChartRenderTimeout(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"k/kustomization.yaml":           "helmCharts:\n  - name: loop\n    releaseName: r\n",
		"k/charts/loop/Chart.yaml":       "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
		"k/charts/loop/templates/x.yaml": "{{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }}\n",
		"pod.yaml":                       pod("ok"),
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}, ChartTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	all := fmt.Sprint(errorsOf(res))
	if !strings.Contains(all, "kustomization k did not render: k/charts/loop: chart k/charts/loop did not render within 1s") || len(res.Findings) != 1 {
		t.Errorf("errors %v findings %v", errorsOf(res), files(res))
	}
}

// A helmCharts entry that names no namespace renders with its
// kustomization's, or else with the one the including kustomizations pass
// down (kustomize passes it to Helm as the release namespace).
func TestKustomizeHelmChartNamespace(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: i}]\n  volumes:\n  - name: d\n    hostPath: {path: /srv/{{ .Release.Namespace }}}\n"
	for _, c := range []struct {
		name, scan, want string
		files            map[string]string
	}{
		{"own", ".", "/srv/logging", map[string]string{
			"k/kustomization.yaml": "namespace: logging\nhelmCharts:\n  - name: app\n    releaseName: r\n",
		}},
		{"parent", "overlay", "/srv/audit", map[string]string{
			"overlay/kustomization.yaml": "namespace: audit\nresources:\n  - ../k\n",
			"k/kustomization.yaml":       "helmCharts:\n  - name: app\n    releaseName: r\n",
		}},
	} {
		root := t.TempDir()
		c.files["k/charts/app/Chart.yaml"] = "apiVersion: v2\nname: app\nversion: 0.1.0\n"
		c.files["k/charts/app/templates/pod.yaml"] = pod
		write(t, root, c.files)
		res, err := Run(Options{Root: root, Paths: []string{c.scan}, Rules: []*rules.Rule{}})
		if err != nil || len(res.Errors) > 0 {
			t.Fatal(c.name, err, errorsOf(res))
		}
		got := ""
		for _, r := range res.Graph.Resources {
			if r.Kind == "Pod" {
				got = r.Root.Path("spec", "volumes").List()[0].Path("hostPath", "path").String()
			}
		}
		if got != c.want {
			t.Errorf("%s: hostPath %q, want %q", c.name, got, c.want)
		}
	}
}

// A module is linted as its own root and as each caller's instance; a rule
// that fires on the same line for several instances is reported once,
// naming them, and a finding that only the module's defaults produce says
// what the callers pass instead.
func TestModuleInstancesReportedOnce(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"main.tf":                 "variable \"rotate\" {\n  default = false\n}\nresource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = var.rotate\n}\n",
		"examples/plain/main.tf":  "module \"a\" {\n  source = \"../..\"\n}\nmodule \"b\" {\n  source = \"../..\"\n}\n",
		"examples/secure/main.tf": "module \"k\" {\n  source = \"../..\"\n  rotate = true\n}\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{rules.ByID("PVL406")}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, errorsOf(res))
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %v", files(res))
	}
	f := res.Findings[0]
	for _, want := range []string{"Found in 3 instances: aws_kms_key.k (. as its own root, with its defaults), module.a.aws_kms_key.k (root module examples/plain), module.b.aws_kms_key.k (root module examples/plain).",
		"This holds only with the module's defaults (`enable_key_rotation = false`); it does not hold for module.k.aws_kms_key.k in examples/secure (passing `true`)."} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q\nwant %q", f.Message, want)
		}
	}
	if f.Loc.File != "main.tf" || f.Loc.Line != 5 {
		t.Errorf("at %+v", f.Loc)
	}
}

// A template rendered twice (as its own chart and as another chart's
// file:// dependency) is written once: no "defined again" notice points
// the user at the same line. A real second definition is still named,
// once per place.
func TestDuplicateNoticesNameOtherPlaces(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"app/Chart.yaml":         "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"app/templates/pod.yaml": pod("web"),
		"wrap/Chart.yaml":        "apiVersion: v2\nname: wrap\nversion: 0.1.0\ndependencies:\n- name: app\n  version: 0.1.0\n  repository: file://../app\n",
		"copies/a.yaml":          pod("db"),
		"copies/b.yaml":          pod("db"),
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	var dups []string
	for _, n := range res.Notices {
		if strings.Contains(n.Msg, "defined again") {
			dups = append(dups, n.File+": "+n.Msg)
		}
	}
	want := []string{`copies/a.yaml: Pod "default/db" is defined again in copies/b.yaml:1; references resolve to the definition nearest the referring file`}
	if !reflect.DeepEqual(dups, want) {
		t.Errorf("duplicate notices:\n%q\nwant\n%q", dups, want)
	}
}

// A module linted as its own root and as a caller's instance meets an
// uninstalled registry module once per instance: the notice is said once,
// naming both roots where `terraform init` would install it.
func TestNoticesSaidOnce(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"modules/net/main.tf": "module \"vpc\" {\n  source = \"terraform-google-modules/network/google\"\n}\n",
		"env/main.tf":         "module \"net\" {\n  source = \"../modules/net\"\n}\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, no := range res.Notices {
		if strings.Contains(no.Msg, "is not installed") {
			got = append(got, no.String())
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "in env or modules/net so pvlint") {
		t.Errorf("'not installed' notices %q, want one naming both roots", got)
	}
}

// A module that adds its key block only when a key is given (a dynamic
// block over `var.key == null ? [] : [1]`): a caller passing a key
// resource's id or self_link gets the block (an id is never null), so its
// instance is quiet and the finding of the module's own defaults names it
// (found on terraform-google-modules/terraform-google-vm's instance_template).
func TestDefaultsNoteWithKeyGivenAsResourceID(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"main.tf": "variable \"key\" {\n  type    = string\n  default = null\n}\n" +
			"resource \"google_compute_disk\" \"d\" {\n  name = \"d\"\n  zone = \"europe-west1-b\"\n" +
			"  dynamic \"disk_encryption_key\" {\n    for_each = compact([var.key == null ? null : 1])\n" +
			"    content {\n      kms_key_self_link = var.key\n    }\n  }\n}\n",
		"examples/plain/main.tf": "module \"plain\" {\n  source = \"../..\"\n}\n",
		"examples/cmek/main.tf": "resource \"google_kms_crypto_key\" \"k\" {\n  name     = \"k\"\n  key_ring = \"r\"\n}\n" +
			"module \"cmek\" {\n  source = \"../..\"\n  key    = google_kms_crypto_key.k.id\n}\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{rules.ByID("PVL421")}})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, errorsOf(res))
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings %v", files(res))
	}
	f := res.Findings[0]
	if f.Undecided || f.Loc.File != "main.tf" ||
		!strings.Contains(f.Message, "Found in 2 instances: google_compute_disk.d (. as its own root, with its defaults), module.plain.google_compute_disk.d (root module examples/plain).") ||
		!strings.Contains(f.Message, "it does not hold for module.cmek.google_compute_disk.d in examples/cmek") {
		t.Errorf("%+v: %s", f.Loc, f.Message)
	}
}

// TestJSONWithCommentsIsNoManifest: an application repository's dev
// container and tsconfig files (JSON with comments) are noticed and not
// linted instead of failing the scan; a Kubernetes object written as JSON
// with comments, which kubectl would refuse, is still an error; the
// manifests beside them are linted.
func TestJSONWithCommentsIsNoManifest(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		".devcontainer/devcontainer.json": "{\n  \"image\": \"go\",\n  // features\n  \"features\": {}\n}\n",
		"web/tsconfig.json":               "{\n  \"compilerOptions\": {\"strict\": true},\n  // sources\n  \"include\": [\"src\",]\n}\n",
		"deploy/pod.yaml":                 pod("web"),
		"deploy/cm.json":                  "{\n  \"apiVersion\": \"v1\", // core\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"c\"}\n}\n",
	})
	res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != "deploy/cm.json" {
		t.Errorf("errors %v, want one for deploy/cm.json", res.Errors)
	}
	noticed := map[string]bool{}
	for _, n := range res.Notices {
		if strings.Contains(n.Msg, "JSON with comments") {
			noticed[n.File] = true
		}
	}
	if !noticed[".devcontainer/devcontainer.json"] || !noticed["web/tsconfig.json"] || len(noticed) != 2 {
		t.Errorf("JSON-with-comments notices for %v, want the dev container and tsconfig files", noticed)
	}
	if len(res.Findings) != 1 || res.Findings[0].Loc.File != "deploy/pod.yaml" {
		t.Errorf("findings %d, want the pod's", len(res.Findings))
	}
}

// A chart directory is the Helm parser's, all but what its .helmignore
// leaves out: templates, subcharts, CRDs, values and any text the
// templates read (prometheus_rules/ with template syntax) are not linted as
// written; an ignored directory (a test/ with manifests of its own) is
// scanned like any other, also when the chart is the scanned root
// (vault-helm's test/ was silently left out).
func TestChartDirectoryKeepsItsIgnoredFiles(t *testing.T) {
	for _, at := range []string{"", "deploy/vault/"} {
		root := t.TempDir()
		write(t, root, map[string]string{
			at + "Chart.yaml":                      "apiVersion: v2\nname: c\nversion: 0.1.0\n",
			at + ".helmignore":                     "# not packaged\ntest/\nexamples/\n",
			at + "values.yaml":                     "name: tpl\n",
			at + "values-ci.yaml":                  "kind: Pod\napiVersion: v1\nmetadata: {name: values}\n",
			at + "templates/pod.yaml":              pod("{{ .Values.name }}"),
			at + "charts/sub/Chart.yaml":           "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
			at + "charts/sub/templates/p.yaml":     pod("sub"),
			at + "crds/crd.yaml":                   "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.y}\n",
			at + "prometheus_rules/r.yaml":         "{{- if .x }}\nalert: {{ .y }}\n",
			at + "test/acceptance/pod.yaml":        pod("acceptance"),
			at + "examples/other/Chart.yaml":       "apiVersion: v2\nname: other\nversion: 0.1.0\n",
			at + "examples/other/templates/p.yaml": pod("other"),
			at + "examples/other/scripts/pod.yaml": pod("in-other"),
		})
		res, err := Run(Options{Root: root, Paths: []string{"."}, Rules: []*rules.Rule{everyPod}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range res.Findings {
			names = append(names, f.Resource.Name)
		}
		want := []string{"acceptance", "other", "sub", "tpl"}
		slices.Sort(names)
		if !reflect.DeepEqual(names, want) {
			t.Errorf("chart at %q: pods %v, want %v", at, names, want)
		}
		if res.Charts != 2 || len(res.Errors) > 0 {
			t.Errorf("chart at %q: %d charts, errors %v", at, res.Charts, errorsOf(res))
		}
	}
}
