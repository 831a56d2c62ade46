package graph

import (
	"bytes"
	"encoding/gob"
	"testing"
	"unsafe"
)

// TestNodeSize keeps a Node at 56 bytes (the 64-byte size class) on 64-bit platforms: a scan holds
// one per key and value of every object (see the layout in node.go).
func TestNodeSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("32-bit platform")
	}
	if got := unsafe.Sizeof(Node{}); got != 56 {
		t.Errorf("graph.Node is %d bytes, want 56", got)
	}
}

// TestResourceSize keeps a Resource in the 240-byte size class: a scan of
// many small manifests holds one per object (Origin and the Terraform
// links are behind pointers for that).
func TestResourceSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("32-bit platform")
	}
	if got := unsafe.Sizeof(Resource{}); got > 240 {
		t.Errorf("graph.Resource is %d bytes, want at most 240", got)
	}
}

// TestNodeGob round-trips a tree through encoding/gob (the Helm cache):
// kinds, tags, precision, values, keys, files and positions survive.
func TestNodeGob(t *testing.T) {
	root := NewMap(Pos{Line: 1, Col: 1})
	v := NewScalar("x", TagBool, Pos{Line: 2, Col: 7})
	v.SetFile("other.tf")
	v.Precision = Insertion
	root.Set("a", Pos{Line: 2, Col: 3}, v)
	l := NewList(Pos{Line: 3, Col: 1 << 20})
	l.Append(NewUnknown("var.x", Pos{Line: 4, Col: 5}))
	l.Append(NewNull(Pos{}))
	root.Set("b", Pos{Line: 3, Col: 1}, l)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(root); err != nil {
		t.Fatal(err)
	}
	var got Node
	if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if !Equal(&got, root) {
		t.Errorf("round trip: got %+v, want %+v", &got, root)
	}
	if err := got.GobDecode([]byte{1, 2}); err == nil {
		t.Error("a damaged encoding decoded")
	}
}

// TestDeepEqual compares trees built apart by what they hold, inside
// other values, and tells a changed position, text or key apart.
func TestDeepEqual(t *testing.T) {
	build := func(line int, text, key string) []*Resource {
		root := NewMap(Pos{Line: 1, Col: 1})
		root.Set(key, Pos{Line: line, Col: 1}, NewScalar(text, TagString, Pos{Line: line, Col: 4}))
		return []*Resource{{Kind: "Pod", Root: root, Start: Pos{Line: 1, Col: 1}}}
	}
	same := build(2, "x", "a")
	if !DeepEqual(same, build(2, "x"[:1], "a")) {
		t.Error("equal trees differ")
	}
	for name, other := range map[string][]*Resource{
		"line": build(3, "x", "a"), "text": build(2, "y", "a"), "key": build(2, "x", "b"),
	} {
		if DeepEqual(same, other) {
			t.Errorf("a changed %s compares equal", name)
		}
	}
	var n Node
	if !DeepEqual(struct{ N Node }{n}, struct{ N Node }{}) || DeepEqual(1, "1") {
		t.Error("values compare wrong")
	}
}
