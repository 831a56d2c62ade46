package terraform

import (
	"errors"
	"fmt"
	"math/big"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

// Evaluation is demand-driven, as Terraform's graph walk is: a reference to
// local.x, aws_kms_key.k or module.m evaluates that object once (memoised per
// module instance) before the expression that needs it. Declaration order
// therefore never matters, and a local that is reached again while it is being
// evaluated is a cycle. This replaces repeated fixed-point passes, which cost
// one full evaluation per iteration and per nesting level.

const (
	maxModuleDepth = 32        // module calls below a root
	maxInstances   = 10000     // count / for_each / dynamic elements per block
	maxEvalDepth   = 512       // nested demands (a long chain of locals), so nothing recurses without bound
	maxEvals       = 1_000_000 // expressions evaluated per root module, so a hostile input cannot run for long
)

// rootEval is the evaluation of one root module and every module it calls. It
// runs on one goroutine.
type rootEval struct {
	l         *loader
	rootDir   string
	installed map[string]string // modules.json: call key → directory; nil without one
	funcs     map[string]function.Function
	out       parsers.Result
	depth     int       // current nesting of demands
	evals     int       // expressions evaluated so far
	forLeft   int64     // for-expression iterations left (bounds.go)
	textLeft  int64     // bytes of text templates and functions may still build (bounds.go)
	deadline  time.Time // when evaluation gives up (bounds.go)
	byScan    bool      // the deadline is the scan's time left (limits.ScanModuleTime), not moduleEval
	late      bool      // the deadline has passed
}

type state uint8

const (
	pending state = iota
	busy
	done
)

// symbol is an evaluated value with the full addresses of the resources it
// was computed from (so a reference through a local, a variable or a module
// output still links the resource that uses it to the one it names).
type symbol struct {
	val  cty.Value
	refs []string
}

type symSlot struct {
	st  state
	sym symbol
}

type resSlot struct {
	st        state
	decl      *resourceDecl
	multi     bool // count or for_each
	insts     []*resInst
	val       cty.Value
	condition string // an unknown lifecycle.enabled, as text
	// augmented is val with every instance given the attributes of a set
	// of names (augmentInstances), by the names joined: a count of a
	// thousand referenced through a splat by each of another thousand is
	// rebuilt once, not a thousand times.
	augmented map[string]cty.Value
}

type resInst struct {
	addr  string // local address: aws_ebs_volume.x[0]
	key   cty.Value
	body  *bodyVal
	known bool // false for the single "[*]" instance of an unknown count/for_each
}

type callSlot struct {
	st      state
	val     cty.Value
	outRefs map[string][]string
}

// instance is one module instance: the root, or a module call (one per
// count/for_each key).
type instance struct {
	r      *rootEval
	mod    *module
	prefix string   // "" or `module.db.` / `module.db["a"].`
	chain  []string // CallChain entries
	names  []string // module call names from the root, for recursion messages
	dirs   []string // module directories on the call path
	depth  int
	// condition is what the instance exists only under (an unknown
	// lifecycle.enabled of a module call on the path), or "".
	condition string
	// installed is the repository's module block that leads into an
	// installed module (installed.go); nil in the repository's own code.
	installed *graph.Location

	vars    map[string]symbol
	varObj  cty.Value
	locals  map[string]*symSlot
	res     map[string]*resSlot
	calls   map[string]*callSlot
	outputs map[string]symbol

	stack []string // objects being evaluated, for cycle messages
}

func newInstance(r *rootEval, m *module) *instance {
	return &instance{r: r, mod: m, locals: map[string]*symSlot{}, res: map[string]*resSlot{},
		calls: map[string]*callSlot{}, outputs: map[string]symbol{}, vars: map[string]symbol{}}
}

func (in *instance) errorf(rng hcl.Range, format string, args ...any) {
	in.r.out.Errors = append(in.r.out.Errors, rangeError(rng, fmt.Sprintf(format, args...)))
}

// setInputs converts the given values to each variable's type; variables
// without a value take their default, else are unknown. A null given takes
// the default only for a variable with nullable = false: otherwise it
// overrides the default, as in Terraform.
func (in *instance) setInputs(given map[string]symbol) {
	obj := map[string]cty.Value{}
	for _, d := range in.mod.variables {
		sym, ok := given[d.name]
		if !ok || sym.val.IsNull() && d.def != nil && d.notNull {
			sym = symbol{val: cty.UnknownVal(d.typ)}
			if d.def != nil {
				v, diags := d.def.Value(nil)
				if diags.HasErrors() {
					in.r.out.Errors = append(in.r.out.Errors, diagErrors(d.rng.Filename, diags)...)
					v = cty.DynamicVal
				}
				sym.val = v
			}
		}
		if d.defaults != nil {
			sym.val = d.defaults.Apply(sym.val)
		}
		v, err := convertValue(sym.val, d.typ)
		if err != nil {
			in.errorf(d.rng, "variable %q: %s", d.name, err)
			v = cty.UnknownVal(d.typ)
		}
		sym.val = v
		in.vars[d.name] = sym
		obj[d.name] = v
	}
	in.varObj = cty.ObjectVal(obj)
}

func convertValue(v cty.Value, ty cty.Type) (cty.Value, error) {
	if ty == cty.DynamicPseudoType {
		return v, nil
	}
	return convertTo(v, ty)
}

// run evaluates everything the module declares and emits its resources.
func (in *instance) run() {
	for _, d := range in.mod.locals {
		in.local(d.name)
	}
	for _, d := range in.mod.resources {
		in.emit(in.resource(d.typ + "." + d.name))
	}
	in.emitSettings()
	for _, c := range in.mod.calls {
		in.call(c.name)
	}
	for _, o := range in.mod.outputs {
		v, refs := in.eval(o.expr, nil)
		in.outputs[o.name] = symbol{val: v, refs: refs}
	}
}

func (in *instance) outputObject() cty.Value {
	obj := map[string]cty.Value{}
	for k, s := range in.outputs {
		obj[k] = s.val
	}
	return cty.ObjectVal(obj)
}

// enter guards the depth of nested demands; it returns false when the limit
// is reached (the value is then unknown).
func (in *instance) enter(name string) bool {
	if in.r.depth >= maxEvalDepth {
		return false
	}
	in.r.depth++
	in.stack = append(in.stack, name)
	return true
}

func (in *instance) leave() {
	in.r.depth--
	in.stack = in.stack[:len(in.stack)-1]
}

func (in *instance) local(name string) symbol {
	d := in.mod.localByName[name]
	if d == nil {
		return symbol{val: cty.DynamicVal}
	}
	s := in.locals[name]
	if s == nil {
		s = &symSlot{}
		in.locals[name] = s
	}
	switch s.st {
	case done:
		return s.sym
	case busy:
		in.reportCycle("local." + name)
		return symbol{val: cty.DynamicVal}
	}
	s.st = busy
	s.sym = symbol{val: cty.DynamicVal}
	if in.enter("local." + name) {
		v, refs := in.eval(d.expr, nil)
		in.leave()
		if s.st == busy { // a cycle may have settled it already
			s.sym = symbol{val: v, refs: refs}
		}
	}
	s.st = done
	return s.sym
}

// reportCycle names the objects from the first appearance of name on the
// stack; the value stays unknown. The locals of the cycle are settled to
// unknown so it is reported once.
func (in *instance) reportCycle(name string) {
	i := len(in.stack) - 1
	for i >= 0 && in.stack[i] != name {
		i--
	}
	if i < 0 {
		return
	}
	cycle := append(append([]string(nil), in.stack[i:]...), name)
	first := in.mod.localByName[strings.TrimPrefix(name, "local.")]
	rng := hcl.Range{Filename: in.mod.dir}
	if first != nil && strings.HasPrefix(name, "local.") {
		rng = first.rng
	} else {
		hasLocal := false
		for _, c := range cycle {
			if d := in.mod.localByName[strings.TrimPrefix(c, "local.")]; strings.HasPrefix(c, "local.") && d != nil {
				rng, hasLocal = d.rng, true
				break
			}
		}
		if !hasLocal {
			return // references between resources: unknown, as Terraform's own cycle error is not ours to report
		}
	}
	in.errorf(rng, "cycle between local values in %s: %s", rng.Filename, strings.Join(cycle, " → "))
	for _, c := range cycle {
		if s := in.locals[strings.TrimPrefix(c, "local.")]; s != nil && strings.HasPrefix(c, "local.") {
			s.st, s.sym = done, symbol{val: cty.DynamicVal}
		}
	}
}

// instKey is one expansion of count / for_each.
type instKey struct {
	suffix string    // "", "[0]", `["a"]`, "[*]"
	key    cty.Value // number, string, or NilVal
	scope  map[string]cty.Value
	known  bool
	refs   []string // the resources the for_each collection was computed from
}

func keySuffix(k cty.Value) string {
	k, _ = k.Unmark()
	if k.Type() == cty.Number {
		return "[" + k.AsBigFloat().Text('f', 0) + "]"
	}
	return "[" + strconv.Quote(k.AsString()) + "]"
}

// expand evaluates count / for_each. An unknown one yields a single instance
// "[*]" whose count.index / each.* are unknown, so the block is still checked.
// Every instance is taken from the scan's budget (bounds.go), a block at
// a (its definition) without count or for_each too: past the budget a block
// has no instances.
func (in *instance) expand(count, forEach hcl.Expression, at hcl.Range, weight int64) (keys []instKey, multi bool) {
	unknownCount := []instKey{{suffix: "[*]", scope: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}}}
	unknownEach := []instKey{{suffix: "[*]", scope: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}}}
	switch {
	case count != nil:
		v, _ := in.eval(count, nil)
		v, _ = v.UnmarkDeep()
		v, err := convertTo(v, cty.Number)
		if err != nil || !v.IsKnown() || v.IsNull() {
			return unknownCount, true
		}
		n, acc := v.AsBigFloat().Int64()
		if acc == big.Exact && n < 0 {
			// As Terraform: "Invalid count argument ... must be greater than
			// or equal to zero", not zero instances.
			in.errorf(count.Range(), "count is %d: Terraform refuses a negative count (Invalid count argument); evaluated as unknown", n)
			return unknownCount, true
		}
		if acc != big.Exact || n > maxInstances {
			in.errorf(count.Range(), "count %s is not a whole number below %d; evaluated as unknown", v.AsBigFloat().String(), maxInstances)
			return unknownCount, true
		}
		if in.overBudgetWeighted(count.Range(), int(n), weight) {
			return nil, true
		}
		var out []instKey
		for i := int64(0); i < n; i++ {
			k := cty.NumberIntVal(i)
			out = append(out, instKey{suffix: keySuffix(k), key: k, known: true,
				scope: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": k})}})
		}
		return out, true
	case forEach != nil:
		v, feRefs := in.eval(forEach, nil)
		defer func() {
			for i := range keys {
				keys[i].refs = feRefs
			}
		}()
		// Only the collection is unmarked: each.value keeps the positions
		// of the values a module caller passed (origin.go).
		v, _ = v.Unmark()
		ty := v.Type()
		if !v.IsKnown() || v.IsNull() || !(ty.IsMapType() || ty.IsObjectType() || ty.IsSetType()) ||
			ty.IsSetType() && !v.IsWhollyKnown() {
			return unknownEach, true
		}
		if v.LengthInt() > maxInstances {
			in.errorf(forEach.Range(), "for_each has more than %d elements; evaluated as unknown", maxInstances)
			return unknownEach, true
		}
		if in.overBudgetWeighted(forEach.Range(), v.LengthInt(), weight) {
			return nil, true
		}
		var out []instKey
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if ty.IsSetType() {
				k, _ = e.Unmark()
				if k.IsNull() || k.Type() != cty.String {
					return unknownEach, true
				}
			}
			out = append(out, instKey{suffix: keySuffix(k), key: k, known: true,
				scope: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})}})
		}
		return out, true
	}
	if in.overBudgetWeighted(at, 1, weight) {
		return nil, false
	}
	return []instKey{{known: true}}, false
}

