package custom

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"
	admv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/lazy"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/limits"
	"github.com/pvlint/pvlint/rules"
)

// A ValidatingAdmissionPolicy runs as the API server runs it on a CREATE of
// each scanned object its matchConstraints select: same environment, same
// variables (lazily, in order), same matchConditions and validations. What
// a static scan cannot know is a CEL unknown, so the check is undecided,
// never a pass: the requesting user (request.userInfo), the authorizer,
// params a binding names but the scan does not hold, and namespaceObject
// and namespaceSelector when the Namespace is not in the scan.

const severityAnnotation = "pvlint.dev/severity"

type vapRule struct {
	p         *admv1.ValidatingAdmissionPolicy
	id        string
	sev       rules.Severity
	where     string
	hasParams bool
	varType   *apiservercel.DeclType
	vars      []vapExpr
	conds     []vapExpr
	checks    []vapValidation
	bindings  []*vapBinding
	cost      uint64 // CEL cost budget per scan (share)
}

type vapExpr struct {
	name   string
	prog   cel.Program
	chains [][]string // selector chains on object, this variable's and those of the variables it uses
}

type vapValidation struct {
	prog    cel.Program
	msgProg cel.Program
	message string
	expr    string
	chains  [][]string
}

type vapBinding struct {
	b     *admv1.ValidatingAdmissionPolicyBinding
	file  string
	line  int
	node  *yaml.Node
	bound bool
}

// decodeK8s decodes a document into an API type strictly (unknown fields
// are errors), as kubectl would.
func (l *loader) decodeK8s(src *source, root *yaml.Node, into any) bool {
	data, err := yaml.Marshal(root)
	if err == nil {
		err = sigsyaml.UnmarshalStrict(data, into)
	}
	if err != nil {
		l.errorf(src.file, root.Line, root.Column, "%s: %v", scalarAt(root, "kind"), err)
		return false
	}
	return true
}

// nodeAt follows keys (and list indices) through a YAML tree.
func nodeAt(n *yaml.Node, keys ...any) *yaml.Node {
	for _, k := range keys {
		if n == nil {
			return nil
		}
		switch k := k.(type) {
		case string:
			n = valueAt(n, k)
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return nil
			}
			n = n.Content[k]
		}
	}
	return n
}

