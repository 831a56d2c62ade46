package terraform

import (
	"bytes"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// The bounds on what one input may make the evaluator do (the values are in
// the limits table): nesting checked on the bytes before HCL parses them
// (its parser recurses once per level, and 100,000 levels overflow the
// stack), iterations of for expressions, elements given to the functions
// that unify element types, resource and module instances per scan, and a
// deadline per root module.

// nestingError reports the first place where src nests brackets, braces or
// parentheses deeper than limits.Depth, or nil. Every bracket counts,
// inside strings and comments too: an interpolation nests like code, and a
// file that needs more than 256 unbalanced brackets in its text is not one
// a person wrote.
func nestingError(file string, src []byte) *parsers.Error {
	depth, line, col := 0, 1, 0
	for _, c := range src {
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
		case '(', '[', '{':
			if depth++; depth > limits.Depth {
				return &parsers.Error{File: file, Line: line, Col: col, Msg: limits.TooDeep(limits.Depth) + "; not parsed"}
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// quickNestingCheck is the fast path: a file with fewer openers than the
// limit cannot nest deeper than it.
func quickNestingCheck(src []byte) bool {
	return bytes.Count(src, []byte("("))+bytes.Count(src, []byte("["))+bytes.Count(src, []byte("{")) <= limits.Depth
}

// checkNesting is nestingError with the fast path.
func checkNesting(file string, src []byte) *parsers.Error {
	if quickNestingCheck(src) {
		return nil
	}
	return nestingError(file, src)
}

// forBudgetFunc is the hidden function every for expression's collection
// is passed through (see meterExprs): it counts the elements iterated
// per root module and fails the expression past limits.ValueElements, so a
// 200-byte nest of three for expressions over range(1000) stops after a
// million iterations instead of building a billion elements.
const forBudgetFunc = "pvlint_for_budget"

// meterExprs wraps the collection of every for expression in body's
// blocks (except variable blocks, whose defaults are evaluated without
// functions) in a call of forBudgetFunc, and every template that
// interpolates in a call of textFunc (see textMeter).
func meterExprs(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		if b.Type != "variable" {
			meterBody(b.Body)
		}
	}
}

// meterBody and meterExpr walk the syntax tree without the closure per node
// that hclsyntax.VisitAll allocates; meterExpr returns the expression to
// put in e's place. An expression type they do not know is walked with
// VisitAll, so no for expression is ever missed (its templates are not
// metered: every expression HCL has is known here).
func meterBody(body *hclsyntax.Body) {
	for _, a := range body.Attributes {
		a.Expr = meterExpr(a.Expr)
	}
	for _, b := range body.Blocks {
		meterBody(b.Body)
	}
}

func meterExpr(e hclsyntax.Expression) hclsyntax.Expression {
	switch x := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		if x.Val.Type() == cty.Number && numberCheck(x.Val) != nil {
			return metered(numberFunc, x) // an error where it is written
		}
	case nil, *hclsyntax.ScopeTraversalExpr, *hclsyntax.AnonSymbolExpr:
	case *hclsyntax.ForExpr:
		x.CollExpr = meterExpr(x.CollExpr)
		x.KeyExpr = meterExpr(x.KeyExpr)
		x.ValExpr = meterExpr(x.ValExpr)
		x.CondExpr = meterExpr(x.CondExpr)
		meterFor(x)
	case *hclsyntax.FunctionCallExpr:
		for i, a := range x.Args {
			x.Args[i] = meterExpr(a)
		}
	case *hclsyntax.ConditionalExpr:
		x.Condition = meterExpr(x.Condition)
		x.TrueResult = meterExpr(x.TrueResult)
		x.FalseResult = meterExpr(x.FalseResult)
	case *hclsyntax.IndexExpr:
		x.Collection = meterExpr(x.Collection)
		x.Key = meterExpr(x.Key)
	case *hclsyntax.TupleConsExpr:
		for i, it := range x.Exprs {
			x.Exprs[i] = meterExpr(it)
		}
	case *hclsyntax.ObjectConsExpr:
		for i := range x.Items {
			x.Items[i].KeyExpr = meterExpr(x.Items[i].KeyExpr)
			x.Items[i].ValueExpr = meterExpr(x.Items[i].ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		x.Wrapped = meterExpr(x.Wrapped)
	case *hclsyntax.SplatExpr:
		x.Source = meterExpr(x.Source)
		x.Each = meterExpr(x.Each)
	case *hclsyntax.RelativeTraversalExpr:
		x.Source = meterExpr(x.Source)
	case *hclsyntax.BinaryOpExpr:
		x.LHS = meterExpr(x.LHS)
		x.RHS = meterExpr(x.RHS)
	case *hclsyntax.UnaryOpExpr:
		x.Val = meterExpr(x.Val)
	case *hclsyntax.TemplateExpr:
		built := false
		for i, p := range x.Parts {
			if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
				built = true
			}
			x.Parts[i] = meterExpr(p)
		}
		if built {
			return metered(textFunc, x)
		}
	case *hclsyntax.TemplateJoinExpr:
		x.Tuple = meterExpr(x.Tuple)
		return metered(textFunc, x)
	case *hclsyntax.TemplateWrapExpr:
		x.Wrapped = meterExpr(x.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		x.Expression = meterExpr(x.Expression)
	default:
		hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
			if fe, ok := n.(*hclsyntax.ForExpr); ok {
				meterFor(fe)
			}
			return nil
		})
	}
	return e
}

// metered is a call of the hidden function name over e.
func metered(name string, e hclsyntax.Expression) hclsyntax.Expression {
	r := e.Range()
	return &hclsyntax.FunctionCallExpr{Name: name, Args: []hclsyntax.Expression{e}, NameRange: r, OpenParenRange: r, CloseParenRange: r}
}

// meterFor passes a for expression's collection through forBudgetFunc, once.
func meterFor(fe *hclsyntax.ForExpr) {
	if call, ok := fe.CollExpr.(*hclsyntax.FunctionCallExpr); ok && call.Name == forBudgetFunc {
		return
	}
	fe.CollExpr = metered(forBudgetFunc, fe.CollExpr)
}

// hiddenFunc reports whether name is one of the functions meterExprs
// inserts (never written in a module): their errors read without the
// function's name, and they are not metered themselves.
func hiddenFunc(name string) bool {
	return name == forBudgetFunc || name == textFunc || name == numberFunc
}

// textFunc is the hidden function every interpolating template is passed
// through (meterExprs): it counts the text built per root module.
const textFunc = "pvlint_text"

// textLimit is limits.TextBytes, lowered by tests.
var textLimit int64 = limits.TextBytes

// eachLeaf calls fn with every known, non-null primitive value in v
// (unmarked once, at the top), stopping at fn's first error.
func eachLeaf(v cty.Value, fn func(cty.Value) error) error {
	v, _ = v.UnmarkDeep()
	return leaves(v, fn)
}

func leaves(v cty.Value, fn func(cty.Value) error) error {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	ty := v.Type()
	if ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType() {
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if err := leaves(e, fn); err != nil {
				return err
			}
		}
		return nil
	}
	return fn(v)
}

// textMeter counts the bytes of text v holds against left, stopping at
// the first string that exhausts it (a collection is walked only that far).
func textMeter(v cty.Value, left *int64) error {
	return eachLeaf(v, func(x cty.Value) error {
		if x.Type() != cty.String {
			return nil
		}
		if *left -= int64(len(x.AsString())); *left < 0 {
			return &inputError{limits.TooMuchText(textLimit)}
		}
		return nil
	})
}

// passThrough is a hidden function that returns its argument (marks,
// unknowns and all) once check accepts it.
func passThrough(name string, check func(cty.Value) error) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: name, Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := check(args[0]); err != nil {
				return cty.DynamicVal, err
			}
			return args[0], nil
		},
	})
}

