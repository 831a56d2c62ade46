package rules

import "sort"

// All returns every rule, sorted by ID. Each family file contributes one
// literal list; the registry test checks IDs, names, titles and docs.
// (A family function per file, rather than one literal list here, keeps
// each family's rules, tests and fixtures together in one place.)
func All() []*Rule {
	var all []*Rule
	for _, family := range [][]*Rule{
		storageRules(),
		cloudStorageRules(),
		storageAccessRules(),
		backupRules(),
		fileServiceRules(),
		stateRules(),
		workloadRules(),
		rbacRules(),
		awsRules(),
		gcpRules(),
		azureRules(),
	} {
		all = append(all, family...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ByID returns the rule with the given ID, or nil.
func ByID(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}
