package helm

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"helm.sh/helm/v4/pkg/chart/common"
)

// Rendered list items carry no trace of the template construct that wrote
// them, and two range loops often have the same text. The items of a
// template list are therefore matched in order against the sequence of
// constructs that can write them (units): a literal item writes exactly
// one, an item under an if or with zero or one, a range block and a line
// inserting text (toYaml, include) any number. The best-scoring alignment
// is computed with a dynamic program; an item that every best alignment
// gives to the same template item is mapped there, and one that best
// alignments disagree on gets the object's start: a wrong line marked exact
// would let an inline ignore written for one item hide another's finding.
// Counts of range and if blocks over plain .Values paths are read from the
// chart's values, which usually settles the alignment.

// unit is a run of a template list's children that renders as one block.
type unit struct {
	ents    []*entry // items that may write a rendered item
	inserts []*entry // lines inserting text: they may write any items
	lo, hi  int      // how many rendered items the unit writes; hi < 0: any number
}

// assignment is where a rendered item of a list came from.
type assignment struct {
	ent       *entry // the template item, or
	ins       *entry // the line that inserted it, or neither:
	ambiguous bool   // several constructs may have written it
}

const (
	alignNeg     = math.MinInt64 / 4
	alignPenalty = 1 << 24 // an item nothing explains, a literal item not rendered
)

// listUnits splits the children of a template list into units.
func (m *remapper) listUnits(parent *entry) []unit {
	base := len(parent.ctl)
	type member struct {
		e     *entry
		extra []frame
	}
	var units []unit
	var group []member
	flush := func(unknown bool) {
		if len(group) == 0 {
			return
		}
		defer func() { group = group[:0] }()
		repeat := unknown
		var items []*entry
		var inserts []*entry
		for _, g := range group {
			if g.e.kind == entInsert {
				inserts = append(inserts, g.e)
				repeat = true
			} else {
				items = append(items, g.e)
			}
			for _, f := range g.extra {
				if f.word == "range" {
					repeat = true
				}
			}
		}
		if !repeat {
			// if/with blocks: each item renders at most once, in order.
			for _, g := range group {
				u := unit{ents: []*entry{g.e}, lo: 0, hi: 1}
				if n, ok := m.chainCount(g.extra); ok {
					u.lo, u.hi = n, n
				}
				units = append(units, u)
			}
			return
		}
		u := unit{ents: items, inserts: inserts, lo: 0, hi: -1}
		if !unknown {
			if n, ok := m.chainCount(group[0].extra[:1]); ok && n == 0 {
				u.hi = 0 // the whole block renders nothing
			} else if len(inserts) == 0 && sameChains(group, func(g member) []frame { return g.extra }) {
				if n, ok := m.chainCount(group[0].extra); ok {
					u.lo, u.hi = n*len(items), n*len(items)
				}
			}
		}
		units = append(units, u)
	}
	gid, gbranch := -1, -1
	for _, c := range parent.children {
		if c.kind != entItem && c.kind != entInsert {
			continue
		}
		if len(c.ctl) < base || !sameFrames(c.ctl[:base], parent.ctl) {
			// Blocks that do not nest with the YAML: anything may render.
			flush(false)
			group = append(group, member{e: c})
			flush(true)
			gid = -1
			continue
		}
		extra := c.ctl[base:]
		if len(extra) == 0 {
			flush(false)
			gid = -1
			if c.kind == entInsert {
				units = append(units, unit{inserts: []*entry{c}, lo: 0, hi: -1})
			} else {
				units = append(units, unit{ents: []*entry{c}, lo: 1, hi: 1})
			}
			continue
		}
		if extra[0].id != gid || extra[0].branch != gbranch {
			flush(false)
			gid, gbranch = extra[0].id, extra[0].branch
		}
		group = append(group, member{e: c, extra: extra})
	}
	flush(false)
	return units
}

func sameFrames(a, b []frame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].id != b[i].id || a[i].branch != b[i].branch {
			return false
		}
	}
	return true
}

// sameChains says whether every member of a group sits in the same blocks.
func sameChains[T any](group []T, chain func(T) []frame) bool {
	for _, g := range group[1:] {
		if !sameFrames(chain(g), chain(group[0])) {
			return false
		}
	}
	return true
}

