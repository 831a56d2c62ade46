package helmfidelity

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	ci "helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/pvlint/pvlint/internal/sarifcheck"
	"github.com/pvlint/pvlint/parsers/helm"
)

// sdkRender renders a chart the way `helm template` does, through Helm's
// own action.Install in client-only dry-run mode, with the values pvlint
// is given (values files in order; the chart's values.yaml is coalesced
// under them by the action).
func sdkRender(t *testing.T, dir string, valueFiles []string) (string, error) {
	t.Helper()
	ch, err := loader.Load(dir)
	if err != nil {
		return "", err
	}
	var reqs []ci.Dependency
	for _, d := range ch.Metadata.Dependencies {
		reqs = append(reqs, d)
	}
	if err := action.CheckDependencies(ch, reqs); err != nil {
		return "", err
	}
	vals := map[string]any{}
	for _, f := range valueFiles {
		v, err := common.ReadValuesFile(f)
		if err != nil {
			return "", err
		}
		vals = mergeMaps(vals, v)
	}
	inst := action.NewInstall(action.NewConfiguration())
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = "release-name"
	inst.Namespace = "default"
	kv, err := common.ParseKubeVersion(helm.DefaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	inst.KubeVersion = kv
	rel, err := inst.Run(ch, vals)
	if err != nil {
		return "", err
	}
	r := rel.(*release.Release)
	var b strings.Builder
	b.WriteString(r.Manifest)
	for _, h := range r.Hooks { // helm template prints hooks too
		b.WriteString("\n---\n" + h.Manifest)
	}
	return b.String(), nil
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// vendorFileDeps copies a chart to a temporary directory with its file://
// dependencies in charts/, as `helm dependency build` leaves it, so that
// the SDK sees what pvlint resolves from the tree.
func vendorFileDeps(t *testing.T, dir string) string {
	t.Helper()
	ch, err := loader.Load(dir)
	if err != nil || len(ch.Metadata.Dependencies) == 0 {
		return dir
	}
	var copies []*chart.Dependency
	for _, d := range ch.Metadata.Dependencies {
		if strings.HasPrefix(d.Repository, "file://") {
			copies = append(copies, d)
		}
	}
	if len(copies) == 0 {
		return dir
	}
	tmp := filepath.Join(t.TempDir(), filepath.Base(dir))
	copyTree(t, dir, tmp)
	for _, d := range copies {
		src := filepath.Join(dir, strings.TrimPrefix(d.Repository, "file://"))
		if _, err := os.Stat(filepath.Join(tmp, "charts", d.Name)); err == nil {
			continue
		}
		copyTree(t, src, filepath.Join(tmp, "charts", d.Name))
	}
	return tmp
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
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

// fixtureCharts finds every chart of the repository's fixtures: a folder
// holding Chart.yaml that is not a subchart (inside another's charts/).
func fixtureCharts(t *testing.T, repo string) []string {
	t.Helper()
	var out []string
	for _, top := range []string{"parsers/helm/testdata", "rules/testdata", "testdata", "linter/testdata", "cmd/pvlint/testdata"} {
		base := filepath.Join(repo, top)
		if _, err := os.Stat(base); err != nil {
			continue
		}
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "charts" && fileExists(filepath.Join(filepath.Dir(p), "Chart.yaml")) {
				return fs.SkipDir // subcharts render with their parent
			}
			if !d.IsDir() && d.Name() == "Chart.yaml" {
				rel, _ := filepath.Rel(repo, filepath.Dir(p))
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// valuesFor lists the extra values files a fixture chart is tested with.
var valuesFor = map[string][][]string{
	"rules/testdata/helm/charts/vault-cache": {nil, {"rules/testdata/helm/secure-values.yaml"}},
}

// Every fixture chart renders to the same objects in pvlint and in Helm's
// own install action (client-only dry run, the helm template path), object
// by object; a chart Helm refuses pvlint refuses too.
func TestFixtureChartsRenderAsHelmDoes(t *testing.T) {
	repo, err := sarifcheck.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	charts := fixtureCharts(t, repo)
	if len(charts) < 10 {
		t.Fatalf("found only %d fixture charts: %v", len(charts), charts)
	}
	compared := 0
	for _, c := range charts {
		sets := valuesFor[c]
		if sets == nil {
			sets = [][]string{nil}
		}
		for _, values := range sets {
			t.Run(strings.Join(append([]string{c}, values...), " values="), func(t *testing.T) {
				var abs []string
				for _, v := range values {
					abs = append(abs, filepath.Join(repo, v))
				}
				manifest, sdkErr := sdkRender(t, vendorFileDeps(t, filepath.Join(repo, c)), abs)
				mine, errs := Pvlint(repo, c, helm.Options{Values: values})
				if sdkErr != nil || len(errs) > 0 {
					if sdkErr == nil || len(errs) == 0 {
						t.Fatalf("only one side fails: helm %v, pvlint %v", sdkErr, errs)
					}
					return // both refuse the chart (missing values, bad YAML, ...)
				}
				want, err := Manifest([]byte(manifest))
				if err != nil {
					t.Fatalf("helm's manifest: %v", err)
				}
				for _, d := range Diff(want, mine, "helm", "pvlint") {
					t.Error(d)
				}
				if len(want) == 0 {
					t.Logf("renders no objects")
				}
				compared++
			})
		}
	}
	t.Logf("%d charts compared object by object", compared)
}

// The comparison names the object and the field that differ, and sees a
// value pvlint reads as YAML 1.1 (yes) the way the API server gets it.
func TestDiffNamesTheField(t *testing.T) {
	a, err := Manifest([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: yes\n  containers:\n    - name: c\n      image: x:1\n---\n# empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-helm\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Manifest([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: x:2\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := Diff(a, b, "helm", "pvlint")
	want := []string{
		"v1 ConfigMap /only-helm: only helm renders it",
		`v1 Pod /p: spec.containers[0].image: "x:1" vs "x:2"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
