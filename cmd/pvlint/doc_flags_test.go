package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

// runDoc runs the command and returns its exit status and output.
func runDoc(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestListRulesText(t *testing.T) {
	code, out, errOut := runDoc(t, "--list-rules")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "ID SEVERITY CATEGORY TITLE" {
		t.Errorf("header = %q", lines[0])
	}
	all := rules.All()
	if len(lines)-1 != len(all) {
		t.Fatalf("%d rule lines, want %d:\n%s", len(lines)-1, len(all), out)
	}
	for i, r := range all {
		f := strings.Fields(lines[i+1])
		if len(f) < 4 || f[0] != r.ID || f[1] != r.Severity.String() || f[2] != string(r.Category) ||
			!strings.HasSuffix(lines[i+1], r.Title) {
			t.Errorf("line %d = %q, want %s %s %s %s", i+2, lines[i+1], r.ID, r.Severity, r.Category, r.Title)
		}
	}
}

func TestListRulesJSON(t *testing.T) {
	code, out, errOut := runDoc(t, "--list-rules", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	all := rules.All()
	if len(got) != len(all) {
		t.Fatalf("%d rules, want %d", len(got), len(all))
	}
	for i, r := range all {
		g := got[i]
		want := map[string]any{
			"id": r.ID, "name": r.Name, "title": r.Title, "severity": r.Severity.String(),
			"category": string(r.Category), "graph": r.Graph, "help_uri": docsBaseURL + r.ID + ".md",
		}
		if len(g) != len(want) {
			t.Errorf("rule %d has keys %v, want exactly %v", i, g, want)
		}
		for k, v := range want {
			if g[k] != v {
				t.Errorf("rule %s: %s = %v, want %v", r.ID, k, g[k], v)
			}
		}
	}
	// With no rules the list is still an array, never null.
	var buf bytes.Buffer
	if err := writeRuleList(&buf, nil, "json"); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty list = %q, %v; want []", buf.String(), err)
	}
}

func TestListRulesMarkdownIsTheIndex(t *testing.T) {
	code, out, errOut := runDoc(t, "--list-rules", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var metas []rules.Meta
	for _, r := range rules.All() {
		metas = append(metas, r.Meta)
	}
	if want := rules.IndexMarkdown(metas); out != want {
		t.Errorf("--list-rules --format markdown differs from rules.IndexMarkdown:\n%s\nwant:\n%s", out, want)
	}
}

func TestListRulesUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--list-rules", "--format", "sarif"},
		{"--list-rules", "--explain", "PVL101"},
		{"--list-rules", "somepath"},
		{"--explain", "PVL101", "somepath"},
	} {
		code, out, errOut := runDoc(t, args...)
		if code != linter.ExitUsage {
			t.Errorf("%q: exit %d, want %d (stdout %q)", args, code, linter.ExitUsage, out)
		}
		if !strings.HasPrefix(errOut, "pvlint: ") {
			t.Errorf("%q: stderr %q, want a pvlint: message", args, errOut)
		}
	}
}

func TestExplain(t *testing.T) {
	all := rules.All()
	if len(all) == 0 {
		t.Skip("no rules registered yet")
	}
	r := all[0]
	for _, key := range []string{r.ID, strings.ToLower(r.ID), r.Name} {
		code, out, errOut := runDoc(t, "--explain", key)
		if code != 0 {
			t.Fatalf("--explain %s: exit %d, stderr %q", key, code, errOut)
		}
		if want := rules.HelpText(r.Meta); out != want {
			t.Errorf("--explain %s printed:\n%s\nwant rules.HelpText:\n%s", key, out, want)
		}
	}
	code, out, _ := runDoc(t, "--explain", r.ID, "--format", "markdown")
	if code != 0 || out != rules.HelpMarkdown(r.Meta, docsBaseURL) {
		t.Errorf("--explain --format markdown: exit %d, output differs from HelpMarkdown:\n%s", code, out)
	}
	code, out, _ = runDoc(t, "--explain", r.ID, "--format", "json")
	var got struct{ ID, Markdown string }
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.ID != r.ID || got.Markdown == "" {
		t.Errorf("--explain --format json: exit %d, %v, %+v", code, err, got)
	}
}

func TestExplainUnknownRule(t *testing.T) {
	code, out, errOut := runDoc(t, "--explain", "PVL999")
	if code != linter.ExitUsage {
		t.Errorf("exit %d, want %d", code, linter.ExitUsage)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	for _, want := range []string{`"PVL999"`, "--list-rules"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not mention %s", errOut, want)
		}
	}
}

// The documentation options are flags, not subcommands: a folder named
// "rules" (or "explain") is still a PATH to scan.
func TestPathNamedRulesIsScanned(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"rules", "explain"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
		if err := os.WriteFile(filepath.Join(dir, name, "cm.yaml"), []byte(cm), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, name := range []string{"rules", "explain"} {
		code, out, errOut := runDoc(t, "--format", "json", "--fail-on", "none", name)
		if code != 0 {
			t.Fatalf("pvlint %s: exit %d, stderr %q", name, code, errOut)
		}
		var rep struct {
			Summary struct{ Files, Resources int }
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("pvlint %s: not a JSON report: %v\n%s", name, err, out)
		}
		if rep.Summary.Files != 1 || rep.Summary.Resources != 1 {
			t.Errorf("pvlint %s scanned %d files, %d resources; want the folder's 1 and 1", name, rep.Summary.Files, rep.Summary.Resources)
		}
	}
	// Without such a folder, "rules" is a missing path (a usage error that
	// names it), not a command.
	code, _, errOut := runDoc(t, "--format", "json", "no-such-dir/rules")
	if code != linter.ExitUsage || !strings.Contains(errOut, "no-such-dir/rules: no such file or directory") {
		t.Errorf("missing path: exit %d, want %d (stderr %q)", code, linter.ExitUsage, errOut)
	}
}