// chainCount is how many times the innermost of nested blocks renders its
// body, when the values settle it. A block known not to render settles it
// whatever the others do.
func (m *remapper) chainCount(chain []frame) (int, bool) {
	n, known := 1, true
	for _, f := range chain {
		c, ok := m.frameCount(f)
		if ok && c == 0 {
			return 0, true
		}
		if !ok {
			known = false
			continue
		}
		n *= c
	}
	return n, known
}

// frameCount is how many times block f renders the branch an entry is in.
func (m *remapper) frameCount(f frame) (int, bool) {
	switch f.word {
	case "if", "with":
		for k := 0; k < f.branch && k < len(f.conds); k++ {
			t, ok := m.truth(f.conds[k], f.rebind)
			if ok && t {
				return 0, true // an earlier branch is taken
			}
			if !ok {
				return 0, false
			}
		}
		if f.branch >= len(f.conds) {
			return 0, false
		}
		cond := f.conds[f.branch]
		if cond == "" {
			return 1, true // a plain else after branches known not taken
		}
		t, ok := m.truth(cond, f.rebind)
		if !ok {
			return 0, false
		}
		if t {
			return 1, true
		}
		return 0, true
	case "range":
		if len(f.conds) == 0 {
			return 0, false
		}
		v, ok := m.eval(rangeExpr(f.conds[0]), f.rebind)
		if !ok {
			return 0, false
		}
		n, ok := length(v)
		if !ok {
			return 0, false
		}
		switch f.branch {
		case 0:
			return n, true
		case 1:
			if n == 0 {
				return 1, true
			}
			return 0, true
		}
	}
	return 0, false
}

var rangeVarsRe = regexp.MustCompile(`^\$\w*\s*(,\s*\$\w*\s*)?:?=\s*`)

// rangeExpr strips the variables of a range: "$i, $v := .Values.x".
func rangeExpr(s string) string {
	return strings.TrimSpace(rangeVarsRe.ReplaceAllString(s, ""))
}

var valuesPathRe = regexp.MustCompile(`^\$?\.Values((\.[A-Za-z_]\w*)*)$`)

// truth is the truth of an if/with condition, in Go template terms, when it
// is a plain .Values path, possibly negated with not.
func (m *remapper) truth(cond string, rebind bool) (bool, bool) {
	neg := false
	if rest, ok := strings.CutPrefix(cond, "not "); ok {
		neg, cond = true, strings.TrimSpace(rest)
	}
	v, ok := m.eval(cond, rebind)
	if !ok {
		return false, false
	}
	var t bool
	switch x := v.(type) {
	case nil:
	case bool:
		t = x
	case string:
		t = x != ""
	case float64:
		t = x != 0
	case int:
		t = x != 0
	case int64:
		t = x != 0
	default:
		n, ok := length(v)
		if !ok {
			return false, false
		}
		t = n > 0
	}
	return t != neg, true
}

// eval looks a plain .Values path up in the template's values. ".Values"
// is only the chart's values where no with or range has rebound the dot;
// "$.Values" always is.
func (m *remapper) eval(expr string, rebind bool) (any, bool) {
	if m.values == nil {
		return nil, false
	}
	sm := valuesPathRe.FindStringSubmatch(expr)
	if sm == nil || (rebind && !strings.HasPrefix(expr, "$")) {
		return nil, false
	}
	var cur any = m.values
	for _, field := range strings.Split(sm[1], ".")[1:] {
		mp, ok := asMap(cur)
		if !ok {
			return nil, false // a field of nil or of a scalar: not what rendered
		}
		cur = mp[field]
	}
	return cur, true
}

func asMap(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case common.Values:
		return x, true
	}
	return nil, false
}

// length is how many times range iterates over v.
func length(v any) (int, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case []any:
		return len(x), true
	}
	if mp, ok := asMap(v); ok {
		return len(mp), true
	}
	return 0, false
}

