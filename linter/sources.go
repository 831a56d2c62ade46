package linter

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pvlint/pvlint/linter/cache"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/terraform"
)

// parseCharts renders every chart, in parallel; results are merged in the
// charts' sorted order so the output never depends on scheduling.
func parseCharts(ts *trees, charts []string, opt Options) parsers.Result {
	ho := helm.Options{
		Values: opt.Helm.Values, Set: opt.Helm.Set, SetString: opt.Helm.SetString, SetFile: opt.Helm.SetFile,
		ReleaseName: opt.Helm.ReleaseName, Namespace: opt.Namespace,
		KubeVersion: opt.Helm.KubeVersion, APIVersions: opt.Helm.APIVersions,
		Timeout: opt.ChartTimeout, ScanTime: opt.chartTime,
	}
	if ho.Timeout <= 0 {
		ho.Timeout = DefaultChartTimeout
	}
	results := make([]parsers.Result, len(charts))
	sem := make(chan struct{}, opt.Workers)
	var wg sync.WaitGroup
	for i, c := range charts {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, c string) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = renderChart(ts, c, ho, opt.Cache)
			for _, r := range results[i].Resources {
				graph.PruneKeeping(r, opt.Keep)
			}
		}(i, c)
	}
	wg.Wait()
	var out parsers.Result
	for _, r := range results {
		out.Merge(r)
	}
	return out
}

// renderChart renders one chart through the file gate of its tree (a chart
// named outside the root is reported by absolute path), or takes its result
// from the cache when nothing the last render read has changed
// (linter/cache; c may be nil).
func renderChart(ts *trees, chart string, ho helm.Options, c *cache.Cache) parsers.Result {
	t, rel := ts.locate(chart)
	if t == nil {
		return parsers.Result{Errors: []parsers.Error{{File: chart, Msg: "cannot read: not inside a scanned tree"}}}
	}
	if t.display != "" {
		// Values files are named from the root, not from this tree.
		ho.Values = fromRoot(ts, ho.Values)
		ho.SetFile = fromRoot(ts, ho.SetFile)
	}
	var r parsers.Result
	if c == nil {
		ho.Files = t.gate
		r = helm.Render(t.gate.Dir(), rel, ho)
	} else {
		key := c.Key(chartKey(t, rel, ho)...)
		var hit bool
		if r, hit = c.Get(key, t.gate); !hit {
			rec := cache.NewRecorder()
			ho.Files = t.gate.Observed(rec.Observe)
			r = helm.Render(t.gate.Dir(), rel, ho)
			if len(r.Errors) == 0 { // a failed render is tried again next time
				c.Put(key, t.gate, rec, r)
			}
		}
	}
	if t.display != "" {
		rebase(&r, t.display)
	}
	return r
}

// chartKey lists what a chart's render depends on besides the files it
// reads through the gate: the tree and the chart, the options, and the
// values files read from outside the tree (by content).
func chartKey(t *tree, rel string, ho helm.Options) []string {
	o := ho
	o.Files, o.ScanTime = nil, nil // the run's, not what the render depends on
	parts := []string{"helm", t.gate.Dir(), rel, fmt.Sprintf("%#v", o)}
	var files []string
	for _, v := range ho.Values {
		_, f, _ := helm.ScopedValues(t.gate.Dir(), v)
		files = append(files, f)
	}
	for _, v := range ho.SetFile {
		_, f, _ := strings.Cut(v, "=")
		files = append(files, f)
	}
	for _, f := range files {
		if b, err := fsgate.ReadNamed(t.gate, f); err == nil {
			sum := sha256.Sum256(b)
			parts = append(parts, f+":"+hex.EncodeToString(sum[:]))
		} else {
			parts = append(parts, f+":"+err.Error())
		}
	}
	return parts
}

