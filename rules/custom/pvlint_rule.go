package custom

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/limits"
	"github.com/pvlint/pvlint/rules"
)

// A pvlint Rule document (apiVersion pvlint.dev/v1, kind Rule).
type ruleDoc struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		ID          string   `yaml:"id"`
		Title       string   `yaml:"title"`
		Severity    string   `yaml:"severity"`
		Description string   `yaml:"description"`
		Remediation string   `yaml:"remediation"`
		References  []string `yaml:"references"`
		Match       struct {
			Kinds      []string `yaml:"kinds"`
			Sources    []string `yaml:"sources"`
			Namespaces []string `yaml:"namespaces"`
		} `yaml:"match"`
		Params      yaml.Node       `yaml:"params"`
		Validations []validationDoc `yaml:"validations"`
		Tests       []testDoc       `yaml:"tests"`
	} `yaml:"spec"`
}

type validationDoc struct {
	Expression        yaml.Node `yaml:"expression"`
	Message           string    `yaml:"message"`
	MessageExpression yaml.Node `yaml:"messageExpression"`
	Path              string    `yaml:"path"`
}

type testDoc struct {
	Name   string            `yaml:"name"`
	Input  string            `yaml:"input"`
	Format string            `yaml:"format"`
	Files  map[string]string `yaml:"files"`
	Values string            `yaml:"values"`
	Want   string            `yaml:"want"`
}

// The keys each part of a Rule document may have: anything else is an
// error (a misspelt `validation:` must not silently check nothing).
var ruleKeys = map[string][]string{
	"":                   {"apiVersion", "kind", "metadata", "spec"},
	"metadata":           {"name", "labels", "annotations"},
	"spec":               {"id", "title", "severity", "description", "remediation", "references", "match", "params", "validations", "tests"},
	"spec.match":         {"kinds", "sources", "namespaces"},
	"spec.validations[]": {"expression", "message", "messageExpression", "path"},
	"spec.tests[]":       {"name", "input", "format", "files", "values", "want"},
}

func (l *loader) checkKeys(src *source, n *yaml.Node, at string, schema map[string][]string) bool {
	ok := true
	allowed, has := schema[at]
	if n == nil {
		return true
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if has && !contains(allowed, k.Value) {
				l.errorf(src.file, k.Line, k.Column, "%s: unknown field %q (want %s)", orRoot(at), k.Value, strings.Join(allowed, ", "))
				ok = false
				continue
			}
			child := k.Value
			if at != "" {
				child = at + "." + k.Value
			}
			if !l.checkKeys(src, v, child, schema) {
				ok = false
			}
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			if !l.checkKeys(src, it, at+"[]", schema) {
				ok = false
			}
		}
	}
	return ok
}

