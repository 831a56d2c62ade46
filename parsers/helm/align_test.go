package helm

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// twoRanges renders two range loops of identical text over different
// values, with a literal item between them (when literal is set). The
// range expressions are given so that a case can hide their counts.
func twoRanges(first, second string, literal bool) string {
	mid := ""
	if literal {
		mid = "        - name: scratch\n          emptyDir: {}\n"
	}
	return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: busybox
      volumes:
        {{- range $_, $m := ` + first + ` }}
        - name: {{ $m.name }}
          hostPath:
            path: {{ $m.hostPath }}
        {{- end }}
` + mid + `        {{- range $_, $m := ` + second + ` }}
        - name: {{ $m.name }}
          hostPath:
            path: {{ $m.hostPath }}
        {{- end }}
`
}

const twoRangeValues = `first:
  - {name: logs, hostPath: /var/log/app}
  - {name: cache, hostPath: /var/cache/app}
second:
  - {name: dockersock, hostPath: /var/run/docker.sock}
  - {name: kubelet, hostPath: /var/lib/kubelet}
`

// volumeLines returns, for each rendered volume, the line and precision of
// its hostPath.path (or of the item when it has none).
func volumeLines(t *testing.T, r *graph.Resource) []string {
	t.Helper()
	vols := r.Root.Path("spec", "template", "spec", "volumes")
	if vols == nil {
		t.Fatal("no volumes")
	}
	var out []string
	for _, v := range vols.Children() {
		name, _ := v.Get("name").Str()
		n := v.Path("hostPath", "path")
		if n == nil {
			n = v
		}
		p := n.KeyPos()
		if p.IsZero() {
			p = n.Pos()
		}
		out = append(out, fmt.Sprintf("%s@%d/%s", name, p.Line, n.Precision))
	}
	return out
}

func renderOne(t *testing.T, files map[string]string, dir string) *graph.Resource {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, filepath.Join(root, "c"), files)
	res := Render(root, dir, Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if len(res.Resources) != 1 {
		t.Fatalf("%d resources", len(res.Resources))
	}
	return res.Resources[0]
}

// Items rendered by a later range block map to that block's lines, even
// when the two blocks have the same text (a field report: a second loop's
// hostPath mapped to the first loop's line, marked exact, so that an
// inline ignore written for the first loop hid the second's finding).
func TestIdenticalRangesMapToTheirOwnLines(t *testing.T) {
	const chart = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
	cases := []struct {
		name, first, second, values string
		literal                     bool
		want                        []string
	}{{
		name: "counts from the values, literal between", first: ".Values.first", second: ".Values.second", literal: true,
		values: twoRangeValues,
		want:   []string{"logs@19/exact", "cache@19/exact", "scratch@21/exact", "dockersock@26/exact", "kubelet@26/exact"},
	}, {
		name: "counts from the values, no literal", first: ".Values.first", second: "$.Values.second",
		values: twoRangeValues,
		want:   []string{"logs@19/exact", "cache@19/exact", "dockersock@24/exact", "kubelet@24/exact"},
	}, {
		name: "unknown counts, the literal item orders them", first: "(.Values.first | default list)", second: "(.Values.second | default list)", literal: true,
		values: twoRangeValues,
		want:   []string{"logs@19/exact", "cache@19/exact", "scratch@21/exact", "dockersock@26/exact", "kubelet@26/exact"},
	}, {
		name: "unknown counts, first loop empty", first: "(.Values.first | default list)", second: "(.Values.second | default list)", literal: true,
		values: "first: []\n" + twoRangeValues[strings.Index(twoRangeValues, "second:"):],
		want:   []string{"scratch@21/exact", "dockersock@26/exact", "kubelet@26/exact"},
	}, {
		name: "unknown counts, second loop empty", first: "(.Values.first | default list)", second: "(.Values.second | default list)", literal: true,
		values: twoRangeValues[:strings.Index(twoRangeValues, "second:")] + "second: {}\n",
		want:   []string{"logs@19/exact", "cache@19/exact", "scratch@21/exact"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := renderOne(t, map[string]string{
				"Chart.yaml":        chart,
				"values.yaml":       c.values,
				"templates/ds.yaml": twoRanges(c.first, c.second, c.literal),
			}, "c")
			if got := volumeLines(t, r); strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}

// An item whose loop cannot be told, here two loops of unknown length with
// nothing between them, is only known to be in the object: never a line of
// one of the loops marked exact.
func TestAmbiguousItemIsNotExact(t *testing.T) {
	r := renderOne(t, map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"values.yaml":       "first:\n  - {name: logs, hostPath: /var/log/app}\nsecond:\n  - {name: dockersock, hostPath: /var/run/docker.sock}\n",
		"templates/ds.yaml": twoRanges("(.Values.first | default list)", "(.Values.second | default list)", false),
	}, "c")
	want := []string{"logs@2/object", "dockersock@2/object"}
	if got := volumeLines(t, r); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// A conditional literal item, and the else branch of a range, are placed
// by what the values say renders.
func TestConditionalItemsFollowTheValues(t *testing.T) {
	tpl := `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: busybox
  volumes:
    {{- range (.Values.first | default list) }}
    - name: {{ .name }}
      hostPath:
        path: {{ .hostPath }}
    {{- end }}
    {{- if not .Values.noSock }}
    - name: sock
      hostPath:
        path: /var/run/docker.sock
    {{- end }}
    {{- range .Values.second }}
    - name: {{ .name }}
      hostPath:
        path: {{ .hostPath }}
    {{- else }}
    - name: fallback
      hostPath:
        path: /srv
    {{- end }}
`
	for _, c := range []struct {
		values string
		want   []string
	}{
		{"noSock: true\nfirst: [{name: a, hostPath: /a}]\nsecond: [{name: b, hostPath: /b}]\n", []string{"a@13/exact", "b@23/exact"}},
		{"first: [{name: a, hostPath: /a}]\nsecond: []\n", []string{"a@13/exact", "sock@18/exact", "fallback@27/exact"}},
		{"noSock: true\nfirst: [{name: a, hostPath: /a}]\n", []string{"a@13/exact", "fallback@27/exact"}},
	} {
		root := t.TempDir()
		writeFiles(t, filepath.Join(root, "c"), map[string]string{
			"Chart.yaml":       "apiVersion: v2\nname: c\nversion: 0.1.0\n",
			"values.yaml":      c.values,
			"templates/p.yaml": tpl,
		})
		res := Render(root, "c", Options{})
		if len(res.Errors) > 0 || len(res.Resources) != 1 {
			t.Fatal(res.Errors)
		}
		vols := res.Resources[0].Root.Path("spec", "volumes")
		var got []string
		for _, v := range vols.Children() {
			name, _ := v.Get("name").Str()
			n := v.Path("hostPath", "path")
			got = append(got, fmt.Sprintf("%s@%d/%s", name, n.KeyPos().Line, n.Precision))
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("values %q:\ngot  %v\nwant %v", c.values, got, c.want)
		}
	}
}

// A subchart's loops are counted with its own scope of the values: the
// parent's override of the subchart's list, not the subchart's default.
func TestSubchartRangesUseScopedValues(t *testing.T) {
	r := renderOne(t, map[string]string{
		"Chart.yaml":                   "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n",
		"values.yaml":                  "sub:\n  first: []\n  second:\n    - {name: dockersock, hostPath: /var/run/docker.sock}\n",
		"charts/sub/Chart.yaml":        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		"charts/sub/values.yaml":       "first:\n  - {name: logs, hostPath: /var/log/app}\nsecond: []\n",
		"charts/sub/templates/ds.yaml": twoRanges(".Values.first", ".Values.second", false),
	}, "c")
	want := []string{"dockersock@24/exact"}
	if got := volumeLines(t, r); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// A key written in both branches of an if/else inside a list item (verbs:
// one list or another) does not make the item ambiguous: the branch whose
// literal agrees with what rendered explains it, so the item and its other
// keys keep their exact lines (cockroachdb's role.yaml put PVL303 on the
// object's first line).
func TestKeyInBothBranchesKeepsTheItem(t *testing.T) {
	tpl := `kind: Role
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: r
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    {{- if .Values.tls }}
    verbs: ["get"]
    {{- else }}
    verbs: ["create", "get"]
    {{- end }}
`
	for tls, verbsLine := range map[string]int{"true": 9, "false": 11} {
		r := renderOne(t, map[string]string{
			"Chart.yaml":          "apiVersion: v2\nname: c\nversion: 0.1.0\n",
			"values.yaml":         "tls: " + tls + "\n",
			"templates/role.yaml": tpl,
		}, "c")
		item := r.Root.Get("rules").Children()[0]
		res, verbs := item.Get("resources"), item.Get("verbs")
		if item.Precision != graph.Exact || res.KeyPos().Line != 7 || res.Precision != graph.Exact {
			t.Errorf("tls=%s: item %v %v, resources at %v %v", tls, item.Pos(), item.Precision, res.KeyPos(), res.Precision)
		}
		if verbs.KeyPos().Line != verbsLine || verbs.Precision != graph.Exact {
			t.Errorf("tls=%s: verbs at %v %v, want line %d", tls, verbs.KeyPos(), verbs.Precision, verbsLine)
		}
	}
}
