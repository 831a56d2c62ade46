// Package graph is pvlint's resource model: every parser produces Resources
// whose fields are Node trees that remember where each key and value was
// written, and Build links them into one Graph that the rules walk.
//
// It is a leaf package: of pvlint's own it imports only internal/parallel,
// a loop helper that imports nothing.
package graph

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Pos is a 1-based line and column in a file. The zero Pos means "unknown".
type Pos struct {
	Line, Col int
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.Line == 0 }

// NodeKind says what a Node holds.
type NodeKind uint8

const (
	Null    NodeKind = iota // an explicit null or an empty value
	Scalar                  // a string, number or boolean
	Map                     // an ordered mapping of string keys
	List                    // a sequence
	Unknown                 // a value that could not be evaluated statically (Terraform)
)

// ScalarTag is the type of a scalar as written.
type ScalarTag uint8

const (
	TagString ScalarTag = iota
	TagBool
	TagInt
	TagFloat
)

// Precision says how a node's position was found. Raw YAML and HCL are
// always Exact; Helm templates may only know where a value was inserted.
type Precision uint8

const (
	Exact       Precision = iota // the key is written at Pos/KeyPos in the file
	Insertion                    // the line that inserted the value (toYaml, include, {{ .Values.x }})
	ObjectStart                  // only the object is known; Pos is its kind: line
	Transformer                  // a Kustomize transformer wrote the value; Pos is its kustomization entry
)

func (p Precision) String() string {
	switch p {
	case Insertion:
		return "insertion"
	case ObjectStart:
		return "object"
	case Transformer:
		return "transformer"
	}
	return "exact"
}

// Node is one value of a resource with its position. A map's entries keep
// their source order; each value knows the key it is stored under (Key),
// so a map is one slice of children, as a list is.
//
// The fields are the graph package's business: parsers and rules read and
// build nodes through the methods below (Value, Pos, KeyPos, File, Key,
// Children, Set, Append ...), so that the layout can stay compact.
type Node struct {
	key string // the key this node is stored under, when it is a map value

	// data is the node's payload, one of two shapes (holdsKids says which):
	// the bytes of its scalar text (for Unknown, a short description of
	// the expression), or the backing array of its children (map values,
	// each with its key, or list items, in order), with n and c the length
	// and capacity. A node never needs both, and one pointer with two
	// 32-bit counts is 16 bytes where a string and a slice were 40. The
	// garbage collector follows an unsafe.Pointer whatever it points at;
	// val and children are the only readers, setVal and setKids the only
	// writers.
	data unsafe.Pointer
	n, c int32

	pos    pos32 // where the value starts
	keyPos pos32 // where its key is written, when the node is a map value
	// file is the file of pos and keyPos when it is not the resource's own
	// (an index into the process's file table, 0 = none): a Terraform value
	// that a module caller passed is written in the caller's file; a
	// Kustomize patch or kustomization wrote the value.
	file fileID

	Kind      NodeKind
	Tag       ScalarTag
	Precision Precision
	holdsKids bool
}

// The layout above is 56 bytes on 64-bit platforms, allocated in the
// 64-byte size class of the Go allocator (it was 80 with a string and a
// slice): a scan holds a node per key and value of every object, so
// positions are 32-bit and a node names its file through a small table.

// val is the scalar text, "" for a node that holds children.
func (n *Node) val() string {
	if n.holdsKids || n.data == nil {
		return ""
	}
	return unsafe.String((*byte)(n.data), int(n.n))
}

// setVal makes n hold the scalar text v (and no children).
func (n *Node) setVal(v string) {
	n.holdsKids, n.c = false, 0
	n.data, n.n = unsafe.Pointer(unsafe.StringData(v)), int32(len(v))
}

// children is the slice of n's children, nil for a node that holds text.
// Writing its elements writes n's own; growing it goes through setKids.
func (n *Node) children() []*Node {
	if !n.holdsKids || n.data == nil {
		return nil
	}
	return unsafe.Slice((**Node)(n.data), int(n.c))[:n.n:n.c]
}

