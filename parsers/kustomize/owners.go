package kustomize

import (
	"path"
	"sort"
	"strings"
)

// Owners maps files of a tree to the root kustomizations that read them,
// for a pre-commit hook given changed files: a changed base, patch,
// component or generator input is linted through every overlay that
// renders it.
type Owners struct {
	p       *parser
	kusts   []*kustomization
	parents map[string][]string // directory → kustomization directories that include it
	refs    map[string][]string // repo-relative path → kustomization directories naming it
}

// maxOwnerDirs bounds the directories the index walks.
const maxOwnerDirs = 100000

// IndexOwners reads every kustomization of the tree (skipping directories
// skip says no to) and indexes what each includes and names.
func IndexOwners(files Files, skip func(dir string) bool) *Owners {
	p := &parser{files: newCache(files), kusts: map[string]*kustomization{}, notices: map[string]bool{}}
	o := &Owners{p: p, parents: map[string][]string{}, refs: map[string][]string{}}
	queue := []string{"."}
	for n := 0; len(queue) > 0 && n < maxOwnerDirs; n++ {
		dir := queue[0]
		queue = queue[1:]
		ents, err := files.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			sub := path.Join(dir, e.Name())
			if skip != nil && skip(sub) {
				continue
			}
			queue = append(queue, sub)
		}
		if k, _ := p.load(dir); k != nil {
			o.kusts = append(o.kusts, k)
		}
	}
	for _, k := range o.kusts {
		bases, comps := k.localDirs(p.isDir)
		for _, d := range append(bases, comps...) {
			o.parents[d] = append(o.parents[d], k.dir)
		}
		for _, f := range k.referencedFiles() {
			o.refs[f] = append(o.refs[f], k.dir)
		}
	}
	return o
}

// RootsOf returns the root kustomization directories that read file
// (repo-relative), sorted; nil when no kustomization reads it.
func (o *Owners) RootsOf(file string) []string {
	file = path.Clean(file)
	var direct []string
	if IsKustomizationFile(path.Base(file)) {
		direct = append(direct, path.Dir(file))
	}
	// The file itself, or a directory above it that a kustomization names
	// (a chart under chartHome, a resource directory).
	for p := file; ; p = path.Dir(p) {
		direct = append(direct, o.refs[p]...)
		if p == "." || p == "/" || !strings.Contains(p, "/") {
			if p != "." {
				direct = append(direct, o.refs["."]...)
			}
			break
		}
	}
	seen := map[string]bool{}
	roots := map[string]bool{}
	var up func(d string)
	up = func(d string) {
		if seen[d] {
			return
		}
		seen[d] = true
		ps := o.parents[d]
		if len(ps) == 0 {
			roots[d] = true
			return
		}
		for _, p := range ps {
			up(p)
		}
	}
	for _, d := range direct {
		up(d)
	}
	out := make([]string, 0, len(roots))
	for r := range roots {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
