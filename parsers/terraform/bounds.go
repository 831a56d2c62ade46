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
// is passed through (see meterForExprs): it counts the elements iterated
// per root module and fails the expression past limits.ValueElements, so a
// 200-byte nest of three for expressions over range(1000) stops after a
// million iterations instead of building a billion elements.
const forBudgetFunc = "pvlint_for_budget"

// meterForExprs wraps the collection of every for expression in body's
// blocks (except variable blocks, whose defaults are evaluated without
// functions) in a call of forBudgetFunc. src is the text body was parsed
// from: a file without the keyword for is not walked (the walk allocates
// per syntax node, and most files have no for expression).
func meterForExprs(body *hclsyntax.Body, src []byte) {
	if !hasForKeyword(src) {
		return
	}
	for _, b := range body.Blocks {
		if b.Type != "variable" {
			meterBody(b.Body)
		}
	}
}

// meterBody and meterExpr walk the syntax tree without the closure per node
// that hclsyntax.VisitAll allocates; an expression type they do not know is
// walked with VisitAll, so no for expression is ever missed.
func meterBody(body *hclsyntax.Body) {
	for _, a := range body.Attributes {
		meterExpr(a.Expr)
	}
	for _, b := range body.Blocks {
		meterBody(b.Body)
	}
}

func meterExpr(e hclsyntax.Expression) {
	switch x := e.(type) {
	case nil, *hclsyntax.LiteralValueExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.AnonSymbolExpr:
	case *hclsyntax.ForExpr:
		meterFor(x)
		meterExpr(x.CollExpr)
		meterExpr(x.KeyExpr)
		meterExpr(x.ValExpr)
		meterExpr(x.CondExpr)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range x.Args {
			meterExpr(a)
		}
	case *hclsyntax.ConditionalExpr:
		meterExpr(x.Condition)
		meterExpr(x.TrueResult)
		meterExpr(x.FalseResult)
	case *hclsyntax.IndexExpr:
		meterExpr(x.Collection)
		meterExpr(x.Key)
	case *hclsyntax.TupleConsExpr:
		for _, it := range x.Exprs {
			meterExpr(it)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range x.Items {
			meterExpr(it.KeyExpr)
			meterExpr(it.ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		meterExpr(x.Wrapped)
	case *hclsyntax.SplatExpr:
		meterExpr(x.Source)
		meterExpr(x.Each)
	case *hclsyntax.RelativeTraversalExpr:
		meterExpr(x.Source)
	case *hclsyntax.BinaryOpExpr:
		meterExpr(x.LHS)
		meterExpr(x.RHS)
	case *hclsyntax.UnaryOpExpr:
		meterExpr(x.Val)
	case *hclsyntax.TemplateExpr:
		for _, p := range x.Parts {
			meterExpr(p)
		}
	case *hclsyntax.TemplateJoinExpr:
		meterExpr(x.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		meterExpr(x.Wrapped)
	case *hclsyntax.ParenthesesExpr:
		meterExpr(x.Expression)
	default:
		hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
			if fe, ok := n.(*hclsyntax.ForExpr); ok {
				meterFor(fe)
			}
			return nil
		})
	}
}

// meterFor passes a for expression's collection through forBudgetFunc, once.
func meterFor(fe *hclsyntax.ForExpr) {
	if call, ok := fe.CollExpr.(*hclsyntax.FunctionCallExpr); ok && call.Name == forBudgetFunc {
		return
	}
	r := fe.CollExpr.Range()
	fe.CollExpr = &hclsyntax.FunctionCallExpr{Name: forBudgetFunc, Args: []hclsyntax.Expression{fe.CollExpr},
		NameRange: r, OpenParenRange: r, CloseParenRange: r}
}

// hasForKeyword reports whether src holds "for" not joined to an ASCII
// identifier character, as the keyword of every for expression is (for_each
// and format are not). A neighbour outside ASCII counts as a separator, so
// the test never misses a for expression.
func hasForKeyword(src []byte) bool {
	ident := func(c byte) bool {
		return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("for"))
		if j < 0 {
			return false
		}
		j += i
		if (j == 0 || !ident(src[j-1])) && (j+3 == len(src) || !ident(src[j+3])) {
			return true
		}
		i = j + 3
	}
}

// forBudget is the function behind forBudgetFunc for one root module.
func forBudget(left *int64) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "collection", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			uv, _ := v.Unmark() // the length needs only the collection itself unmarked
			if uv.IsKnown() && !uv.IsNull() && uv.CanIterateElements() {
				if *left -= int64(uv.LengthInt()); *left < 0 {
					return cty.DynamicVal, &inputError{limits.ForIterations(limits.ValueElements)}
				}
			}
			return v, nil
		},
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
	used     atomic.Int64
	reported atomic.Bool
}

// take reserves n instances; false when the scan has no room for them.
func (b *instanceBudget) take(n int64) bool {
	if n <= 0 {
		return true
	}
	return b.used.Add(n) <= int64(limits.Instances)
}

// moduleEval is limits.ModuleEval; a variable so a test can shorten it.
var moduleEval = limits.ModuleEval

// deadline is when a root module's evaluation gives up.
func deadline() time.Time { return time.Now().Add(moduleEval) }

// overBudget reserves n instances of the block at rng from the scan's
// budget; past it the block gets none, and the scan says so once.
func (in *instance) overBudget(rng hcl.Range, n int) bool {
	if in.r.l.instances.take(int64(n)) {
		return false
	}
	if in.r.l.instances.reported.CompareAndSwap(false, true) {
		in.errorf(rng, "%s", limits.TooManyInstances(limits.Instances))
	}
	return true
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
	in.errorf(rng, "%s", limits.TimedOut(moduleEval))
	return true
}
