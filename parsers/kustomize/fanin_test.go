package kustomize

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/limits"
)

// diamond writes a root over levels 1..depth-1 of two kustomizations each
// (a and b, both including the next level's a and b, with name prefixes so
// names do not clash) above one bottom kustomization at level depth, which
// the root reaches through 2^(depth-1) include paths.
func diamond(depth int) (map[string]string, []string) {
	files := map[string]string{
		"d/root/kustomization.yaml":                    "namePrefix: r-\nresources:\n- ../l1a\n- ../l1b\n",
		fmt.Sprintf("d/l%d/kustomization.yaml", depth): "resources: [pv.yaml]\n",
		fmt.Sprintf("d/l%d/pv.yaml", depth):            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p}\nspec: {hostPath: {path: /x}}\n",
	}
	dirs := []string{"d/root", fmt.Sprintf("d/l%d", depth)}
	for i := 1; i < depth; i++ {
		next := fmt.Sprintf("[../l%da, ../l%db]", i+1, i+1)
		if i+1 == depth {
			next = fmt.Sprintf("[../l%d]", depth)
		}
		for _, s := range []string{"a", "b"} {
			files[fmt.Sprintf("d/l%d%s/kustomization.yaml", i, s)] = fmt.Sprintf("namePrefix: %s-\nresources: %s\n", s, next)
			dirs = append(dirs, fmt.Sprintf("d/l%d%s", i, s))
		}
	}
	sort.Strings(dirs)
	return files, dirs
}

// A root whose render would accumulate kustomizations more often than the
// limit is reported on its entry without rendering (Kustomize accumulates
// a base once per path: a diamond of n levels, 3·2^(n-1)-2 times); the
// fallback renders what it includes, which is checked in turn. The limit
// is lowered to 200 so that what renders stays small.
func TestDiamondOfBasesIsReportedWithoutRendering(t *testing.T) {
	defer func(n int) { includesLimit = n }(includesLimit)
	includesLimit = 200
	// Depth 8: 382 accumulations from the root (the bottom through 128
	// paths), 190 from each level-1 kustomization.
	files, dirs := diamond(8)
	dir := writeTree(t, files)
	out := parseTree(t, dir, dirs...)
	if len(out.Errors) != 1 {
		t.Fatalf("errors: %+v", out.Errors)
	}
	e := out.Errors[0]
	want := "kustomization d/root was not rendered: its render would accumulate kustomizations 382 times, kustomization d/l8 through 128 paths of resources, bases and components entries, and " + limits.IncludedTooOften(200)
	if e.File != "d/root/kustomization.yaml" || e.Line != 3 || e.Col != 3 || !strings.HasPrefix(e.Msg, want) {
		t.Errorf("error %s:%d:%d %q, want d/root/kustomization.yaml:3:3 %q...", e.File, e.Line, e.Col, e.Msg, want)
	}
	// l1a and l1b render on their own: 64 copies of the PV each.
	count := map[string]int{}
	for _, r := range out.Resources {
		count[r.Origin().Kustomization]++
	}
	if len(out.Resources) != 128 || count["d/l1a/kustomization.yaml"] != 64 || count["d/l1b/kustomization.yaml"] != 64 {
		t.Errorf("rendered %d objects: %v", len(out.Resources), count)
	}
	if out.Owned["d/root/kustomization.yaml"] {
		t.Errorf("the root's file is owned by a render")
	}
}

// The reviewer's case: 15 levels (49,150 accumulations) is refused at
// once with the real limit, not rendered for minutes; each level is then
// tried on its own until one is under the limit (lowered to 200 for the
// levels, so that the one that renders is small). Not a timed test:
// without the check this one runs for minutes, so a regression shows as a
// test timeout.
func TestDeepDiamondIsNotRendered(t *testing.T) {
	files, dirs := diamond(15)
	dir := writeTree(t, files)
	g, err := fsgate.New(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	p := &parser{opt: Options{Files: g, Root: dir, Workers: 1}, files: newCache(g), kusts: map[string]*kustomization{}, notices: map[string]bool{}}
	k, _ := p.load("d/root")
	if f := p.fanIn(k, limits.KustomizeIncludes); f == nil || f.total != 49150 || f.dir != "d/l15" {
		t.Fatalf("with the real limit: %+v", f)
	}
	defer func(n int) { includesLimit = n }(includesLimit)
	includesLimit = 200
	out := parseTree(t, dir, dirs...)
	refused := map[string]bool{}
	for _, e := range out.Errors {
		if !strings.Contains(e.Msg, "was not rendered: its render would accumulate kustomizations ") {
			t.Errorf("error: %s", e.Error())
		}
		refused[e.File] = true
	}
	// From level i the render accumulates 3·2^(14-i)-2 times: levels 0
	// (the root) to 7 are refused, level 8 (190) renders.
	if !refused["d/root/kustomization.yaml"] || !refused["d/l7a/kustomization.yaml"] || refused["d/l8a/kustomization.yaml"] || len(refused) != 15 {
		t.Errorf("refused %v", refused)
	}
	if len(out.Resources) != 128 {
		t.Errorf("rendered %d objects, want 64 from each of l8a and l8b", len(out.Resources))
	}
}

// An aggregate of 300 apps that each include one shared component (a
// wide aggregate, 601 accumulations) renders: the bound is on the work,
// not on how often one kustomization is reached.
func TestWideAggregateRenders(t *testing.T) {
	files := map[string]string{
		"common/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {team: x}\n",
	}
	var apps []string
	dirs := []string{"all", "common"}
	for i := range 300 {
		app := fmt.Sprintf("app%03d", i)
		files[app+"/kustomization.yaml"] = "resources: [pv.yaml]\ncomponents: [../common]\n"
		files[app+"/pv.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p%d}\nspec: {hostPath: {path: /x}}\n", i)
		apps = append(apps, "../"+app)
		dirs = append(dirs, app)
	}
	files["all/kustomization.yaml"] = "resources: [" + strings.Join(apps, ", ") + "]\n"
	out := parseTree(t, writeTree(t, files), dirs...)
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %+v", out.Errors[0])
	}
	if len(out.Resources) != 300 {
		t.Errorf("rendered %d objects, want 300", len(out.Resources))
	}
}

// A base included by three overlays through an aggregate is reached
// through three paths: rendered as ever.
func TestSharedBaseStillRenders(t *testing.T) {
	files := map[string]string{
		"base/kustomization.yaml": "resources: [pv.yaml]\n",
		"base/pv.yaml":            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p}\nspec: {hostPath: {path: /x}}\n",
		"all/kustomization.yaml":  "resources: [../dev, ../stage, ../prod]\n",
	}
	dirs := []string{"all", "base"}
	for _, env := range []string{"dev", "stage", "prod"} {
		files[env+"/kustomization.yaml"] = "namePrefix: " + env + "-\nresources: [../base]\n"
		dirs = append(dirs, env)
	}
	out := parseTree(t, writeTree(t, files), dirs...)
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %+v", out.Errors)
	}
	var names []string
	for _, r := range out.Resources {
		names = append(names, r.Name+"@"+r.Origin().Kustomization)
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "dev-p@all/kustomization.yaml prod-p@all/kustomization.yaml stage-p@all/kustomization.yaml" {
		t.Errorf("rendered %s", got)
	}
}