// setKids makes n hold kids as its children (and no text).
func (n *Node) setKids(kids []*Node) {
	if cap(kids) > math.MaxInt32 {
		panic("graph: more children than a node holds") // far beyond every node budget
	}
	n.holdsKids = true
	n.data, n.n, n.c = unsafe.Pointer(unsafe.SliceData(kids)), int32(len(kids)), int32(cap(kids))
}

// pos32 is a Pos in 32 bits a field. Lines and columns past 2^31-1 (a file
// far beyond every size limit) are kept as 2^31-1.
type pos32 struct{ line, col int32 }

func packPos(p Pos) pos32 { return pos32{clamp32(p.Line), clamp32(p.Col)} }

func clamp32(v int) int32 {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	if v < math.MinInt32 {
		return math.MinInt32
	}
	return int32(v)
}

func (p pos32) unpack() Pos { return Pos{Line: int(p.line), Col: int(p.col)} }

// fileID names a file of the process-wide table of files that nodes are
// written in when it is not their resource's own (few: module callers,
// patches, kustomizations). The table only grows; names are looked up
// without a lock.
type fileID uint32

var files struct {
	mu    sync.Mutex
	ids   map[string]fileID
	names atomic.Pointer[[]string] // names[id-1]
}

func fileOf(name string) fileID {
	if name == "" {
		return 0
	}
	if names := files.names.Load(); names != nil {
		// Fast path for the common case of the latest name again.
		if l := *names; len(l) > 0 && l[len(l)-1] == name {
			return fileID(len(l))
		}
	}
	files.mu.Lock()
	defer files.mu.Unlock()
	if id, ok := files.ids[name]; ok {
		return id
	}
	if files.ids == nil {
		files.ids = map[string]fileID{}
	}
	var next []string
	if cur := files.names.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, name)
	files.names.Store(&next)
	id := fileID(len(next))
	files.ids[name] = id
	return id
}

func (id fileID) name() string {
	if id == 0 {
		return ""
	}
	return (*files.names.Load())[id-1]
}

// Value is the scalar text as written (for Unknown, a short description
// of the expression); "" for maps and lists. String and Str read a known
// scalar only.
func (n *Node) Value() string {
	if n == nil {
		return ""
	}
	return n.val()
}

// SetValue replaces the scalar text.
func (n *Node) SetValue(v string) { n.setVal(v) }

// Pos is where the value starts.
func (n *Node) Pos() Pos {
	if n == nil {
		return Pos{}
	}
	return n.pos.unpack()
}

// SetPos sets where the value starts.
func (n *Node) SetPos(p Pos) { n.pos = packPos(p) }

// KeyPos is where the node's key is written, when it is a map value.
func (n *Node) KeyPos() Pos {
	if n == nil {
		return Pos{}
	}
	return n.keyPos.unpack()
}

// SetKeyPos sets where the node's key is written.
func (n *Node) SetKeyPos(p Pos) { n.keyPos = packPos(p) }

// File is the file Pos and KeyPos are in when it is not the resource's
// own, else "".
func (n *Node) File() string {
	if n == nil {
		return ""
	}
	return n.file.name()
}

// SetFile records that Pos and KeyPos are in file, not the resource's own.
func (n *Node) SetFile(f string) { n.file = fileOf(f) }

// Key is the key the node is stored under in its map, "" for a list item
// or a root.
func (n *Node) Key() string {
	if n == nil {
		return ""
	}
	return n.key
}

// Len is the number of entries of a map or items of a list.
func (n *Node) Len() int {
	if n == nil {
		return 0
	}
	return len(n.children())
}

// Children returns a map's values (each with its Key) or a list's items,
// in order. The slice is the node's own: read it, do not change it (Set,
// Append, SetChild and Filter change a node).
func (n *Node) Children() []*Node {
	if n == nil {
		return nil
	}
	return n.children()
}

// Keys returns a map's keys in order (a new slice: for messages and
// tests; loops read Children and Key).
func (n *Node) Keys() []string {
	var out []string
	for _, v := range n.Children() {
		out = append(out, v.key)
	}
	return out
}

// KeyAt is the key of a map's i-th entry.
func (n *Node) KeyAt(i int) string { return n.children()[i].key }

