package custom

import (
	"fmt"
	"math"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"go.yaml.in/yaml/v3"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/library"

	"github.com/pvlint/pvlint/linter/graph"
)

// The API server's budgets: per expression (cel.CostLimit, set by its
// environment) and per object and policy, summed over the expressions.
const (
	perCallLimit  = celconfig.PerCallLimit
	runtimeBudget = celconfig.RuntimeCELCostBudget
)

// compile parses and checks one expression; errors carry the file
// position of the offending character.
func (l *loader) compile(src *source, env *cel.Env, n *yaml.Node, where string, want *cel.Type) *cel.Ast {
	expr := n.Value
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := src.exprPos(n, e.Location.Line(), e.Location.Column())
			l.errorf(src.file, line, col, "%s: %s", where, strings.TrimSuffix(e.Message, " (in container '')"))
		}
		return nil
	}
	if out := ast.OutputType(); !out.IsExactType(want) && !out.IsExactType(cel.DynType) && !out.IsExactType(cel.AnyType) {
		l.errorf(src.file, n.Line, n.Column, "%s: must evaluate to %s but gives %s", where, want, out)
		return nil
	}
	// The API server's cost estimator: an expression whose least cost is
	// over the per-call limit can never finish.
	est, err := env.EstimateCost(ast, &library.CostEstimator{SizeEstimator: &sizeEstimator{}})
	if err == nil && est.Min > perCallLimit {
		l.errorf(src.file, n.Line, n.Column, "%s: estimated cost %d is over the per-expression budget %d", where, est.Min, perCallLimit)
		return nil
	}
	return ast
}

func (l *loader) program(src *source, env *cel.Env, ast *cel.Ast, n *yaml.Node) cel.Program {
	prg, err := env.Program(ast,
		cel.EvalOptions(cel.OptPartialEval),
		cel.InterruptCheckFrequency(celconfig.CheckFrequency))
	if err != nil {
		l.errorf(src.file, n.Line, n.Column, "internal error: %v", err)
	}
	return prg
}

// sizeEstimator gives the estimator the API server's bound for values of
// unknown size: what fits in a request.
type sizeEstimator struct{}

func (*sizeEstimator) EstimateSize(checker.AstNode) *checker.SizeEstimate {
	return &checker.SizeEstimate{Min: 0, Max: 3 * 1024 * 1024}
}
func (*sizeEstimator) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}

func isCostError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "cost limit exceeded") || strings.Contains(s, "operation cancelled")
}

// trimCEL shortens a CEL runtime error for a message.
func trimCEL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// exprPos maps a position inside an expression (1-based line, 0-based
// column, as CEL reports it) to the file: the expression is the value of
// YAML scalar n, plain, quoted or a block (| or >), and its lines are found
// in the file's lines in order.
func (s *source) exprPos(n *yaml.Node, line, col int) (int, int) {
	expr := n.Value
	off := 0
	for i := 1; i < line; i++ {
		j := strings.IndexByte(expr[off:], '\n')
		if j < 0 {
			break
		}
		off += j + 1
	}
	off += col
	type seg struct{ off, line, col int }
	var segs []seg
	cursor := 0
	first := n.Line // 1-based
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if block {
		first++
	}
	for ln := first; ln <= len(s.lines) && cursor <= len(expr); ln++ {
		text := s.lines[ln-1]
		start := 0
		if ln == n.Line && !block {
			start = n.Column - 1
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				start++
			}
		}
		if start > len(text) {
			break
		}
		content := strings.TrimRight(text[start:], " \t\r")
		lead := len(content) - len(strings.TrimLeft(content, " \t"))
		content = strings.TrimLeft(content, " \t")
		if content == "" {
			if block {
				continue
			}
			break
		}
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			content = strings.TrimSuffix(strings.TrimSuffix(content, `"`), `'`)
		}
		// Compare a prefix: escapes in quoted scalars may differ later on.
		probe := content
		if len(probe) > 12 {
			probe = probe[:12]
		}
		i := strings.Index(expr[cursor:], probe)
		if i < 0 {
			break
		}
		segs = append(segs, seg{off: cursor + i, line: ln, col: start + lead + 1})
		cursor += i + len(content)
		if !block && ln > n.Line && cursor >= len(expr) {
			break
		}
	}
	if len(segs) == 0 {
		return n.Line, n.Column
	}
	best := segs[0]
	for _, sg := range segs {
		if sg.off <= off {
			best = sg
		}
	}
	return best.line, best.col + off - best.off
}

