package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// changedTree lays out a repository with charts, a subchart, a Terraform
// module and plain manifests, and makes it the working directory.
func changedTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{
		"chart/Chart.yaml",
		"chart/values.yaml",
		"chart/values.schema.json",
		"chart/templates/deploy.yaml",
		"chart/templates/_helpers.tpl",
		"chart/templates/nested/deep/pvc.yaml",
		"chart/charts/sub/Chart.yaml",
		"chart/charts/sub/templates/pvc.yaml",
		"chart/charts/sub/charts/subsub/Chart.yaml",
		"chart/charts/sub/charts/subsub/templates/sc.yaml",
		"other/charts/lone/Chart.yaml", // charts/ without a chart above it
		"other/charts/lone/templates/sts.yaml",
		"infra/main.tf",
		"infra/kms.tf.json",
		"infra/prod.tfvars",
		"infra/prod.tfvars.json",
		"infra/env/dev/terraform.tfvars",
		"manifests/pod.yaml",
		"manifests/list.json",
		"manifests/sc.yml",
		"helpers/_outside.tpl",
		"values-prod.yaml",
		"README.md",
	} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("# "+f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func TestOwnersOf(t *testing.T) {
	dir := changedTree(t)
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"template → chart", []string{"chart/templates/deploy.yaml"}, []string{"chart"}},
		{"values → chart", []string{"chart/values.yaml"}, []string{"chart"}},
		{"Chart.yaml → chart", []string{"chart/Chart.yaml"}, []string{"chart"}},
		{"schema json → chart", []string{"chart/values.schema.json"}, []string{"chart"}},
		{"helper template → chart, not the lone file", []string{"chart/templates/_helpers.tpl"}, []string{"chart"}},
		{"deep template → chart", []string{"chart/templates/nested/deep/pvc.yaml"}, []string{"chart"}},
		{"subchart → top chart", []string{"chart/charts/sub/templates/pvc.yaml"}, []string{"chart"}},
		{"sub-subchart → top chart", []string{"chart/charts/sub/charts/subsub/templates/sc.yaml"}, []string{"chart"}},
		{"charts/ folder without a parent chart", []string{"other/charts/lone/templates/sts.yaml"}, []string{"other/charts/lone"}},
		{"tf → module", []string{"infra/main.tf"}, []string{"infra"}},
		{"tf.json → module", []string{"infra/kms.tf.json"}, []string{"infra"}},
		{"tfvars → its directory", []string{"infra/prod.tfvars"}, []string{"infra"}},
		{"tfvars.json → its directory", []string{"infra/prod.tfvars.json"}, []string{"infra"}},
		{"tfvars in a folder without .tf", []string{"infra/env/dev/terraform.tfvars"}, []string{"infra/env/dev"}},
		{"manifests → themselves", []string{"manifests/sc.yml", "manifests/pod.yaml", "manifests/list.json"},
			[]string{"manifests/list.json", "manifests/pod.yaml", "manifests/sc.yml"}},
		{"yaml at the root", []string{"values-prod.yaml"}, []string{"values-prod.yaml"}},
		{"tpl outside a chart → nothing", []string{"helpers/_outside.tpl"}, nil},
		{"other files → nothing", []string{"README.md"}, nil},
		{"deleted manifest → nothing", []string{"manifests/gone.yaml"}, nil},
		{"deleted template → its chart", []string{"chart/templates/gone.yaml"}, []string{"chart"}},
		{"deleted tf → its module", []string{"infra/gone.tf"}, []string{"infra"}},
		{"directory → itself", []string{"manifests"}, []string{"manifests"}},
		{"stdin kept", []string{"-"}, []string{"-"}},
		{"unclean paths", []string{"./chart//templates/../values.yaml", "./infra/main.tf"}, []string{"chart", "infra"}},
		{"deduplicated and sorted", []string{
			"manifests/pod.yaml", "chart/values.yaml", "infra/main.tf", "chart/templates/deploy.yaml",
			"chart/charts/sub/templates/pvc.yaml", "infra/prod.tfvars", "manifests/pod.yaml", "helpers/_outside.tpl",
		}, []string{"chart", "infra", "manifests/pod.yaml"}},
		{"absolute paths stay absolute", []string{filepath.Join(dir, "chart/templates/deploy.yaml"), filepath.Join(dir, "manifests/pod.yaml")},
			[]string{filepath.Join(dir, "chart"), filepath.Join(dir, "manifests/pod.yaml")}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in []string
			for _, p := range tc.in {
				in = append(in, filepath.FromSlash(p))
			}
			var want []string
			for _, p := range tc.want {
				want = append(want, filepath.FromSlash(p))
			}
			if got := ownersOf(in); !slices.Equal(got, want) {
				t.Errorf("ownersOf(%q) = %q, want %q", tc.in, got, want)
			}
		})
	}
}