// collect builds the value of a count / for_each object from its instances.
func collect(keys []instKey, multi bool, vals []cty.Value) cty.Value {
	if !multi {
		if len(vals) == 1 {
			return vals[0]
		}
		return cty.DynamicVal
	}
	if len(keys) == 1 && !keys[0].known {
		return cty.DynamicVal
	}
	if len(keys) > 0 && keys[0].key.Type() == cty.String {
		m := map[string]cty.Value{}
		for i, k := range keys {
			m[k.key.AsString()] = vals[i]
		}
		return cty.ObjectVal(m)
	}
	if len(vals) == 0 {
		return cty.EmptyTupleVal
	}
	return cty.TupleVal(vals)
}

func (in *instance) resource(addr string) *resSlot {
	d := in.mod.resByAddr[addr]
	if d == nil {
		return nil
	}
	rs := in.res[addr]
	if rs == nil {
		rs = &resSlot{decl: d, val: cty.DynamicVal}
		in.res[addr] = rs
	}
	if rs.st != pending {
		if rs.st == busy {
			in.reportCycle(addr)
		}
		return rs
	}
	rs.st = busy
	defer func() { rs.st = done }()
	if !in.enter(addr) {
		return rs
	}
	defer in.leave()
	on, cond := in.enabled(d.enabled)
	if !on {
		rs.val = cty.NullVal(cty.DynamicPseudoType)
		return rs
	}
	rs.condition = joinConditions(in.condition, cond)
	keys, multi := in.expand(d.count, d.forEach, d.block.DefRange, d.weight)
	rs.multi = multi
	for _, k := range keys {
		rs.insts = append(rs.insts, &resInst{addr: addr + k.suffix, key: k.key, known: k.known})
	}
	vals := make([]cty.Value, len(keys))
	for i, k := range keys {
		rs.insts[i].body = in.evalBody(d.block.Body, k.scope, true)
		rs.insts[i].body.addEachRefs(k.refs)
		vals[i] = rs.insts[i].body.value()
	}
	rs.val = collect(keys, multi, vals)
	return rs
}