func orRoot(at string) string {
	if at == "" {
		return "document"
	}
	return at
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

var (
	kebabRE  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	userIDRE = regexp.MustCompile(`^[A-Z]+\d+$`)
)

var sourceNames = []string{"yaml", "helm", "kustomize", "terraform"}

// pvlintRule is a compiled pvlint Rule.
type pvlintRule struct {
	meta        rules.Meta
	kinds       []string
	sources     []string
	namespaces  []string
	params      any
	validations []*compiledValidation
	testCases   []*TestCase
	usesGraph   map[string]bool // graph functions called, with their constant arguments for resources()
	resKinds    []string        // constant kinds given to graph.resources / tf.resources
	anyKind     bool            // a resources() call with a computed kind
	cost        uint64          // CEL cost budget per scan (share)
}

type compiledValidation struct {
	prog    cel.Program
	msgProg cel.Program
	message string
	path    []string
	chains  [][]string // selector chains on object, for the position
	expr    string
}

var (
	ruleEnvOnce sync.Once
	ruleEnvVal  *cel.Env
	ruleEnvErr  error
)

func sharedRuleEnv() (*cel.Env, error) {
	ruleEnvOnce.Do(func() { ruleEnvVal, ruleEnvErr = ruleEnv() })
	return ruleEnvVal, ruleEnvErr
}

func (l *loader) pvlintRule(src *source, root *yaml.Node) {
	nerr := len(l.errs)
	if !l.checkKeys(src, root, "", ruleKeys) {
		return
	}
	var d ruleDoc
	if err := root.Decode(&d); err != nil {
		l.errorf(src.file, yamlLine(err), 0, "%s", yamlMsg(err))
		return
	}
	spec := valueAt(root, "spec")
	at := func(keys ...string) *yaml.Node {
		n := root
		for _, k := range keys {
			if v := valueAt(n, k); v != nil {
				n = v
			} else {
				break
			}
		}
		return n
	}
	if spec == nil {
		l.errorf(src.file, root.Line, root.Column, "spec: missing")
		return
	}
	name := d.Metadata.Name
	if !kebabRE.MatchString(name) {
		n := at("metadata", "name")
		l.errorf(src.file, n.Line, n.Column, "metadata.name: %q is not kebab-case (lower-case words joined by -)", name)
	}
	id := d.Spec.ID
	idNode := at("spec", "id")
	switch {
	case id == "":
		l.errorf(src.file, spec.Line, spec.Column, "spec.id: missing (letters then digits, e.g. ORG001)")
	case strings.HasPrefix(strings.ToUpper(id), "PVL"):
		l.errorf(src.file, idNode.Line, idNode.Column, "spec.id: %s: the PVL prefix is reserved for built-in rules", id)
	case !userIDRE.MatchString(id):
		l.errorf(src.file, idNode.Line, idNode.Column, "spec.id: %q: want upper-case letters then digits, e.g. ORG001", id)
	default:
		l.claimID(src, idNode, id, name)
	}
	if strings.TrimSpace(d.Spec.Title) == "" {
		l.errorf(src.file, spec.Line, spec.Column, "spec.title: missing")
	}
	sev, err := rules.ParseSeverity(d.Spec.Severity)
	if err != nil || sev == rules.None {
		n := at("spec", "severity")
		l.errorf(src.file, n.Line, n.Column, "spec.severity: %q: want critical, high, medium or low", d.Spec.Severity)
	}
	if len(d.Spec.Match.Kinds) == 0 {
		n := at("spec", "match")
		l.errorf(src.file, n.Line, n.Column, "spec.match.kinds: missing (Kubernetes kinds or Terraform types)")
	}
	for i, s := range d.Spec.Match.Sources {
		if !contains(sourceNames, s) {
			n := at("spec", "match", "sources")
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				n = n.Content[i]
			}
			l.errorf(src.file, n.Line, n.Column, "spec.match.sources: unknown source %q (want %s)", s, strings.Join(sourceNames, ", "))
		}
	}
	for i, g := range d.Spec.Match.Namespaces {
		if _, err := path.Match(g, ""); err != nil {
			n := at("spec", "match", "namespaces")
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				n = n.Content[i]
			}
			l.errorf(src.file, n.Line, n.Column, "spec.match.namespaces: bad glob %q", g)
		}
	}
	if len(d.Spec.Validations) == 0 {
		l.errorf(src.file, spec.Line, spec.Column, "spec.validations: missing")
	}
	r := &pvlintRule{
		meta: rules.Meta{ID: id, Name: name, Title: strings.TrimSuffix(strings.TrimSpace(d.Spec.Title), "."), Severity: sev,
			Category: rules.CatCustom, Description: strings.TrimSpace(d.Spec.Description), Remediation: strings.TrimSpace(d.Spec.Remediation),
			References: d.Spec.References, Custom: fmt.Sprintf("%s:%d", src.file, root.Line)},
		kinds: d.Spec.Match.Kinds, sources: d.Spec.Match.Sources, namespaces: d.Spec.Match.Namespaces,
		usesGraph: map[string]bool{},
	}
	if d.Spec.Params.Kind != 0 {
		var p any
		if err := d.Spec.Params.Decode(&p); err != nil {
			l.errorf(src.file, d.Spec.Params.Line, d.Spec.Params.Column, "spec.params: %s", yamlMsg(err))
		}
		r.params = normalize(p)
	}
	env, err := sharedRuleEnv()
	if err != nil {
		l.errorf(src.file, root.Line, 0, "internal error: CEL environment: %v", err)
		return
	}
	for i := range d.Spec.Validations {
		v := &d.Spec.Validations[i]
		where := fmt.Sprintf("spec.validations[%d]", i)
		cv := &compiledValidation{message: strings.TrimSpace(v.Message)}
		if v.Expression.Kind == 0 || strings.TrimSpace(v.Expression.Value) == "" {
			l.errorf(src.file, spec.Line, spec.Column, "%s.expression: missing", where)
			continue
		}
		ast := l.compile(src, env, &v.Expression, where+".expression", cel.BoolType)
		if ast == nil {
			continue
		}
		cv.expr = v.Expression.Value
		cv.chains = objectChains(ast.NativeRep().Expr())
		r.noteCalls(ast)
		cv.prog = l.program(src, env, ast, &v.Expression)
		if v.MessageExpression.Kind != 0 {
			if mast := l.compile(src, env, &v.MessageExpression, where+".messageExpression", cel.StringType); mast != nil {
				r.noteCalls(mast)
				cv.msgProg = l.program(src, env, mast, &v.MessageExpression)
			}
		}
		if v.Path != "" {
			p, err := splitPath(v.Path)
			if err != nil {
				l.errorf(src.file, v.Expression.Line, 0, "%s.path: %v", where, err)
			}
			cv.path = p
		}
		r.validations = append(r.validations, cv)
	}
	testsNode := at("spec", "tests")
	for i, t := range d.Spec.Tests {
		n := testsNode
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			n = n.Content[i]
		}
		tc := &TestCase{RuleID: id, Name: t.Name, Input: t.Input, Format: t.Format, Files: t.Files, Values: t.Values,
			Want: t.Want, File: src.file, Line: n.Line}
		if tc.Name == "" {
			tc.Name = fmt.Sprintf("test %d", i+1)
		}
		if t.Want != "pass" && t.Want != "fail" && t.Want != "unknown" {
			l.errorf(src.file, n.Line, n.Column, "spec.tests[%d].want: %q: want pass, fail or unknown", i, t.Want)
		}
		if t.Input == "" && len(t.Files) == 0 {
			l.errorf(src.file, n.Line, n.Column, "spec.tests[%d]: input or files is required", i)
		}
		r.testCases = append(r.testCases, tc)
	}
	if len(l.errs) == nerr {
		l.compiled = append(l.compiled, r)
	}
}

