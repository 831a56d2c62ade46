package custom

import (
	"reflect"
	"sync"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/pvlint/pvlint/linter/graph"
)

// index is what the CEL functions read from one scan, built once per graph
// and shared by every custom rule: each resource as a CEL value (the plain
// maps and lists the API server gives an unstructured object, so a policy
// sees the same values as at admission), converted on first use, and the
// way back from such a value to its resource.
type index struct {
	g    *graph.Graph
	mu   sync.Mutex
	vals map[*graph.Resource]map[string]any
	back map[uintptr]*graph.Resource
}

func indexOf(g *graph.Graph) *index {
	return g.Memo("custom-cel-index", func() any {
		return &index{g: g, vals: map[*graph.Resource]map[string]any{}, back: map[uintptr]*graph.Resource{}}
	}).(*index)
}

// value returns r as a CEL value: a Kubernetes object's fields, or a
// Terraform resource's evaluated arguments.
func (ix *index) value(r *graph.Resource) map[string]any {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if v, ok := ix.vals[r]; ok {
		return v
	}
	v, _ := native(r.Root).(map[string]any)
	if v == nil {
		v = map[string]any{}
	}
	ix.vals[r] = v
	ix.back[reflect.ValueOf(v).Pointer()] = r
	return v
}

// resourceOf returns the resource a CEL value stands for, or nil when v is
// not an object of the scan (a literal, a list, null).
func (ix *index) resourceOf(v ref.Val) *graph.Resource {
	m, ok := v.Value().(map[string]any)
	if !ok || m == nil {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.back[reflect.ValueOf(m).Pointer()]
}

// unknownVal is a value pvlint could not evaluate (a Terraform expression
// known only after apply): a CEL unknown, so whatever depends on it is
// undecided, never a pass and never a fail.
var unknownVal = types.NewUnknown(0, nil)

// native converts a node tree into the values an unstructured object holds,
// with CEL unknowns where the value could not be evaluated. A key with a
// null value (`initContainers:` left empty by a template) is absent at
// admission: the API server decodes the object into its Go type and back,
// which drops nulls, so has() is false there and must be here.
func native(n *graph.Node) any {
	return n.Plain(graph.PlainOptions{Unknown: func(*graph.Node) any { return unknownVal }, DropNulls: true})
}