func (l *loader) vap(src *source, root *yaml.Node) {
	nerr := len(l.errs)
	var p admv1.ValidatingAdmissionPolicy
	if !l.decodeK8s(src, root, &p) {
		return
	}
	if p.Name == "" {
		l.errorf(src.file, root.Line, root.Column, "ValidatingAdmissionPolicy: metadata.name is missing")
		return
	}
	id := "VAP/" + p.Name
	if !rules.ValidID(id) {
		l.errorf(src.file, root.Line, root.Column, "ValidatingAdmissionPolicy %q: the name must be a lower-case DNS name", p.Name)
		return
	}
	l.claimID(src, nodeAt(root, "metadata", "name"), id, "")
	v := &vapRule{p: &p, id: id, sev: rules.Medium, where: fmt.Sprintf("%s:%d", src.file, root.Line), hasParams: p.Spec.ParamKind != nil}
	if s, ok := p.Annotations[severityAnnotation]; ok {
		sev, err := rules.ParseSeverity(s)
		if err != nil || sev == rules.None {
			n := nodeAt(root, "metadata", "annotations", severityAnnotation)
			l.errorf(src.file, n.Line, n.Column, "metadata.annotations[%s]: %q: want critical, high, medium or low", severityAnnotation, s)
		}
		v.sev = sev
	}
	if p.Spec.MatchConstraints == nil || len(p.Spec.MatchConstraints.ResourceRules) == 0 {
		l.errorf(src.file, root.Line, root.Column, "ValidatingAdmissionPolicy %q: spec.matchConstraints.resourceRules is required", p.Name)
	}
	v.varType = apiservercel.NewObjectType("kubernetes.variables", map[string]*apiservercel.DeclField{})
	env, err := vapEnv(v.hasParams, v.varType)
	if err != nil {
		l.errorf(src.file, root.Line, 0, "internal error: CEL environment: %v", err)
		return
	}
	for i, vr := range p.Spec.Variables {
		n := nodeAt(root, "spec", "variables", i, "expression")
		ast := l.compileAt(src, env, n, vr.Expression, fmt.Sprintf("spec.variables[%d].expression", i), nil)
		if ast == nil {
			continue
		}
		v.varType.Fields[vr.Name] = apiservercel.NewDeclField(vr.Name, declTypeOf(ast.OutputType()), true, nil, nil)
		v.vars = append(v.vars, vapExpr{name: vr.Name, prog: l.program(src, env, ast, n), chains: v.chainsOf(ast)})
	}
	for i, mc := range p.Spec.MatchConditions {
		n := nodeAt(root, "spec", "matchConditions", i, "expression")
		if ast := l.compileAt(src, env, n, mc.Expression, fmt.Sprintf("spec.matchConditions[%d].expression", i), cel.BoolType); ast != nil {
			v.conds = append(v.conds, vapExpr{name: mc.Name, prog: l.program(src, env, ast, n)})
		}
	}
	for i, val := range p.Spec.Validations {
		n := nodeAt(root, "spec", "validations", i, "expression")
		ast := l.compileAt(src, env, n, val.Expression, fmt.Sprintf("spec.validations[%d].expression", i), cel.BoolType)
		if ast == nil {
			continue
		}
		vv := vapValidation{prog: l.program(src, env, ast, n), message: val.Message, expr: val.Expression,
			chains: v.chainsOf(ast)}
		if val.MessageExpression != "" {
			mn := nodeAt(root, "spec", "validations", i, "messageExpression")
			if mast := l.compileAt(src, env, mn, val.MessageExpression, fmt.Sprintf("spec.validations[%d].messageExpression", i), cel.StringType); mast != nil {
				vv.msgProg = l.program(src, env, mast, mn)
			}
		}
		v.checks = append(v.checks, vv)
	}
	if len(p.Spec.Validations) == 0 {
		l.errorf(src.file, root.Line, root.Column, "ValidatingAdmissionPolicy %q has no validations (pvlint runs validations only; auditAnnotations are not checked)", p.Name)
	}
	if len(l.errs) == nerr {
		l.vaps = append(l.vaps, v)
		l.compiled = append(l.compiled, v)
	}
}

// chainsOf lists the selector chains on object of an expression, then
// those of the variables it reads (variables.name), so that a validation
// written over variables is still placed on the field it is about.
func (v *vapRule) chainsOf(ast *cel.Ast) [][]string {
	out := objectChains(ast.NativeRep().Expr())
	for _, name := range variablesRead(ast.NativeRep().Expr()) {
		for _, vr := range v.vars {
			if vr.name == name {
				out = append(out, vr.chains...)
			}
		}
	}
	return out
}

// compileAt compiles an expression found at node n (nil when the
// document's YAML lost it: positions then fall back to the document).
func (l *loader) compileAt(src *source, env *cel.Env, n *yaml.Node, expr, where string, want *cel.Type) *cel.Ast {
	if n == nil || n.Kind != yaml.ScalarNode {
		n = &yaml.Node{Kind: yaml.ScalarNode, Value: expr}
	}
	if want == nil {
		want = cel.DynType
		ast, iss := env.Compile(expr)
		if iss != nil && iss.Err() != nil {
			for _, e := range iss.Errors() {
				line, col := src.exprPos(n, e.Location.Line(), e.Location.Column())
				l.errorf(src.file, line, col, "%s: %s", where, strings.TrimSuffix(e.Message, " (in container '')"))
			}
			return nil
		}
		return ast
	}
	return l.compile(src, env, n, where, want)
}

func (l *loader) vapBinding(src *source, root *yaml.Node) {
	var b admv1.ValidatingAdmissionPolicyBinding
	if !l.decodeK8s(src, root, &b) {
		return
	}
	if b.Spec.PolicyName == "" {
		l.errorf(src.file, root.Line, root.Column, "ValidatingAdmissionPolicyBinding %q: spec.policyName is required", b.Name)
		return
	}
	l.bindings = append(l.bindings, &vapBinding{b: &b, file: src.file, line: root.Line, node: root})
}