// The walk up to a chart stops at the working directory.
func TestOwnersOfStopsAtWorkingDirectory(t *testing.T) {
	dir := changedTree(t)

	t.Chdir(filepath.Join(dir, "chart"))
	if got := ownersOf([]string{filepath.FromSlash("templates/deploy.yaml")}); !slices.Equal(got, []string{"."}) {
		t.Errorf("in the chart itself: %q, want [.]", got)
	}

	t.Chdir(filepath.Join(dir, "chart", "templates"))
	if got := ownersOf([]string{"deploy.yaml", "_helpers.tpl"}); !slices.Equal(got, []string{"deploy.yaml"}) {
		t.Errorf("below the chart: %q, want [deploy.yaml] (the chart is above the working directory)", got)
	}

	// A subchart whose parent chart is above the working directory is
	// scanned as a chart of its own.
	t.Chdir(filepath.Join(dir, "chart", "charts"))
	want := []string{"sub"}
	if got := ownersOf([]string{filepath.FromSlash("sub/templates/pvc.yaml")}); !slices.Equal(got, want) {
		t.Errorf("subchart with its parent out of reach: %q, want %q", got, want)
	}
}

func TestExpandPaths(t *testing.T) {
	changedTree(t)
	in := []string{"chart/templates/deploy.yaml", "helpers/_outside.tpl"}
	var off docFlags
	if got := off.expandPaths(in); !slices.Equal(got, in) {
		t.Errorf("without --pre-commit: %q, want the paths unchanged", got)
	}
	on := docFlags{preCommit: true}
	if got := on.expandPaths(in); !slices.Equal(got, []string{"chart"}) {
		t.Errorf("with --pre-commit: %q, want [chart]", got)
	}
}

// A hook given only files that belong to nothing scannable succeeds without
// scanning (the default "." would lint the whole repository).
func TestPreCommitNothingToScan(t *testing.T) {
	changedTree(t)
	code, out, errOut := runDoc(t, "--pre-commit", "helpers/_outside.tpl", "README.md")
	if code != 0 || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and no report", code, out, errOut)
	}
}

// A changed base, patch, component or generator input maps to the root
// kustomizations that render it; a standalone manifest next to them stays
// itself.
func TestOwnersOfKustomize(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"k/base/kustomization.yaml":   "resources: [db.yaml]\nconfigMapGenerator:\n  - name: cfg\n    envs: [app.env]\n",
		"k/base/db.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n",
		"k/base/app.env":              "A=b\n",
		"k/dev/kustomization.yaml":    "resources: [../base]\npatches:\n  - path: patch.yaml\n",
		"k/dev/patch.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n",
		"k/prod/kustomization.yaml":   "resources: [../base]\ncomponents: [../comp]\n",
		"k/comp/kustomization.yaml":   "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: p.yaml\n",
		"k/comp/p.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n",
		"k/loose.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loose\n",
		"vendor/x/kustomization.yaml": "resources: [../../k/base]\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, tc := range []struct{ in, want []string }{
		{[]string{"k/base/db.yaml"}, []string{"k/dev", "k/prod"}},
		{[]string{"k/base/app.env"}, []string{"k/dev", "k/prod"}},
		{[]string{"k/base/kustomization.yaml"}, []string{"k/dev", "k/prod"}},
		{[]string{"k/dev/patch.yaml"}, []string{"k/dev"}},
		{[]string{"k/comp/p.yaml"}, []string{"k/prod"}},
		{[]string{"k/loose.yaml", "k/dev/patch.yaml"}, []string{"k/dev", "k/loose.yaml"}},
		{[]string{filepath.Join(dir, "k/comp/p.yaml")}, []string{filepath.Join(dir, "k/prod")}},
	} {
		var in, want []string
		for _, p := range tc.in {
			in = append(in, filepath.FromSlash(p))
		}
		for _, p := range tc.want {
			want = append(want, filepath.FromSlash(p))
		}
		if got := ownersOf(in); !slices.Equal(got, want) {
			t.Errorf("ownersOf(%q) = %q, want %q", tc.in, got, want)
		}
	}
}

// A changed child module brings its callers in the repository (directly or
// through other modules): the hook evaluates it as CI does, as its own root
// and through every caller, so the findings are the same.
func TestPreCommitTerraformCallers(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"modules/disk/main.tf":       "variable \"encrypted\" {\n  default = true\n}\nresource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  size              = 1\n  encrypted         = var.encrypted\n}\n",
		"examples/off/main.tf":       "module \"v\" {\n  source    = \"../../modules/disk\"\n  encrypted = false\n}\n",
		"wrap/main.tf":               "module \"inner\" {\n  source    = \"../modules/disk\"\n  encrypted = false\n}\n",
		"envs/prod/main.tf":          "module \"w\" {\n  source = \"../../wrap\"\n}\n",
		"envs/prod/terraform.tfvars": "",
		".terraform/modules/x.tf":    "module \"y\" {\n  source = \"../../modules/disk\"\n}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	changed := filepath.FromSlash("modules/disk/main.tf")
	want := []string{filepath.FromSlash("envs/prod"), filepath.FromSlash("examples/off"), filepath.FromSlash("modules/disk"), "wrap"}
	if got := ownersOf([]string{changed}); !slices.Equal(got, want) {
		t.Errorf("ownersOf(%s) = %q, want %q", changed, got, want)
	}
	_, hook, _ := pvlint(t, dir, "", "--no-color", "--pre-commit", changed)
	_, full, _ := pvlint(t, dir, "", "--no-color", ".")
	if hook != full || !strings.Contains(hook, "examples/off/main.tf") || !strings.Contains(hook, "wrap/main.tf") {
		t.Errorf("hook report:\n%s\nfull scan:\n%s", hook, full)
	}
}
