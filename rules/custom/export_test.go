package custom

// SetBudgets lowers the CEL cost budgets of the rules loaded next, for
// tests; the returned function restores them.
func SetBudgets(rule, total uint64) func() {
	r, t := ruleBudget, totalBudget
	ruleBudget, totalBudget = rule, total
	return func() { ruleBudget, totalBudget = r, t }
}
