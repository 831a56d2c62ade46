package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// bodyVal is an evaluated block body: its attributes and nested blocks in
// source order, with the expressions kept for positions and source text.
// Provider schemas are not available, so a body is read as written: an
// attribute is a value, a nested block is one element of a list.
type bodyVal struct {
	entries []*entry
}

type entry struct {
	name    string
	keyRng  hcl.Range
	expr    hcl.Expression // attributes
	val     cty.Value
	refs    []string
	isBlock bool
	blocks  []*blockVal
}

type blockVal struct {
	body    *bodyVal       // nil when unknown
	unknown hcl.Expression // the for_each of a dynamic block that could not be expanded
	typeRng hcl.Range
	refs    []string
}

// metaArgs are Terraform's own arguments of a resource block, not the
// provider's.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

func (in *instance) evalBody(body hcl.Body, scope map[string]cty.Value, top bool) *bodyVal {
	bv := &bodyVal{}
	sb, ok := body.(*hclsyntax.Body)
	if !ok { // JSON: without a schema every property reads as an attribute
		for _, a := range attributes(body) {
			if top && (metaArgs[a.Name] || metaBlocks[a.Name]) {
				continue
			}
			v, refs := in.eval(a.Expr, scope)
			bv.entries = append(bv.entries, &entry{name: a.Name, keyRng: a.NameRange, expr: a.Expr, val: v, refs: refs})
		}
		return bv
	}
	type item struct {
		start int
		attr  *hclsyntax.Attribute
		block *hclsyntax.Block
	}
	var items []item
	for _, a := range sb.Attributes {
		items = append(items, item{start: a.SrcRange.Start.Byte, attr: a})
	}
	for _, b := range sb.Blocks {
		items = append(items, item{start: b.TypeRange.Start.Byte, block: b})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].start < items[j].start })
	byName := map[string]*entry{}
	for _, it := range items {
		if a := it.attr; a != nil {
			if top && metaArgs[a.Name] {
				continue
			}
			v, refs := in.eval(a.Expr, scope)
			bv.entries = append(bv.entries, &entry{name: a.Name, keyRng: a.NameRange, expr: a.Expr, val: v, refs: refs})
			continue
		}
		b := it.block
		if top && metaBlocks[b.Type] {
			continue
		}
		name := b.Type
		var blocks []*blockVal
		if b.Type == "dynamic" && len(b.Labels) == 1 {
			name = b.Labels[0]
			blocks = in.expandDynamic(b, scope)
		} else {
			blocks = []*blockVal{{body: in.evalBody(b.Body, scope, false), typeRng: b.TypeRange}}
		}
		e := byName[name]
		if e == nil {
			rng := b.TypeRange
			if b.Type == "dynamic" && len(b.LabelRanges) == 1 {
				rng = b.LabelRanges[0]
			}
			e = &entry{name: name, keyRng: rng, isBlock: true}
			byName[name] = e
			bv.entries = append(bv.entries, e)
		}
		e.blocks = append(e.blocks, blocks...)
	}
	return bv
}

// expandDynamic expands a dynamic block whose for_each is known; an unknown
// for_each gives one unknown block.
func (in *instance) expandDynamic(b *hclsyntax.Block, scope map[string]cty.Value) []*blockVal {
	iter := b.Labels[0]
	var forEach hcl.Expression
	var content *hclsyntax.Block
	for _, a := range b.Body.Attributes {
		switch a.Name {
		case "for_each":
			forEach = a.Expr
		case "iterator":
			if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
				iter = kw
			}
		}
	}
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if forEach == nil || content == nil {
		return nil
	}
	v, refs := in.eval(forEach, scope)
	v, _ = v.Unmark() // the elements keep their callers' positions (origin.go)
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() || v.Type().IsSetType() && !v.IsWhollyKnown() || v.LengthInt() > maxInstances {
		return []*blockVal{{unknown: forEach, typeRng: b.TypeRange, refs: refs}}
	}
	var out []*blockVal
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if v.Type().IsSetType() {
			k, _ = e.Unmark()
		}
		s := make(map[string]cty.Value, len(scope)+1)
		for n, x := range scope {
			s[n] = x
		}
		s[iter] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})
		out = append(out, &blockVal{body: in.evalBody(content.Body, s, false), typeRng: b.TypeRange, refs: refs})
	}
	return out
}

// value is the body as Terraform exposes it to references: nested blocks as
// tuples of objects.
func (bv *bodyVal) value() cty.Value {
	m := make(map[string]cty.Value, len(bv.entries))
	for _, e := range bv.entries {
		if !e.isBlock {
			m[e.name] = e.val
			continue
		}
		var elems []cty.Value
		unknown := false
		for _, b := range e.blocks {
			if b.body == nil {
				unknown = true
				break
			}
			elems = append(elems, b.body.value())
		}
		switch {
		case unknown:
			m[e.name] = cty.DynamicVal
		case len(elems) == 0:
			m[e.name] = cty.EmptyTupleVal
		default:
			m[e.name] = cty.TupleVal(elems)
		}
	}
	return cty.ObjectVal(m)
}

// usesEach reports an expression that reads each.key or each.value.
func usesEach(expr hcl.Expression) bool {
	for _, t := range expr.Variables() {
		if t.RootName() == "each" {
			return true
		}
	}
	return false
}

// addEachRefs gives the arguments that read each.* the references of the
// for_each collection: a key inside a map of volumes links the volume.
func (bv *bodyVal) addEachRefs(refs []string) {
	if bv == nil || len(refs) == 0 {
		return
	}
	for _, e := range bv.entries {
		if !e.isBlock {
			if e.expr != nil && usesEach(e.expr) {
				e.refs = appendUnique(e.refs, refs...)
			}
			continue
		}
		for _, b := range e.blocks {
			b.body.addEachRefs(refs)
		}
	}
}