// fromRoot makes the relative paths of plain FILE entries absolute from
// the root (a CHART_DIR=FILE or NAME=FILE entry is kept as given).
func fromRoot(ts *trees, entries []string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		if !strings.Contains(e, "=") && !filepath.IsAbs(e) {
			e = filepath.Join(ts.root.gate.Dir(), e)
		}
		out[i] = e
	}
	return out
}

// parseModules evaluates the Terraform modules (the evaluator runs root
// modules in parallel itself), each tree through its own gate: the root,
// and every directory named outside it (reported by absolute path).
func parseModules(ts *trees, dirs []string, opt Options) parsers.Result {
	to := terraform.Options{VarFiles: opt.Terraform.VarFiles, Vars: opt.Terraform.Vars, ModuleVarFiles: opt.Terraform.ModuleVarFiles}
	byTree := map[*tree][]string{}
	var out parsers.Result
	for _, d := range dirs {
		t, rel := ts.locate(d)
		if t == nil {
			out.Errors = append(out.Errors, parsers.Error{File: d, Msg: "cannot read: not inside a scanned tree"})
			continue
		}
		byTree[t] = append(byTree[t], rel)
	}
	if in := byTree[ts.root]; len(in) > 0 {
		out.Merge(terraform.Parse(ts.root.gate, in, to))
	}
	for _, t := range ts.list() {
		if in := byTree[t]; len(in) > 0 {
			r := terraform.Parse(t.gate, in, to)
			rebase(&r, t.display)
			out.Merge(r)
		}
	}
	return out
}

// rebase puts the tree's absolute directory in front of the paths of a
// result that a parser reported relative to that tree.
func rebase(r *parsers.Result, dir string) {
	abs := func(p string) string {
		if p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "--") {
			return p
		}
		return path.Join(dir, p)
	}
	for _, res := range r.Resources {
		res.File = abs(res.File)
		res.EditOrigin().Module = abs(res.Origin().Module)
		res.EditOrigin().Chart = abs(res.Origin().Chart)
		for i, v := range res.Origin().Values {
			res.EditOrigin().Values[i] = abs(v)
		}
		refs := res.Refs()
		for i := range refs {
			if rest, ok := strings.CutPrefix(refs[i].To, "tf:"); ok {
				if module, addr, ok := strings.Cut(rest, ":"); ok {
					refs[i].To = graph.TerraformKey(abs(module), addr)
				}
			}
		}
	}
	for i := range r.Errors {
		r.Errors[i].File = abs(r.Errors[i].File)
	}
	for i := range r.Notices {
		r.Notices[i].File = abs(r.Notices[i].File)
	}
	for i := range r.Comments {
		r.Comments[i].File = abs(r.Comments[i].File)
	}
}

// DefaultChartTimeout bounds one chart's rendering: Helm's engine has no
// limit of its own, and a template can loop (range until 1000000000). It
// covers the template engine only (helm.Options.Timeout), not loading or
// pvlint's own mapping of the output. Ten seconds: the largest public
// charts render in well under a second, each chart renders in a worker
// process of its own (so others' load does not count against it), and a
// hostile chart in a pull request holds the check for its timeout: the
// two-minute default it replaced made a single looping chart cost two
// minutes per scan.
const DefaultChartTimeout = 10 * time.Second

// checkScopedValues makes a "CHART_DIR=FILE" values entry that names no
// chart of the scan a usage error: scanning that chart with its default
// values instead would pass silently.
func checkScopedValues(root string, charts []string, values []string) error {
	for _, v := range values {
		dir, _, scoped := helm.ScopedValues(root, v)
		if !scoped {
			continue
		}
		if filepath.IsAbs(filepath.FromSlash(dir)) {
			if rel, err := filepath.Rel(root, filepath.FromSlash(dir)); err == nil {
				dir = filepath.ToSlash(rel)
			}
		}
		if slices.Contains(charts, dir) {
			continue
		}
		shown := strings.Join(charts, ", ")
		if shown == "" {
			shown = "none"
		}
		return fmt.Errorf("values %q: %s is not a chart directory of this scan (charts scanned: %s)", v, dir, shown)
	}
	return nil
}