func (in *instance) call(name string) *callSlot {
	cs := in.calls[name]
	if cs == nil {
		cs = &callSlot{val: cty.DynamicVal, outRefs: map[string][]string{}}
		in.calls[name] = cs
	}
	if cs.st != pending {
		if cs.st == busy {
			in.reportCycle("module." + name)
		}
		return cs
	}
	cs.st = busy
	defer func() { cs.st = done }()
	c := in.mod.callByName[name]
	if c == nil || c.unusable {
		return cs
	}
	childDir, installed := c.localDir, in.installed
	if c.remote {
		childDir = in.r.installed[in.callKey(name)]
		if childDir == "" {
			in.notFetched(c)
			return cs
		}
		if installed == nil {
			installed = installedEntry(c)
		}
	}
	names := append(append([]string(nil), in.names...), "module."+name)
	for _, d := range in.dirs {
		if d == childDir {
			in.errorf(c.block.DefRange, "module %q calls itself: %s (%s)", name, strings.Join(names, " → "), childDir)
			return cs
		}
	}
	if in.depth+1 > maxModuleDepth {
		in.errorf(c.block.DefRange, "module %q: calls nested deeper than %d", name, maxModuleDepth)
		return cs
	}
	if !in.enter("module." + name) {
		return cs
	}
	defer in.leave()
	on, cond := in.enabled(c.enabled)
	if !on {
		cs.val = cty.NullVal(cty.DynamicPseudoType)
		return cs
	}
	child := in.r.l.load(childDir)
	keys, multi := in.expand(c.count, c.forEach, c.block.DefRange, 0)
	vals := make([]cty.Value, len(keys))
	for i, k := range keys {
		given := map[string]symbol{}
		for _, a := range c.args {
			v, refs := in.eval(a.Expr, k.scope)
			if usesEach(a.Expr) {
				refs = appendUnique(refs, k.refs...)
			}
			given[a.Name] = symbol{val: markArg(v, a.Expr, a.NameRange, 0), refs: refs}
		}
		ci := newInstance(in.r, child)
		ci.prefix = in.prefix + "module." + name + k.suffix + "."
		ci.chain = append(append([]string(nil), in.chain...),
			fmt.Sprintf("module.%s%s (%s:%d)", name, k.suffix, c.block.DefRange.Filename, c.block.DefRange.Start.Line))
		ci.names = names
		ci.dirs = append(append([]string(nil), in.dirs...), child.dir)
		ci.depth = in.depth + 1
		ci.condition = joinConditions(in.condition, cond)
		ci.installed = installed
		ci.setInputs(given)
		ci.run()
		vals[i] = ci.outputObject()
		for o, s := range ci.outputs {
			cs.outRefs[o] = appendUnique(cs.outRefs[o], s.refs...)
		}
	}
	cs.val = collect(keys, multi, vals)
	return cs
}

