package rules_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

// `make docs` runs: go test ./rules -run '^(TestDocs|TestReadmeRulesTable)$' -count=1 -update-docs
var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules from the rules' Meta")

// docsDir holds the generated pages, relative to this package.
const docsDir = "../docs/rules"

// generatedPage matches the files this test owns in docsDir; anything else
// there (none today) is left alone.
var generatedPage = regexp.MustCompile(`^(PVL\d+\.md|README\.md)$`)

// wantDocs is every generated file and its content: one page per rule and
// the index.
func wantDocs() map[string]string {
	want := map[string]string{}
	var metas []rules.Meta
	for _, r := range rules.All() {
		metas = append(metas, r.Meta)
		want[r.ID+".md"] = rules.HelpMarkdown(r.Meta, "")
	}
	want["README.md"] = rules.IndexMarkdown(metas)
	return want
}

// TestDocs fails when docs/rules is not what the rules' Meta renders to.
func TestDocs(t *testing.T) {
	want := wantDocs()
	have := map[string]bool{}
	entries, err := os.ReadDir(docsDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && generatedPage.MatchString(e.Name()) {
			have[e.Name()] = true
		}
	}

	if *updateDocs {
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range want {
			p := filepath.Join(docsDir, name)
			if old, err := os.ReadFile(p); err == nil && string(old) == content {
				continue
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", p)
		}
		for name := range have {
			if _, ok := want[name]; !ok {
				if err := os.Remove(filepath.Join(docsDir, name)); err != nil {
					t.Fatal(err)
				}
				t.Logf("removed %s (no such rule)", filepath.Join(docsDir, name))
			}
		}
		return
	}

	var stale []string
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		switch {
		case os.IsNotExist(err):
			stale = append(stale, name+" is missing")
		case err != nil:
			t.Fatal(err)
		case string(got) != content:
			stale = append(stale, name+" is out of date")
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			stale = append(stale, name+" documents no rule")
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("docs/rules/%s", s)
	}
	if len(stale) > 0 {
		t.Log("docs/rules is generated from the rules' Meta: run `make docs` and commit the result")
	}
}

// TestReadmeRulesTable keeps the rules table of the top-level README.md
// (the rows between its header and the first line that is not a table row)
// equal to the index's, with links into docs/rules; `make docs` rewrites it.
func TestReadmeRulesTable(t *testing.T) {
	const readme = "../README.md"
	const header = "| ID | Title | Severity | Category |"
	var metas []rules.Meta
	for _, r := range rules.All() {
		metas = append(metas, r.Meta)
	}
	var rows []string
	for _, l := range strings.Split(rules.IndexMarkdown(metas), "\n") {
		if strings.HasPrefix(l, "| [PVL") {
			rows = append(rows, strings.Replace(l, "](PVL", "](docs/rules/PVL", 1))
		}
	}
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := slices.Index(lines, header)
	if start < 0 || start+1 >= len(lines) {
		t.Fatalf("README.md has no rules table (%q)", header)
	}
	end := start + 2 // past the header and its |---| line
	for end < len(lines) && strings.HasPrefix(lines[end], "|") {
		end++
	}
	got := strings.Join(lines[start+2:end], "\n")
	want := strings.Join(rows, "\n")
	if got == want {
		return
	}
	if !*updateDocs {
		t.Error("README.md's rules table is out of date: run `make docs` and commit the result")
		return
	}
	out := append(append(slices.Clone(lines[:start+2]), rows...), lines[end:]...)
	if err := os.WriteFile(readme, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
