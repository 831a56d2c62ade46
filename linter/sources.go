package linter

import (
	"sync"

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
			results[i] = helm.Render(root, c, ho)
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
	if len(dirs) == 0 {
		return parsers.Result{}
	}
	return terraform.Parse(root, dirs, terraform.Options{VarFiles: opt.Terraform.VarFiles, Vars: opt.Terraform.Vars, ModuleVarFiles: opt.Terraform.ModuleVarFiles})
}