// textBudget is the function behind textFunc for one root module.
func textBudget(left *int64) function.Function {
	return passThrough("text", func(v cty.Value) error { return textMeter(v, left) })
}

// numberFunc is the hidden function a number literal beyond
// limits.NumberExponent is passed through (meterExprs): an error at the
// literal, before a template or the graph prints it.
const numberFunc = "pvlint_number"

// numberGuard is the function behind numberFunc.
var numberGuard = passThrough("number", numberCheck)

// numberCheck refuses a number (anywhere in v) whose binary exponent is
// beyond limits.NumberExponent: printing one is what takes the time.
func numberCheck(v cty.Value) error {
	if !typeHasNumber(v.Type()) {
		return nil // no number in it: nothing to walk
	}
	return eachLeaf(v, func(x cty.Value) error {
		if x.Type() != cty.Number {
			return nil
		}
		if e := x.AsBigFloat().MantExp(nil); e > limits.NumberExponent || e < -limits.NumberExponent {
			return &inputError{limits.NumberTooLarge(limits.NumberExponent)}
		}
		return nil
	})
}

// typeHasNumber reports whether a value of type ty can hold a number.
func typeHasNumber(ty cty.Type) bool {
	switch {
	case ty == cty.Number || ty == cty.DynamicPseudoType:
		return true
	case ty.IsListType() || ty.IsSetType() || ty.IsMapType():
		return typeHasNumber(ty.ElementType())
	case ty.IsTupleType():
		for _, e := range ty.TupleElementTypes() {
			if typeHasNumber(e) {
				return true
			}
		}
	case ty.IsObjectType():
		for _, e := range ty.AttributeTypes() {
			if typeHasNumber(e) {
				return true
			}
		}
	}
	return false
}

