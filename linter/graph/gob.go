package graph

import (
	"encoding/binary"
	"errors"
)

// GobEncode and GobDecode let a Node tree travel through encoding/gob (the
// Helm chart cache stores parsed results) although its fields are the
// package's own: a subtree is written depth first, each node as its kind,
// tag and precision, its value, key and file, its two positions and its
// number of children.
func (n *Node) GobEncode() ([]byte, error) {
	return n.appendWire(nil), nil
}

func (n *Node) appendWire(b []byte) []byte {
	b = append(b, byte(n.Kind), byte(n.Tag), byte(n.Precision))
	for _, s := range []string{n.Value(), n.Key(), n.File()} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	p, k := n.Pos(), n.KeyPos()
	for _, v := range []int{p.Line, p.Col, k.Line, k.Col} {
		b = binary.AppendVarint(b, int64(v))
	}
	kids := n.Children()
	b = binary.AppendUvarint(b, uint64(len(kids)))
	for _, c := range kids {
		b = c.appendWire(b)
	}
	return b
}

var errWire = errors.New("graph: damaged node encoding")

// minWire is the fewest bytes a node takes (kind, tag, precision, three
// empty strings, four small positions, no children): a count of children
// that the bytes left cannot hold is damage, and a block of that many nodes
// is never allocated.
const minWire = 11

// GobDecode reads what GobEncode wrote.
func (n *Node) GobDecode(b []byte) error {
	rest, err := n.readWire(b, 0, "")
	if err == nil && len(rest) > 0 {
		err = errWire
	}
	return err
}

// readWire reads one node and its subtree; file is the parent's file, which
// a child's usually repeats (kept as one string then).
func (n *Node) readWire(b []byte, depth int, file string) ([]byte, error) {
	if len(b) < 3 || depth > 10000 {
		return nil, errWire
	}
	n.Kind, n.Tag, n.Precision = NodeKind(b[0]), ScalarTag(b[1]), Precision(b[2])
	b = b[3:]
	var strs [3]string
	for i := range strs {
		l, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < l {
			return nil, errWire
		}
		if v := b[w : w+int(l)]; i == 2 && string(v) == file {
			strs[i] = file
		} else {
			strs[i] = string(v)
		}
		b = b[w+int(l):]
	}
	var ints [4]int
	for i := range ints {
		v, w := binary.Varint(b)
		if w <= 0 {
			return nil, errWire
		}
		ints[i] = int(v)
		b = b[w:]
	}
	count, w := binary.Uvarint(b)
	if w <= 0 || count > uint64(len(b)-w)/minWire {
		return nil, errWire
	}
	b = b[w:]
	n.SetValue(strs[0])
	n.SetFile(strs[2])
	n.SetPos(Pos{Line: ints[0], Col: ints[1]})
	n.SetKeyPos(Pos{Line: ints[2], Col: ints[3]})
	n.key = strs[1]
	if count > 0 {
		kids := make([]*Node, count)
		block := make([]Node, count)
		for i := range kids {
			kids[i] = &block[i]
			var err error
			if b, err = kids[i].readWire(b, depth+1, strs[2]); err != nil {
				return nil, err
			}
		}
		n.SetChildren(kids)
	}
	return b, nil
}
