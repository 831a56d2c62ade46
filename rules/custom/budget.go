package custom

import (
	"github.com/google/cel-go/cel"

	"github.com/pvlint/pvlint/parsers/limits"
)

// ruleBudget and totalBudget are the CEL cost one custom rule, and all of
// them together, may spend in one scan (limits.CustomRuleCost and
// CustomRulesCost); variables so that tests can lower them.
var (
	ruleBudget  uint64 = limits.CustomRuleCost
	totalBudget uint64 = limits.CustomRulesCost
)

// share is each of n rules' budget: the per-rule budget, or an equal
// share of the total when that is less. Fixed when the rules are loaded,
// so no rule's budget depends on what another spends (they run in
// parallel).
func share(n int) uint64 {
	if n > 0 && totalBudget/uint64(n) < ruleBudget {
		return totalBudget / uint64(n)
	}
	return ruleBudget
}

// budget is one rule's spending in one scan, in CEL's own cost units (the
// ActualCost of every evaluation: expressions, variables and message
// expressions), never wall time, so the same objects are checked on every
// run. Rules run in parallel, but each rule walks its objects one after
// the other in graph order, and the budget is its own: the accounting is
// the rule's sequence of evaluations, the same on every run, whatever the
// other rules do. An object whose check has begun is finished (each
// expression is bounded by the per-call limit, each object by the
// API server's per-object budget); past the budget no further object is
// begun.
type budget struct {
	limit, spent uint64
}

// newBudget starts a scan's budget of limit (0: the per-rule budget, for a
// rule not given its share by Load).
func newBudget(limit uint64) *budget {
	if limit == 0 {
		limit = ruleBudget
	}
	return &budget{limit: limit}
}

// charge adds an evaluation's cost and returns its ActualCost, for the
// caller's accounting per object. An evaluation stopped for going over the
// per-call limit has cost the budget at least that much.
func (b *budget) charge(det *cel.EvalDetails, err error) uint64 {
	var actual uint64
	if det != nil && det.ActualCost() != nil {
		actual = *det.ActualCost()
	}
	c := actual
	if err != nil && isCostError(err) && c < perCallLimit {
		c = perCallLimit
	}
	b.spent += c
	return actual
}

// exhausted reports whether no further object may be begun.
func (b *budget) exhausted() bool { return b.spent >= b.limit }
