package helm

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"

	"github.com/pvlint/pvlint/linter/graph"
)

// chartLoc is where a chart of the tree lives: a directory relative to the
// repository root, or a path inside a packaged chart (virtual).
type chartLoc struct {
	dir     string
	virtual bool
	pkg     *graph.Packaged // inside a packaged chart: the archive and where findings go
	chain   []string        // the chart's values key under each parent from the root's (aliases applied)
	disk    []diskValues    // values.yaml of the chart directories between the root and the chart
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
			r.templates[name] = &tmpl{name: name, file: path.Join(loc.dir, t.Name), virtual: loc.virtual, pkg: loc.pkg, src: string(t.Data), chain: loc.chain, disk: loc.disk}
		}
		for _, d := range c.Dependencies() {
			sub := r.subchartLoc(c, d, loc)
			sub.chain = append(loc.chain[:len(loc.chain):len(loc.chain)], d.Name())
			sub.disk = loc.disk
			if len(loc.chain) > 0 && !loc.virtual {
				sub.disk = append(loc.disk[:len(loc.disk):len(loc.disk)], diskValues{file: path.Join(loc.dir, "values.yaml"), depth: len(loc.chain)})
			}
			walk(d, sub)
		}
	}
	walk(ch, r.rootLoc(chartPath, archive))
}

// rootLoc is where the scanned chart lives. A packaged chart scanned on
// its own has no file to point into but the archive itself.
func (r *renderer) rootLoc(chartPath string, archive bool) chartLoc {
	loc := chartLoc{dir: chartPath, virtual: archive}
	if archive {
		loc.pkg = &graph.Packaged{Archive: chartPath, At: graph.Location{File: chartPath, Line: 1, Col: 1}, Entry: "the packaged chart"}
	}
	return loc
}

// packagedLoc is the location of subchart sub, packaged at archivePath in
// the charts/ folder of the chart at loc: findings go to its dependency
// entry in the nearest Chart.yaml on disk.
func (r *renderer) packagedLoc(loc chartLoc, archivePath string, sub *chart.Chart) chartLoc {
	if loc.pkg != nil { // nested inside an archive already
		return chartLoc{dir: archivePath, virtual: true, pkg: loc.pkg}
	}
	p := &graph.Packaged{Archive: archivePath}
	file := path.Join(loc.dir, "Chart.yaml")
	data, _ := r.opt.Files.ReadFile(file)
	line, col, entry := dependencyEntry(data, sub.Name())
	r.yamlComments(file, data)
	p.At = graph.Location{File: file, Line: line, Col: col}
	p.Entry = entry
	return chartLoc{dir: archivePath, virtual: true, pkg: p}
}

// dependencyEntry finds the item of Chart.yaml's dependencies that names
// chart (by alias or name): its line, column and a description. Without
// one (a chart vendored in charts/ but not listed), the dependencies: key
// or the first line.
func dependencyEntry(data []byte, name string) (line, col int, what string) {
	line, col, what = 1, 1, "Chart.yaml (the packaged chart is not listed in dependencies)"
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "dependencies" || m.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		line, col = m.Content[i].Line, m.Content[i].Column
		var byName *yaml.Node
		for _, it := range m.Content[i+1].Content {
			if it.Kind != yaml.MappingNode {
				continue
			}
			fields := map[string]string{}
			for k := 0; k+1 < len(it.Content); k += 2 {
				fields[it.Content[k].Value] = it.Content[k+1].Value
			}
			if fields["alias"] == name {
				return it.Line, it.Column, fmt.Sprintf("dependency %q (alias %q) in Chart.yaml", fields["name"], name)
			}
			if fields["name"] == name && fields["alias"] == "" && byName == nil {
				byName = it
			}
		}
		if byName != nil {
			return byName.Line, byName.Column, fmt.Sprintf("dependency %q in Chart.yaml", name)
		}
	}
	return
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
				return chartLoc{dir: path.Join(loc.dir, "charts", entry), virtual: loc.virtual, pkg: loc.pkg}
			}
			if entry == sub.Name() && byName == "" {
				byName = entry
			}
		case !isDir && strings.HasSuffix(entry, ".tgz"):
			if want != nil && bytes.Equal(r.archiveChartYAML(f), want) {
				return r.packagedLoc(loc, path.Join(loc.dir, "charts", entry), sub)
			}
		}
	}
	if byName != "" {
		return chartLoc{dir: path.Join(loc.dir, "charts", byName), virtual: loc.virtual, pkg: loc.pkg}
	}
	return r.packagedLoc(loc, path.Join(loc.dir, "charts", sub.Name()), sub)
}

func rawFile(c *chart.Chart, name string) []byte {
	for _, f := range c.Raw {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// hasRawFile reports whether the chart holds the file name (loaded, empty
// or not).
func hasRawFile(c *chart.Chart, name string) bool {
	for _, f := range c.Raw {
		if f.Name == name {
			return true
		}
	}
	return false
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

// yamlComments keeps the pvlint comments of a Chart.yaml or values file
// that findings of packaged subcharts are reported in, so that an ignore
// written above a dependency entry or a values line applies to them.
func (r *renderer) yamlComments(file string, data []byte) {
	if r.commentsOf == nil {
		r.commentsOf = map[string]bool{}
	}
	if r.commentsOf[file] || !bytes.Contains(data, []byte("pvlint:")) {
		return
	}
	r.commentsOf[file] = true
	for i, l := range strings.Split(string(data), "\n") {
		if h := commentIndex(l); h >= 0 && strings.Contains(l[h:], "pvlint:") {
			r.res.Comments = append(r.res.Comments, graph.Comment{File: file, Line: i + 1, Col: h + 1, Text: strings.TrimSpace(l[h+1:])})
		}
	}
}
