package main

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/config"
	"github.com/pvlint/pvlint/linter/suppress"
	"github.com/pvlint/pvlint/rules"
)

// suppressFlags: the configuration file, the baseline and the switches
// that audit inline ignores.
type suppressFlags struct {
	configFile    string
	baseline      string
	writeBaseline string
	noInline      bool
	failOnUnused  bool
	failOnUnknown bool // from the configuration file; scan() ORs it with the flag
	quiet         bool
	stats         suppress.Stats
}

func (s *suppressFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&s.configFile, "config", "", "read the configuration from `FILE` (default .pvlint.yaml in the working directory, if present)")
	fl.StringVar(&s.baseline, "baseline", "", "treat the findings recorded in `FILE` as suppressed, so only new ones fail")
	fl.StringVar(&s.writeBaseline, "write-baseline", "", "record today's unsuppressed findings in `FILE` and exit 0")
	fl.BoolVar(&s.noInline, "no-inline-ignores", false, "disregard pvlint:ignore comments and pvlint.dev/ignore annotations (audit)")
	fl.BoolVar(&s.failOnUnused, "fail-on-unused-ignores", false, "exit 1 when an ignore matches no finding")
}

// apply loads the configuration and adjusts the scan options: the rules
// that run and their severity, excluded paths, Helm and Terraform inputs,
// ignores and the baseline. Flags win over the file.
func (s *suppressFlags) apply(cmd *cobra.Command, opt *linter.Options, threshold *rules.Severity) error {
	fl := cmd.Flags()
	s.quiet, _ = fl.GetBool("quiet")
	cfg, err := s.loadConfig(opt)
	if err != nil {
		return err
	}
	if cfg != nil {
		opt.Rules = cfg.Enabled(opt.Rules)
		opt.Suppress.Severity = cfg.Severities()
		if cfg.FailOn != nil && !fl.Changed("fail-on") {
			*threshold = *cfg.FailOn
		}
		if len(cfg.Exclude) > 0 {
			prev := opt.Exclude
			opt.Exclude = func(rel string) bool { return cfg.Excluded(rel) || (prev != nil && prev(rel)) }
		}
		opt.Suppress.Ignores = cfg.Ignores
		opt.Suppress.NoInlineRules = cfg.NoInlineIgnore
		// Files and --set values from the configuration come first, so
		// those given on the command line win (Helm: the last one wins).
		h := &opt.Helm
		h.Values = concatStrings(cfg.Helm.Values, h.Values)
		h.Set = concatStrings(cfg.Helm.Set, h.Set)
		h.SetString = concatStrings(cfg.Helm.SetString, h.SetString)
		h.APIVersions = concatStrings(cfg.Helm.APIVersions, h.APIVersions)
		if cfg.Helm.ReleaseName != "" && !fl.Changed("release-name") {
			h.ReleaseName = cfg.Helm.ReleaseName
		}
		if cfg.Helm.KubeVersion != "" && !fl.Changed("kube-version") {
			h.KubeVersion = cfg.Helm.KubeVersion
		}
		opt.Terraform.VarFiles = concatStrings(cfg.Terraform.VarFiles, opt.Terraform.VarFiles)
		opt.Terraform.ModuleVarFiles = cfg.Terraform.ModuleVarFiles
		if err := s.applyScan(fl, &cfg.Scan, opt); err != nil {
			return err
		}
	}
	opt.Suppress.NoInline = s.noInline
	// Writing a baseline records every finding the old one hid, too.
	if s.baseline != "" && s.writeBaseline == "" {
		b, err := suppress.ReadBaseline(s.baseline)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("--baseline: %s: no such file", s.baseline)
			}
			return fmt.Errorf("--baseline: %w", err)
		}
		opt.Suppress.Baseline = b
	}
	opt.Suppress.Stats = &s.stats
	return nil
}