// normalize turns YAML-decoded values into the ones CEL takes (int64).
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}

var pathIndexRE = regexp.MustCompile(`\[(\d+)\]`)

// splitPath reads spec.containers[0].image into its keys.
func splitPath(p string) ([]string, error) {
	p = pathIndexRE.ReplaceAllString(p, ".$1")
	parts := strings.Split(p, ".")
	for _, s := range parts {
		if s == "" {
			return nil, fmt.Errorf("%q: empty key", p)
		}
	}
	return parts, nil
}

func (r *pvlintRule) rule() *rules.Rule {
	m := r.meta
	m.Graph = len(r.usesGraph) > 0
	return &rules.Rule{Meta: m, Check: r.check}
}

func (r *pvlintRule) tests() []*TestCase { return r.testCases }

func (r *pvlintRule) setCost(limit uint64) { r.cost = limit }

func (r *pvlintRule) matches(res *graph.Resource) bool {
	if len(r.sources) > 0 {
		src := res.Source.String()
		if !contains(r.sources, src) {
			return false
		}
	}
	if len(r.namespaces) > 0 {
		ok := false
		for _, g := range r.namespaces {
			if m, _ := path.Match(g, res.Namespace); m {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// check evaluates the rule on its objects in graph order, within the
// rule's cost budget for the scan (see budget).
func (r *pvlintRule) check(p *rules.Pass) {
	ix := indexOf(p.Graph)
	var list []*graph.Resource
	for _, res := range p.Graph.OfKind(r.kinds...) {
		if r.matches(res) {
			list = append(list, res)
		}
	}
	b := newBudget(r.cost)
	for i, res := range list {
		if b.exhausted() {
			p.Errorf(res, "%s", limits.RuleBudgetSpent(b.limit, len(list)-i))
			return
		}
		r.checkOne(p, ix, res, b)
	}
}

func (r *pvlintRule) checkOne(p *rules.Pass, ix *index, res *graph.Resource, b *budget) {
	var spent uint64
	obj := ix.value(res)
	for _, v := range r.validations {
		gv := &graphVal{ix: ix, t: graphType}
		act := map[string]any{"object": obj, "params": r.params, "graph": gv, "tf": &graphVal{ix: ix, t: tfType}}
		out, det, err := v.prog.ContextEval(context.Background(), act)
		spent += b.charge(det, err)
		if err != nil && isCostError(err) {
			p.Errorf(res, "an expression went over its cost budget (%d, the API server's per-expression limit): %v", perCallLimit, err)
			return
		}
		if spent > runtimeBudget {
			p.Errorf(res, "the rule's expressions went over the cost budget per object (%d, as the API server allows a policy)", runtimeBudget)
			return
		}
		var f *rules.Finding
		switch {
		case err != nil:
			f = p.Report(r.locate(res, v, gv), "%s fails %s: the expression could not be evaluated: %s", res.Title(), r.meta.ID, trimCEL(err.Error()))
		case types.IsUnknown(out):
			f = p.Undecided(r.locate(res, v, gv), "%s: %s (undecided: a value is known only after apply or render)", res.Title(), r.message(v, act, b))
		case out == types.False:
			f = p.Report(r.locate(res, v, gv), "%s", r.failMessage(v, act, res, b))
		default:
			if out != types.True {
				f = p.Report(r.locate(res, v, gv), "%s fails %s: the expression gave %v, not a bool", res.Title(), r.meta.ID, out)
			}
		}
		if f != nil {
			relateHops(f, res, gv.hops)
		}
	}
}

func (r *pvlintRule) message(v *compiledValidation, act map[string]any, b *budget) string {
	if v.msgProg != nil {
		out, det, err := v.msgProg.Eval(act)
		b.charge(det, err)
		if err == nil {
			if s, ok := out.Value().(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
	}
	if v.message != "" {
		return v.message
	}
	return "fails " + r.meta.ID + " (" + r.meta.Title + ")"
}

func (r *pvlintRule) failMessage(v *compiledValidation, act map[string]any, res *graph.Resource, b *budget) string {
	if v.msgProg != nil {
		out, det, err := v.msgProg.Eval(act)
		b.charge(det, err)
		if err == nil {
			if s, ok := out.Value().(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
	}
	return res.Title() + ": " + r.message(&compiledValidation{message: v.message}, act, b)
}

// locate picks the finding's position: the validation's path; else the
// field of the object that the first graph hop left from; else the
// deepest field the expression's selector chains on object reach; else the
// object itself.
func (r *pvlintRule) locate(res *graph.Resource, v *compiledValidation, gv *graphVal) graph.Loc {
	if len(v.path) > 0 {
		return res.At(v.path...)
	}
	for _, h := range gv.hops {
		if h.from == res && h.at != nil {
			return res.AtNode(h.at)
		}
	}
	return locateChains(res, v.chains)
}

func relateHops(f *rules.Finding, res *graph.Resource, hops []hop) {
	seen := map[string]bool{}
	add := func(loc graph.Loc, format string, args ...any) {
		l := loc.Resolve()
		k := fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Col)
		if l.File == "" || seen[k] || (l == f.Loc) {
			return
		}
		seen[k] = true
		f.Related(loc, format, args...)
	}
	for _, h := range hops {
		if h.to == nil { // an unresolved hop: its field, when on another resource
			if h.from != res && h.at != nil {
				add(h.from.AtNode(h.at), "%s names a %s outside the scan", h.from.Title(), h.what)
			}
			continue
		}
		if h.from != res && h.at != nil && h.from != h.to {
			add(h.from.AtNode(h.at), "%s links to %s", h.from.Title(), h.to.Title())
		}
		if h.to != res {
			if h.from == h.to && h.at != nil {
				add(h.to.AtNode(h.at), "%s", h.to.Title())
			} else {
				add(h.to.At(), "%s", h.to.Title())
			}
		}
	}
}

func (r *pvlintRule) keeps(k *graph.Keep) {
	for _, kind := range r.kinds {
		k.Kinds[kind] = true
	}
	for _, kind := range r.resKinds {
		k.Kinds[kind] = true
	}
	if r.anyKind {
		k.All = true
	}
	// Objects the graph functions hand back are read whole too.
	if r.usesGraph["workloadsUsing"] {
		for _, w := range workloadKinds {
			k.Kinds[w] = true
		}
	}
	if r.usesGraph["claimsOf"] || r.usesGraph["volumeOf"] {
		k.Kinds["PersistentVolumeClaim"], k.Kinds["PersistentVolume"] = true, true
	}
	if r.usesGraph["storageClassOf"] {
		k.Kinds["StorageClass"] = true
	}
	if r.usesGraph["serviceAccountOf"] {
		k.Kinds["ServiceAccount"] = true
	}
}

var workloadKinds = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}

var _ ref.Val = types.True
