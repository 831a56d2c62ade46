package terraform

import (
	"path"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// namer maps an argument or block type name of a body to the key written in
// the node tree; single says a block becomes one map rather than a list.
type namer func(name string, isBlock bool) (key string, single bool)

func plainNamer(name string, _ bool) (string, bool) { return name, false }

// nodeBuilder converts evaluated bodies into graph nodes, remembering which
// nodes hold references so their paths can be found in the final tree (the
// Kubernetes conversion renames and moves keys).
type nodeBuilder struct {
	src   map[string][]byte
	file  string // the resource's file; an argument from an override file is placed in its own
	names namer
	refs  []nodeRef
	nulls []nullRef
}

// nullRef is an argument written as null in the map node parent.
type nullRef struct {
	parent *graph.Node
	key    string
	at     *graph.Node
	expr   string // the expression, unless it is a literal null
}

type nodeRef struct {
	n  *graph.Node
	to []string
}

func (nb *nodeBuilder) body(bv *bodyVal, pos graph.Pos) *graph.Node {
	names := nb.names
	if names == nil {
		names = plainNamer
	}
	n := graph.NewMap(pos)
	for _, e := range bv.entries {
		key, single := names(e.name, e.isBlock)
		if key == "" {
			continue
		}
		keyPos := gpos(e.keyRng.Start)
		if !e.isBlock {
			if e.val.IsNull() {
				// Terraform treats null as unset: not in the tree, but
				// remembered where it is written, for findings about it.
				if nb.names == nil {
					at := nb.value(e.val, e.expr, 0, placed{})
					if at.File() == "" {
						at.SetKeyPos(keyPos)
						if nb.file != "" && e.keyRng.Filename != nb.file {
							at.SetFile(e.keyRng.Filename)
						}
					}
					// The expression, when a module caller's value made
					// it null: the null is placed in another directory's
					// file than the resource's (an override file is the
					// module's own).
					var expr string
					if _, literal := e.expr.(*hclsyntax.LiteralValueExpr); e.expr != nil && !literal &&
						at.File() != "" && nb.file != "" && path.Dir(at.File()) != path.Dir(nb.file) {
						expr = nb.text(e.expr)
					}
					nb.nulls = append(nb.nulls, nullRef{parent: n, key: key, at: at, expr: expr})
				}
				continue
			}
			v := nb.value(e.val, e.expr, 0, placed{})
			if v.File() == "" && nb.file != "" && e.keyRng.Filename != nb.file {
				v.SetFile(e.keyRng.Filename)
				v.SetKeyPos(keyPos)
			}
			nb.addRefs(v, e.refs)
			n.Set(key, keyPos, v)
			continue
		}
		var blockRefs []string
		allUnknown := true
		for _, b := range e.blocks {
			blockRefs = appendUnique(blockRefs, b.refs...)
			if b.body != nil {
				allUnknown = false
			}
		}
		var v *graph.Node
		switch {
		case len(e.blocks) == 0:
			v = graph.NewList(keyPos) // a dynamic block over an empty collection
		case allUnknown:
			v = graph.NewUnknown("dynamic "+e.name+": "+nb.text(e.blocks[0].unknown), gpos(e.blocks[0].unknown.Range().Start))
		case single && len(e.blocks) == 1:
			v = nb.body(e.blocks[0].body, gpos(e.blocks[0].typeRng.Start))
		default:
			v = graph.NewList(keyPos)
			for _, b := range e.blocks {
				if b.body == nil {
					v.Append(graph.NewUnknown("dynamic "+e.name+": "+nb.text(b.unknown), gpos(b.unknown.Range().Start)))
					continue
				}
				v.Append(nb.body(b.body, gpos(b.typeRng.Start)))
			}
		}
		if v.File() == "" && nb.file != "" && e.keyRng.Filename != nb.file {
			inFile(v, e.keyRng.Filename)
			v.SetKeyPos(keyPos)
		}
		nb.addRefs(v, blockRefs)
		n.Set(key, keyPos, v)
	}
	return n
}

// inFile places n and every node below it that has no file of its own in
// file (a block written in an override file).
func inFile(n *graph.Node, file string) {
	n.Walk(func(_ []string, v *graph.Node) bool {
		if v.File() != "" && v != n {
			return false
		}
		v.SetFile(file)
		return true
	})
}

func (nb *nodeBuilder) addRefs(n *graph.Node, to []string) {
	if len(to) > 0 {
		nb.refs = append(nb.refs, nodeRef{n: n, to: to})
	}
}

// resolveNulls gives each argument written as null its path in the final
// tree (nil when the map that held it was dropped).
func (nb *nodeBuilder) resolveNulls(root *graph.Node) []graph.NullArg {
	if len(nb.nulls) == 0 {
		return nil
	}
	paths := map[*graph.Node][]string{}
	root.Walk(func(p []string, v *graph.Node) bool {
		if v.Kind == graph.Map {
			paths[v] = append([]string(nil), p...)
		}
		return true
	})
	var out []graph.NullArg
	for _, r := range nb.nulls {
		p, ok := paths[r.parent]
		if !ok {
			continue
		}
		out = append(out, graph.NullArg{Path: append(p[:len(p):len(p)], r.key), At: r.at, Expr: r.expr})
	}
	return out
}

// resolveRefs finds the path of every node that holds a reference in the
// final tree; a node that the conversion dropped refers from the resource
// itself.
func (nb *nodeBuilder) resolveRefs(root *graph.Node, module string) []graph.Ref {
	if len(nb.refs) == 0 {
		return nil
	}
	paths := map[*graph.Node][]string{}
	root.Walk(func(p []string, v *graph.Node) bool {
		paths[v] = append([]string(nil), p...)
		return true
	})
	var out []graph.Ref
	seen := map[string]bool{}
	for _, r := range nb.refs {
		p := paths[r.n]
		for _, to := range r.to {
			key := strings.Join(p, "\x00") + "\x01" + to
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, graph.Ref{Path: p, To: graph.TerraformKey(module, to)})
		}
	}
	return out
}

