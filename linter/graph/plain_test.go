package graph_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

func TestPlain(t *testing.T) {
	rs, _, err := k8s.ParseBytes("p.yaml", []byte(`apiVersion: v1
kind: ConfigMap
metadata: {name: p}
data:
  s: "text"
  i: 42
  hex: 0x1F
  under: 1_000
  f: 1.5
  inf: .inf
  b: true
  n: null
  l: [1, "two", false]
`), k8s.Options{})
	if err != nil || len(rs) != 1 {
		t.Fatal(rs, err)
	}
	data := rs[0].Root.Get("data")
	want := map[string]any{"s": "text", "i": int64(42), "hex": int64(31), "under": int64(1000), "f": 1.5,
		"inf": math.Inf(1), "b": true, "n": nil, "l": []any{int64(1), "two", false}}
	if got := data.Plain(graph.PlainOptions{}); !reflect.DeepEqual(got, want) {
		t.Errorf("Plain:\n got %#v\nwant %#v", got, want)
	}
	dropped := data.Plain(graph.PlainOptions{DropNulls: true, Floats: true}).(map[string]any)
	if _, ok := dropped["n"]; ok {
		t.Errorf("DropNulls kept the null key")
	}
	if dropped["i"] != float64(42) || !reflect.DeepEqual(dropped["l"], []any{float64(1), "two", false}) {
		t.Errorf("Floats: %#v", dropped)
	}
	u := graph.NewUnknown("var.x", graph.Pos{Line: 1, Col: 1})
	if got := u.Plain(graph.PlainOptions{}); got != "var.x" {
		t.Errorf("unknown without a handler = %#v", got)
	}
	if got := u.Plain(graph.PlainOptions{Unknown: func(*graph.Node) any { return 7 }}); got != 7 {
		t.Errorf("unknown with a handler = %#v", got)
	}
}
