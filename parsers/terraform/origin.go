package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

// A value that a module caller passes is marked with where the caller wrote
// it (a cty mark, which survives conversion to the variable's type,
// traversal, for expressions, for_each and function calls), so a finding on
// a resource inside the module can point at the line the user edits: the
// caller's argument, or the item of an object or map passed whole. A value
// is marked once, where it is first written: a module that passes its own
// variable on to another keeps the outer caller's position.

// argOrigin is the position of a value in a caller's file. depth is how deep
// the item sits in the argument's constructors: when several marks meet
// (an element read from a marked collection), the deepest is the most exact.
type argOrigin struct {
	file      string
	keyLine   int
	keyCol    int
	line, col int
	depth     int
}

func originOf(v cty.Value) (argOrigin, bool) {
	var best argOrigin
	found := false
	for m := range v.Marks() {
		o, ok := m.(argOrigin)
		if !ok {
			continue
		}
		if !found || o.depth > best.depth || o.depth == best.depth && lessOrigin(o, best) {
			best, found = o, true
		}
	}
	return best, found
}

func lessOrigin(a, b argOrigin) bool {
	if a.file != b.file {
		return a.file < b.file
	}
	if a.line != b.line {
		return a.line < b.line
	}
	return a.col < b.col
}

// assembled reports a collection that carries the marks of several caller
// arguments: the module built it (merge, an object of variables), so it is
// written in the module, not at any one of those arguments; its elements
// keep their own positions.
func assembled(v cty.Value) bool {
	ty := v.Type()
	if !ty.IsObjectType() && !ty.IsMapType() && !ty.IsTupleType() && !ty.IsListType() && !ty.IsSetType() {
		return false
	}
	var first argOrigin
	n := 0
	for m := range v.Marks() {
		o, ok := m.(argOrigin)
		if !ok {
			continue
		}
		if n == 0 {
			first = o
		} else if o.file != first.file || o.line != first.line || o.col != first.col {
			return true
		}
		n++
	}
	return false
}

func hasOrigin(v cty.Value) bool {
	for m := range v.Marks() {
		if _, ok := m.(argOrigin); ok {
			return true
		}
	}
	return false
}

// markArg marks the value of a module argument (and each item of the object
// and tuple constructors it is written with) with its position. key is the
// range of the argument's name or of the item's key.
func markArg(v cty.Value, expr hcl.Expression, key hcl.Range, depth int) cty.Value {
	if depth > parsers.MaxDepth || v == cty.NilVal || hasOrigin(v) {
		return v
	}
	r := expr.Range()
	o := argOrigin{file: r.Filename, keyLine: key.Start.Line, keyCol: key.Start.Column,
		line: r.Start.Line, col: r.Start.Column, depth: depth}
	inner, marks := v.Unmark()
	if inner.IsKnown() && !inner.IsNull() {
		inner = markItems(inner, expr, depth)
	}
	return inner.WithMarks(marks).Mark(o)
}

// markItems marks the items of an object or tuple constructor.
func markItems(v cty.Value, expr hcl.Expression, depth int) cty.Value {
	ty := v.Type()
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		if !ty.IsObjectType() && !ty.IsMapType() {
			return v
		}
		order, items := objectItems(e)
		if len(order) == 0 {
			return v
		}
		m := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			ks, _ := k.Unmark()
			m[ks.AsString()] = x
		}
		for _, k := range order {
			if x, ok := m[k]; ok {
				m[k] = markArg(x, items[k].val, items[k].key, depth+1)
			}
		}
		if ty.IsObjectType() {
			return cty.ObjectVal(m)
		}
		return cty.MapVal(m)
	case *hclsyntax.TupleConsExpr:
		if !(ty.IsTupleType() || ty.IsListType()) || len(e.Exprs) != v.LengthInt() {
			return v
		}
		elems := v.AsValueSlice()
		for i, x := range elems {
			r := e.Exprs[i].Range()
			elems[i] = markArg(x, e.Exprs[i], r, depth+1)
		}
		if ty.IsTupleType() {
			return cty.TupleVal(elems)
		}
		return cty.ListVal(elems)
	}
	return v
}

// placed is where a value node goes: in the resource's own file (file ""),
// or at a caller's argument.
type placed struct {
	file   string
	pos    graph.Pos
	keyPos graph.Pos
}

// placeValue reads the origin of a value: a caller's argument wins over the
// expression in the module, and a nested value without an origin of its own
// stays with its parent's (the argument that passed the whole object).
func placeValue(v cty.Value, expr hcl.Expression, parent placed) placed {
	if o, ok := originOf(v); ok && !assembled(v) {
		return placed{file: o.file, pos: graph.Pos{Line: o.line, Col: o.col}, keyPos: graph.Pos{Line: o.keyLine, Col: o.keyCol}}
	}
	if parent.file != "" {
		return parent
	}
	return placed{pos: gpos(expr.Range().Start)}
}