// bindVAPs gives each policy its bindings; a binding to a policy no rule
// file defines is an error (it would check nothing).
func (l *loader) bindVAPs() {
	byName := map[string]*vapRule{}
	for _, v := range l.vaps {
		byName[v.p.Name] = v
	}
	for _, b := range l.bindings {
		v := byName[b.b.Spec.PolicyName]
		if v == nil {
			l.errorf(b.file, b.line, 0, "ValidatingAdmissionPolicyBinding %q binds policy %q, which no rule file defines", b.b.Name, b.b.Spec.PolicyName)
			continue
		}
		if b.b.Spec.ParamRef != nil && !v.hasParams {
			// The API server accepts this binding and evaluates without
			// params; so does pvlint.
			b.b.Spec.ParamRef = nil
		}
		v.bindings = append(v.bindings, b)
	}
}

func (v *vapRule) rule() *rules.Rule {
	desc := v.p.Annotations["pvlint.dev/description"]
	if desc == "" {
		var msgs []string
		for _, val := range v.p.Spec.Validations {
			m := val.Message
			if m == "" {
				m = "`" + val.Expression + "`"
			}
			msgs = append(msgs, "- "+m)
		}
		desc = "The ValidatingAdmissionPolicy `" + v.p.Name + "`, run as the API server runs it on the creation of each matching object. Its validations:\n\n" + strings.Join(msgs, "\n")
	}
	rem := v.p.Annotations["pvlint.dev/remediation"]
	if rem == "" {
		rem = "Change the object so that every validation of the policy holds, or it will be denied at admission."
	}
	return &rules.Rule{Meta: rules.Meta{
		ID: v.id, Name: v.p.Name, Title: "ValidatingAdmissionPolicy " + v.p.Name, Severity: v.sev, Category: rules.CatCustom,
		Description: desc, Remediation: rem, Custom: v.where,
		References: []string{"https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/"},
	}, Check: v.check}
}

func (v *vapRule) tests() []*TestCase { return nil }

func (v *vapRule) setCost(limit uint64) { v.cost = limit }

func (v *vapRule) keeps(k *graph.Keep) {
	k.Kinds["Namespace"] = true
	if pk := v.p.Spec.ParamKind; pk != nil {
		k.Kinds[pk.Kind] = true
	}
	// The objects the policy matches are read whole: it may look at any
	// field. Pruning is by kind, matching by resource: the resource names
	// are kept, and a kind is kept when its resource name is among them.
	for _, r := range v.p.Spec.MatchConstraints.ResourceRules {
		for _, res := range r.Resources {
			res = strings.SplitN(res, "/", 2)[0]
			if res == "*" {
				k.All = true
			}
			if k.Resources == nil {
				k.Resources = map[string]bool{}
			}
			k.Resources[res] = true
		}
	}
	k.ResourceOf = resourceOfKind
}

func resourceOfKind(kind string) string {
	plural, _ := meta.UnsafeGuessKindToResource(schema.GroupVersionKind{Kind: kind})
	return plural.Resource
}

// gvr is the group, version and resource of a scanned object.
func gvr(res *graph.Resource) (schema.GroupVersionKind, schema.GroupVersionResource) {
	gv, _ := schema.ParseGroupVersion(res.APIVersion)
	gvk := gv.WithKind(res.Kind)
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	return gvk, plural
}

func anyOf(list []string, v string) bool {
	for _, s := range list {
		if s == "*" || s == v {
			return true
		}
	}
	return false
}

func ruleMatches(r admv1.RuleWithOperations, names []string, res *graph.Resource, g schema.GroupVersionResource) bool {
	if !anyOf(r.APIGroups, g.Group) || !anyOf(r.APIVersions, g.Version) {
		return false
	}
	ops := make([]string, len(r.Operations))
	for i, o := range r.Operations {
		ops[i] = string(o)
	}
	if !anyOf(ops, string(admv1.Create)) {
		return false
	}
	resOK := false
	for _, item := range r.Resources {
		if item == "*" || item == "*/*" || item == g.Resource {
			resOK = true
		}
	}
	if !resOK {
		return false
	}
	if r.Scope != nil {
		cluster := graph.ClusterScoped(res.Kind)
		switch *r.Scope {
		case admv1.ClusterScope:
			if !cluster {
				return false
			}
		case admv1.NamespacedScope:
			if cluster {
				return false
			}
		}
	}
	if len(names) > 0 && !contains(names, res.Name) {
		return false
	}
	return true
}

