package linter

import (
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/terraform"
)

// parseCharts renders every chart, in parallel; results are merged in the
// charts' sorted order so the output never depends on scheduling.
func parseCharts(root string, charts []string, opt Options) parsers.Result {
	ho := helm.Options{
		Values: opt.Helm.Values, Set: opt.Helm.Set, SetString: opt.Helm.SetString, SetFile: opt.Helm.SetFile,
		ReleaseName: opt.Helm.ReleaseName, Namespace: opt.Namespace,
		KubeVersion: opt.Helm.KubeVersion, APIVersions: opt.Helm.APIVersions,
		Timeout: opt.ChartTimeout,
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
			results[i] = helm.Render(root, c, ho)
			for _, r := range results[i].Resources {
				graph.Prune(r)
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

// parseModules evaluates the Terraform modules (the evaluator runs root
// modules in parallel itself).
func parseModules(root string, dirs []string, opt Options) parsers.Result {
	to := terraform.Options{VarFiles: opt.Terraform.VarFiles, Vars: opt.Terraform.Vars, ModuleVarFiles: opt.Terraform.ModuleVarFiles}
	var inside, outside []string
	for _, d := range dirs {
		if filepath.IsAbs(d) {
			outside = append(outside, strings.TrimPrefix(filepath.ToSlash(d), "/"))
		} else {
			inside = append(inside, d)
		}
	}
	var out parsers.Result
	if len(inside) > 0 {
		out.Merge(terraform.Parse(root, inside, to))
	}
	if len(outside) > 0 {
		// Modules outside the root are reported by absolute path, like
		// manifests outside it: evaluate them from the filesystem root and
		// put the leading slash back.
		r := terraform.Parse(string(filepath.Separator), outside, to)
		absolutize(&r)
		out.Merge(r)
	}
	return out
}

func absolutize(r *parsers.Result) {
	abs := func(p string) string {
		if p == "" || strings.HasPrefix(p, "/") {
			return p
		}
		return "/" + p
	}
	for _, res := range r.Resources {
		res.File = abs(res.File)
		res.Origin.Module = abs(res.Origin.Module)
		for i := range res.Refs {
			res.Refs[i].To = strings.Replace(res.Refs[i].To, "tf:", "tf:/", 1)
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
// covers the template engine only (helm.Options.Timeout), not pvlint's own
// mapping of the output.
const DefaultChartTimeout = 2 * time.Minute