// unitScore says how well unit u explains rendered item v: twice the best
// item score (an inserting line scores 1: it explains anything, and
// nothing precisely), and the assignment it implies.
func unitScore(u *unit, v *graph.Node) (int, assignment) {
	best, score := assignment{}, 0
	for _, e := range u.ents {
		s := 2 * itemScore(e, v)
		switch {
		case s > score:
			best, score = assignment{ent: e}, s
		case s == score && s > 0 && best.ent != e:
			best = assignment{ambiguous: true}
		}
	}
	if score == 0 && len(u.inserts) > 0 {
		score = 1
		best = assignment{ins: u.inserts[0]}
		if len(u.inserts) > 1 {
			best = assignment{ambiguous: true}
		}
	}
	if score == 0 {
		return alignNeg, best
	}
	return score, best
}

// alignList assigns the rendered items of a list to the children of the
// template list parent.
func (m *remapper) alignList(items []*graph.Node, parent *entry) []assignment {
	units := m.listUnits(parent)
	n, k := len(units), len(items)
	out := make([]assignment, k)
	if k == 0 {
		return out
	}
	score := make([][]int, n)
	asg := make([][]assignment, n)
	for u := range units {
		score[u] = make([]int, k)
		asg[u] = make([]assignment, k)
		for x, it := range items {
			score[u][x], asg[u][x] = unitScore(&units[u], it)
		}
	}
	// seg calls f(j, s) for every segment [i, j) unit u may write, with
	// its score s.
	seg := func(u, i int, f func(j, s int)) {
		lo, hi := units[u].lo, units[u].hi
		sum := 0
		for j := i; j <= k; j++ {
			l := j - i
			if hi >= 0 && l > hi {
				return
			}
			if l > 0 {
				s := score[u][j-1]
				if s == alignNeg {
					return
				}
				sum += s
			}
			f(j, sum-alignPenalty*max(0, lo-l))
		}
	}
	grid := func() [][]int {
		g := make([][]int, n+1)
		for u := range g {
			g[u] = make([]int, k+1)
			for i := range g[u] {
				g[u][i] = alignNeg
			}
		}
		return g
	}
	// fw[u][i]: the best score of items [0, i) with units [0, u) and the
	// unexplained items after them; bw[u][i]: of items [i, k) with the
	// unexplained items before unit u, units [u, n) and the rest.
	fw, bw := grid(), grid()
	for i := 0; i <= k; i++ {
		fw[0][i] = -alignPenalty * i
		bw[n][i] = -alignPenalty * (k - i)
	}
	for u := 0; u < n; u++ {
		for i := 0; i <= k; i++ {
			if fw[u][i] == alignNeg {
				continue
			}
			seg(u, i, func(j, s int) {
				fw[u+1][j] = max(fw[u+1][j], fw[u][i]+s)
			})
		}
		for j := 1; j <= k; j++ {
			if fw[u+1][j-1] != alignNeg {
				fw[u+1][j] = max(fw[u+1][j], fw[u+1][j-1]-alignPenalty)
			}
		}
	}
	for u := n - 1; u >= 0; u-- {
		for i := k; i >= 0; i-- {
			if i < k && bw[u][i+1] != alignNeg {
				bw[u][i] = max(bw[u][i], bw[u][i+1]-alignPenalty)
			}
			seg(u, i, func(j, s int) {
				if bw[u+1][j] != alignNeg {
					bw[u][i] = max(bw[u][i], s+bw[u+1][j])
				}
			})
		}
	}
	opt := fw[n][k]
	// Which units write item x in some best alignment, and whether x may be
	// left unexplained.
	cover := make([][]int, n)
	for u := 0; u < n; u++ {
		cover[u] = make([]int, k+1)
		for i := 0; i <= k; i++ {
			if fw[u][i] == alignNeg {
				continue
			}
			seg(u, i, func(j, s int) {
				if j > i && bw[u+1][j] != alignNeg && fw[u][i]+s+bw[u+1][j] == opt {
					cover[u][i]++
					cover[u][j]--
				}
			})
		}
		for i := 1; i <= k; i++ {
			cover[u][i] += cover[u][i-1]
		}
	}
	for x := range items {
		orphan := false
		for u := 0; u <= n && !orphan; u++ {
			orphan = fw[u][x] != alignNeg && bw[u][x+1] != alignNeg && fw[u][x]-alignPenalty+bw[u][x+1] == opt
		}
		var got *assignment
		many := orphan
		for u := 0; u < n; u++ {
			if cover[u][x] <= 0 {
				continue
			}
			if got == nil {
				got = &asg[u][x]
			} else {
				many = true
			}
		}
		switch {
		case got == nil:
			// Nothing explains it: the caller's fallback.
		case many:
			out[x] = assignment{ambiguous: true}
		default:
			out[x] = *got
		}
	}
	return out
}

