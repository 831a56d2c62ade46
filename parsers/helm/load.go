package helm

import (
	"bytes"
	"errors"
	"io/fs"
	"path"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/ignore"

	"github.com/pvlint/pvlint/parsers/fsgate"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// load reads the chart through the file gate and hands Helm the bytes
// (loader.LoadFiles): Helm's own loader follows symbolic links anywhere, so
// it never opens a file itself. A directory is read as Helm's LoadDir reads
// it (.helmignore and its defaults, a leading UTF-8 BOM stripped, Helm's
// total size budget); links are followed only inside the scanned tree, a
// link to a directory that contains it (charts/self -> ..) is a loop, and
// devices, pipes and sockets are refused. Every refused file is an error
// naming it, and the chart is not rendered. A packaged chart is read whole
// through the gate and unpacked in memory (tar links are never followed).
func (r *renderer) load() (ch *chart.Chart, isArchive, ok bool) {
	g := r.opt.Files
	fi, err := g.Stat(r.chartPath)
	if err != nil {
		r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, fsgate.Describe(err))
		return nil, false, false
	}
	var files []*archive.BufferedFile
	if fi.IsDir() {
		files = r.dirFiles(g, r.chartPath)
		if r.fatal || !r.measureArchives(files, r.chartPath) {
			return nil, false, false
		}
	} else {
		isArchive = true
		data, err := g.ReadFile(r.chartPath)
		if err != nil {
			r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, fsgate.Describe(err))
			return nil, true, false
		}
		// The archive and every subchart archive inside it, measured
		// before anything is unpacked (archives.go).
		if inside := r.measureArchive(&budgetReader{r: bytes.NewReader(data), spend: r.spend}, r.chartPath); inside != "" {
			r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, overBudget(inside))
			return nil, true, false
		}
		files, err = archive.LoadArchiveFiles(bytes.NewReader(data))
		if err != nil {
			r.errorf(r.chartPath, 0, "chart %s: Helm 4 cannot load it: %s", r.chartPath, err)
			return nil, true, false
		}
		for _, f := range files {
			if int64(len(f.Data)) > g.MaxBytes() {
				r.errorf(r.chartPath, 0, "chart %s: %s: %s", r.chartPath, f.Name, (&fsgate.TooLargeError{Size: int64(len(f.Data)), Limit: g.MaxBytes()}).Error())
			}
		}
		if r.fatal {
			return nil, true, false
		}
	}
	ch, err = loader.LoadFiles(files)
	if err != nil {
		file := r.chartPath
		if !isArchive {
			file = path.Join(file, "Chart.yaml")
		}
		r.errorf(file, 0, "chart %s: Helm 4 cannot load it: %s", r.chartPath, trimAbs(err.Error(), r.root))
		return nil, isArchive, false
	}
	r.loaded = files // for the render worker
	r.chartIndex = map[*chart.Chart]int{ch: 0}
	return ch, isArchive, true
}

// IgnoreRules returns the rules of the chart directory chartDir's
// .helmignore with Helm's defaults: what Helm leaves out of the chart (and
// its .Files never see). A path they do not ignore is the chart's.
func IgnoreRules(g *fsgate.Gate, chartDir string) (*ignore.Rules, error) {
	rules := ignore.Empty()
	if data, err := g.ReadFile(path.Join(chartDir, ignore.HelmIgnore)); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(data)); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New(fsgate.Describe(err))
	}
	rules.AddDefaults()
	return rules, nil
}

// dirFiles reads the files of the chart directory chartDir (relative to
// the root), reporting each refused one. What they read is taken from the
// chart's size budget (archives.go).
func (r *renderer) dirFiles(g *fsgate.Gate, chartDir string) []*archive.BufferedFile {
	rules, err := IgnoreRules(g, chartDir)
	if err != nil {
		r.errorf(path.Join(chartDir, ignore.HelmIgnore), 0, "chart %s: %s", r.chartPath, err)
		return nil
	}
	var files []*archive.BufferedFile
	top, _ := g.Stat(chartDir)
	topID, _ := fsgate.IDOf(top)
	var walk func(rel string, ancestors []fsgate.ID)
	walk = func(rel string, ancestors []fsgate.ID) {
		dir := path.Join(chartDir, rel)
		entries, err := g.ReadDir(dir)
		if err != nil {
			r.errorf(dir, 0, "chart %s: %s", r.chartPath, fsgate.Describe(err))
			return
		}
		for _, e := range entries {
			n := path.Join(rel, e.Name())
			p := path.Join(chartDir, n)
			fi, err := g.Stat(p)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && e.Type()&fs.ModeSymlink != 0 {
					r.errorf(p, 0, "chart %s: symbolic link to a missing file; not loaded", r.chartPath)
				} else {
					r.errorf(p, 0, "chart %s: %s", r.chartPath, fsgate.Describe(err))
				}
				continue
			}
			if rules.Ignore(n, fi) {
				continue
			}
			if fi.IsDir() {
				id, _ := fsgate.IDOf(fi)
				if id == topID || contains(ancestors, id) {
					r.errorf(p, 0, "chart %s: symbolic link to a directory that contains it (a loop); not followed", r.chartPath)
					continue
				}
				walk(n, append(ancestors, id))
				continue
			}
			data, err := g.ReadFile(p)
			if err != nil {
				r.errorf(p, 0, "chart %s: %s", r.chartPath, fsgate.Describe(err))
				continue
			}
			if !r.spend(int64(len(data))) {
				r.errorf(chartDir, 0, "chart %s: %s", r.chartPath, overBudget(p))
				return
			}
			files = append(files, &archive.BufferedFile{Name: n, ModTime: fi.ModTime(), Data: bytes.TrimPrefix(data, utf8BOM)})
		}
	}
	walk("", nil)
	return files
}

func contains(ids []fsgate.ID, id fsgate.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
