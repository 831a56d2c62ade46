package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
)

var (
	idRe    = regexp.MustCompile(`^PVL\d{3}$`)
	kebabRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// The registry is the public contract: stable, unique IDs in order, and
// metadata complete enough for docs, --explain and SARIF.
func TestRegistry(t *testing.T) {
	all := rules.All()
	if len(all) == 0 {
		t.Fatal("no rules")
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for i, r := range all {
		switch {
		case !idRe.MatchString(r.ID):
			t.Errorf("%s: ID is not PVL + three digits", r.ID)
		case ids[r.ID]:
			t.Errorf("%s: duplicate ID", r.ID)
		case i > 0 && all[i-1].ID >= r.ID:
			t.Errorf("%s: All() is not sorted by ID", r.ID)
		}
		ids[r.ID] = true
		if !kebabRe.MatchString(r.Name) || names[r.Name] {
			t.Errorf("%s: name %q is not unique kebab-case", r.ID, r.Name)
		}
		names[r.Name] = true
		if r.Title == "" || strings.HasSuffix(r.Title, ".") {
			t.Errorf("%s: title %q is empty or ends with a period", r.ID, r.Title)
		}
		if r.Severity < rules.Low || r.Severity > rules.Critical {
			t.Errorf("%s: severity %v", r.ID, r.Severity)
		}
		if r.Category == "" || strings.TrimSpace(r.Description) == "" || strings.TrimSpace(r.Remediation) == "" {
			t.Errorf("%s: category, description and remediation are required", r.ID)
		}
		if len(r.References) == 0 {
			t.Errorf("%s: no references", r.ID)
		}
		if r.Check == nil {
			t.Errorf("%s: no check", r.ID)
		}
		if rules.ByID(r.ID) != r {
			t.Errorf("%s: ByID does not find it", r.ID)
		}
	}
}

// Every rule has fixtures that fire: a "want:" marker (or sidecar line)
// naming it under testdata. (The fixtures that must stay silent are the
// rest of each family's files: the harness fails on any unexpected finding.)
func TestEveryRuleHasFiringFixtures(t *testing.T) {
	seen := map[string]bool{}
	marker := regexp.MustCompile(`(?:want(?:\+\d+)?:|^\d+:)([^\n]*)`)
	id := regexp.MustCompile(`PVL\d{3}`)
	err := filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range marker.FindAllStringSubmatch(string(data), -1) {
			for _, x := range id.FindAllString(m[1], -1) {
				seen[x] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.All() {
		if !seen[r.ID] {
			t.Errorf("%s: no fixture under rules/testdata expects it", r.ID)
		}
	}
}
