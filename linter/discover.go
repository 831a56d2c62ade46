package linter

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/parsers"
)

// DefaultSkipDirs are directories that hold no source of the user's own.
// --all-dirs brings them back.
var DefaultSkipDirs = []string{".git", "node_modules", ".terraform", "vendor"}

// inputs is what discovery found, each path relative to the root.
type inputs struct {
	manifests []string // YAML/JSON files
	charts    []string // chart directories and packaged .tgz charts
	modules   []string // Terraform module directories
	errors    []parsers.Error
	notices   []parsers.Notice
	files     int
}

type discoverer struct {
	root    string // absolute
	skip    map[string]bool
	in      inputs
	seen    map[string]bool // absolute real paths of files already taken
	modules map[string]bool
	exclude func(rel string) bool
}

func newDiscoverer(root string, allDirs bool, exclude func(string) bool) *discoverer {
	d := &discoverer{root: root, skip: map[string]bool{}, seen: map[string]bool{}, modules: map[string]bool{}, exclude: exclude}
	if !allDirs {
		for _, s := range DefaultSkipDirs {
			d.skip[s] = true
		}
	}
	return d
}

// rel makes p relative to the root, with forward slashes. A path outside
// the root is kept as given (cleaned).
func (d *discoverer) rel(abs string) string {
	r, err := filepath.Rel(d.root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(filepath.Clean(abs))
	}
	return filepath.ToSlash(r)
}

func (d *discoverer) errorf(abs, msg string) {
	d.in.errors = append(d.in.errors, parsers.Error{File: d.rel(abs), Msg: msg})
}

// add takes one PATH argument.
func (d *discoverer) add(arg string) {
	// Relative paths are taken from the root (the working directory unless
	// Options.Root says otherwise).
	abs := arg
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(d.root, arg)
	}
	st, err := os.Stat(abs)
	if err != nil {
		d.errorf(abs, "cannot read: "+cause(err))
		return
	}
	if !st.IsDir() {
		d.file(abs, true)
		return
	}
	d.walk(abs)
}

func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (d *discoverer) walk(top string) {
	if isChartDir(top) {
		d.in.charts = append(d.in.charts, d.rel(top))
		return
	}
	_ = filepath.WalkDir(top, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			d.errorf(p, "cannot read: "+cause(err))
			if e != nil && e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel := d.rel(p)
		if p != top && d.exclude != nil && d.exclude(rel) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.Type()&fs.ModeSymlink != 0 {
			d.symlink(top, p)
			return nil
		}
		if e.IsDir() {
			if p != top && d.skip[e.Name()] {
				return filepath.SkipDir
			}
			if p != top && isChartDir(p) {
				d.in.charts = append(d.in.charts, rel)
				return filepath.SkipDir
			}
			return nil
		}
		if e.Type().IsRegular() {
			d.file(p, false)
		}
		return nil
	})
}

// symlink follows a link only when its target is a regular file inside the
// scanned tree; directories are never followed (they would be scanned twice
// or loop), and links that leave the tree or loop are errors.
func (d *discoverer) symlink(top, p string) {
	if !interesting(p) {
		return
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		d.errorf(p, "symbolic link cannot be resolved (a loop or a missing target); not followed")
		return
	}
	realTop, err := filepath.EvalSymlinks(top)
	if err != nil {
		realTop = top
	}
	if r, err := filepath.Rel(realTop, target); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		d.errorf(p, "symbolic link points outside the scanned tree; not followed")
		return
	}
	st, err := os.Stat(target)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	d.file(p, false)
}

func interesting(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".yaml", ".yml", ".json", ".tf":
		return true
	}
	return false
}

func isChartDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && st.Mode().IsRegular()
}

// file classifies one file. explicit is true when the user named it.
func (d *discoverer) file(abs string, explicit bool) {
	name := strings.ToLower(filepath.Base(abs))
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	if d.seen[real] {
		return
	}
	switch {
	case strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json"):
		d.seen[real] = true
		d.in.files++
		dir := d.rel(filepath.Dir(abs))
		if !d.modules[dir] {
			d.modules[dir] = true
			d.in.modules = append(d.in.modules, dir)
		}
	case explicit && (strings.HasSuffix(name, ".tgz") || strings.HasSuffix(name, ".tar.gz")):
		d.seen[real] = true
		d.in.files++
		d.in.charts = append(d.in.charts, d.rel(abs))
	case explicit && name == "chart.yaml":
		d.seen[real] = true
		d.in.charts = append(d.in.charts, d.rel(filepath.Dir(abs)))
	case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json"):
		if strings.HasSuffix(name, ".tfvars.json") || strings.HasSuffix(name, ".tfstate.json") {
			return
		}
		d.seen[real] = true
		d.in.files++
		d.in.manifests = append(d.in.manifests, d.rel(abs))
	case explicit:
		d.errorf(abs, "not a Kubernetes manifest, Helm chart or Terraform file (want .yaml, .yml, .json, .tf, .tf.json or a chart .tgz)")
	}
}

func (d *discoverer) finish() inputs {
	sort.Strings(d.in.manifests)
	sort.Strings(d.in.charts)
	sort.Strings(d.in.modules)
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