// truth is three-valued.
type truth uint8

const (
	no truth = iota
	yes
	unsure
)

// matchResources applies matchConstraints (or a binding's matchResources)
// to res: rules, exclusions, objectSelector, and namespaceSelector when the
// Namespace is in the scan.
func matchResources(mr *admv1.MatchResources, res *graph.Resource, ix *index) truth {
	if mr == nil {
		return yes
	}
	_, g := gvr(res)
	if len(mr.ResourceRules) > 0 {
		ok := false
		for _, r := range mr.ResourceRules {
			if ruleMatches(r.RuleWithOperations, r.ResourceNames, res, g) {
				ok = true
				break
			}
		}
		if !ok {
			return no
		}
	}
	for _, r := range mr.ExcludeResourceRules {
		if ruleMatches(r.RuleWithOperations, r.ResourceNames, res, g) {
			return no
		}
	}
	if t := selects(mr.ObjectSelector, labelsOf(res)); t != yes {
		return t
	}
	if mr.NamespaceSelector != nil && !graph.ClusterScoped(res.Kind) {
		sel, err := metav1.LabelSelectorAsSelector(mr.NamespaceSelector)
		if err != nil {
			return unsure
		}
		if sel.Empty() {
			return yes
		}
		ns := ix.g.Kube("Namespace", "", res.Namespace)
		if ns == nil {
			// The API server labels every namespace with its name: a
			// selector on that label alone is decided without the object.
			reqs, _ := sel.Requirements()
			for _, r := range reqs {
				if r.Key() != "kubernetes.io/metadata.name" {
					return unsure
				}
			}
			if !sel.Matches(labels.Set{"kubernetes.io/metadata.name": res.Namespace}) {
				return no
			}
			return yes
		}
		l := labelsOf(ns)
		if l == nil {
			return unsure
		}
		l["kubernetes.io/metadata.name"] = res.Namespace
		if !sel.Matches(labels.Set(l)) {
			return no
		}
	}
	return yes
}

func selects(s *metav1.LabelSelector, l map[string]string) truth {
	if s == nil {
		return yes
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return unsure
	}
	if sel.Empty() {
		return yes
	}
	if l == nil {
		return unsure
	}
	if sel.Matches(labels.Set(l)) {
		return yes
	}
	return no
}

// labelsOf returns the object's labels, or nil when one is unknown.
func labelsOf(r *graph.Resource) map[string]string {
	out := map[string]string{}
	n := r.Root.Path("metadata", "labels")
	if n.IsUnknown() {
		return nil
	}
	bad := false
	n.Each(func(k string, v *graph.Node) {
		if s, ok := v.Str(); ok {
			out[k] = s
		} else if v.HasUnknown() {
			bad = true
		}
	})
	if bad {
		return nil
	}
	return out
}