// notFetched tells the user once per call that a remote module was not
// read, and how to let pvlint read it. A call that several root modules
// reach (a shared module linted as its own root and inside each caller) is
// said once, naming every root where `terraform init` would install it
// (uninstalledNotices).
func (in *instance) notFetched(c *callDecl) {
	if in.r.installed != nil {
		msg := "module " + quote(c.name) + ": remote source " + quote(c.source) + " is not in " + path.Join(in.r.rootDir, modulesManifest) + "; its resources are not linted and its outputs are unknown (run `terraform init` again)"
		in.r.out.Notices = append(in.r.out.Notices, parsers.Notice{File: c.srcRange.Filename, Msg: msg})
		return
	}
	l := in.r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	k := uninstalledCall{file: c.srcRange.Filename, name: c.name, source: c.source}
	if l.uninstalled == nil {
		l.uninstalled = map[uninstalledCall][]string{}
	}
	l.uninstalled[k] = appendUnique(l.uninstalled[k], in.r.rootDir)
}

// uninstalledCall is a module call whose remote source is not installed.
type uninstalledCall struct{ file, name, source string }

// uninstalledNotices says, per call, that its remote module was not read,
// with the root modules to run `terraform init` in.
func (l *loader) uninstalledNotices() []parsers.Notice {
	var out []parsers.Notice
	for k, roots := range l.uninstalled {
		sort.Strings(roots)
		out = append(out, parsers.Notice{File: k.file, Msg: "module " + quote(k.name) + ": remote source " + quote(k.source) +
			" is not installed; its resources are not linted and its outputs are unknown (run `terraform init` or `tofu init` in " +
			orList(roots) + " so pvlint can read it from .terraform/modules)"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// enabled evaluates OpenTofu's lifecycle { enabled }: false means the block
// creates nothing; an unknown value keeps it, with the condition as text
// so findings say they hold only then.
func (in *instance) enabled(expr hcl.Expression) (bool, string) {
	if expr == nil {
		return true, ""
	}
	v, _ := in.eval(expr, nil)
	v, _ = v.UnmarkDeep()
	if v, err := convertTo(v, cty.Bool); err == nil && v.IsKnown() && !v.IsNull() {
		return v.True(), ""
	}
	nb := nodeBuilder{src: in.mod.files}
	return true, "`" + nb.text(expr) + "` is true (lifecycle.enabled)"
}

func joinConditions(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " and " + b
}

func appendUnique(dst []string, add ...string) []string {
	for _, a := range add {
		dup := false
		for _, d := range dst {
			if d == a {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, a)
		}
	}
	return dst
}

// eval evaluates expr in the module instance, with the extra scope variables
// (count, each, dynamic iterators). Errors make the value unknown; only a
// call to an unknown function is reported, since every other failure is
// something Terraform resolves at plan time (a computed attribute, a data
// source) and pvlint must not guess.
func (in *instance) eval(expr hcl.Expression, scope map[string]cty.Value) (cty.Value, []string) {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	if in.r.evals++; in.r.evals > maxEvals {
		if in.r.evals == maxEvals+1 {
			in.errorf(expr.Range(), "evaluation stopped after %d expressions; the rest of the module is unknown", maxEvals)
		}
		return cty.DynamicVal, nil
	}
	if in.r.pastDeadline(in, expr.Range()) {
		return cty.DynamicVal, nil
	}
	ctx, refs := in.context(expr, scope)
	v, diags := expr.Value(ctx)
	in.reportFunctionErrors(diags)
	if diags.HasErrors() || v == cty.NilVal {
		return cty.DynamicVal, refs
	}
	return v, refs
}

func (in *instance) reportFunctionErrors(diags hcl.Diagnostics) {
	for _, d := range diags {
		// A function that fails on its input's own account fails Terraform's
		// plan too: an error at the call, not a silent unknown. That is a
		// refused file(), a bound of bounds.go, and a function over its own
		// limit (range() past 1024 values). Other failures stay unknown:
		// they can come from what pvlint does not know (a default standing
		// in for a caller's argument, an object known only in part).
		if fc, ok := d.Extra.(hclsyntax.FunctionCallDiagExtra); ok && d.Severity == hcl.DiagError && fc.FunctionCallError() != nil &&
			inputFault(fc.CalledFunctionName(), fc.FunctionCallError()) {
			msg := fc.CalledFunctionName() + "(): " + functionErrorText(fc.FunctionCallError())
			if hiddenFunc(fc.CalledFunctionName()) {
				msg = functionErrorText(fc.FunctionCallError())
			}
			e := parsers.Error{File: in.mod.dir, Msg: msg}
			if d.Subject != nil {
				e.File, e.Line, e.Col = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
			}
			in.r.out.Errors = append(in.r.out.Errors, e)
			continue
		}
		x, ok := d.Extra.(hclsyntax.FunctionCallUnknownDiagExtra)
		if !ok || d.Severity != hcl.DiagError || x.CalledFunctionNamespace() != "" {
			continue // provider-defined functions (provider::x::f) are unknown, not errors
		}
		e := parsers.Error{File: in.mod.dir, Msg: "unknown function " + quote(x.CalledFunctionName())}
		if d.Subject != nil {
			e.File, e.Line, e.Col = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		in.r.out.Errors = append(in.r.out.Errors, e)
	}
}

// inputFault reports whether a function's error is the input's fault
// whatever pvlint does not know (see reportFunctionErrors).
func inputFault(name string, err error) bool {
	var ie *inputError
	if errors.As(err, &ie) {
		return true
	}
	return name == "range" && strings.Contains(err.Error(), "values were generated")
}

// functionErrorText is a function's error without go-cty's argument
// wrapping where the message says it already.
func functionErrorText(err error) string {
	var ie *inputError
	if errors.As(err, &ie) {
		return ie.msg
	}
	var ae function.ArgError
	if errors.As(err, &ae) {
		return fmt.Sprintf("argument %d: %s", ae.Index+1, ae.Error())
	}
	return err.Error()
}

func attrStep(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	a, ok := t[i].(hcl.TraverseAttr)
	return a.Name, ok
}

// context builds the variables expr needs, evaluating each referenced object
// on demand, and returns the resources it refers to.
func (in *instance) context(expr hcl.Expression, scope map[string]cty.Value) (*hcl.EvalContext, []string) {
	vars := map[string]cty.Value{}
	for k, v := range scope {
		vars[k] = v
	}
	locals := map[string]cty.Value{}
	mods := map[string]cty.Value{}
	res := map[string]map[string]cty.Value{}
	var undeclaredVars map[string]cty.Value
	var refs []string
	var keyed map[int]cty.Value
	var readNames []string
	for _, t := range expr.Variables() {
		root := t.RootName()
		if _, ok := scope[root]; ok {
			continue
		}
		name, hasName := attrStep(t, 1)
		switch root {
		case "var":
			vars["var"] = in.varObj
			if !hasName {
				continue
			}
			if in.mod.varByName[name] == nil {
				in.undeclared(t, "input variable", name, sortedKeys(in.mod.varByName))
				if undeclaredVars == nil {
					undeclaredVars = map[string]cty.Value{}
				}
				undeclaredVars[name] = cty.DynamicVal
				continue
			}
			refs = appendUnique(refs, in.vars[name].refs...)
		case "local":
			if !hasName {
				continue
			}
			if in.mod.localByName[name] == nil {
				in.undeclared(t, "local value", name, sortedKeys(in.mod.localByName))
				locals[name] = cty.DynamicVal
				continue
			}
			s := in.local(name)
			locals[name] = s.val
			refs = appendUnique(refs, s.refs...)
		case "module":
			if !hasName {
				continue
			}
			c := in.mod.callByName[name]
			if c == nil {
				in.undeclared(t, "module", name, sortedKeys(in.mod.callByName))
				mods[name] = cty.DynamicVal
				continue
			}
			cs := in.call(name)
			cur, ok := mods[name]
			if !ok {
				cur = cs.val
			}
			out, outOK := callOutput(t)
			if outOK && c.localDir != "" {
				if child := in.r.l.load(c.localDir); !child.partial && !child.outByName[out] {
					in.undeclaredOutput(t, name, out, c.localDir, sortedKeys(child.outByName))
					cur = augment(cur, t[2:], 0)
				}
			}
			mods[name] = cur
			if outOK {
				refs = appendUnique(refs, cs.outRefs[out]...)
			} else {
				for _, k := range sortedKeys(cs.outRefs) {
					refs = appendUnique(refs, cs.outRefs[k]...)
				}
			}
		case "path":
			vars["path"] = cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(in.pathModule()),
				"root": cty.StringVal("."), "cwd": cty.StringVal(".")})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "data", "self", "count", "each", "ephemeral":
			vars[root] = cty.DynamicVal
		default:
			if !hasName || !in.mod.resTypes[root] {
				continue
			}
			rs := in.resource(root + "." + name)
			if rs == nil {
				continue
			}
			if res[root] == nil {
				res[root] = map[string]cty.Value{}
			}
			cur, ok := res[root][name]
			fresh := !ok // cur is rs.val itself
			if !ok {
				cur = rs.val
			}
			cur = augment(cur, t[2:], 0)
			if keyed == nil {
				keyed = in.indexedRefs(expr, scope)
			}
			if len(t) == 2 && rs.multi {
				// Indexed by an expression, splatted or iterated
				// (aws_subnet.s[count.index].id, aws_subnet.s[*].id,
				// for s in aws_subnet.s : s.id): the traversal ends at
				// the resource, so its instances get every attribute
				// the expression reads; only the one an index that is
				// known picks (count.index), else all.
				if readNames == nil {
					readNames = attrsRead(expr)
				}
				if k, ok := keyed[t.SourceRange().Start.Byte]; ok {
					cur = augmentInstances(cur, readNames, k)
				} else if fresh {
					memo := strings.Join(readNames, "\x00")
					if a, ok := rs.augmented[memo]; ok {
						cur = a
					} else {
						cur = augmentInstances(cur, readNames, cty.NilVal)
						if rs.augmented == nil {
							rs.augmented = map[string]cty.Value{}
						}
						rs.augmented[memo] = cur
					}
				} else {
					cur = augmentInstances(cur, readNames, cty.NilVal)
				}
			}
			res[root][name] = cur
			refs = appendUnique(refs, in.targets(rs, t, keyed)...)
		}
	}
	if undeclaredVars != nil && in.varObj.Type().IsObjectType() {
		for k, v := range in.varObj.AsValueMap() {
			undeclaredVars[k] = v
		}
		vars["var"] = cty.ObjectVal(undeclaredVars)
	}
	if len(locals) > 0 {
		vars["local"] = cty.ObjectVal(locals)
	}
	if len(mods) > 0 {
		vars["module"] = cty.ObjectVal(mods)
	}
	for typ, objs := range res {
		vars[typ] = cty.ObjectVal(objs)
	}
	return &hcl.EvalContext{Variables: vars, Functions: in.r.funcs}, refs
}

// callOutput is the output a module reference reads: module.NAME.OUT, or
// module.NAME[KEY].OUT for a call with count or for_each.
func callOutput(t hcl.Traversal) (string, bool) {
	if out, ok := attrStep(t, 2); ok {
		return out, true
	}
	if len(t) > 3 {
		if _, ok := t[2].(hcl.TraverseIndex); ok {
			return attrStep(t, 3)
		}
	}
	return "", false
}

// undeclared reports a reference to a variable, local value or module call
// the module does not declare, as Terraform rejects it ("Reference to
// undeclared input variable"). The reference alone is unknown; the rest of
// the module still evaluates. Nothing is reported when a file of the module
// could not be read, as the declaration may be in it.
func (in *instance) undeclared(t hcl.Traversal, what, name string, declared []string) {
	if in.mod.partial {
		return
	}
	in.errorf(t.SourceRange(), "reference to undeclared %s %s%s", what, quote(name), didYouMean(name, declared))
}

func (in *instance) undeclaredOutput(t hcl.Traversal, call, out, dir string, declared []string) {
	in.errorf(t.SourceRange(), "reference to undeclared output value %s of module %s (%s)%s",
		quote(out), quote(call), dir, didYouMean(out, declared))
}

// didYouMean suggests the declared name closest to name, as Terraform does
// (an edit distance below 3), or returns "".
func didYouMean(name string, declared []string) string {
	best, bestD := "", 3
	for _, d := range declared {
		if dist := levenshtein(name, d, bestD); dist < bestD {
			best, bestD = d, dist
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + quote(best) + "?"
}

// levenshtein is the edit distance between a and b, or limit when it is at
// least limit.
func levenshtein(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pathModule is path.module as Terraform gives it: relative to the root
// module directory.
func (in *instance) pathModule() string {
	if len(in.dirs) == 0 || in.mod.dir == in.dirs[0] {
		return "."
	}
	rel := relPath(in.dirs[0], in.mod.dir)
	return rel
}

// augment adds the attributes a traversal reads but the configuration does
// not set (arn, id, key_id...) as unknown values, so reading a computed
// attribute yields unknown rather than an "unsupported attribute" error.
// computedAttr is the value of an attribute a resource block does not set:
// unknown until apply. The identifiers every managed resource has once it
// exists (id, and the arn and self_link that AWS and Google resources
// export) are known not to be null, so `var.key == null ? ... : ...` over a
// key passed as aws_kms_key.k.arn decides, as it does at plan time.
func computedAttr(name string) cty.Value {
	switch name {
	case "id", "arn", "self_link":
		return cty.UnknownVal(cty.String).RefineNotNull()
	}
	return cty.DynamicVal
}

func augment(v cty.Value, steps hcl.Traversal, depth int) cty.Value {
	if len(steps) == 0 || depth > 64 || !v.IsKnown() || v.IsNull() {
		return v
	}
	if v.IsMarked() {
		inner, marks := v.Unmark()
		return augment(inner, steps, depth).WithMarks(marks)
	}
	ty := v.Type()
	switch s := steps[0].(type) {
	case hcl.TraverseAttr:
		if ty.IsObjectType() {
			m := v.AsValueMap()
			if m == nil {
				m = map[string]cty.Value{}
			}
			if cur, ok := m[s.Name]; ok {
				m[s.Name] = augment(cur, steps[1:], depth+1)
			} else {
				m[s.Name] = computedAttr(s.Name)
			}
			return cty.ObjectVal(m)
		}
	case hcl.TraverseIndex:
		k := s.Key
		if !k.IsKnown() || k.IsNull() {
			return v
		}
		switch {
		case ty.IsTupleType() && k.Type() == cty.Number:
			i, acc := k.AsBigFloat().Int64()
			elems := v.AsValueSlice()
			if acc == big.Exact && i >= 0 && int(i) < len(elems) {
				elems[i] = augment(elems[i], steps[1:], depth+1)
				return cty.TupleVal(elems)
			}
		case ty.IsObjectType() && k.Type() == cty.String:
			m := v.AsValueMap()
			if cur, ok := m[k.AsString()]; ok {
				m[k.AsString()] = augment(cur, steps[1:], depth+1)
				return cty.ObjectVal(m)
			}
		}
	}
	return v
}

// attrsRead returns the name of every attribute step of expr's
// traversals, relative ones included (the .id of x[i].id), in order.
func attrsRead(expr hcl.Expression) []string {
	names := []string{}
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return names
	}
	add := func(t hcl.Traversal) {
		for _, st := range t {
			if a, ok := st.(hcl.TraverseAttr); ok && !slices.Contains(names, a.Name) {
				names = append(names, a.Name)
			}
		}
	}
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			add(x.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			add(x.Traversal)
		}
		return nil
	})
	return names
}

// augmentInstances adds each of names that an instance of a count or
// for_each resource (v: a tuple or an object of instance objects) lacks, as
// a computed attribute (computedAttr). A name the resource does not have
// in Terraform reads as unknown, where it would fail the whole expression:
// either way pvlint learns nothing from it, but the rest of the expression
// (the keys of a for_each map, the other attributes of an object) stays
// known.
func augmentInstances(v cty.Value, names []string, key cty.Value) cty.Value {
	if len(names) == 0 || !v.IsKnown() || v.IsNull() {
		return v
	}
	if v.IsMarked() {
		inner, marks := v.Unmark()
		return augmentInstances(inner, names, key).WithMarks(marks)
	}
	ty := v.Type()
	if !ty.IsTupleType() && !ty.IsObjectType() {
		return v
	}
	// add gives an instance the names it lacks; false when it lacks none.
	var add func(inst cty.Value) (cty.Value, bool)
	add = func(inst cty.Value) (cty.Value, bool) {
		if inst.IsMarked() {
			inner, marks := inst.Unmark()
			out, changed := add(inner)
			return out.WithMarks(marks), changed
		}
		if !inst.IsKnown() || inst.IsNull() || !inst.Type().IsObjectType() {
			return inst, false
		}
		var m map[string]cty.Value
		for _, n := range names {
			if inst.Type().HasAttribute(n) {
				continue
			}
			if m == nil {
				if m = inst.AsValueMap(); m == nil {
					m = map[string]cty.Value{}
				}
			}
			m[n] = computedAttr(n)
		}
		if m == nil {
			return inst, false
		}
		return cty.ObjectVal(m), true
	}
	if key != cty.NilVal {
		// A known index picks one instance: only it is given the names,
		// and most references find them there already (the instance wrote
		// them, or an earlier reference added them): nothing to rebuild.
		key, _ = key.Unmark()
		switch {
		case ty.IsTupleType() && key.Type() == cty.Number:
			if i, acc := key.AsBigFloat().Int64(); acc == big.Exact && i >= 0 && int(i) < len(ty.TupleElementTypes()) {
				inst, changed := add(v.Index(key))
				if !changed {
					return v
				}
				elems := v.AsValueSlice()
				elems[i] = inst
				return cty.TupleVal(elems)
			}
		case ty.IsObjectType() && key.Type() == cty.String && ty.HasAttribute(key.AsString()):
			inst, changed := add(v.GetAttr(key.AsString()))
			if !changed {
				return v
			}
			m := v.AsValueMap()
			m[key.AsString()] = inst
			return cty.ObjectVal(m)
		}
	}
	if ty.IsTupleType() {
		elems := v.AsValueSlice()
		for i, e := range elems {
			elems[i], _ = add(e)
		}
		return cty.TupleVal(elems)
	}
	m := v.AsValueMap()
	for k, e := range m {
		m[k], _ = add(e)
	}
	return cty.ObjectVal(m)
}

// indexedRefs finds resource references indexed by an expression
// (aws_ebs_volume.x[count.index]) and evaluates the index, so a reference
// links the matching instance rather than all of them. Keyed by the byte
// offset of the traversal.
func (in *instance) indexedRefs(expr hcl.Expression, scope map[string]cty.Value) map[int]cty.Value {
	out := map[int]cty.Value{}
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return out
	}
	var found []*hclsyntax.IndexExpr
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		if ie, ok := n.(*hclsyntax.IndexExpr); ok {
			if st, ok := ie.Collection.(*hclsyntax.ScopeTraversalExpr); ok && len(st.Traversal) == 2 && in.mod.resTypes[st.Traversal.RootName()] {
				found = append(found, ie)
			}
		}
		return nil
	})
	for _, ie := range found {
		if k, _ := in.eval(ie.Key, scope); k.IsKnown() && !k.IsNull() {
			out[ie.Collection.Range().Start.Byte] = k
		}
	}
	return out
}

