package terraform

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/pvlint/pvlint/parsers/fsgate"
)

// LocalCallers returns the module directories of the tree behind g that call
// any of targets (directories relative to the tree, slash-separated) through
// local module sources, directly or through other modules, sorted. A
// pre-commit hook that is given a changed child module lints these callers
// with it, so the module is evaluated as in a full scan: as its own root and
// as every instance a caller in the repository creates. Directories named in
// skip (.git, .terraform, ...) are not walked.
func LocalCallers(g *fsgate.Gate, targets []string, skip map[string]bool) []string {
	calls := map[string][]string{} // caller dir → called dirs
	p := hclparse.NewParser()
	_ = fs.WalkDir(g.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if rel != "." && skip[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".tf") && !strings.HasSuffix(d.Name(), ".tofu") {
			return nil
		}
		src, err := g.ReadFile(rel)
		if err != nil {
			return nil
		}
		f, _ := p.ParseHCL(src, rel)
		if f == nil {
			return nil
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			return nil
		}
		dir := path.Dir(rel)
		for _, b := range body.Blocks {
			if b.Type != "module" {
				continue
			}
			a := b.Body.Attributes["source"]
			if a == nil {
				continue
			}
			v, diags := a.Expr.Value(&hcl.EvalContext{})
			if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
				continue
			}
			if s := v.AsString(); isLocalSource(s) {
				calls[dir] = append(calls[dir], path.Clean(path.Join(dir, s)))
			}
		}
		return nil
	})
	want := map[string]bool{}
	for _, t := range targets {
		want[path.Clean(t)] = true
	}
	// Callers of callers, until nothing new is found.
	out := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for caller, called := range calls {
			if out[caller] || want[caller] {
				continue
			}
			for _, c := range called {
				if want[c] || out[c] {
					out[caller], changed = true, true
					break
				}
			}
		}
	}
	var dirs []string
	for d := range out {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
}
