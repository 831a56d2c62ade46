package helm

import (
	"fmt"
	"os"
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
		abs := filepath.Clean(filepath.Join(r.root, filepath.FromSlash(dir), filepath.FromSlash(target)))
		if filepath.IsAbs(filepath.FromSlash(target)) {
			abs = filepath.Clean(filepath.FromSlash(target))
		}
		rel, ok := r.inside(abs)
		if !ok {
			r.res.Notices = append(r.res.Notices, parsers.Notice{File: path.Join(dir, "Chart.yaml"),
				Msg: fmt.Sprintf("dependency %q: %s is outside the scanned tree; not read", req.Name, req.Repository)})
			continue
		}
		if seen[rel] {
			continue // a cycle
		}
		if st, err := os.Stat(filepath.Join(abs, "Chart.yaml")); err != nil || !st.Mode().IsRegular() {
			continue
		}
		sub, err := loader.Load(abs)
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

// inside returns abs relative to the scanned root when it is inside it,
// links resolved.
func (r *renderer) inside(abs string) (string, bool) {
	root, err := filepath.EvalSymlinks(r.root)
	if err != nil {
		return "", false
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