// targets returns the full addresses a traversal of rs refers to.
func (in *instance) targets(rs *resSlot, t hcl.Traversal, keyed map[int]cty.Value) []string {
	if !rs.multi || len(rs.insts) == 0 {
		return []string{in.prefix + rs.decl.typ + "." + rs.decl.name}
	}
	key := cty.NilVal
	if len(t) > 2 {
		if ix, ok := t[2].(hcl.TraverseIndex); ok {
			key = ix.Key
		}
	}
	if key == cty.NilVal {
		if k, ok := keyed[t.SourceRange().Start.Byte]; ok {
			key = k
		}
	}
	if key != cty.NilVal {
		key, _ = key.Unmark() // an each.value a caller passed keeps its position
	}
	if key != cty.NilVal && key.IsKnown() && !key.IsNull() && (key.Type() == cty.Number || key.Type() == cty.String) {
		if key.Type() == cty.Number {
			if bf := key.AsBigFloat(); !bf.IsInt() {
				key = cty.NilVal
			}
		}
		if key != cty.NilVal {
			want := rs.decl.typ + "." + rs.decl.name + keySuffix(key)
			for _, i := range rs.insts {
				if i.addr == want {
					return []string{in.prefix + want}
				}
			}
		}
	}
	var out []string
	for _, i := range rs.insts {
		out = append(out, in.prefix+i.addr)
	}
	return out
}