// Append adds v as the last item of a list (or the last value of a map,
// under the key v already has).
func (n *Node) Append(v *Node) { n.setKids(append(n.children(), v)) }

// Insert adds key with v as a map's i-th entry, recording keyPos on v.
func (n *Node) Insert(i int, key string, keyPos Pos, v *Node) {
	v.key, v.keyPos = key, packPos(keyPos)
	n.setKids(slices.Insert(n.children(), i, v))
}

// SetChild replaces the i-th child with v, which takes the key of the
// entry it replaces.
func (n *Node) SetChild(i int, v *Node) {
	v.key = n.children()[i].key
	n.children()[i] = v
}

// RenameAt changes the key of a map's i-th entry.
func (n *Node) RenameAt(i int, key string) { n.children()[i].key = key }

// SetChildren replaces every child of n with kids (map values keep the
// keys they have).
func (n *Node) SetChildren(kids []*Node) { n.setKids(kids) }

// Filter keeps the children for which keep returns true, in order.
func (n *Node) Filter(keep func(key string, v *Node) bool) {
	if n == nil {
		return
	}
	kids := n.children()
	j := 0
	for _, v := range kids {
		if keep(v.key, v) {
			kids[j] = v
			j++
		}
	}
	clear(kids[j:]) // let the dropped subtrees go
	n.setKids(kids[:j])
}

// Get returns the value under key in a map, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for _, v := range n.children() {
		if v.key == key {
			return v
		}
	}
	return nil
}

// Path follows keys from n and returns the node at the end, or nil. A key
// that is a decimal number indexes into a list.
func (n *Node) Path(keys ...string) *Node {
	cur := n
	for _, k := range keys {
		cur = cur.child(k)
		if cur == nil {
			return nil
		}
	}
	return cur
}

func (n *Node) child(k string) *Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case Map:
		return n.Get(k)
	case List:
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(n.children()) {
			return nil
		}
		return n.children()[i]
	}
	return nil
}

// Has reports whether key is present in a map (even with a null value).
func (n *Node) Has(key string) bool { return n.Get(key) != nil }

// IsUnknown reports whether n, or anything below it, could not be evaluated.
func (n *Node) IsUnknown() bool { return n != nil && n.Kind == Unknown }

// String returns the scalar text, or "" for anything else.
func (n *Node) String() string {
	if n == nil || n.Kind != Scalar {
		return ""
	}
	return n.val()
}

// Str returns the scalar text and whether n is a known scalar.
func (n *Node) Str() (string, bool) {
	if n == nil || n.Kind != Scalar {
		return "", false
	}
	return n.val(), true
}

// Truth is a three-valued boolean: a check over a field that may be missing,
// unknown, or set.
type Truth uint8

const (
	Unset  Truth = iota // the field is missing or null
	False               // set to a false value
	True                // set to a true value
	Unsure              // set, but unknown or not a recognisable boolean
)

// Bool reads n as Kubernetes and Terraform read booleans: a YAML or HCL
// boolean, or a string such as "true"/"false" (StorageClass parameters are
// strings, and Terraform converts "true" to true).
func (n *Node) Bool() Truth {
	if n == nil || n.Kind == Null {
		return Unset
	}
	if n.Kind != Scalar {
		return Unsure
	}
	switch strings.ToLower(strings.TrimSpace(n.val())) {
	case "true":
		return True
	case "false":
		return False
	}
	return Unsure
}

