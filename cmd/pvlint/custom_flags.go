package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/config"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/custom"
)

// customFlags: --rules loads custom rules (pvlint Rules in CEL and
// ValidatingAdmissionPolicies) from files or directories, besides those the
// configuration's rules: names; --test-rules runs their tests.
type customFlags struct {
	paths     []string
	testPaths []string
	set       *custom.Set
}

func (c *customFlags) register(fl *pflag.FlagSet) {
	fl.StringArrayVar(&c.paths, "rules", nil, "load custom rules (pvlint Rule and ValidatingAdmissionPolicy documents) from `PATH`, a file or a directory (repeatable)")
	fl.StringArrayVar(&c.testPaths, "test-rules", nil, "run the tests of the custom rules in `PATH` (repeatable), print pass/fail per case and exit (1 on a failure)")
}

func builtinID(id string) bool { return rules.ByID(id) != nil }

// load reads the custom rules named by the flags and the configuration.
// A problem in a rule file is a configuration error (exit status 2).
func (c *customFlags) load(configFile string) error {
	paths := append([]string(nil), c.paths...)
	if configFile == "" {
		configFile = config.Find(".")
	}
	if configFile != "" {
		paths = append(config.RuleFiles(configFile, "."), paths...)
	}
	paths = append(paths, c.testPaths...)
	if len(paths) == 0 {
		return nil
	}
	set, err := custom.Load(paths, builtinID)
	if err != nil {
		return err
	}
	c.set = set
	return nil
}

// rules returns the built-in rules and the custom ones, sorted by ID.
func (c *customFlags) rules() []*rules.Rule {
	all := rules.All()
	if c.set != nil {
		all = append(all, c.set.Rules...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	}
	return all
}

// runTests runs every test case of the rules loaded from --test-rules (and
// --rules): each input is scanned with its rule alone, through the whole
// pipeline, and the outcome compared with want.
func (c *customFlags) runTests(stdout, stderr io.Writer) int {
	if c.set == nil || len(c.set.Tests) == 0 {
		fmt.Fprintln(stderr, "pvlint: --test-rules: the rules have no tests")
		return linter.ExitUsage
	}
	byID := map[string]*rules.Rule{}
	for _, r := range c.set.Rules {
		byID[r.ID] = r
	}
	failed := 0
	for _, tc := range c.set.Tests {
		got, detail, err := runTestCase(tc, byID[tc.RuleID], c.set)
		status := "PASS"
		if err != nil {
			status, detail = "FAIL", "error: "+err.Error()
		} else if got != tc.Want {
			status = "FAIL"
			detail = fmt.Sprintf("want %s, got %s%s", tc.Want, got, detail)
		} else {
			detail = ""
		}
		if status == "FAIL" {
			failed++
		}
		fmt.Fprintf(stdout, "%s  %s  %s  (%s:%d)", status, tc.RuleID, tc.Name, tc.File, tc.Line)
		if detail != "" {
			fmt.Fprintf(stdout, "\n      %s", detail)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "%d of %d rule tests passed\n", len(c.set.Tests)-failed, len(c.set.Tests))
	if failed > 0 {
		return linter.ExitFindings
	}
	return linter.ExitClean
}

// looksHCL tells Terraform input from YAML by its first statement.
func looksHCL(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
			continue
		}
		for _, kw := range []string{"resource ", "variable ", "locals ", "provider ", "module ", "data ", "terraform ", "output "} {
			if strings.HasPrefix(t, kw) {
				return true
			}
		}
		return false
	}
	return false
}

func runTestCase(tc *custom.TestCase, r *rules.Rule, set *custom.Set) (got, detail string, err error) {
	if r == nil {
		return "", "", fmt.Errorf("rule %s is not loaded", tc.RuleID)
	}
	dir, err := os.MkdirTemp("", "pvlint-rule-test-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(dir)
	files := map[string]string{}
	for p, body := range tc.Files {
		files[p] = body
	}
	if tc.Input != "" {
		name := "input.yaml"
		if tc.Format == "hcl" || (tc.Format == "" && looksHCL(tc.Input)) {
			name = "main.tf"
		}
		files[name] = tc.Input
	}
	for p, body := range files {
		clean := filepath.Clean(filepath.FromSlash(p))
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			return "", "", fmt.Errorf("files: %q leaves the test directory", p)
		}
		abs := filepath.Join(dir, clean)
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return "", "", err
		}
		if err := os.WriteFile(abs, []byte(body), 0o644); err != nil {
			return "", "", err
		}
	}
	opt := linter.Options{Root: dir, Paths: []string{"."}, Rules: []*rules.Rule{r}, Keep: set.Keep(), Workers: 1}
	if tc.Values != "" {
		vf := filepath.Join(dir, ".test-values.yaml")
		if err := os.WriteFile(vf, []byte(tc.Values), 0o644); err != nil {
			return "", "", err
		}
		opt.Helm.Values = []string{vf}
	}
	res, err := linter.Run(opt)
	if err != nil {
		return "", "", err
	}
	if len(res.Errors) > 0 {
		var msgs []string
		for _, e := range res.Errors {
			msgs = append(msgs, e.Error())
		}
		return "", "", errors.New(strings.Join(msgs, "; "))
	}
	got = "pass"
	for _, f := range res.Findings {
		if f.RuleID != r.ID {
			continue
		}
		if !f.Undecided {
			return "fail", ": " + f.Message, nil
		}
		got, detail = "unknown", ": "+f.Message
	}
	return got, detail, nil
}
