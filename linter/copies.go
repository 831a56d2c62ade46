package linter

import "github.com/pvlint/pvlint/rules"

// Copies of one written object produce the same finding at the same written
// line: the instances a Terraform module's callers create (instances.go),
// the objects several overlays render from one Kustomize base (kustomize.go).
// mergeCopies is the one mechanism that reports such a group once. key says
// which findings are copies of each other (ok false: the finding is no
// copy); merge gets each group, in the order of fs, makes one finding stand
// for it and returns the ones it replaced. The order of fs is kept.
func mergeCopies[K comparable](fs []*rules.Finding, key func(*rules.Finding) (K, bool),
	merge func(group []*rules.Finding) (replaced []*rules.Finding)) []*rules.Finding {
	groups := map[K][]*rules.Finding{}
	var order []K
	for _, f := range fs {
		k, ok := key(f)
		if !ok {
			continue
		}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	drop := map[*rules.Finding]bool{}
	for _, k := range order {
		for _, f := range merge(groups[k]) {
			drop[f] = true
		}
	}
	if len(drop) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if !drop[f] {
			out = append(out, f)
		}
	}
	return out
}
