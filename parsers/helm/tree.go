package helm

import (
	"bytes"
	"os"
	"path"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
)

// chartLoc is where a chart of the tree lives: a directory relative to the
// repository root, or a path inside a packaged chart (virtual).
type chartLoc struct {
	dir     string
	virtual bool
}

// indexTemplates records, for every template of the (processed) chart
// tree, its Helm name and its real path.
func (r *renderer) indexTemplates(ch *chart.Chart, chartPath string, archive bool) {
	r.templates = map[string]*tmpl{}
	var walk func(c *chart.Chart, loc chartLoc)
	walk = func(c *chart.Chart, loc chartLoc) {
		for _, t := range c.Templates {
			if t == nil {
				continue
			}
			name := path.Join(c.ChartFullPath(), t.Name)
			r.templates[name] = &tmpl{name: name, file: path.Join(loc.dir, t.Name), virtual: loc.virtual, src: string(t.Data)}
		}
		for _, d := range c.Dependencies() {
			walk(d, r.subchartLoc(c, d, loc))
		}
	}
	walk(ch, chartLoc{dir: chartPath, virtual: archive})
}

// scopeValues records the .Values each template renders with: a
// subchart's are the table named after it in its parent's (as the engine
// scopes them; aliases have renamed the chart by now).
func (r *renderer) scopeValues(ch *chart.Chart, values map[string]any) {
	var walk func(c *chart.Chart, vals map[string]any)
	walk = func(c *chart.Chart, vals map[string]any) {
		for _, t := range c.Templates {
			if t == nil {
				continue
			}
			if tm := r.templates[path.Join(c.ChartFullPath(), t.Name)]; tm != nil {
				tm.values = vals
			}
		}
		for _, d := range c.Dependencies() {
			sub, _ := asMap(vals[d.Name()])
			walk(d, sub)
		}
	}
	walk(ch, values)
}

// subchartLoc finds which entry of parent's charts/ folder sub was loaded
// from. The loader does not keep it, and aliases rename charts, so the
// entry is found by its Chart.yaml, byte for byte.
func (r *renderer) subchartLoc(parent, sub *chart.Chart, loc chartLoc) chartLoc {
	if dir, ok := r.fileDeps[rawChartFile(sub)]; ok {
		return chartLoc{dir: dir}
	}
	want := rawFile(sub, "Chart.yaml")
	var byName string
	for _, f := range parent.Raw {
		if !strings.HasPrefix(f.Name, "charts/") {
			continue
		}
		rest := strings.TrimPrefix(f.Name, "charts/")
		entry, inner, isDir := strings.Cut(rest, "/")
		switch {
		case isDir && inner == "Chart.yaml":
			if want != nil && bytes.Equal(f.Data, want) {
				return chartLoc{dir: path.Join(loc.dir, "charts", entry), virtual: loc.virtual}
			}
			if entry == sub.Name() && byName == "" {
				byName = entry
			}
		case !isDir && strings.HasSuffix(entry, ".tgz"):
			if want != nil && bytes.Equal(r.archiveChartYAML(f), want) {
				return chartLoc{dir: path.Join(loc.dir, "charts", entry), virtual: true}
			}
		}
	}
	if byName != "" {
		return chartLoc{dir: path.Join(loc.dir, "charts", byName), virtual: loc.virtual}
	}
	return chartLoc{dir: path.Join(loc.dir, "charts", sub.Name()), virtual: true}
}

func rawFile(c *chart.Chart, name string) []byte {
	for _, f := range c.Raw {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// archiveChartYAML returns the Chart.yaml of a packaged subchart.
func (r *renderer) archiveChartYAML(f *common.File) []byte {
	if r.archives == nil {
		r.archives = map[*common.File][]byte{}
	}
	if b, ok := r.archives[f]; ok {
		return b
	}
	var out []byte
	if files, err := archive.LoadArchiveFiles(bytes.NewReader(f.Data)); err == nil {
		for _, bf := range files {
			if bf.Name == "Chart.yaml" {
				out = bf.Data
				break
			}
		}
	}
	r.archives[f] = out
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
