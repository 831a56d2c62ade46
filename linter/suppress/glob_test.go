package suppress

import "testing"

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		match, under  bool
	}{
		{"legacy/**", "legacy/a.yaml", true, true},
		{"legacy/**", "legacy/x/y/z.yaml", true, true},
		{"legacy/**", "legacy", true, true},
		{"legacy/**", "other/legacy/a.yaml", false, false},
		{"legacy", "legacy/a.yaml", false, true},
		{"legacy/", "legacy/a.yaml", false, true},
		{"./legacy", "legacy/a/b.yaml", false, true},
		{"**/testdata/**", "a/b/testdata/c.yaml", true, true},
		{"**/testdata", "testdata/c.yaml", false, true},
		{"**/*.yaml", "x.yaml", true, true},
		{"**/*.yaml", "a/b/x.yaml", true, true},
		{"**/*.yaml", "a/b/x.yml", false, false},
		{"*.yaml", "a/x.yaml", false, false},
		{"charts/*/templates/*.yaml", "charts/pg/templates/sts.yaml", true, true},
		{"charts/*/templates/*.yaml", "charts/pg/x/templates/sts.yaml", false, false},
		{"charts/**/sts.yaml", "charts/pg/templates/sts.yaml", true, true},
		{"Deployment/*/legacy-*", "Deployment/prod/legacy-api", true, true},
		{"Deployment/*/legacy-*", "Deployment/prod/api", false, false},
		{"*/prod/*", "PersistentVolumeClaim/prod/data", true, true},
		{"StorageClass/gp?", "StorageClass/gp2", true, true},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tt.pattern, err)
		}
		if got := g.Match(tt.path); got != tt.match {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.pattern, tt.path, got, tt.match)
		}
		if got := g.MatchUnder(tt.path); got != tt.under {
			t.Errorf("%q.MatchUnder(%q) = %v, want %v", tt.pattern, tt.path, got, tt.under)
		}
	}
}

func TestGlobErrors(t *testing.T) {
	for _, p := range []string{"", "  ", "a/[b", "./"} {
		if _, err := CompileGlob(p); err == nil {
			t.Errorf("CompileGlob(%q): no error", p)
		}
	}
}
