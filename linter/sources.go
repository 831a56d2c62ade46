package linter

import (
	"fmt"
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
			results[i] = renderWithin(root, c, ho, opt.ChartTimeout)
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
// limit of its own, and a template can loop (range until 1000000000).
const DefaultChartTimeout = 2 * time.Minute

// renderWithin renders a chart, giving up after timeout with an error for
// that chart. The abandoned render goes on in the background until the
// process exits; the scan does not wait for it.
func renderWithin(root, chart string, ho helm.Options, timeout time.Duration) parsers.Result {
	if timeout <= 0 {
		timeout = DefaultChartTimeout
	}
	done := make(chan parsers.Result, 1)
	go func() { done <- helm.Render(root, chart, ho) }()
	select {
	case r := <-done:
		return r
	case <-time.After(timeout):
		return parsers.Result{Errors: []parsers.Error{{File: chart, Msg: fmt.Sprintf(
			"chart %s did not render within %s (a template that loops or builds a huge output?); it was not scanned", chart, timeout)}}}
	}
}