// check evaluates the policy on the objects it matches in graph order,
// within its cost budget for the scan (see budget).
func (v *vapRule) check(p *rules.Pass) {
	ix := indexOf(p.Graph)
	bud := newBudget(v.cost)
	for i, res := range p.Graph.Resources {
		if !res.IsKubernetes() {
			continue
		}
		m := matchResources(v.p.Spec.MatchConstraints, res, ix)
		if m == no {
			continue
		}
		if bud.exhausted() {
			left := 0
			for _, r := range p.Graph.Resources[i:] {
				if r.IsKubernetes() && matchResources(v.p.Spec.MatchConstraints, r, ix) != no {
					left++
				}
			}
			p.Errorf(res, "%s", limits.RuleBudgetSpent(bud.limit, left))
			return
		}
		if m == unsure {
			p.Undecided(res.At(), "%s: whether ValidatingAdmissionPolicy %q applies depends on labels the scan does not show (its namespace or object selector)", res.Title(), v.p.Name)
			continue
		}
		if len(v.bindings) == 0 {
			v.run(p, ix, res, nil, v.hasParams, bud)
			continue
		}
		for _, b := range v.bindings {
			switch matchResources(b.b.Spec.MatchResources, res, ix) {
			case no:
				continue
			case unsure:
				p.Undecided(res.At(), "%s: whether ValidatingAdmissionPolicyBinding %q applies depends on labels the scan does not show", res.Title(), b.b.Name)
				continue
			}
			if b.b.Spec.ParamRef == nil {
				v.run(p, ix, res, nil, v.hasParams, bud)
				continue
			}
			params := v.paramsFor(ix, b.b.Spec.ParamRef, res)
			if len(params) == 0 {
				v.run(p, ix, res, nil, true, bud) // the cluster may hold them: undecided
				continue
			}
			for _, pr := range params {
				v.run(p, ix, res, pr, false, bud)
			}
		}
	}
}

// paramsFor finds the param objects a binding's paramRef names for res.
func (v *vapRule) paramsFor(ix *index, ref *admv1.ParamRef, res *graph.Resource) []*graph.Resource {
	pk := v.p.Spec.ParamKind
	gv, _ := schema.ParseGroupVersion(pk.APIVersion)
	var out []*graph.Resource
	for _, c := range ix.g.OfKind(pk.Kind) {
		cgv, _ := schema.ParseGroupVersion(c.APIVersion)
		if cgv.Group != gv.Group {
			continue
		}
		ns := ref.Namespace
		if ns == "" && !graph.ClusterScoped(c.Kind) && c.Namespace != "" {
			ns = res.Namespace // a namespaced param kind: the object's namespace
		}
		if c.Namespace != ns && c.Namespace != "" {
			continue
		}
		if ref.Name != "" {
			if c.Name == ref.Name {
				out = append(out, c)
			}
			continue
		}
		if selects(ref.Selector, labelsOf(c)) == yes {
			out = append(out, c)
		}
	}
	return out
}

// namespaceValue is a Namespace as the API server holds it: labelled
// kubernetes.io/metadata.name with its name, whatever the manifest says.
func namespaceValue(ix *index, ns *graph.Resource) map[string]any {
	v := ix.value(ns)
	out := make(map[string]any, len(v))
	for k, e := range v {
		out[k] = e
	}
	meta := map[string]any{}
	if m, ok := v["metadata"].(map[string]any); ok {
		for k, e := range m {
			meta[k] = e
		}
	}
	lbl := map[string]any{}
	if l, ok := meta["labels"].(map[string]any); ok {
		for k, e := range l {
			lbl[k] = e
		}
	}
	lbl["kubernetes.io/metadata.name"] = ns.Name
	meta["labels"] = lbl
	out["metadata"] = meta
	return out
}

func unstructuredGVK(g schema.GroupVersionKind) map[string]any {
	return map[string]any{"group": g.Group, "version": g.Version, "kind": g.Kind}
}

