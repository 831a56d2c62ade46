package linter

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/ignore"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/kustomize"
	"github.com/pvlint/pvlint/parsers/terraform"
)

// DefaultSkipDirs are directories that hold no source of the user's own.
// --all-dirs brings them back.
var DefaultSkipDirs = []string{".git", "node_modules", ".terraform", "vendor"}

// inputs is what discovery found, each path as reported (relative to the
// root, or absolute for a path named outside it; see trees.locate).
type inputs struct {
	manifests []string // YAML/JSON files
	charts    []string // chart directories and packaged .tgz charts
	modules   []string // Terraform module directories
	// kustomizations are the directories holding a kustomization file.
	kustomizations []string
	errors         []parsers.Error
	notices        []parsers.Notice
	files          int
}

// discoverer walks the named paths through the file gates: every entry is
// seen with Lstat, a link is followed only to a regular file inside its
// tree, and only regular files are taken.
type discoverer struct {
	root    string // absolute
	trees   *trees
	skip    map[string]bool
	in      inputs
	seen    map[any]bool // files already taken (fsgate.ID, or the shown path)
	modules map[string]bool
	exclude func(rel string) bool
}

func newDiscoverer(root string, ts *trees, allDirs bool, exclude func(string) bool) *discoverer {
	d := &discoverer{root: root, trees: ts, skip: map[string]bool{}, seen: map[any]bool{}, modules: map[string]bool{}, exclude: exclude}
	if !allDirs {
		for _, s := range DefaultSkipDirs {
			d.skip[s] = true
		}
	}
	return d
}

// found counts the inputs taken so far (for "nothing to scan in DIR").
func (d *discoverer) found() int {
	return len(d.in.manifests) + len(d.in.charts) + len(d.in.modules) + len(d.in.kustomizations)
}

func (d *discoverer) errorf(shown, msg string) {
	d.in.errors = append(d.in.errors, parsers.Error{File: shown, Msg: msg})
}

// add takes one PATH argument. Inside the root, the tree's policy applies
// to the named path too (a pull request can turn a named directory into a
// link). Outside it, the named path is the user's own and is followed; what
// lies below it is read through a gate at that directory (for a file, at
// its parent), under the same policy.
func (d *discoverer) add(arg string) {
	abs := arg
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(d.root, arg)
	}
	abs = filepath.Clean(abs)
	if rel, ok := fsgate.Below(d.root, abs); ok {
		d.named(d.trees.root, rel)
		return
	}
	shown := filepath.ToSlash(abs)
	st, err := os.Stat(abs)
	if err != nil {
		d.errorf(shown, fsgate.Describe(err))
		return
	}
	dir, rel := abs, "."
	if !st.IsDir() {
		dir, rel = filepath.Dir(abs), filepath.Base(abs)
	}
	t, err := d.trees.at(dir)
	if err != nil {
		d.errorf(shown, fsgate.Describe(err))
		return
	}
	d.named(t, rel)
}

func (d *discoverer) named(t *tree, rel string) {
	fi, err := t.gate.Stat(rel)
	if err != nil {
		d.errorf(t.show(rel), d.linkError(t, rel, err))
		return
	}
	switch {
	case fi.IsDir():
		d.walk(t, rel)
	case fi.Mode().IsRegular():
		d.file(t, rel, fi, true)
	default:
		d.errorf(t.show(rel), (&fsgate.NotRegularError{Mode: fi.Mode()}).Error())
	}
}

// linkError words a failed Stat of a link (or a path through one).
func (d *discoverer) linkError(t *tree, rel string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		if _, e := t.gate.Lstat(rel); e == nil {
			return "symbolic link to a missing file; not followed"
		}
	}
	return fsgate.Describe(err)
}

// A chart directory is the Helm parser's, all of it but what its
// .helmignore leaves out: Helm packages every other file with the chart,
// and its templates read them (.Files.Glob "prometheus_rules/**.yaml"), so
// none is linted as written. What .helmignore leaves out (vault-helm's
// test/, with Terraform and manifests of its own) is walked like any
// other directory. chartScope is the chart a directory belongs to.
type chartScope struct {
	dir   string
	rules *ignore.Rules // nil: the .helmignore cannot be read; all of it is the chart's
}

// owned reports whether p, below the chart's directory, is the chart's.
func (c *chartScope) owned(p string, e fs.DirEntry) bool {
	if c.rules == nil {
		return true
	}
	fi, err := e.Info()
	if err != nil {
		return true
	}
	return !c.rules.Ignore(strings.TrimPrefix(p, c.dir+"/"), fi)
}

