package helm

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Which fields of a packaged subchart's objects a values file outside the
// archive decided, and where: the layer of highest precedence that sets
// the value, through an alias, an intermediate chart directory, globals and
// toYaml; never a default the action chose, a value set by --set, or the
// subchart's own values.yaml.
func TestPackagedValueSites(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "src"), map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: db\nversion: 1.0.0\n",
		"values.yaml": "own: sub-default\nmode: \"\"\nsc:\n  runAsUser: 1000\n  fsGroup: 1000\nglobal:\n  region: none\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n" +
			"  own: {{ .Values.own }}\n" +
			"  mode: {{ default \"fallback\" .Values.mode | quote }}\n" +
			"  flag: {{ $.Values.flag | quote }}\n" +
			"  cli: {{ .Values.cli }}\n" +
			"  region: {{ .Values.global.region }}\n" +
			"  sc:\n    {{- toYaml .Values.sc | nindent 4 }}\n",
	})
	writeFiles(t, filepath.Join(root, "app"), map[string]string{
		"Chart.yaml":                     "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: mid\n    version: 1.0.0\n",
		"values.yaml":                    "mid:\n  store:\n    flag: from-app\n    sc:\n      runAsUser: 0\nglobal:\n  region: eu\n",
		"prod.yaml":                      "mid:\n  store:\n    cli: from-file\n",
		"charts/mid/Chart.yaml":          "apiVersion: v2\nname: mid\nversion: 1.0.0\ndependencies:\n  - name: db\n    alias: store\n    version: 1.0.0\n",
		"charts/mid/values.yaml":         "store:\n  flag: from-mid\n  mode: mid-mode\n",
		"charts/mid/templates/none.yaml": "",
	})
	writeTgz(t, filepath.Join(root, "src"), filepath.Join(root, "app", "charts", "mid", "charts", "db-1.0.0.tgz"), "db")
	res := Render(root, "app", Options{Values: []string{"app/prod.yaml"}, Set: []string{"mid.store.cli=from-set"}})
	if len(res.Errors) > 0 {
		t.Fatal(errs(res))
	}
	cm := find(t, res, "ConfigMap", "db")
	p := cm.Origin().Packaged
	if p == nil || p.At.File != "app/charts/mid/Chart.yaml" {
		t.Fatalf("packaged %+v", p)
	}
	var got []string
	for _, s := range p.Set {
		got = append(got, fmt.Sprintf("%s=%s@%s:%d:%d%s", s.Field, s.Value, s.At.File, s.At.Line, s.At.Col, s.By))
	}
	want := []string{
		"data.mode=store.mode@app/charts/mid/values.yaml:3:3", // the intermediate chart's values.yaml
		"data.flag=mid.store.flag@app/values.yaml:3:5",        // the root's, over mid's
		"data.cli=mid.store.cli@:0:0--set",                    // --set, over prod.yaml: no line
		"data.region=global.region@app/values.yaml:7:3",
		"data.sc.runAsUser=mid.store.sc.runAsUser@app/values.yaml:5:7",
		// data.own and data.sc.fsGroup: the subchart's defaults.
	}
	if !slices.Equal(got, want) {
		t.Errorf("sites\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v, _ := cm.Root.Path("data", "cli").Str(); v != "from-set" {
		t.Errorf("cli %q", v)
	}

	// Without --set, prod.yaml sets cli; a default the action chose is
	// not a value of any file.
	res = Render(root, "app", Options{Values: []string{"app/prod.yaml"}, Set: []string{"mid.store.mode="}})
	cm = find(t, res, "ConfigMap", "db")
	got = got[:0]
	for _, s := range cm.Origin().Packaged.Set {
		got = append(got, fmt.Sprintf("%s=%s@%s:%d", s.Field, s.Value, s.At.File, s.At.Line))
	}
	if !slices.Contains(got, "data.cli=mid.store.cli@app/prod.yaml:3") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "data.mode=") }) {
		t.Errorf("sites %v", got)
	}
}
