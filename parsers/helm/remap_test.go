package helm

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// Each case renders one template and checks where nodes land.
func TestRemapCases(t *testing.T) {
	type want struct {
		path string
		line int
		prec graph.Precision
		file string // inside the chart; "" for the template
	}
	cases := []struct {
		name, tpl, helpers, values string
		want                       []want
	}{{
		name:   "list items inserting values told apart by their literal text",
		values: "configuration:\n  defaultSnapshotMoveData: true\n",
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      args:
        - server
      {{- with .Values.configuration }}
        {{- with .backupSyncPeriod }}
        - --backup-sync-period={{ . }}
        {{- end }}
        {{- with .defaultSnapshotMoveData }}
        - --default-snapshot-move-data={{ . }}
        {{- end }}
      {{- end }}
`,
		want: []want{{"spec.containers.0.args.1", 15, graph.Exact, ""}},
	}, {
		name: "compact list",
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  volumes:
  - name: a
    hostPath:
      path: /x
  containers:
  - name: c
`,
		want: []want{{"spec.volumes.0.hostPath.path", 9, graph.Exact, ""}, {"spec.containers.0.name", 11, graph.Exact, ""}},
	}, {
		name:   "toYaml at column 0 under its key",
		values: "sc:\n  privileged: true\n",
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      securityContext:
{{ toYaml .Values.sc | indent 8 }}
      image: x
`,
		want: []want{{"spec.containers.0.securityContext.privileged", 9, graph.Insertion, ""}, {"spec.containers.0.image", 10, graph.Exact, ""}},
	}, {
		name:   "if else alternatives",
		values: "fast: false\n",
		tpl: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: c
spec:
  {{- if .Values.fast }}
  storageClassName: fast
  {{- else }}
  storageClassName: slow
  {{- end }}
`,
		want: []want{{"spec.storageClassName", 9, graph.Exact, ""}},
	}, {
		name:    "multi-line action and define",
		helpers: `{{- define "x" }}{{ .a }}{{ end }}`,
		tpl: `{{- define "local" }}
kind: NotThis
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "x" (dict
    "a" "cm") }}
  labels:
    a: b
`,
		want: []want{{"kind", 5, graph.Exact, ""}, {"metadata.name", 7, graph.Exact, ""}, {"metadata.labels.a", 10, graph.Exact, ""}},
	}, {
		name:   "templated key",
		values: "k: custom\n",
		tpl: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  {{ .Values.k }}: v
  fixed: w
`,
		want: []want{{"data.custom", 6, graph.Insertion, ""}, {"data.fixed", 7, graph.Exact, ""}},
	}, {
		name:    "whole document from a helper",
		helpers: "{{- define \"cm\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n{{- end }}\n",
		tpl:     "# generated\n{{ include \"cm\" . }}\n",
		// Mapped into the define block (issue 12); the include is IncludedAt.
		want: []want{{"metadata.name", 5, graph.Exact, "templates/_helpers.tpl"}, {"kind", 3, graph.Exact, "templates/_helpers.tpl"}},
	}, {
		name:   "documents from a range",
		values: "names: [a, b]\n",
		tpl: `{{- range .Values.names }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ . }}
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
`,
		want: []want{{"metadata.name", 6, graph.Exact, ""}},
	}, {
		name:   "nindent trailing a literal key",
		values: "extra:\n  x: y\n",
		tpl: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels:
    app: a
  {{- with .Values.extra }}
  {{- toYaml . | nindent 4 }}
  {{- end }}
data:
  k: v
`,
		want: []want{{"metadata.labels.x", 8, graph.Insertion, ""}, {"metadata.labels.app", 6, graph.Exact, ""}, {"data.k", 11, graph.Exact, ""}},
	}, {
		name: "flow and block scalars",
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {a: b}
spec:
  containers:
    - name: c
      args: ["--x", "--y"]
      command:
        - sh
        - -c
        - |
          echo hi
          path: not-a-key
      env:
        - name: A
`,
		want: []want{{"metadata.annotations.a", 5, graph.Exact, ""}, {"spec.containers.0.args.1", 9, graph.Exact, ""},
			{"spec.containers.0.command.2", 13, graph.Exact, ""}, {"spec.containers.0.env.0.name", 17, graph.Exact, ""}},
	}, {
		// Issue 12: keys an included helper writes under a key of the
		// template point into the define block (the helper's file).
		name: "map keys from included helpers",
		helpers: `{{- define "sc" }}
privileged: true
runAsUser: 0
{{- end }}
{{- define "vol" -}}
hostPath:
  path: /var/lib
{{- end }}
{{- define "labels" -}}
app: {{ .Chart.Name }}
{{ include "more" . }}
{{- end }}
{{- define "more" -}}
tier: db
{{- end }}
`,
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {{- include "labels" . | nindent 4 }}
spec:
  containers:
    - name: c
      securityContext:
        {{- include "sc" . | nindent 8 }}
      image: x
  volumes:
    - name: v
      {{- include "vol" . | nindent 6 }}
    - name: w
      emptyDir: {}
`,
		want: []want{
			{"spec.containers.0.securityContext.privileged", 2, graph.Exact, "templates/_helpers.tpl"},
			{"spec.containers.0.securityContext.runAsUser", 3, graph.Exact, "templates/_helpers.tpl"},
			{"spec.containers.0.image", 11, graph.Exact, ""},
			{"spec.volumes.0.hostPath.path", 7, graph.Exact, "templates/_helpers.tpl"},
			{"spec.volumes.0.name", 13, graph.Exact, ""},
			{"spec.volumes.1.emptyDir", 16, graph.Exact, ""},
			{"metadata.labels.app", 10, graph.Exact, "templates/_helpers.tpl"},
			{"metadata.labels.tier", 14, graph.Exact, "templates/_helpers.tpl"},
		},
	}, {
		// longhorn's services, bitnami's labels: keys written after an
		// inline include stay on their own lines, the helper's in the
		// helper; list items of a helper included by the included helper
		// (bitnami kafka.commonEnv → kafka.saslEnv) point into it.
		name: "keys after an inline include, items of nested helpers",
		helpers: `{{- define "labels" -}}
tier: x
{{- end }}
{{- define "env" -}}
- name: A
  value: a
{{ include "sasl" . }}
{{- end }}
{{- define "sasl" -}}
- name: USER
  value: u
- name: PASSWORD_FILE
  value: /p
{{- end }}
`,
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {{- include "labels" . | nindent 4 }}
    app: own
spec:
  containers:
    - name: c
      env:
        - name: OWN
          value: o
        {{- include "env" . | nindent 8 }}
`,
		want: []want{
			{"metadata.labels.app", 6, graph.Exact, ""},
			{"metadata.labels.tier", 2, graph.Exact, "templates/_helpers.tpl"},
			{"spec.containers.0.env.0.name", 11, graph.Exact, ""},
			{"spec.containers.0.env.1.name", 5, graph.Exact, "templates/_helpers.tpl"},
			{"spec.containers.0.env.3.value", 13, graph.Exact, "templates/_helpers.tpl"},
		},
	}, {
		name: "a helper's key not found stays on the include line",
		helpers: `{{- define "sc" }}
{{- toYaml .Values.sc }}
{{- end }}
`,
		values: "sc:\n  privileged: true\n",
		tpl: `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      securityContext: {{- include "sc" . | nindent 8 }}
`,
		want: []want{{"spec.containers.0.securityContext.privileged", 8, graph.Insertion, ""}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			files := map[string]string{
				"Chart.yaml":       "apiVersion: v2\nname: c\nversion: 0.1.0\n",
				"values.yaml":      c.values,
				"templates/t.yaml": c.tpl,
			}
			if c.helpers != "" {
				files["templates/_helpers.tpl"] = c.helpers
			}
			writeFiles(t, filepath.Join(root, "c"), files)
			res := Render(root, "c", Options{})
			if len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
			if len(res.Resources) == 0 {
				t.Fatal("nothing rendered")
			}
			r := res.Resources[0]
			for _, w := range c.want {
				n := r.Root.Path(strings.Split(w.path, ".")...)
				if n == nil {
					t.Errorf("no %s", w.path)
					continue
				}
				p := n.KeyPos()
				if p.IsZero() {
					p = n.Pos()
				}
				file := n.File()
				if file == "" {
					file = r.File
				}
				wantFile := "c/templates/t.yaml"
				if w.file != "" {
					wantFile = "c/" + w.file
				}
				if p.Line != w.line || n.Precision != w.prec || file != wantFile {
					t.Errorf("%s at %s:%d (%s), want %s:%d (%s)", w.path, file, p.Line, n.Precision, wantFile, w.line, w.prec)
				}
			}
		})
	}
}

func TestRangeDocumentsMapToTheirTemplate(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"values.yaml": "names: [a, b]\n",
		"templates/t.yaml": `{{- range .Values.names }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ . }}
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after
`,
	})
	res := Render(root, "c", Options{})
	if len(res.Resources) != 3 {
		t.Fatalf("%d resources %v", len(res.Resources), res.Errors)
	}
	for _, r := range res.Resources {
		want := 4
		if r.Kind == "ConfigMap" {
			want = 10
		}
		if r.KindPos.Line != want {
			t.Errorf("%s kind at %d, want %d", r.Title(), r.KindPos.Line, want)
		}
	}
}

func TestRemoteSchemaRefIsNotFetched(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"values.schema.json": `{"type": "object", "properties": {"x": {"$ref": "https://example.invalid/s.json"}}}`,
		"templates/cm.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
	})
	res := Render(root, "c", Options{})
	if len(res.Errors) != 0 || len(res.Resources) != 1 || len(res.Notices) != 1 {
		t.Fatalf("errors %v notices %v", res.Errors, res.Notices)
	}
}

func TestSkeletonNeverPanics(t *testing.T) {
	for _, src := range []string{"", "{{", "}}", "{{/*", "a: {{ \"}}\" }}: b", "- - - x", "\t\tkey: [", "---\n---\n", "{{ end }}{{ end }}", "key: |\n{{ x }}"} {
		sk := parseSkeleton(src)
		if len(sk.docs) == 0 {
			t.Errorf("%q: no document", src)
		}
	}
}

func FuzzSkeleton(f *testing.F) {
	f.Add("apiVersion: v1\nkind: Pod\n{{- if .x }}\nspec:\n  - a: {{ .b }}\n{{- end }}\n")
	f.Fuzz(func(t *testing.T, src string) {
		m := newRemapper(src, nil)
		r := &graph.Resource{Root: graph.NewMap(graph.Pos{Line: 1, Col: 1})}
		r.Root.Set("kind", graph.Pos{Line: 1, Col: 1}, graph.NewScalar("Pod", graph.TagString, graph.Pos{Line: 1, Col: 7}))
		m.remap(r, false)
	})
}

// manyDocsChart writes a chart whose one template holds n documents of the
// same kind and shape (issue 13: remapping was O(objects × documents)).
func manyDocsChart(t testing.TB, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ printf \"cm-%%d\" %d }}\ndata:\n  k: v\n", i)
	}
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "many"), map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: many\nversion: 0.1.0\n",
		"templates/cm.yaml": b.String(),
	})
	return root
}

// Every object of a template of 30,000 documents maps to its own document,
// in a time linear in their number (the benchmark below measures it). It is
// past limits.ChartObjects, raised here: the test is of the mapping.
func TestManyDocumentsMapToTheirOwn(t *testing.T) {
	const n = 30000
	defer allowObjects(n)()
	root := manyDocsChart(t, n)
	res := Render(root, "many", Options{})
	if len(res.Errors) > 0 || len(res.Resources) != n {
		t.Fatalf("%d resources, errors %v", len(res.Resources), res.Errors)
	}
	for i, r := range res.Resources {
		if want := 1 + i*7 + 1; r.KindPos.Line != want || r.Root.Path("data", "k").KeyPos().Line != want+4 {
			t.Fatalf("object %d (%s): kind at %d, want %d", i, r.Name, r.KindPos.Line, want)
		}
	}
}

func BenchmarkManyDocuments(b *testing.B) {
	root := manyDocsChart(b, 30000)
	defer allowObjects(30000)()
	b.ResetTimer()
	for b.Loop() {
		if res := Render(root, "many", Options{}); len(res.Resources) != 30000 {
			b.Fatal(len(res.Resources), res.Errors)
		}
	}
}

// allowObjects raises the chart object bound to n until restore is called.
func allowObjects(n int) (restore func()) {
	saved := chartObjects
	chartObjects = n
	return func() { chartObjects = saved }
}