// run evaluates the policy on res with one param object (nil for none);
// paramsUnknown makes params a CEL unknown.
func (v *vapRule) run(p *rules.Pass, ix *index, res *graph.Resource, param *graph.Resource, paramsUnknown bool, b *budget) {
	gvk, g := gvr(res)
	obj := ix.value(res)
	request := map[string]any{
		"kind":            unstructuredGVK(gvk),
		"resource":        map[string]any{"group": g.Group, "version": g.Version, "resource": g.Resource},
		"requestKind":     unstructuredGVK(gvk),
		"requestResource": map[string]any{"group": g.Group, "version": g.Version, "resource": g.Resource},
		"name":            res.Name,
		"namespace":       res.Namespace,
		"operation":       "CREATE",
		"dryRun":          false,
		"options":         map[string]any{"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
	}
	act := map[string]any{"object": obj, "oldObject": nil, "request": request}
	patterns := []*cel.AttributePatternType{
		cel.AttributePattern("request").QualString("userInfo"),
		cel.AttributePattern("request").QualString("uid"),
		cel.AttributePattern("authorizer"),
		cel.AttributePattern("authorizer.requestResource"),
	}
	if graph.ClusterScoped(res.Kind) {
		act["namespaceObject"] = nil
	} else if ns := ix.g.Kube("Namespace", "", res.Namespace); ns != nil {
		act["namespaceObject"] = namespaceValue(ix, ns)
	} else {
		patterns = append(patterns, cel.AttributePattern("namespaceObject"))
	}
	if v.hasParams {
		switch {
		case paramsUnknown:
			patterns = append(patterns, cel.AttributePattern("params"))
		case param != nil:
			act["params"] = ix.value(param)
		default:
			act["params"] = nil
		}
	}
	var spent uint64
	vars := lazy.NewMapValue(v.varType.CelType())
	var pa cel.Activation
	for _, vr := range v.vars {
		vr := vr
		vars.Append(vr.name, func(*lazy.MapValue) ref.Val {
			out, det, err := vr.prog.ContextEval(context.Background(), pa)
			spent += b.charge(det, err)
			if err != nil {
				return types.NewErr("composited variable %q fails to evaluate: %v", vr.name, err)
			}
			return out
		})
	}
	act["variables"] = vars
	pa, _ = cel.PartialVars(act, patterns...)
	withParam := ""
	if param != nil {
		withParam = " with params " + param.Title()
	}
	policy := fmt.Sprintf("ValidatingAdmissionPolicy %q%s", v.p.Name, withParam)
	failOpen := v.p.Spec.FailurePolicy != nil && *v.p.Spec.FailurePolicy == admv1.Ignore
	eval := func(prog cel.Program) (ref.Val, error, bool) {
		out, det, err := prog.ContextEval(context.Background(), pa)
		spent += b.charge(det, err)
		if err != nil && isCostError(err) || spent > runtimeBudget {
			p.Errorf(res, "%s went over the API server's CEL cost budget", policy)
			return nil, nil, false
		}
		return out, err, true
	}
	for _, c := range v.conds {
		out, err, ok := eval(c.prog)
		if !ok {
			return
		}
		switch {
		case err != nil:
			if !failOpen {
				p.Report(res.At(), "%s is denied by %s: matchCondition %q could not be evaluated: %s", res.Title(), policy, c.name, trimCEL(err.Error())).With(v.sev)
			}
			return
		case types.IsUnknown(out):
			p.Undecided(res.At(), "%s: whether %s applies depends on values the scan cannot know (matchCondition %q)", res.Title(), policy, c.name)
			return
		case out != types.True:
			return
		}
	}
	for _, val := range v.checks {
		out, err, ok := eval(val.prog)
		if !ok {
			return
		}
		loc := locateChains(res, val.chains)
		switch {
		case err != nil:
			if !failOpen {
				p.Report(loc, "%s is denied by %s: the expression could not be evaluated: %s", res.Title(), policy, trimCEL(err.Error()))
			}
		case types.IsUnknown(out):
			p.Undecided(loc, "%s: %s is undecided: %s depends on values the scan cannot know", res.Title(), policy, v.subject(val))
		case out == types.False:
			p.Report(loc, "%s is denied by %s: %s", res.Title(), policy, v.message(val, pa, b))
		}
	}
}

// subject names a validation in an undecided message: its message, or
// its expression.
func (v *vapRule) subject(val vapValidation) string {
	if val.message != "" {
		return strconv.Quote(val.message)
	}
	return "`" + strings.Join(strings.Fields(val.expr), " ") + "`"
}

// message is the validation's message as the API server builds it.
func (v *vapRule) message(val vapValidation, act cel.Activation, b *budget) string {
	if val.msgProg != nil {
		out, det, err := val.msgProg.Eval(act)
		b.charge(det, err)
		if err == nil {
			if s, ok := out.Value().(string); ok && strings.TrimSpace(s) != "" && !strings.Contains(s, "\n") && len(s) <= 5000 {
				return s
			}
		}
	}
	if val.message != "" {
		return val.message
	}
	return "failed expression: " + strings.TrimSpace(val.expr)
}