// Int reads n as an integer.
func (n *Node) Int() (int64, bool) {
	if n == nil || n.Kind != Scalar {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(n.val()), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(n.val()), 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}

// Each calls fn for every key/value of a map in order.
func (n *Node) Each(fn func(key string, v *Node)) {
	if n == nil || n.Kind != Map {
		return
	}
	for _, v := range n.children() {
		fn(v.key, v)
	}
}

// List returns the items of a list, or nil.
func (n *Node) List() []*Node {
	if n == nil || n.Kind != List {
		return nil
	}
	return n.children()
}

// Strings returns the known scalar items of a list (or a lone scalar as one item).
func (n *Node) Strings() []string {
	if n == nil {
		return nil
	}
	if n.Kind == Scalar {
		return []string{n.val()}
	}
	var out []string
	for _, it := range n.List() {
		if s, ok := it.Str(); ok {
			out = append(out, s)
		}
	}
	return out
}

// HasUnknown reports whether n or any node below it is Unknown.
func (n *Node) HasUnknown() bool {
	if n == nil {
		return false
	}
	if n.Kind == Unknown {
		return true
	}
	for _, it := range n.children() {
		if it.HasUnknown() {
			return true
		}
	}
	return false
}

// Walk visits n and every node below it, depth first, with the path of keys
// (list indices as decimal strings) from n. Returning false skips the children.
func (n *Node) Walk(fn func(path []string, v *Node) bool) {
	var rec func(path []string, v *Node)
	rec = func(path []string, v *Node) {
		if v == nil || !fn(path, v) {
			return
		}
		for i, it := range v.children() {
			var k string
			if v.Kind == Map {
				k = it.key
			} else {
				k = strconv.Itoa(i)
			}
			rec(append(path[:len(path):len(path)], k), it)
		}
	}
	rec(nil, n)
}

// find returns the path from n to target, or nil, false: the first match in
// the order Walk visits. It keeps one path stack and copies it only on a
// match, so locating a node costs no allocation per node visited.
func (n *Node) find(target *Node) ([]string, bool) {
	if n == nil || target == nil {
		return nil, false
	}
	f := finder{target: target}
	if !f.search(n) {
		return nil, false
	}
	return append([]string(nil), f.path...), true
}

type finder struct {
	target *Node
	path   []string
}

func (f *finder) search(v *Node) bool {
	if v == f.target {
		return true
	}
	for i, it := range v.children() {
		if it == nil {
			continue
		}
		if v.Kind == Map {
			f.path = append(f.path, it.key)
		} else {
			f.path = append(f.path, strconv.Itoa(i))
		}
		if f.search(it) {
			return true
		}
		f.path = f.path[:len(f.path)-1]
	}
	return false
}

// NewScalar, NewMap and NewList help parsers and tests build trees.
func NewScalar(v string, tag ScalarTag, pos Pos) *Node {
	return newText(Scalar, tag, v, pos)
}

func newText(k NodeKind, tag ScalarTag, v string, pos Pos) *Node {
	n := &Node{Kind: k, Tag: tag, pos: packPos(pos)}
	n.setVal(v)
	return n
}

// NewMap returns an empty map node at pos.
func NewMap(pos Pos) *Node { return &Node{Kind: Map, pos: packPos(pos)} }

// NewList returns an empty list node at pos.
func NewList(pos Pos) *Node { return &Node{Kind: List, pos: packPos(pos)} }

// NewNull returns a null node at pos.
func NewNull(pos Pos) *Node { return &Node{Kind: Null, pos: packPos(pos)} }

// NewUnknown returns a value that could not be evaluated, described by
// desc (the expression's text).
func NewUnknown(desc string, pos Pos) *Node {
	return newText(Unknown, TagString, desc, pos)
}

// Set appends key with v to a map node, recording keyPos on v.
func (n *Node) Set(key string, keyPos Pos, v *Node) {
	if v.file != 0 && v.keyPos.line != 0 {
		keyPos = v.keyPos.unpack() // the key is written with the value, in the other file
	}
	v.keyPos = packPos(keyPos)
	v.key = key
	n.setKids(append(n.children(), v))
}

// Equal reports whether a and b hold the same tree: the same kinds, tags,
// precision, text, keys, files and positions, child by child. (Nodes are
// compared by what they hold: reflect.DeepEqual would compare the pointers
// of their payloads.)
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Precision != b.Precision || a.key != b.key ||
		a.val() != b.val() || a.pos != b.pos || a.keyPos != b.keyPos || a.file != b.file {
		return false
	}
	ak, bk := a.children(), b.children()
	if len(ak) != len(bk) {
		return false
	}
	for i := range ak {
		if !Equal(ak[i], bk[i]) {
			return false
		}
	}
	return true
}