// meterFunctions wraps each of a root module's functions so that it
// refuses a number beyond limits.NumberExponent before it runs, and counts
// the text it returns against left (but file and filebase64, which
// FileBytes bounds). The wrappers keep each function's parameters and
// return type.
func meterFunctions(fns map[string]function.Function, left *int64) {
	for name, fn := range fns {
		if hiddenFunc(name) {
			continue
		}
		counted := name != "file" && name != "filebase64"
		fns[name] = function.New(&function.Spec{
			Params:   fn.Params(),
			VarParam: fn.VarParam(),
			// The wrapper's own type is dynamic when every argument is
			// known: fn.Call in Impl type-checks them (a second check
			// here cost a tenth of the evaluation); an unknown argument
			// needs fn's type, the type of the unknown result.
			Type: func(args []cty.Value) (cty.Type, error) {
				known := true
				for _, a := range args {
					if err := numberCheck(a); err != nil {
						return cty.NilType, err
					}
					known = known && a.IsKnown()
				}
				if !known {
					return fn.ReturnTypeForValues(args)
				}
				return cty.DynamicPseudoType, nil
			},
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				v, err := fn.Call(args)
				if err == nil && counted {
					if terr := textMeter(v, left); terr != nil {
						return cty.DynamicVal, terr
					}
				}
				return v, err
			},
		})
	}
}

// forBudget is the function behind forBudgetFunc for one root module.
func forBudget(left *int64) function.Function {
	return passThrough("collection", func(v cty.Value) error {
		uv, _ := v.Unmark() // the length needs only the collection itself unmarked
		if uv.IsKnown() && !uv.IsNull() && uv.CanIterateElements() {
			if *left -= int64(uv.LengthInt()); *left < 0 {
				return &inputError{limits.ForIterations(limits.ValueElements)}
			}
		}
		return nil
	})
}

// guardElements wraps fn so that it refuses arguments holding more than
// max elements in total before go-cty unifies their types (toset over
// 100,000 strings takes minutes there); product multiplies the lengths
// instead (setproduct's result is their product).
func guardElements(name string, fn function.Function, max int, product bool) function.Function {
	check := func(args []cty.Value) error {
		total := int64(0)
		if product {
			total = 1
		}
		for _, a := range args {
			a, _ = a.Unmark() // the length needs only the collection itself unmarked
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				continue
			}
			n := int64(a.LengthInt())
			if product {
				total *= max64(n, 1)
			} else {
				total += n
			}
			if total > int64(max) {
				return &inputError{limits.TooManySetElements(name, max)}
			}
		}
		return nil
	}
	spec := &function.Spec{
		Params:   fn.Params(),
		VarParam: fn.VarParam(),
		// The bound is checked before fn's own type check, which is where
		// go-cty unifies element types. The wrapper does not type-check a
		// second time (fn.Call does, and each check walks every argument
		// deeply for marks): its type is dynamic, its result fn's.
		Type: func(args []cty.Value) (cty.Type, error) {
			if err := check(args); err != nil {
				return cty.NilType, err
			}
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return fn.Call(args) },
	}
	return function.New(spec)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// unifyingFuncs are the functions whose cost grows with the element types
