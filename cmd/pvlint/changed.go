package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/kustomize"
	"github.com/pvlint/pvlint/parsers/terraform"
)

// ownersOf maps changed files (what a pre-commit hook is given) to the
// inputs that give them meaning, so the hook lints whole charts and modules
// but not the rest of the repository:
//
//   - a .tf, .tf.json, .tfvars or .tfvars.json file → its directory (the
//     Terraform module; references between its files need all of them),
//     and every module directory of the working directory that calls it
//     through local sources, directly or not (the module is then evaluated
//     as in a full scan: as its own root and through its callers);
//   - a file inside a Helm chart (any file below a directory holding
//     Chart.yaml, up to the working directory) → the chart directory; a
//     subchart under charts/ belongs to the chart above it, which renders it;
//   - a file a kustomization reads (its kustomization file, a resource, a
//     patch, a component, a generator input, a vendored chart) → every
//     root kustomization that renders it (overlays over a changed base);
//   - any other .yaml, .yml or .json file → itself (a manifest);
//   - anything else (a .tpl helper outside any chart) → nothing.
//
// "-" (standard input) is kept. The result is deduplicated and sorted.
// Paths keep the form they were given in (relative paths stay relative);
// a file that no longer exists is dropped unless its chart or module still
// does, since there is nothing of it left to scan.
func ownersOf(paths []string) []string {
	wd, err := os.Getwd()
	if err != nil {
		wd = ""
	}
	seen := map[string]bool{}
	var out []string
	add := func(owner string) {
		if !seen[owner] {
			seen[owner] = true
			out = append(out, owner)
		}
	}
	var tfDirs []string
	kz := newKustomizeOwners(wd)
	defer kz.close()
	for _, p := range paths {
		if roots := kz.rootsOf(p); len(roots) > 0 {
			for _, r := range roots {
				add(r)
			}
			continue
		}
		if owner, ok := ownerOf(p, wd); ok {
			add(owner)
			if isTerraformFile(strings.ToLower(filepath.Base(p))) {
				tfDirs = append(tfDirs, owner)
			}
		}
	}
	for _, c := range terraformCallers(tfDirs, wd) {
		add(c)
	}
	slices.Sort(out)
	return out
}

// insideAny reports whether slash path p is below one of dirs.
func insideAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// terraformCallers returns the module directories of the working directory
// that call the changed modules dirs (directly or through other modules),
// so that the hook evaluates a changed child module as a full scan does:
// as its own root and as every instance a caller in the repository
// creates. They are spelt as the changed paths were (relative or absolute).
func terraformCallers(dirs []string, wd string) []string {
	if len(dirs) == 0 || wd == "" {
		return nil
	}
	g, err := fsgate.New(wd, 0)
	if err != nil {
		return nil
	}
	defer g.Close()
	var rels []string
	abs := false
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if filepath.IsAbs(d) {
			abs = true
		}
		if r, err := filepath.Rel(wd, a); err == nil && within(a, wd) {
			rels = append(rels, filepath.ToSlash(r))
		}
	}
	skip := map[string]bool{}
	for _, s := range linter.DefaultSkipDirs {
		skip[s] = true
	}
	var out []string
	for _, c := range terraform.LocalCallers(g, rels, skip) {
		if insideAny(c, rels) {
			continue // scanned already: a directory is walked recursively
		}
		p := filepath.FromSlash(c)
		if abs {
			p = filepath.Join(wd, p)
		}
		out = append(out, p)
	}
	return out
}

// kustomizeOwners finds the root kustomizations that read a changed file,
// indexing the working directory's kustomizations on first use.
type kustomizeOwners struct {
	wd   string
	gate *fsgate.Gate
	idx  *kustomize.Owners
	done bool
}

func newKustomizeOwners(wd string) *kustomizeOwners { return &kustomizeOwners{wd: wd} }

func (k *kustomizeOwners) close() {
	if k.gate != nil {
		k.gate.Close()
	}
}

// rootsOf returns the root kustomization directories that render p, in
// p's form (relative to the working directory when p is relative).
func (k *kustomizeOwners) rootsOf(p string) []string {
	if p == "-" || k.wd == "" {
		return nil
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(k.wd, p)
	}
	if !within(filepath.Clean(abs), k.wd) {
		return nil
	}
	if !k.done {
		k.done = true
		g, err := fsgate.New(k.wd, 0)
		if err != nil {
			return nil
		}
		k.gate = g
		skip := map[string]bool{}
		for _, d := range linter.DefaultSkipDirs {
			skip[d] = true
		}
		k.idx = kustomize.IndexOwners(g, func(dir string) bool { return skip[filepath.Base(dir)] })
	}
	if k.idx == nil {
		return nil
	}
	rel, err := filepath.Rel(k.wd, abs)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range k.idx.RootsOf(filepath.ToSlash(rel)) {
		d := filepath.FromSlash(r)
		if filepath.IsAbs(p) {
			d = filepath.Join(k.wd, d)
		}
		out = append(out, d)
	}
	return out
}

func ownerOf(p, wd string) (string, bool) {
	if p == "-" {
		return p, true
	}
	p = filepath.Clean(p)
	name := strings.ToLower(filepath.Base(p))
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		// A directory is already a whole input.
		return p, true
	}
	if isTerraformFile(name) {
		dir := filepath.Dir(p)
		if isDir(dir) {
			return dir, true
		}
		return "", false
	}
	if chart, ok := chartOf(p, wd); ok {
		return chart, true
	}
	switch filepath.Ext(name) {
	case ".yaml", ".yml", ".json":
		if isFile(p) {
			return p, true
		}
	}
	return "", false
}

func isTerraformFile(name string) bool {
	for _, suf := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// chartOf walks up from p's directory to the nearest directory holding
// Chart.yaml, stopping at the working directory (inclusive) when p is below
// it. A chart found directly under another chart's charts/ folder is a
// subchart: the walk goes on to the chart that renders it.
func chartOf(p, wd string) (string, bool) {
	dir, err := filepath.Abs(filepath.Dir(p))
	if err != nil {
		return "", false
	}
	// Walk inside the working directory when p is inside it; a path outside
	// is walked to the filesystem root.
	limit := ""
	if wd != "" && within(dir, wd) {
		limit = wd
	}
	for {
		if isFile(filepath.Join(dir, "Chart.yaml")) {
			parent := filepath.Dir(dir)
			top := filepath.Dir(parent)
			if filepath.Base(parent) == "charts" && isFile(filepath.Join(top, "Chart.yaml")) && (limit == "" || within(top, limit)) {
				dir = top // a subchart: its parent chart renders it
				continue
			}
			return relLike(p, dir, wd), true
		}
		parent := filepath.Dir(dir)
		if dir == limit || parent == dir {
			return "", false
		}
		dir = parent
	}
}

// relLike spells dir the way p was spelt: relative to the working directory
// when p was relative, absolute otherwise.
func relLike(p, dir, wd string) string {
	if filepath.IsAbs(p) || wd == "" {
		return dir
	}
	if r, err := filepath.Rel(wd, dir); err == nil {
		return r
	}
	return dir
}

// within reports whether path is dir or below it (both absolute and clean).
func within(path, dir string) bool {
	r, err := filepath.Rel(dir, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