// literalAgreement compares the literal text a template key c writes with
// the rendered value n: each literal scalar found again scores, and a list
// written only of literal scalars (no actions, no blocks around them) that
// rendered something else means c did not write n (false).
func literalAgreement(c *entry, n *graph.Node) (int, bool) {
	if c.flow && n.Kind == graph.List {
		if !c.flowParsed {
			c.flowLits, c.flowParsed = flowLiterals(c.flowText), true
		}
		return flowAgreement(c.flowLits, n)
	}
	if c.wild || c.valIns || c.text || c.flow {
		return 0, true
	}
	switch n.Kind {
	case graph.Scalar:
		if c.value != "" && c.value == n.Value() {
			return 10, true
		}
	case graph.Map:
		score := 0
		for i := range n.Len() {
			k := n.KeyAt(i)
			if kc, s, ok := agreeingKey(c.children, k, n.Children()[i]); kc != nil {
				if !ok {
					return 0, false
				}
				score += s
			}
		}
		return score, true
	case graph.List:
		lits := map[string]bool{}
		for _, it := range c.children {
			if it.kind != entItem || it.value == "" || it.valIns || it.text || it.flow ||
				len(it.children) > 0 || len(it.ctl) != len(c.ctl) {
				return 0, true // not only literal scalars
			}
			lits[it.value] = true
		}
		if len(lits) == 0 {
			return 0, true
		}
		score := 0
		for _, it := range n.Children() {
			if it.Kind != graph.Scalar || !lits[it.Value()] {
				return 0, false
			}
			score += 10
		}
		return score, true
	}
	return 0, true
}

// insertedAgreement compares a scalar written with actions in it
// ("--backup-sync-period={{ . }}", actions masked as \x01) with a rendered
// scalar: the literal text around the actions must appear in order, so two
// list items that differ only in their literal text are told apart (Velero's
// server flags, one per with block). It scores the literal characters
// matched, at most 9 (below a literal value's 10); an item whose literal
// text the rendered value cannot hold cannot have written it. Text next to
// an action is trimmed, as {{- and -}} may have eaten its spaces.
func insertedAgreement(tpl, got string) (int, bool) {
	segs := strings.Split(tpl, "\x01")
	matched := 0
	rest := got
	for i, seg := range segs {
		if i > 0 {
			seg = strings.TrimLeft(seg, " ")
		}
		if i < len(segs)-1 {
			seg = strings.TrimRight(seg, " ")
		}
		if seg == "" {
			continue
		}
		switch {
		case i == 0:
			if !strings.HasPrefix(rest, seg) {
				return 0, false
			}
			rest = rest[len(seg):]
		case i == len(segs)-1:
			if !strings.HasSuffix(rest, seg) {
				return 0, false
			}
			rest = rest[:len(rest)-len(seg)]
		default:
			j := strings.Index(rest, seg)
			if j < 0 {
				return 0, false
			}
			rest = rest[j+len(seg):]
		}
		matched += len(seg)
	}
	return min(matched, 9), true
}

// flowLiterals reads a literal flow list of scalars (["get", "list"]);
// nil when it holds actions or is not one.
func flowLiterals(text string) []string {
	if text == "" || strings.ContainsRune(text, '\x01') {
		return nil
	}
	var lits []string
	if yaml.Unmarshal([]byte(text), &lits) != nil {
		return nil
	}
	return lits
}

// flowAgreement compares a literal flow list with a rendered list, as
// literalAgreement does block lists of scalars.
func flowAgreement(lits []string, n *graph.Node) (int, bool) {
	if len(lits) == 0 {
		return 0, true
	}
	score := 0
	for _, it := range n.Children() {
		if it.Kind != graph.Scalar || !slices.Contains(lits, it.Value()) {
			return 0, false
		}
		score += 10
	}
	return score, true
}
