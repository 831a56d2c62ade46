// Package terraform evaluates Terraform modules statically, as Terraform
// would at plan time without state or providers, and turns every managed
// resource instance into a graph resource. Values Terraform only learns while
// applying (computed attributes, data sources, remote modules) stay unknown.
package terraform

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/pvlint/pvlint/internal/parallel"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/limits"
)

// Options are the variable inputs of the command line.
type Options struct {
	VarFiles []string // --var-file, applied to every root module, in order (absolute or cwd-relative paths)
	Vars     []string // --var NAME=VALUE, in order; later wins
	// ModuleVarFiles are variables files for one root module each (from
	// .pvlint.yaml), keyed by module directory; both relative to root. They
	// come before VarFiles, so the command line wins.
	ModuleVarFiles map[string][]string
}

// Parse evaluates the Terraform modules in dirs. g is the scanned tree: every reported path is relative to its
// root (forward slashes), and every file (.tf, .tf.json, variables files, file(), local modules) is read through
// it; dirs are module directories relative to the root (each holds .tf or .tf.json files).
func Parse(g *fsgate.Gate, dirs []string, opt Options) parsers.Result {
	var out parsers.Result
	l := &loader{gate: g, mods: map[string]*loadEntry{}, instances: &instanceBudget{}, time: parsers.NewScanTime(scanModuleTime)}
	scanned := cleanDirs(dirs)
	parallel.For(len(scanned), func(i int) { l.load(scanned[i]) })
	for _, d := range scanned {
		if !l.load(d).exists {
			out.Errors = append(out.Errors, parsers.Error{File: d, Msg: "module directory does not exist"})
		}
	}
	roots := rootModules(l, scanned)

	cli, cliErrs := readCLIVarFiles(g, opt.VarFiles)
	out.Errors = append(out.Errors, cliErrs...)
	results := make([]parsers.Result, len(roots))
	perRoot := make([][]varFile, len(roots))
	for i, dir := range roots {
		perRoot[i] = cli
		if files := opt.ModuleVarFiles[dir]; len(files) > 0 {
			var own []varFile
			for _, f := range files {
				vals, e := readVarFile(func() ([]byte, error) { return g.ReadFile(f) }, f)
				out.Errors = append(out.Errors, e...)
				own = append(own, varFile{name: f, vals: vals})
			}
			perRoot[i] = append(own, cli...)
		}
	}
	parallel.For(len(roots), func(i int) { results[i] = evalRoot(l, roots[i], perRoot[i], opt.Vars) })

	for _, m := range l.all() {
		out.Errors = append(out.Errors, m.errs...)
		out.Notices = append(out.Notices, m.notices...)
		out.Comments = append(out.Comments, m.comments...)
	}
	for _, r := range results {
		out.Merge(r)
	}
	out.Notices = append(out.Notices, l.uninstalledNotices()...)
	out.Errors = dedupe(out.Errors)
	out.Notices = dedupe(out.Notices)
	sort.SliceStable(out.Errors, func(i, j int) bool {
		a, b := out.Errors[i], out.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return out
}

func cleanDirs(dirs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		d = path.Clean(filepath.ToSlash(d))
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// rootModules returns every scanned directory: each module is linted as its
// own root with its variables' defaults (what a consumer who passes nothing
// gets), and the modules it calls are linted again as each instance a
// scanned caller creates, with the caller's arguments. The linter reports a
// finding that several instances share once (see linter/instances.go).
func rootModules(l *loader, scanned []string) []string {
	var roots []string
	for _, d := range scanned {
		if l.load(d).exists {
			roots = append(roots, d)
		}
	}
	return roots
}

func dedupe[T comparable](in []T) []T {
	seen := map[T]bool{}
	out := in[:0]
	for _, x := range in {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// evalRoot evaluates one root module. A panic is turned into an error that
// names the module, so one module cannot stop the others.
func evalRoot(l *loader, dir string, cli []varFile, cliVars []string) (res parsers.Result) {
	m := l.load(dir)
	if !m.exists {
		return res
	}
	d, byScan, spent := l.time.Take(moduleEval)
	if spent {
		return parsers.Result{Errors: []parsers.Error{{File: dir, Msg: limits.ModulesTimeSpent(scanModuleTime)}}}
	}
	start := time.Now()
	defer func() { l.time.Spend(time.Since(start)) }()
	r := &rootEval{l: l, rootDir: dir, funcs: functions(l.gate, dir), forLeft: limits.ValueElements, deadline: start.Add(d), byScan: byScan}
	r.funcs[forBudgetFunc] = forBudget(&r.forLeft)
	guardFunctions(r.funcs)
	r.textLeft = textLimit
	meterFunctions(r.funcs, &r.textLeft)
	r.funcs[textFunc] = textBudget(&r.textLeft)
	r.funcs[numberFunc] = numberGuard
	var errs []parsers.Error
	r.installed, errs = installedModules(l.gate, dir)
	r.out.Errors = append(r.out.Errors, errs...)
	defer func() {
		if p := recover(); p != nil {
			res = parsers.Result{Errors: append(r.out.Errors, parsers.Error{File: dir,
				Msg: fmt.Sprintf("internal error while evaluating the module: %v (please report it)", p)})}
		}
	}()
	in := newInstance(r, m)
	in.dirs = []string{dir}
	in.setInputs(rootInputs(r, m, l.gate, cli, cliVars))
	in.run()
	return r.out
}

type varFile struct {
	name string
	vals map[string]cty.Value
}

// rootInputs applies Terraform's precedence: terraform.tfvars, its JSON
// form, *.auto.tfvars(.json) in lexical order, then --var-file, then --var.
func rootInputs(r *rootEval, m *module, g *fsgate.Gate, cli []varFile, cliVars []string) map[string]symbol {
	given := map[string]symbol{}
	apply := func(vals map[string]cty.Value) {
		for k, v := range vals {
			given[k] = symbol{val: v}
		}
	}
	var names []string
	if entries, err := g.ReadDir(m.dir); err == nil {
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && (strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")) {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	names = append([]string{"terraform.tfvars", "terraform.tfvars.json"}, names...)
	for _, n := range names {
		rel := path.Join(m.dir, n)
		if _, err := g.Lstat(rel); err != nil {
			continue // absent (a link that leads nowhere is present, and refused below)
		}
		vals, errs := readVarFile(func() ([]byte, error) { return g.ReadFile(rel) }, rel)
		r.out.Errors = append(r.out.Errors, errs...)
		apply(vals)
	}
	for _, f := range cli {
		apply(f.vals)
	}
	types := map[string]cty.Type{}
	for _, d := range m.variables {
		types[d.name] = d.typ
	}
	for _, kv := range cliVars {
		name, raw, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			r.out.Errors = append(r.out.Errors, parsers.Error{File: "--var", Msg: fmt.Sprintf("%q: expected NAME=VALUE", kv)})
			continue
		}
		ty, declared := types[name]
		if !declared {
			continue
		}
		// As Terraform does: a primitive (or untyped) variable takes the text
		// as a string; a collection or object is parsed as an HCL expression.
		if ty.IsPrimitiveType() || ty == cty.DynamicPseudoType {
			given[name] = symbol{val: cty.StringVal(raw)}
			continue
		}
		expr, diags := hclsyntax.ParseExpression([]byte(raw), "--var "+name, hcl.InitialPos)
		if !diags.HasErrors() {
			var v cty.Value
			v, diags = expr.Value(nil)
			if !diags.HasErrors() {
				given[name] = symbol{val: v}
				continue
			}
		}
		r.out.Errors = append(r.out.Errors, parsers.Error{File: "--var", Msg: fmt.Sprintf("%s: %s", name, diags.Error())})
	}
	return given
}

// readCLIVarFiles reads the --var-file files (paths from the working
// directory): one inside the tree through its gate, one elsewhere through a
// gate at its own directory (fsgate.ReadNamed).
func readCLIVarFiles(g *fsgate.Gate, files []string) ([]varFile, []parsers.Error) {
	var out []varFile
	var errs []parsers.Error
	for _, f := range files {
		vals, e := readVarFile(func() ([]byte, error) { return fsgate.ReadNamed(g, f) }, filepath.ToSlash(f))
		errs = append(errs, e...)
		out = append(out, varFile{name: f, vals: vals})
	}
	return out, errs
}

// readVarFile reads a .tfvars (HCL) or .tfvars.json file of literal values
// (read gives its bytes, through the file gate).
func readVarFile(read func() ([]byte, error), name string) (map[string]cty.Value, []parsers.Error) {
	src, err := read()
	if err != nil {
		return nil, []parsers.Error{{File: name, Msg: "variables file: " + fsgate.Describe(err)}}
	}
	if e := checkNesting(name, src); e != nil {
		return nil, []parsers.Error{*e}
	}
	p := hclparse.NewParser()
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		f, diags = p.ParseJSON(src, name)
	} else {
		f, diags = p.ParseHCL(src, name)
	}
	errs := diagErrors(name, diags)
	if f == nil || f.Body == nil {
		return nil, errs
	}
	attrs, diags := f.Body.JustAttributes()
	errs = append(errs, diagErrors(name, diags)...)
	vals := map[string]cty.Value{}
	for n, a := range attrs {
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			errs = append(errs, diagErrors(name, diags)...)
			continue
		}
		vals[n] = v
	}
	return vals, errs
}

// relPath is target relative to base, both slash paths below the root.
func relPath(base, target string) string {
	rel, err := filepath.Rel(filepath.FromSlash(base), filepath.FromSlash(target))
	if err != nil {
		return target
	}
	return filepath.ToSlash(rel)
}
