package kustomize

import (
	"fmt"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// fanIn is a root whose render would accumulate kustomizations more often
// than limits.KustomizeIncludes, with the kustomization reached most often.
type fanIn struct {
	dir   string // the kustomization reached most often
	paths uint64 // how many paths reach it (saturated at pathCap)
	total uint64 // the accumulations of the render (saturated at pathCap)
	limit int    // the bound it is over
	// line and col are the root's entry through which it is first reached.
	line, col int
}

// pathCap saturates the path counts: far over any limit, far under
// overflow.
const pathCap = 1 << 40

func addPaths(a, b uint64) uint64 {
	if a+b > pathCap {
		return pathCap
	}
	return a + b
}

// countText is a saturated count as the error says it.
func countText(n uint64) string {
	if n >= pathCap {
		return fmt.Sprintf("more than %d", uint64(pathCap))
	}
	return fmt.Sprint(n)
}

// error is the root's error, on the root's entry that leads to it.
func (f *fanIn) error(root *kustomization) parsers.Error {
	return parsers.Error{File: root.file, Line: f.line, Col: f.col, Msg: fmt.Sprintf(
		"kustomization %s was not rendered: its render would accumulate kustomizations %s times, kustomization %s through %s paths of resources, bases and components entries, and %s; %s",
		root.dir, countText(f.total), f.dir, countText(f.paths), limits.IncludedTooOften(f.limit), fallbackNote)}
}

// fanIn counts, without rendering, how many times root's render would
// include each kustomization below it: Kustomize accumulates a base once
// for every path of resources/bases/components entries that leads to it,
// so a diamond of n levels (each level's two kustomizations both including
// the next level's two) renders its bottom 2^n times, a few tiny files
// running for minutes (Kustomize cannot be cancelled mid-run). The paths
// are counted over the include DAG (topological order, sums saturated at
// pathCap); an entry back to a kustomization on the current path (a
// cycle) is not followed: Kustomize reports the cycle itself. It returns
// the kustomization reached through the most paths (ties: the first
// directory by name) when the render's accumulations, the paths summed
// over every kustomization below root, are over limit; else nil.
func (p *parser) fanIn(root *kustomization, limit int) *fanIn {
	// children in entry order (resources and bases, then components), as
	// directories holding a kustomization; an entry listed twice counts
	// twice, as Kustomize would accumulate it twice.
	type node struct {
		k        *kustomization
		children []string
		// entry positions of the children, for the root's error
		pos []struct{ line, col int }
	}
	nodes := map[string]*node{}
	var order []string // post-order
	state := map[string]int{}
	var visit func(k *kustomization)
	visit = func(k *kustomization) {
		state[k.dir] = 1
		n := &node{k: k}
		nodes[k.dir] = n
		for _, in := range k.includes() {
			if in.e.value == "" || !p.isDir(in.rel) {
				continue
			}
			kk, _ := p.load(in.rel)
			if kk == nil || state[kk.dir] == 1 {
				continue // not a kustomization, or a cycle: left to Kustomize
			}
			n.children = append(n.children, kk.dir)
			n.pos = append(n.pos, struct{ line, col int }{in.e.node.Pos().Line, in.e.node.Pos().Col})
			if state[kk.dir] == 0 {
				visit(kk)
			}
		}
		state[k.dir] = 2
		order = append(order, k.dir)
	}
	visit(root)
	// An edge into a directory still open (state 1) was dropped above, so
	// the kept edges form a DAG and the reverse post-order is topological.
	paths := map[string]uint64{root.dir: 1}
	for i := len(order) - 1; i >= 0; i-- {
		n := nodes[order[i]]
		for _, c := range n.children {
			paths[c] = addPaths(paths[c], paths[n.k.dir])
		}
	}
	var worst string
	total := uint64(0)
	for d, c := range paths {
		if d == root.dir {
			continue
		}
		total = addPaths(total, c)
		if worst == "" || c > paths[worst] || c == paths[worst] && d < worst {
			worst = d
		}
	}
	if worst == "" || total <= uint64(limit) {
		return nil
	}
	f := &fanIn{dir: worst, paths: paths[worst], total: total, limit: limit}
	// The root's first entry from which worst is reachable.
	reach := map[string]bool{}
	var reaches func(d string) bool
	reaches = func(d string) bool {
		if d == worst {
			return true
		}
		if r, ok := reach[d]; ok {
			return r
		}
		reach[d] = false
		for _, c := range nodes[d].children {
			if reaches(c) {
				reach[d] = true
				break
			}
		}
		return reach[d]
	}
	rn := nodes[root.dir]
	for i, c := range rn.children {
		if reaches(c) {
			f.line, f.col = rn.pos[i].line, rn.pos[i].col
			break
		}
	}
	return f
}