// objectChains lists the field paths the expression selects on `object`
// (object.spec.x, object.metadata.?labels['k'], and through comprehension
// variables over such paths, with "*" for the list element), in source
// order.
func objectChains(e celast.Expr) [][]string {
	var out [][]string
	vars := map[string][]string{"object": {}}
	var walk func(e celast.Expr, vars map[string][]string)
	walk = func(e celast.Expr, vars map[string][]string) {
		if e == nil {
			return
		}
		if p, ok := chainOf(e, vars); ok && len(p) > 0 {
			out = append(out, p)
			return
		}
		switch e.Kind() {
		case celast.SelectKind:
			walk(e.AsSelect().Operand(), vars)
		case celast.CallKind:
			c := e.AsCall()
			if c.IsMemberFunction() {
				walk(c.Target(), vars)
			}
			for _, a := range c.Args() {
				walk(a, vars)
			}
		case celast.ListKind:
			for _, it := range e.AsList().Elements() {
				walk(it, vars)
			}
		case celast.MapKind:
			for _, en := range e.AsMap().Entries() {
				me := en.AsMapEntry()
				walk(me.Key(), vars)
				walk(me.Value(), vars)
			}
		case celast.ComprehensionKind:
			cp := e.AsComprehension()
			walk(cp.IterRange(), vars)
			inner := vars
			if p, ok := chainOf(cp.IterRange(), vars); ok {
				inner = map[string][]string{}
				for k, v := range vars {
					inner[k] = v
				}
				inner[cp.IterVar()] = append(append([]string(nil), p...), "*")
			}
			walk(cp.AccuInit(), vars)
			walk(cp.LoopCondition(), inner)
			walk(cp.LoopStep(), inner)
			walk(cp.Result(), inner)
		}
	}
	walk(e, vars)
	return out
}

// chainOf returns the path of a select/index chain rooted at a variable
// in vars.
func chainOf(e celast.Expr, vars map[string][]string) ([]string, bool) {
	switch e.Kind() {
	case celast.IdentKind:
		p, ok := vars[e.AsIdent()]
		return p, ok
	case celast.SelectKind:
		s := e.AsSelect()
		p, ok := chainOf(s.Operand(), vars)
		if !ok {
			return nil, false
		}
		return append(append([]string(nil), p...), s.FieldName()), true
	case celast.CallKind:
		c := e.AsCall()
		switch c.FunctionName() {
		case operators.Index, operators.OptIndex, operators.OptSelect:
			args := c.Args()
			if len(args) != 2 || args[1].Kind() != celast.LiteralKind {
				return nil, false
			}
			p, ok := chainOf(args[0], vars)
			if !ok {
				return nil, false
			}
			return append(append([]string(nil), p...), fmt.Sprint(args[1].AsLiteral().Value())), true
		}
	}
	return nil, false
}

// locateChains picks, among the expression's chains, the one that reaches
// deepest into res (stopping at a list wildcard). A chain whose end is
// missing ranks above an equally deep one that exists: the absent field is
// usually what the check wants. Chains into metadata, kind and apiVersion
// (guards and names) rank below every other.
func locateChains(res *graph.Resource, chains [][]string) graph.Loc {
	best, bestScore := res.At(), -1<<30
	for _, c := range chains {
		if i := indexOf2(c, "*"); i >= 0 {
			c = c[:i]
		}
		if len(c) == 0 {
			continue
		}
		loc := res.At(c...)
		depth := len(loc.Path)
		if loc.Missing {
			depth = nodeDepth(res, loc)
		}
		score := 2 * depth
		if loc.Missing {
			score++
		}
		switch c[0] {
		case "metadata", "kind", "apiVersion":
			score -= 1000
		}
		if score > bestScore {
			best, bestScore = loc, score
		}
	}
	return best
}

