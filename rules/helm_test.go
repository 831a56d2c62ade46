package rules_test

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

// Findings on a chart land on the template lines that write the keys, and
// a values file that makes the chart secure takes every finding away.
func TestHelmChartFindings(t *testing.T) {
	all := rules.All()
	rulestest.Run(t, "testdata/helm", all, rulestest.Options{})
	secure, err := runWith(t, "testdata/helm", all, []string{"testdata/helm/secure-values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range secure.Findings {
		if f.Resource != nil && f.Resource.Origin().Chart != "" {
			t.Errorf("with secure values: %s:%d: %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
		}
	}
	if len(secure.Errors) > 0 {
		t.Errorf("errors: %v", secure.Errors)
	}
}

func runWith(t *testing.T, dir string, rs []*rules.Rule, values []string) (*linter.Result, error) {
	t.Helper()
	return linter.Run(linter.Options{Paths: []string{dir}, Rules: rs, Helm: linter.HelmOptions{Values: values}})
}

// Issue 12: every rendered object keeps its own template lines, and an
// inline ignore applies only to the object it sits above.
func TestHelmMappingFixtures(t *testing.T) {
	res := rulestest.Run(t, "testdata/helm-mapping", rules.All(), rulestest.Options{})
	const rbac = "testdata/helm-mapping/charts/operator/templates/rbac.yaml"
	var silenced []string
	for _, f := range res.Findings {
		if f.Suppression != nil {
			silenced = append(silenced, fmt.Sprintf("%s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Resource.Kind))
		}
	}
	// The ignore above the ClusterRole (2nd document) silences its PVL303
	// and nothing of the ClusterRoleBinding (3rd), whose PVL303 stays.
	// The ignore above the object in the helper silences it there, and
	// the one above a values line of the warehouse chart the finding of its
	// packaged subchart that the line decides.
	want := []string{
		"testdata/helm-mapping/charts/nodeagent/templates/_helpers.tpl:44 PVL106 PersistentVolume",
		rbac + ":20 PVL303 ClusterRole",
		"testdata/helm-mapping/charts/warehouse/values.yaml:14 PVL101 StorageClass",
	}
	if !slices.Equal(silenced, want) {
		t.Errorf("suppressed %v, want %v", silenced, want)
	}
	for _, n := range res.Notices {
		if strings.Contains(n.Msg, "unused") || strings.Contains(n.Msg, "matched no") {
			t.Errorf("notice: %s: %s", n.File, n.Msg)
		}
	}
}

// A --values file that sets a value of a packaged subchart takes its
// findings from the values.yaml line it overrides; the message keeps the
// archive path and template line, and the dependency entry is related.
func TestPackagedValuesFile(t *testing.T) {
	const chart = "testdata/helm-mapping/charts/warehouse"
	res, err := linter.Run(linter.Options{Paths: []string{chart}, Rules: rules.All(), Helm: linter.HelmOptions{Values: []string{chart + "/prod-values.yaml"}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.RuleID != "PVL203" {
			continue
		}
		var rel []string
		for _, r := range f.RelatedLocs {
			rel = append(rel, fmt.Sprintf("%s:%d", r.Loc.File, r.Loc.Line))
		}
		got = append(got, fmt.Sprintf("%s:%d:%d %s | %s", f.Loc.File, f.Loc.Line, f.Loc.Col, f.Message, strings.Join(rel, " ")))
	}
	want := chart + "/prod-values.yaml:5:5 Container \"db\" of StatefulSet \"default/release-name-db\" is privileged: it can mount the node's block devices and read every volume attached to the node. " +
		"Written at " + chart + "/charts/db-1.2.0.tgz/templates/statefulset.yaml:19 inside the packaged chart, with the value db.backup.privileged set here. | " + chart + "/Chart.yaml:8"
	if len(got) != 1 || got[0] != want {
		t.Errorf("PVL203 findings %q, want %q", got, want)
	}

	// Set with --set: no line to point at; the entry, saying so.
	res, err = linter.Run(linter.Options{Paths: []string{chart}, Rules: rules.All(), Helm: linter.HelmOptions{Set: []string{"db.backup.privileged=true"}}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Findings {
		if f.RuleID == "PVL203" {
			n++
		}
		if f.RuleID == "PVL203" && (f.Loc.File != chart+"/Chart.yaml" || !strings.Contains(f.Message, "with the value db.backup.privileged set by --set; reported at its dependency \"db\" in Chart.yaml.")) {
			t.Errorf("with --set: %s:%d %s", f.Loc.File, f.Loc.Line, f.Message)
		}
	}
	if n != 1 {
		t.Errorf("with --set: %d PVL203 findings, want 1", n)
	}
}

// The packaged subchart of the warehouse fixture is built from
// testdata/packaged-src/db; the archive must hold exactly those files
// (rebuild it with: cd rules/testdata/packaged-src && tar -czf
// ../helm-mapping/charts/warehouse/charts/db-1.2.0.tgz db).
func TestPackagedFixtureIsCurrent(t *testing.T) {
	f, err := os.Open("testdata/helm-mapping/charts/warehouse/charts/db-1.2.0.tgz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	got := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = string(b)
	}
	want := map[string]string{}
	err = filepath.WalkDir("testdata/packaged-src", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel("testdata/packaged-src", p)
		want[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("db-1.2.0.tgz is stale: it holds %v", slices.Sorted(maps.Keys(got)))
	}
}

// A null field and an absent one are the same to the API server (and Helm
// 4.2 drops top-level null values): every rule must say the same of both.
func TestNullIsAbsent(t *testing.T) {
	all := rules.All()
	withNulls := rulestest.Run(t, "testdata/nulls", all, rulestest.Options{})
	data, err := os.ReadFile("testdata/nulls/objects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(data), "\n") {
		if body, _, _ := strings.Cut(l, " #"); strings.HasSuffix(strings.TrimSpace(body), ": null") {
			continue
		}
		kept = append(kept, l)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "objects.yaml"), []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	absent, err := linter.Run(linter.Options{Root: dir, Paths: []string{"."}, Rules: all})
	if err != nil {
		t.Fatal(err)
	}
	says := func(res *linter.Result) []string {
		var out []string
		for _, f := range res.Findings {
			out = append(out, f.RuleID+" "+f.Severity.String()+" "+f.Message)
		}
		slices.Sort(out)
		return out
	}
	a, b := says(withNulls), says(absent)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("null fields:\n%s\nabsent fields:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}
