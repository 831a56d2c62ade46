// Package helmfidelity checks that pvlint renders a chart to the objects
// Helm itself renders: the mapping layer of parsers/helm must never change
// what was rendered. It turns both sides into canonical JSON values (as the
// API server would receive them) and compares them object by object.
//
// The test in this package renders every fixture chart of the repository
// both ways in-process (Helm's action.Install in client-only dry-run mode,
// the `helm template` path); cmd/helmdiff and scripts/helm-fidelity.sh do
// the same against the output of an installed helm v4 binary.
package helmfidelity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/helm"
)

// Object is one rendered object: its identity and canonical JSON value.
type Object struct {
	Key   string // apiVersion kind namespace/name, as rendered (no defaulting)
	Value any    // JSON types: map[string]any, []any, string, float64, bool, nil
}

// Pvlint renders chart (relative to root) with parsers/helm and returns its
// objects in canonical form.
func Pvlint(root, chart string, opt helm.Options) ([]Object, []parsers.Error) {
	res := helm.Render(root, chart, opt)
	out := make([]Object, 0, len(res.Resources))
	for _, r := range res.Resources {
		v := nodeValue(r.Root)
		out = append(out, Object{Key: key(v), Value: v})
	}
	sortObjects(out)
	return out, res.Errors
}

// Manifest splits a rendered manifest stream (helm template's output or a
// release's manifest) into canonical objects, converting each document as
// Helm's client does before it sends it (sigs.k8s.io/yaml).
func Manifest(stream []byte) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	var out []Object
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
			continue // an empty document
		}
		text, err := yaml.Marshal(&doc)
		if err != nil {
			return nil, err
		}
		var v any
		if err := sigsyaml.Unmarshal(text, &v); err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		out = append(out, Object{Key: key(v), Value: normalize(v)})
	}
	sortObjects(out)
	return out, nil
}

// Diff compares two object lists and describes every difference, naming
// the object and the first differing field; nil when they agree.
func Diff(want, got []Object, wantName, gotName string) []string {
	return DiffIgnoring(want, got, wantName, gotName, nil)
}

// Unstable returns the fields that differ between two renderings of the
// same chart by the same renderer (randAlphaNum passwords, checksums of
// them, timestamps), by object key: they cannot agree with anything.
func Unstable(a, b []Object) map[string]bool {
	out := map[string]bool{}
	if len(a) != len(b) {
		return out
	}
	for i := range a {
		if a[i].Key == b[i].Key {
			collectDiffs(a[i].Value, b[i].Value, a[i].Key+" ", out)
		}
	}
	return out
}

func collectDiffs(a, b any, at string, out map[string]bool) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			out[at] = true
			return
		}
		for k := range av {
			collectDiffs(av[k], bv[k], at+"."+k, out)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				out[at+"."+k] = true
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			out[at] = true
			return
		}
		for i := range av {
			collectDiffs(av[i], bv[i], fmt.Sprintf("%s[%d]", at, i), out)
		}
	default:
		if a != b {
			out[at] = true
		}
	}
}

// DiffIgnoring is Diff that passes over the fields in ignore (keyed as
// Unstable returns them).
func DiffIgnoring(want, got []Object, wantName, gotName string, ignore map[string]bool) []string {
	var out []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || i < len(want) && want[i].Key < got[j].Key:
			out = append(out, fmt.Sprintf("%s: only %s renders it", want[i].Key, wantName))
			i++
		case i >= len(want) || got[j].Key < want[i].Key:
			out = append(out, fmt.Sprintf("%s: only %s renders it", got[j].Key, gotName))
			j++
		default:
			if d := firstDiff(want[i].Value, got[j].Value, "", want[i].Key+" ", ignore); d != "" {
				out = append(out, fmt.Sprintf("%s: %s", want[i].Key, d))
			}
			i++
			j++
		}
	}
	return out
}

func firstDiff(a, b any, at, key string, ignore map[string]bool) string {
	if ignore[key+at] {
		return ""
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %s vs %s", orRoot(at), show(a), show(b))
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := firstDiff(av[k], bv[k], at+"."+k, key, ignore); d != "" {
				return d
			}
		}
		return ""
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: %s vs %s", orRoot(at), show(a), show(b))
		}
		for i := range av {
			if d := firstDiff(av[i], bv[i], fmt.Sprintf("%s[%d]", at, i), key, ignore); d != "" {
				return d
			}
		}
		return ""
	default:
		if a != b {
			return fmt.Sprintf("%s: %s vs %s", orRoot(at), show(a), show(b))
		}
		return ""
	}
}

func orRoot(at string) string {
	if at == "" {
		return "(object)"
	}
	return strings.TrimPrefix(at, ".")
}

func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		b = append(b[:200], "..."...)
	}
	return string(b)
}

// nodeValue turns a graph node into the JSON value the API server gets
// (numbers as encoding/json decodes them); an unknown value shows as text.
func nodeValue(n *graph.Node) any {
	return n.Plain(graph.PlainOptions{Floats: true, Unknown: func(n *graph.Node) any { return "<unknown " + n.Value() + ">" }})
}

// normalize gives sigs.k8s.io/yaml's numbers (int64, float64) one type.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return v
}

func key(v any) string {
	m, _ := v.(map[string]any)
	str := func(x any) string { s, _ := x.(string); return s }
	meta, _ := m["metadata"].(map[string]any)
	return fmt.Sprintf("%s %s %s/%s", str(m["apiVersion"]), str(m["kind"]), str(meta["namespace"]), str(meta["name"]))
}

// sortObjects orders by key, then by canonical JSON, so that two lists of
// the same objects compare in the same order whatever the render order.
func sortObjects(objs []Object) {
	type keyed struct {
		o   Object
		enc string
	}
	ks := make([]keyed, len(objs))
	for i, o := range objs {
		b, _ := json.Marshal(o.Value)
		ks[i] = keyed{o, string(b)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if ks[i].o.Key != ks[j].o.Key {
			return ks[i].o.Key < ks[j].o.Key
		}
		return ks[i].enc < ks[j].enc
	})
	for i := range ks {
		objs[i] = ks[i].o
	}
}