// emit turns each instance of a managed resource into a graph resource.
func (in *instance) emit(rs *resSlot) {
	if rs == nil {
		return
	}
	b := rs.decl.block
	for _, inst := range rs.insts {
		if inst.body == nil {
			continue
		}
		res := &graph.Resource{
			Source:  graph.SourceTerraform,
			Kind:    rs.decl.typ,
			Name:    inst.addr,
			File:    b.DefRange.Filename,
			KindPos: gpos(b.TypeRange.Start),
			Start:   gpos(b.DefRange.Start),
			End:     gpos(blockEnd(b)),
			From: &graph.Origin{Module: in.r.rootDir, Address: in.prefix + inst.addr,
				CallChain: append([]string(nil), in.chain...), Condition: rs.condition, Installed: in.installed},
		}
		nb := &nodeBuilder{src: in.mod.files, file: b.DefRange.Filename}
		conv := kubeKinds[rs.decl.typ]
		if conv.kind != "" {
			nb.names = kubeNamer
		}
		res.Root = nb.body(inst.body, res.KindPos)
		if rs.decl.typ == "kubernetes_manifest" {
			toManifest(res)
		} else if conv.kind != "" {
			toKube(res, conv)
		}
		if refs, nulls := nb.resolveRefs(res.Root, in.r.rootDir), nb.resolveNulls(res.Root); refs != nil || nulls != nil {
			res.Terraform = &graph.Terraform{Refs: refs, NullArgs: nulls}
		}
		in.r.out.Resources = append(in.r.out.Resources, res)
	}
}

func blockEnd(b *hcl.Block) hcl.Pos {
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		return sb.SrcRange.End
	}
	return b.DefRange.End
}

func gpos(p hcl.Pos) graph.Pos { return graph.Pos{Line: p.Line, Col: p.Column} }
