package k8s

import (
	"runtime"
	"testing"
	"weak"

	"github.com/pvlint/pvlint/linter/graph"
)

// TestPrunedSubtreesAreFreed: the parser carves child arrays from blocks
// shared by the objects of a file, so a subtree that pruning drops must not
// stay reachable through its old array while a neighbour keeps the block
// alive. Two ConfigMaps share a block; after pruning, the first one's data
// (a map and its value) must be collectable while both objects are held.
func TestPrunedSubtreesAreFreed(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: first\n---\n" +
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  key: second\n"
	rs, _, err := ParseBytes("cm.yaml", []byte(src), Options{Buffers: NewBuffers()})
	if err != nil || len(rs) != 2 {
		t.Fatalf("parse: %d objects, %v", len(rs), err)
	}
	data := rs[0].Root.Get("data")
	value := weak.Make(data.Get("key"))
	dataRef := weak.Make(data)
	data = nil
	for _, r := range rs {
		graph.Prune(r)
	}
	if rs[0].Root.Get("data") != nil {
		t.Fatal("Prune kept a ConfigMap's data")
	}
	runtime.GC()
	runtime.GC()
	if value.Value() != nil || dataRef.Value() != nil {
		t.Errorf("a pruned subtree is still reachable (data %v, value %v)", dataRef.Value() != nil, value.Value() != nil)
	}
	if n, _ := rs[1].Root.Path("metadata", "name").Str(); n != "b" {
		t.Errorf("the second object lost its name: %q", n)
	}
	runtime.KeepAlive(rs)
}
