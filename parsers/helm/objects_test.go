package helm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/parsers/limits"
)

// A chart may render at most limits.ChartObjects objects: one past it
// fails the chart, naming the limit, before any document is parsed.
func TestChartObjectsAreBounded(t *testing.T) {
	docs := func(n int) string {
		return fmt.Sprintf("{{- range until %d }}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p{{ . }}}\n{{- end }}\n", n)
	}
	// The chart of renderTemplate has one object more (good.yaml).
	res := renderTemplate(t, docs(limits.ChartObjects), Options{})
	want := limits.ChartTooManyObjects(limits.ChartObjects)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, want) || res.Errors[0].File != "c" || len(res.Resources) != 0 {
		t.Fatalf("errors %v, %d resources; want %q", res.Errors, len(res.Resources), want)
	}

	saved := chartObjects
	chartObjects = 10
	defer func() { chartObjects = saved }()
	if res := renderTemplate(t, docs(9), Options{}); len(res.Errors) != 0 || len(res.Resources) != 10 {
		t.Errorf("at the limit: errors %v, %d resources", res.Errors, len(res.Resources))
	}
	// Empty documents and comments are not objects.
	empty := "{{- range until 50 }}\n---\n# nothing\n{{- end }}\n"
	if res := renderTemplate(t, empty, Options{}); len(res.Errors) != 0 || len(res.Resources) != 1 {
		t.Errorf("empty documents: errors %v, %d resources", res.Errors, len(res.Resources))
	}
	// The items of a kind: List count: the check after parsing.
	list := "apiVersion: v1\nkind: List\nitems:\n{{- range until 12 }}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c{{ . }}}}\n{{- end }}\n"
	res = renderTemplate(t, list, Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, limits.ChartTooManyObjects(10)) {
		t.Errorf("List: errors %v", res.Errors)
	}
}

func TestCountDocuments(t *testing.T) {
	for in, want := range map[string]int{
		"":                               0,
		"a: 1\n":                         1,
		"---\na: 1\n---\nb: 2\n":         2,
		"# c\n---\n\n---\n# d\n":         0,
		"a: |\n  ---\n  x\n---\nb: 1":    2,
		"--- {a: 1}\n--- # c\n---x: 1\n": 2,
		"---\r\na: 1\r\n---\r\nb: 1\r\n": 2,
		"apiVersion: v1\nkind: List\nitems: []\n": 1,
	} {
		if got := k8s.CountDocuments([]byte(in)); got != want {
			t.Errorf("CountDocuments(%q) = %d, want %d", in, got, want)
		}
	}
}