// value converts a cty value to a node, placing each nested value at its own
// item in an object or tuple constructor when the expression is one, else at
// the expression (a value from a variable stays where it is used), unless
// the value carries a module caller's position (origin.go): then it is
// placed there, in the caller's file.
func (nb *nodeBuilder) value(v cty.Value, expr hcl.Expression, depth int, parent placed) *graph.Node {
	at := placeValue(v, expr, parent)
	n := nb.valueAt(v, expr, depth, at)
	if at.file != "" {
		n.SetFile(at.file)
		n.SetKeyPos(at.keyPos)
	}
	return n
}

func (nb *nodeBuilder) valueAt(v cty.Value, expr hcl.Expression, depth int, at placed) *graph.Node {
	pos := at.pos
	v, _ = v.Unmark()
	if depth > parsers.MaxDepth || !v.IsKnown() {
		return graph.NewUnknown(nb.text(expr), pos)
	}
	if v.IsNull() {
		return graph.NewNull(pos)
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return graph.NewScalar(v.AsString(), graph.TagString, pos)
	case ty == cty.Bool:
		if v.True() {
			return graph.NewScalar("true", graph.TagBool, pos)
		}
		return graph.NewScalar("false", graph.TagBool, pos)
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if numberCheck(v) != nil {
			// Printing it would take seconds (a JSON or tfvars literal,
			// which no function was given): unknown, as a function
			// given it makes it.
			return graph.NewUnknown(limits.NumberTooLarge(limits.NumberExponent), pos)
		}
		if bf.IsInt() {
			return graph.NewScalar(bf.Text('f', 0), graph.TagInt, pos)
		}
		return graph.NewScalar(bf.Text('g', -1), graph.TagFloat, pos)
	case ty.IsObjectType() || ty.IsMapType():
		n := graph.NewMap(pos)
		order, items := objectItems(expr)
		seen := map[string]bool{}
		if at.file == "" {
			for _, k := range order {
				child, ok := elementByKey(v, k)
				if !ok || seen[k] {
					continue
				}
				seen[k] = true
				it := items[k]
				n.Set(k, gpos(it.key.Start), nb.value(child, it.val, depth+1, placed{}))
			}
		}
		for it := v.ElementIterator(); it.Next(); {
			k, child := it.Element()
			k, _ = k.Unmark()
			if seen[k.AsString()] {
				continue
			}
			n.Set(k.AsString(), pos, nb.value(child, expr, depth+1, at))
		}
		return n
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		n := graph.NewList(pos)
		var exprs []hclsyntax.Expression
		if tc, ok := expr.(*hclsyntax.TupleConsExpr); ok && at.file == "" && !ty.IsSetType() && len(tc.Exprs) == v.LengthInt() {
			exprs = tc.Exprs
		}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, child := it.Element()
			var e hcl.Expression = expr
			if exprs != nil {
				e = exprs[i]
			}
			n.Append(nb.value(child, e, depth+1, at))
		}
		return n
	}
	return graph.NewUnknown(nb.text(expr), pos)
}

func elementByKey(v cty.Value, k string) (cty.Value, bool) {
	ty := v.Type()
	if ty.IsObjectType() {
		if !ty.HasAttribute(k) {
			return cty.NilVal, false
		}
		return v.GetAttr(k), true
	}
	kv := cty.StringVal(k)
	if has := v.HasIndex(kv); !has.IsKnown() || !has.True() {
		return cty.NilVal, false
	}
	return v.Index(kv), true
}

type objectItem struct {
	key hcl.Range
	val hcl.Expression
}

// objectItems maps the literal keys of an object constructor to their items,
// in source order.
func objectItems(expr hcl.Expression) ([]string, map[string]objectItem) {
	oc, ok := expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil, nil
	}
	var order []string
	items := map[string]objectItem{}
	for _, it := range oc.Items {
		k := hcl.ExprAsKeyword(it.KeyExpr)
		if k == "" {
			kv, diags := it.KeyExpr.Value(nil)
			if diags.HasErrors() || !kv.IsKnown() || kv.IsNull() {
				continue
			}
			kv, err := convert.Convert(kv, cty.String)
			if err != nil || !kv.IsKnown() || kv.IsNull() {
				continue
			}
			k = kv.AsString()
		}
		if _, dup := items[k]; dup {
			continue
		}
		order = append(order, k)
		items[k] = objectItem{key: it.KeyExpr.Range(), val: it.ValueExpr}
	}
	return order, items
}

// text is the expression's source, on one line and at most about 80
// characters: what an Unknown node shows.
func (nb *nodeBuilder) text(expr hcl.Expression) string {
	if expr == nil {
		return "expression"
	}
	r := expr.Range()
	src := nb.src[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return "expression"
	}
	s := strings.Join(strings.Fields(string(src[r.Start.Byte:r.End.Byte])), " ")
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return s
}

func convertTo(v cty.Value, ty cty.Type) (cty.Value, error) {
	return convert.Convert(v, ty)
}