// applyScan takes the flag-like settings of the configuration file; a flag
// given on the command line wins.
func (s *suppressFlags) applyScan(fl *pflag.FlagSet, sc *config.Scan, opt *linter.Options) error {
	if sc.Baseline != "" && !fl.Changed("baseline") {
		s.baseline = sc.Baseline
	}
	if sc.Namespace != "" && !fl.Changed("namespace") {
		opt.Namespace = sc.Namespace
	}
	setBool := func(name string, v *bool, dst *bool) {
		if v != nil && !fl.Changed(name) {
			*dst = *v
		}
	}
	setBool("no-inline-ignores", sc.NoInlineIgnores, &s.noInline)
	setBool("fail-on-unused-ignores", sc.FailOnUnusedIgnores, &s.failOnUnused)
	setBool("all-dirs", sc.AllDirs, &opt.AllDirs)
	setBool("fail-on-unknown", sc.FailOnUnknown, &s.failOnUnknown)
	if sc.MaxFileSize != nil && !fl.Changed("max-file-size") {
		opt.MaxFileBytes = *sc.MaxFileSize
	}
	if sc.ChartTimeout != "" && !fl.Changed("chart-timeout") {
		d, err := time.ParseDuration(sc.ChartTimeout)
		if err != nil {
			return err // the loader checked it already
		}
		opt.ChartTimeout = d
	}
	return nil
}

func concatStrings(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	return append(append([]string(nil), a...), b...)
}

// loadConfig reads --config, or .pvlint.yaml at the root when present.
func (s *suppressFlags) loadConfig(opt *linter.Options) (*config.Config, error) {
	known := map[string]bool{}
	for _, r := range rules.All() {
		known[r.ID] = true
	}
	for _, r := range opt.Rules {
		known[r.ID] = true
	}
	root := opt.Root
	if root == "" {
		root = "."
	}
	co := config.Options{Known: func(id string) bool { return known[id] }, Tree: root}
	path, name := s.configFile, s.configFile
	if path == "" {
		if path = config.Find(root); path == "" {
			return nil, nil
		}
		name = path // ".pvlint.yaml" when found in the working directory
	}
	cfg, err := config.Load(path, name, s.configFile == "", co)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("--config: %s: no such file", path)
		}
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// after runs once the scan is done. With --write-baseline it writes the
// baseline and ends the command; otherwise it prints the suppression
// summary on standard error.
func (s *suppressFlags) after(res *linter.Result, log *logger) (done bool, code int, err error) {
	if s.writeBaseline != "" {
		b := suppress.NewBaseline(res.Findings)
		if err := b.WriteFile(s.writeBaseline); err != nil {
			return true, linter.ExitUsage, usageError{fmt.Errorf("--write-baseline: %w", err)}
		}
		for _, e := range res.Errors {
			log.print("error:", e.Error())
		}
		log.printf("pvlint:", "wrote %s to baseline %s", countNoun(len(b.Findings), "finding", "findings"), s.writeBaseline)
		if len(res.Errors) > 0 {
			// An incomplete scan makes an incomplete baseline: say so.
			log.print("pvlint:", "the scan is incomplete; the baseline misses the findings of the inputs that failed")
			return true, linter.ExitIncomplete, nil
		}
		return true, linter.ExitClean, nil
	}
	if !s.quiet && s.stats.NoReason > 0 {
		log.printf("pvlint:", "%s without a reason", countNoun(s.stats.NoReason, "ignore", "ignores"))
	}
	if s.failOnUnused && s.stats.Unused > 0 {
		log.printf("pvlint:", "%s (--fail-on-unused-ignores)", countNoun(s.stats.Unused, "unused ignore", "unused ignores"))
	}
	return false, 0, nil
}

// exitCode raises a clean exit status to 1 when --fail-on-unused-ignores
// is given and an ignore matched nothing (an incomplete scan keeps 3).
func (s *suppressFlags) exitCode(code int) int {
	if code == linter.ExitClean && s.failOnUnused && s.stats.Unused > 0 {
		return linter.ExitFindings
	}
	return code
}

// countNoun writes "1 ignore" or "3 ignores".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