// they unify or the elements they build.
var unifyingFuncs = []string{"toset", "tolist", "tomap", "distinct", "setunion", "setintersection",
	"setsubtract", "concat", "flatten", "merge", "zipmap", "sort", "compact", "coalescelist"}

// guardFunctions applies the element bounds to a root module's functions.
// The guarded functions are built once per process: the functions they wrap
// are the same for every root module (go-cty's, independent of the root).
func guardFunctions(fns map[string]function.Function) {
	for _, name := range unifyingFuncs {
		if fn, ok := fns[name]; ok {
			fns[name] = guarded(name, fn, limits.SetElements, false)
		}
	}
	if fn, ok := fns["setproduct"]; ok {
		fns["setproduct"] = guarded("setproduct", fn, limits.ValueElements, true)
	}
}

var guardedFuncs sync.Map // name -> function.Function

func guarded(name string, fn function.Function, max int, product bool) function.Function {
	if g, ok := guardedFuncs.Load(name); ok {
		return g.(function.Function)
	}
	g, _ := guardedFuncs.LoadOrStore(name, guardElements(name, fn, max, product))
	return g.(function.Function)
}

// instanceBudget counts resource and module instances across every root
// module of a scan; the first one over the limit is reported once.
type instanceBudget struct {
	used, values             atomic.Int64
	reported, reportedValues atomic.Bool
}

// take reserves n instances; false when the scan has no room for them.
func (b *instanceBudget) take(n int64) bool {
	if n <= 0 {
		return true
	}
	return b.used.Add(n) <= int64(limits.Instances)
}

// weigh counts the syntax nodes of a block's body: what each of its
// instances holds, about (a literal map of 500 tags is 1,000 of them).
func weigh(b *hcl.Block) int64 {
	body, ok := b.Body.(*hclsyntax.Body)
	if !ok {
		return 1
	}
	n := int64(0)
	hclsyntax.VisitAll(body, func(hclsyntax.Node) hcl.Diagnostics {
		n++
		return nil
	})
	return max(n, 1)
}

// moduleEval is limits.ModuleEval; a variable so a test can shorten it.
var moduleEval = limits.ModuleEval

// scanModuleTime is limits.ScanModuleTime; a variable so a test can shorten it.
var scanModuleTime = limits.ScanModuleTime

// overBudget reserves n instances of the block at rng from the scan's
// budget; past it the block gets none, and the scan says so once.
func (in *instance) overBudget(rng hcl.Range, n int) bool {
	return in.overBudgetWeighted(rng, n, 0)
}

// overBudgetWeighted is overBudget for instances holding weight values
// each (weigh), also taken from the scan's limits.InstanceValues.
func (in *instance) overBudgetWeighted(rng hcl.Range, n int, weight int64) bool {
	b := in.r.l.instances
	if !b.take(int64(n)) {
		if b.reported.CompareAndSwap(false, true) {
			in.errorf(rng, "%s", limits.TooManyInstances(limits.Instances))
		}
		return true
	}
	if weight > 0 && b.values.Add(int64(n)*weight) > int64(limits.InstanceValues) {
		if b.reportedValues.CompareAndSwap(false, true) {
			in.errorf(rng, "%s", limits.TooManyInstanceValues(limits.InstanceValues))
		}
		return true
	}
	return false
}

// pastDeadline reports whether the root module's evaluation has run out of
// time (checked every 256 expressions); the first time, it says so.
func (r *rootEval) pastDeadline(in *instance, rng hcl.Range) bool {
	if r.late {
		return true
	}
	if r.evals%256 != 0 || time.Now().Before(r.deadline) {
		return false
	}
	r.late = true
	if r.byScan {
		in.errorf(rng, "%s", limits.ModulesTimeSpent(scanModuleTime))
	} else {
		in.errorf(rng, "%s", limits.TimedOut(moduleEval))
	}
	return true
}
