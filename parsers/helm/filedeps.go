package helm

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"

	"github.com/pvlint/pvlint/parsers"
)

// maxFileDepDepth bounds how deep file:// dependencies of file://
// dependencies are followed.
const maxFileDepDepth = 8

// resolveFileDeps adds the dependencies that Chart.yaml lists with a
// file:// repository and that charts/ lacks, from the repository tree, as
// `helm dependency build` would have copied them into charts/. Only a
// directory inside the scanned root is read. A file:// dependency that is
// not there stays missing (and is an error later).
func (r *renderer) resolveFileDeps(ch *chart.Chart, dir string, depth int, seen map[string]bool) {
	if depth > maxFileDepDepth || ch.Metadata == nil {
		return
	}
	for _, req := range ch.Metadata.Dependencies {
		if req == nil || !strings.HasPrefix(req.Repository, "file://") || hasDep(ch, req.Name) {
			continue
		}
		target := strings.TrimPrefix(req.Repository, "file://")
		rel, ok := r.depDir(dir, target)
		if !ok {
			r.res.Notices = append(r.res.Notices, parsers.Notice{File: path.Join(dir, "Chart.yaml"),
				Msg: fmt.Sprintf("dependency %q: %s is outside the scanned tree; not read", req.Name, req.Repository)})
			continue
		}
		if seen[rel] {
			continue // a cycle
		}
		if st, err := r.opt.Files.Stat(path.Join(rel, "Chart.yaml")); err != nil || !st.Mode().IsRegular() {
			continue
		}
		// Through the file gate, as the chart itself is read.
		files := r.dirFiles(r.opt.Files, rel)
		if r.fatal || !r.measureArchives(files, rel) {
			return
		}
		sub, err := loader.LoadFiles(files)
		if err != nil {
			r.errorf(path.Join(rel, "Chart.yaml"), 0, "chart %s: dependency %q (%s): Helm 4 cannot load it: %s", r.chartPath, req.Name, req.Repository, trimAbs(err.Error(), r.root))
			continue
		}
		if sub.Name() != req.Name {
			r.errorf(path.Join(dir, "Chart.yaml"), 0, "chart %s: dependency %q (%s) holds chart %q", r.chartPath, req.Name, req.Repository, sub.Name())
			continue
		}
		if req.Version != "" && !chartutil.IsCompatibleRange(req.Version, sub.Metadata.Version) {
			r.errorf(path.Join(dir, "Chart.yaml"), 0, "chart %s: dependency %q (%s) is version %s, which does not meet %q", r.chartPath, req.Name, req.Repository, sub.Metadata.Version, req.Version)
			continue
		}
		// The render worker loads the same files into the same place.
		r.chartIndex[sub] = len(r.depLoads) + 1
		r.depLoads = append(r.depLoads, depLoad{parent: r.chartIndex[ch], files: files})
		seen[rel] = true
		r.resolveFileDeps(sub, rel, depth+1, seen)
		delete(seen, rel)
		if f := rawChartFile(sub); f != nil {
			if r.fileDeps == nil {
				r.fileDeps = map[*common.File]string{}
			}
			r.fileDeps[f] = rel
		}
		ch.AddDependency(sub)
		r.res.Notices = append(r.res.Notices, parsers.Notice{File: path.Join(dir, "Chart.yaml"),
			Msg: fmt.Sprintf("dependency %q is not vendored in charts/; rendered from %s (%s), as helm dependency build would copy it", req.Name, rel, req.Repository)})
	}
}

func hasDep(ch *chart.Chart, name string) bool {
	for _, d := range ch.Dependencies() {
		if d.Name() == name {
			return true
		}
	}
	return false
}

func rawChartFile(c *chart.Chart) *common.File {
	for _, f := range c.Raw {
		if f.Name == "Chart.yaml" {
			return f
		}
	}
	return nil
}

// depDir resolves a file:// target against the chart directory dir (both
// relative to the root): the dependency's directory relative to the root,
// and whether it is inside it. The file gate refuses links leaving the
// tree when the directory is read.
func (r *renderer) depDir(dir, target string) (string, bool) {
	p := filepath.FromSlash(target)
	if filepath.IsAbs(p) {
		rel, err := filepath.Rel(r.root, filepath.Clean(p))
		if err != nil {
			return "", false
		}
		p = rel
	} else {
		p = filepath.Join(filepath.FromSlash(dir), p)
	}
	rel := filepath.ToSlash(filepath.Clean(p))
	if rel == ".." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
		return "", false
	}
	return rel, true
}