func nodeDepth(res *graph.Resource, loc graph.Loc) int {
	if loc.Node == nil {
		return 0
	}
	p := res.AtNode(loc.Node).Path
	if p == nil && loc.Missing && len(loc.Path) > 0 {
		// A Terraform argument written as null (Terraform.NullArgs): not in
		// the tree, and its parent, which is, sits one level up.
		return len(loc.Path) - 1
	}
	return len(p)
}

func indexOf2(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}

// noteCalls records the graph functions an expression calls, for pruning
// and the Graph flag of its Meta.
func (r *pvlintRule) noteCalls(ast *cel.Ast) {
	var visit func(e celast.Expr)
	visit = func(e celast.Expr) {
		if e == nil {
			return
		}
		switch e.Kind() {
		case celast.CallKind:
			c := e.AsCall()
			if c.IsMemberFunction() {
				if t := c.Target(); t.Kind() == celast.IdentKind && (t.AsIdent() == "graph" || t.AsIdent() == "tf") {
					r.usesGraph[c.FunctionName()] = true
					if c.FunctionName() == "resources" {
						if a := c.Args(); len(a) == 1 && a[0].Kind() == celast.LiteralKind {
							r.resKinds = append(r.resKinds, fmt.Sprint(a[0].AsLiteral().Value()))
						} else {
							r.anyKind = true
						}
					}
				}
				visit(c.Target())
			}
			for _, a := range c.Args() {
				visit(a)
			}
		case celast.SelectKind:
			visit(e.AsSelect().Operand())
		case celast.ListKind:
			for _, it := range e.AsList().Elements() {
				visit(it)
			}
		case celast.MapKind:
			for _, en := range e.AsMap().Entries() {
				visit(en.AsMapEntry().Key())
				visit(en.AsMapEntry().Value())
			}
		case celast.ComprehensionKind:
			cp := e.AsComprehension()
			visit(cp.IterRange())
			visit(cp.AccuInit())
			visit(cp.LoopCondition())
			visit(cp.LoopStep())
			visit(cp.Result())
		}
	}
	visit(ast.NativeRep().Expr())
}

func keepFor(cs []compiledRule) graph.Keep {
	k := graph.Keep{Kinds: map[string]bool{}}
	for _, c := range cs {
		c.keeps(&k)
	}
	return k
}

// TestCase is one entry of a rule's tests, run by --test-rules.
type TestCase struct {
	RuleID string
	Name   string
	Input  string            // one file, YAML or HCL
	Format string            // yaml, hcl; guessed from the input when empty
	Files  map[string]string // several files (a chart, a module), by path
	Values string            // Helm values for a chart given in Files
	Want   string            // pass, fail or unknown
	File   string            // the rule file
	Line   int
}

var _ = math.MaxInt64

// variablesRead lists the names of the variables an expression selects
// (variables.name), in source order.
func variablesRead(e celast.Expr) []string {
	var out []string
	var visit func(e celast.Expr)
	visit = func(e celast.Expr) {
		if e == nil {
			return
		}
		switch e.Kind() {
		case celast.SelectKind:
			s := e.AsSelect()
			if op := s.Operand(); op.Kind() == celast.IdentKind && op.AsIdent() == "variables" {
				if !contains(out, s.FieldName()) {
					out = append(out, s.FieldName())
				}
				return
			}
			visit(s.Operand())
		case celast.CallKind:
			c := e.AsCall()
			if c.IsMemberFunction() {
				visit(c.Target())
			}
			for _, a := range c.Args() {
				visit(a)
			}
		case celast.ListKind:
			for _, it := range e.AsList().Elements() {
				visit(it)
			}
		case celast.MapKind:
			for _, en := range e.AsMap().Entries() {
				visit(en.AsMapEntry().Key())
				visit(en.AsMapEntry().Value())
			}
		case celast.ComprehensionKind:
			cp := e.AsComprehension()
			visit(cp.IterRange())
			visit(cp.AccuInit())
			visit(cp.LoopCondition())
			visit(cp.LoopStep())
			visit(cp.Result())
		}
	}
	visit(e)
	return out
}
