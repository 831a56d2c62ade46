package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

// docFlags: --list-rules and --explain answer from the rules' Meta without
// scanning; --pre-commit (changed.go) turns the changed files a hook is given
// into the charts, modules and manifests they belong to.
//
// They are flags rather than subcommands so that every positional argument
// stays a PATH: `pvlint rules` scans a folder named rules.
type docFlags struct {
	listRules bool
	explain   string
	preCommit bool
}

func (d *docFlags) register(fl *pflag.FlagSet) {
	fl.BoolVar(&d.listRules, "list-rules", false, "list every rule (ID, severity, category, title) and exit; --format text, json or markdown")
	fl.StringVar(&d.explain, "explain", "", "print the documentation of rule `ID` (e.g. PVL101) and exit")
	fl.BoolVar(&d.preCommit, "pre-commit", false, "treat PATHs as changed files (a pre-commit hook) and scan the charts, Terraform modules and manifests they belong to")
}

// handle answers documentation flags without scanning; handled=true ends the command.
func (d *docFlags) handle(cmd *cobra.Command, stdout io.Writer, all []*rules.Rule) (handled bool, code int, err error) {
	if d.listRules || d.explain != "" {
		if err := d.answer(cmd, stdout, all); err != nil {
			return true, linter.ExitUsage, err
		}
		return true, linter.ExitClean, nil
	}
	// A hook given only files that belong to nothing scannable (a template
	// helper outside any chart, say) has nothing to do: scanning the default
	// "." instead would lint the whole repository.
	if args := cmd.Flags().Args(); d.preCommit && len(args) > 0 && len(ownersOf(args)) == 0 {
		return true, linter.ExitClean, nil
	}
	return false, 0, nil
}

// answer runs --list-rules or --explain and returns the command's error
// (nil for exit status 0; a usageError for 2).
func (d *docFlags) answer(cmd *cobra.Command, stdout io.Writer, all []*rules.Rule) error {
	if d.listRules && d.explain != "" {
		return usageError{errors.New("--list-rules and --explain cannot be combined")}
	}
	flag := "--list-rules"
	if d.explain != "" {
		flag = "--explain"
	}
	if args := cmd.Flags().Args(); len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no PATH (got %q)", flag, args[0])}
	}
	format, _ := cmd.Flags().GetString("format")
	if format == "" {
		format = "text"
	}
	if format != "text" && format != "json" && format != "markdown" {
		return usageError{fmt.Errorf("--format %q: %s writes text, json or markdown", format, flag)}
	}
	if d.listRules {
		return writeRuleList(stdout, all, format)
	}
	r := findRule(all, d.explain)
	if r == nil {
		return usageError{fmt.Errorf("--explain: unknown rule %q; `pvlint --list-rules` lists the rule IDs", d.explain)}
	}
	return writeExplain(stdout, r.Meta, format)
}

// findRule looks a rule up by ID (any case) or by name.
func findRule(all []*rules.Rule, key string) *rules.Rule {
	key = strings.TrimSpace(key)
	for _, r := range all {
		if strings.EqualFold(r.ID, key) || r.Name == key {
			return r
		}
	}
	return nil
}

// ruleListEntry is one rule of `--list-rules --format json`.
type ruleListEntry struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	Graph    bool   `json:"graph"`
	HelpURI  string `json:"help_uri"`
}

func writeRuleList(w io.Writer, all []*rules.Rule, format string) error {
	switch format {
	case "json":
		out := make([]ruleListEntry, 0, len(all))
		for _, r := range all {
			out = append(out, ruleListEntry{
				ID: r.ID, Name: r.Name, Title: r.Title,
				Severity: r.Severity.String(), Category: string(r.Category),
				Graph: r.Graph, HelpURI: helpURI(r.Meta),
			})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "markdown":
		metas := make([]rules.Meta, 0, len(all))
		for _, r := range all {
			metas = append(metas, r.Meta)
		}
		_, err := io.WriteString(w, rules.IndexMarkdown(metas))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCATEGORY\tTITLE")
	for _, r := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Category, r.Title)
	}
	return tw.Flush()
}

func writeExplain(w io.Writer, m rules.Meta, format string) error {
	var s string
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ruleListEntry
			Markdown string `json:"markdown"`
		}{ruleListEntry{
			ID: m.ID, Name: m.Name, Title: m.Title,
			Severity: m.Severity.String(), Category: string(m.Category),
			Graph: m.Graph, HelpURI: helpURI(m),
		}, rules.HelpMarkdown(m, docsBaseURL)})
	case "markdown":
		s = rules.HelpMarkdown(m, docsBaseURL)
	default:
		s = rules.HelpText(m)
	}
	_, err := io.WriteString(w, s)
	return err
}

// expandPaths maps the files a pre-commit hook passes to what pvlint should
// scan (see ownersOf); without --pre-commit it returns paths unchanged.
func (d *docFlags) expandPaths(paths []string) []string {
	if !d.preCommit {
		return paths
	}
	return ownersOf(paths)
}

// helpURI is a built-in rule's page; custom rules have none.
func helpURI(m rules.Meta) string {
	if m.Custom != "" {
		return ""
	}
	return docsBaseURL + m.ID + ".md"
}