func (d *discoverer) walk(t *tree, top string) {
	scopes := map[string]*chartScope{} // by directory: the chart it belongs to, or none
	chartAt := func(dir string) *chartScope {
		c := &chartScope{dir: dir}
		if dir == "." {
			c.dir = ""
		}
		c.rules, _ = helm.IgnoreRules(t.gate, dir) // an unreadable .helmignore is the Helm parser's error
		return c
	}
	_ = fs.WalkDir(t.gate.FS(), top, func(p string, e fs.DirEntry, err error) error {
		shown := t.show(p)
		if err != nil {
			d.errorf(shown, fsgate.Describe(err))
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != top && d.exclude != nil && d.exclude(shown) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		typ := e.Type()
		switch {
		case p != top && scopes[path.Dir(p)] != nil && scopes[path.Dir(p)].owned(p, e):
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil // Chart.yaml, values files, templates: the chart's own
		case typ&fs.ModeSymlink != 0:
			d.symlink(t, p)
		case e.IsDir():
			if p != top && d.skip[e.Name()] {
				return fs.SkipDir
			}
			if d.isChartDir(t, p) {
				d.in.charts = append(d.in.charts, shown)
				scopes[p] = chartAt(p)
			}
		case typ.IsRegular():
			if !walkedInput(e.Name()) {
				return nil // a README or a source file: not even looked at
			}
			fi, err := t.gate.Stat(p)
			if err != nil {
				d.errorf(shown, fsgate.Describe(err))
				return nil
			}
			d.file(t, p, fi, false)
		case interesting(p):
			// A named pipe, device or socket with a source file's name:
			// never opened (it would block or never end), always reported.
			d.errorf(shown, (&fsgate.NotRegularError{Mode: typ}).Error())
		}
		return nil
	})
}

// symlink follows a link only when its target is a regular file inside the
// scanned tree; directories are never followed (they would be scanned twice
// or loop), and links that leave the tree or loop are errors.
func (d *discoverer) symlink(t *tree, p string) {
	if !interesting(p) {
		return
	}
	fi, err := t.gate.Stat(p)
	if err != nil {
		d.errorf(t.show(p), d.linkError(t, p, err))
		return
	}
	if fi.IsDir() {
		return
	}
	if !fi.Mode().IsRegular() {
		d.errorf(t.show(p), (&fsgate.NotRegularError{Mode: fi.Mode()}).Error())
		return
	}
	d.file(t, p, fi, false)
}

func interesting(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json", ".tf", ".tofu":
		return true
	}
	return false
}

func (d *discoverer) isChartDir(t *tree, dir string) bool {
	fi, err := t.gate.Stat(path.Join(dir, "Chart.yaml"))
	return err == nil && fi.Mode().IsRegular()
}

// file classifies one regular file (fi: its Stat, links followed).
// explicit is true when the user named it.
// walkedInput reports whether a file found by walking a directory, named
// name, can be an input (file's cases for files not named explicitly), so
// that the other files of a repository cost no system call.
func walkedInput(name string) bool {
	lower := strings.ToLower(name)
	return terraform.IsTestFile(lower) || terraform.IsConfigFile(lower) || kustomize.IsKustomizationFile(name) ||
		strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".json")
}

func (d *discoverer) file(t *tree, rel string, fi fs.FileInfo, explicit bool) {
	name := strings.ToLower(path.Base(rel))
	shown := t.show(rel)
	var key any = shown
	if id, ok := fsgate.IDOf(fi); ok {
		key = id
	}
	if d.seen[key] {
		return
	}
	switch {
	case terraform.IsTestFile(name):
		// Terraform/OpenTofu test and query files describe runs against a
		// real provider; pvlint lints the configuration they exercise.
		d.seen[key] = true
		d.in.notices = append(d.in.notices, parsers.Notice{File: shown, Msg: "Terraform test or query file; not linted (the module it exercises is)"})
	case terraform.IsConfigFile(name):
		d.seen[key] = true
		d.in.files++
		dir := t.show(path.Dir(rel))
		if !d.modules[dir] {
			d.modules[dir] = true
			d.in.modules = append(d.in.modules, dir)
		}
	case explicit && (strings.HasSuffix(name, ".tgz") || strings.HasSuffix(name, ".tar.gz")):
		d.seen[key] = true
		d.in.files++
		d.in.charts = append(d.in.charts, shown)
	case explicit && name == "chart.yaml":
		d.seen[key] = true
		d.in.charts = append(d.in.charts, t.show(path.Dir(rel)))
	case kustomize.IsKustomizationFile(path.Base(rel)):
		d.seen[key] = true
		d.in.files++
		d.in.kustomizations = append(d.in.kustomizations, t.show(path.Dir(rel)))
	case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json"):
		if strings.HasSuffix(name, ".tfvars.json") || strings.HasSuffix(name, ".tfstate.json") {
			return
		}
		d.seen[key] = true
		d.in.files++
		d.in.manifests = append(d.in.manifests, shown)
	case explicit:
		d.errorf(shown, "not a Kubernetes manifest, Helm chart or Terraform file (want .yaml, .yml, .json, .tf, .tf.json or a chart .tgz)")
	}
}

func (d *discoverer) finish() inputs {
	sort.Strings(d.in.manifests)
	sort.Strings(d.in.charts)
	sort.Strings(d.in.modules)
	sort.Strings(d.in.kustomizations)
	d.in.kustomizations = dedupe(d.in.kustomizations)
	d.in.charts = dedupe(d.in.charts)
	return d.in
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
