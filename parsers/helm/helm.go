// Package helm renders Helm charts the way `helm template` does, offline,
// and turns the rendered objects into graph resources whose every field
// points back at the line of the template that wrote it.
//
// Rendering uses Helm's own loader, dependency processing, values
// coalescing and engine, with no cluster and no network: `lookup` returns
// nothing, DNS lookups return "", and values.schema.json references to
// remote schemas are not fetched.
package helm

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/parsers/limits"
)

// DefaultKubeVersion is the Kubernetes version charts are rendered for when
// Options.KubeVersion is empty: a current release, not the Helm library's
// own (much older) default, so that charts gating on
// .Capabilities.KubeVersion render what a cluster of today would get.
const DefaultKubeVersion = graph.DefaultKubeVersion

// maxRendered caps Origin.Rendered.
const maxRendered = 4 << 10

// Options are the flags of `helm template` that pvlint passes on.
type Options struct {
	// Values files (--values), applied in order. An entry "CHARTDIR=FILE"
	// applies only to the chart at CHARTDIR (relative to root); a plain FILE
	// applies to every chart. Relative paths are relative to root.
	Values []string
	// ValuesInTree says the Values were named by a file of the scanned
	// tree (a kustomization's valuesFile), not by the user: each must be
	// inside the tree and is read through its gate.
	ValuesInTree bool
	// Inline are values given in-line (a Kustomize helmCharts entry's
	// valuesInline), applied after Values and before Set, in order.
	Inline []InlineValues
	// Set, SetString and SetFile follow Helm's --set syntax and precedence
	// (values.yaml < Values < Set < SetString < SetFile). SetFile paths are
	// relative to root.
	Set, SetString, SetFile []string
	ReleaseName             string   // default "release-name", like helm template
	Namespace               string   // default "default"; also given to rendered namespaced objects that set none
	KubeVersion             string   // default DefaultKubeVersion
	APIVersions             []string // extra .Capabilities.APIVersions
	// Files is the file gate of the scanned tree the chart is read through
	// (nil: a gate at root is opened for the render).
	Files *fsgate.Gate
	// Timeout bounds the template engine's run for this chart (0: none).
	// It covers rendering only, never pvlint's own work on the output.
	Timeout time.Duration
	// ScanTime is the engine time the charts of the scan share
	// (limits.ScanChartTime; nil: no bound but Timeout).
	ScanTime *parsers.ScanTime
}

// InlineValues are values not read from a file; Name says where they are
// written, for messages and Origin.Values.
type InlineValues struct {
	Name   string
	Values map[string]any
}

// Render renders the chart at chartPath (a directory holding Chart.yaml or
// a packaged .tgz), relative to root (absolute), and returns its objects as
// graph resources. A chart that does not render returns its Errors and no
// resources. Render never panics.
func Render(root, chartPath string, opt Options) (res parsers.Result) {
	if filepath.IsAbs(chartPath) {
		if rel, err := filepath.Rel(root, chartPath); err == nil {
			chartPath = rel
		}
	}
	chartPath = filepath.ToSlash(filepath.Clean(chartPath))
	defer func() {
		if r := recover(); r != nil {
			res = parsers.Result{Errors: []parsers.Error{{File: chartPath, Msg: fmt.Sprintf("chart %s: rendering failed: internal error: %v", chartPath, r)}}}
		}
	}()
	if opt.ReleaseName == "" {
		opt.ReleaseName = "release-name"
	}
	if opt.Namespace == "" {
		opt.Namespace = "default"
	}
	if opt.KubeVersion == "" {
		opt.KubeVersion = DefaultKubeVersion
	}
	if opt.Files == nil {
		g, err := fsgate.New(root, 0)
		if err != nil {
			return parsers.Result{Errors: []parsers.Error{{File: chartPath, Msg: fmt.Sprintf("chart %s: %s", chartPath, fsgate.Describe(err))}}}
		}
		defer g.Close()
		opt.Files = g
	}
	r := &renderer{root: root, chartPath: chartPath, opt: opt}
	r.run()
	if len(r.res.Errors) > 0 && r.fatal {
		r.res.Resources = nil
	}
	return r.res
}

type renderer struct {
	root, chartPath string
	opt             Options
	res             parsers.Result
	fatal           bool // the chart did not render: no resources
	valuesFiles     []string
	templates       map[string]*tmpl // by Helm's template name (chart/templates/x.yaml)
	archives        map[*common.File][]byte
	defines         map[string][]*define    // by name, built on first use
	commentsOf      map[string]bool         // Chart.yaml files whose comments were kept
	fileDeps        map[*common.File]string // Chart.yaml of a file:// dependency → its directory
	sources         []*valueSource          // the root's values layers, lowest precedence first (valuesites.go)
	byFile          map[string]*tmpl        // templates by file, built on first use
	// budget is what is left of the chart's size budget (archives.go).
	budget    int64
	budgetSet bool
	// What the render worker is sent (worker.go): the chart's files as
	// loaded, the file:// dependencies, and each chart's index among them.
	loaded     []*archive.BufferedFile
	depLoads   []depLoad
	chartIndex map[*chart.Chart]int
}

// tmpl is a template with where it lives on disk.
type tmpl struct {
	name    string // Helm's name: chart/charts/sub/templates/x.yaml
	file    string // repo-relative path; inside a .tgz: archive path + "/" + path inside
	virtual bool   // inside a packaged chart: no file on disk
	pkg     *graph.Packaged
	src     string
	values  map[string]any // the template's .Values, nil when unknown
	rm      *remapper
	chain   []string     // see chartLoc
	disk    []diskValues // see chartLoc
	// actionsAt holds the output actions by position (valuesites.go).
	actionsAt map[graph.Pos]string
}

func (r *renderer) errorf(file string, line int, format string, args ...any) {
	r.res.Errors = append(r.res.Errors, parsers.Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	r.fatal = true
}

func (r *renderer) run() {
	ch, archive, ok := r.load()
	if !ok {
		return
	}
	if name, v := unsupportedAPIVersion(ch); v != "" {
		r.errorf(r.chartFile("Chart.yaml", archive), 0, "chart %s: chart %s has apiVersion %q; pvlint renders chart API v1 and v2 (with Helm 4)", r.chartPath, name, v)
		return
	}

	if !archive {
		r.resolveFileDeps(ch, r.chartPath, 0, map[string]bool{r.chartPath: true})
		if r.fatal {
			return
		}
	}
	// Missing dependencies stop helm template before anything renders.
	if missing := missingDeps(ch); len(missing) > 0 {
		for _, req := range missing {
			msg := fmt.Sprintf("chart %s: dependency %q is missing from charts/; run helm dependency build", r.chartPath, req.Name)
			if strings.HasPrefix(req.Repository, "file://") {
				msg = fmt.Sprintf("chart %s: dependency %q is neither vendored in charts/ nor a chart at %s inside the scanned tree", r.chartPath, req.Name, req.Repository)
			}
			r.errorf(r.chartFile("Chart.yaml", archive), 0, "%s", msg)
		}
		return
	}
	if strings.EqualFold(ch.Metadata.Type, "library") {
		r.res.Notices = append(r.res.Notices, parsers.Notice{File: r.chartPath, Msg: "library chart: renders no objects on its own"})
		return
	}

	vals, ok := r.userValues(ch, archive)
	if !ok {
		return
	}
	caps, err := r.capabilities()
	if err != nil {
		r.errorf(r.chartPath, 0, "chart %s: --kube-version %q: %s", r.chartPath, r.opt.KubeVersion, err)
		return
	}
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, caps.KubeVersion.String()) {
		r.errorf(r.chartFile("Chart.yaml", archive), 0, "chart %s: requires kubeVersion %s, which is incompatible with Kubernetes %s (set --kube-version)", r.chartPath, ch.Metadata.KubeVersion, caps.KubeVersion.String())
		return
	}
	// Encoded before Helm processes the values: the worker repeats that.
	req, reqErr := r.workerRequest(vals)
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		r.errorf(r.chartPath, 0, "chart %s: dependencies: %s", r.chartPath, err)
		return
	}
	r.indexTemplates(ch, r.chartPath, archive)
	for _, m := range r.missingEnabledDeps(ch, archive) {
		r.errorf(path.Join(m.dir, "Chart.yaml"), 0, "chart %s: dependency %q is missing from charts/; run helm dependency build", m.dir, m.name)
	}
	if r.fatal {
		return
	}
	top, err := commonutil.ToRenderValuesWithSchemaValidation(ch, vals, releaseOptions(r.opt.ReleaseName, r.opt.Namespace), caps, true)
	if err != nil {
		r.errorf(r.chartPath, 0, "chart %s: values: %s", r.chartPath, err)
		return
	}
	values, _ := top["Values"].(common.Values)
	if !r.validateSchemas(ch, values, r.chartPath, archive) {
		return
	}
	r.scopeValues(ch, values)

	if cycle := tplCycle(values); cycle != nil {
		r.errorf(r.chartPath, 0, "chart %s: value %s renders itself through tpl (%s), a recursion with no end; not rendered",
			r.chartPath, cycle[0], strings.Join(cycle, " → "))
		return
	}
	if reqErr != nil {
		req = nil // rendered in process (worker.go)
	}
	files, err := r.renderTemplates(ch, top, req)
	var stop *stopped
	switch {
	case errors.Is(err, errScanTimeSpent):
		r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, limits.ChartTimeSpent(limits.ScanChartTime))
		return
	case errors.Is(err, errTimedOut):
		r.errorf(r.chartPath, 0, "chart %s did not render within %s (a template that loops or builds a huge output?); it was not scanned", r.chartPath, r.opt.Timeout)
		return
	case errors.As(err, &stop):
		r.errorf(r.chartPath, 0, "chart %s: %s; it was not scanned", r.chartPath, stop.why)
		return
	case err != nil:
		r.templateError(err)
		return
	}
	r.collect(files)
}

// releaseOptions are the release helm template renders for.
func releaseOptions(name, namespace string) common.ReleaseOptions {
	return common.ReleaseOptions{Name: name, Namespace: namespace, Revision: 1, IsInstall: true}
}

// renderTemplates runs Helm's engine within the chart's bounds (bounds.go)
// and, when set, Options.Timeout, in a render worker (worker.go) given
// req, the chart as renderer.workerRequest encoded it. Only the engine's
// run is timed: loading, values and pvlint's own mapping afterwards are not
// the chart's fault. It returns errTimedOut, a *stopped for a bound only a
// worker enforces, or the engine's error. Without a worker (req is nil, or
// none can be started), the chart is rendered in this process.
func (r *renderer) renderTemplates(ch *chart.Chart, top common.Values, req []byte) (map[string]string, error) {
	timeout, byScan, spent := r.opt.ScanTime.Take(r.opt.Timeout)
	if spent {
		return nil, errScanTimeSpent
	}
	start := time.Now()
	files, err := r.renderTimed(ch, top, req, timeout)
	r.opt.ScanTime.Spend(time.Since(start))
	if byScan && errors.Is(err, errTimedOut) {
		return nil, errScanTimeSpent
	}
	return files, err
}

// errScanTimeSpent is a chart not rendered, or stopped, because the charts
// of the scan have had limits.ScanChartTime.
var errScanTimeSpent = errors.New("scan chart time spent")

func (r *renderer) renderTimed(ch *chart.Chart, top common.Values, req []byte, timeout time.Duration) (map[string]string, error) {
	if req != nil {
		files, err := renderInWorker(req, timeout)
		if !errors.Is(err, errNoWorker) {
			return files, err
		}
		r.res.Notices = append(r.res.Notices, parsers.Notice{File: r.chartPath, Msg: fmt.Sprintf(
			"rendered in pvlint's own process (%s): a template that loops without calling a function keeps running after the timeout, and a recursion with no end can end the scan", err)})
	}
	return renderInProcess(ch, top, timeout)
}

// renderInProcess renders in this process. On timeout the render is told
// to stop, and does at its next template function call.
func renderInProcess(ch *chart.Chart, top common.Values, timeout time.Duration) (map[string]string, error) {
	budget := &renderBudget{}
	type result struct {
		files map[string]string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		f, err := renderBounded(ch, top, budget)
		done <- result{f, err}
	}()
	var expired <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		expired = timer.C
	}
	select {
	case res := <-done:
		return res.files, res.err
	case <-expired:
		budget.halt("timed out")
		return nil, errTimedOut
	}
}

// renderBounded runs Helm's engine with the budget's functions and checks
// the budget and the total output afterwards: the same code in process and
// in a worker.
func renderBounded(ch *chart.Chart, top common.Values, budget *renderBudget) (files map[string]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			files, err = nil, fmt.Errorf("rendering failed: internal error: %v", p)
		}
	}()
	budget.rand = newRenderRand(ch)
	e := engine.Engine{CustomTemplateFuncs: budget.funcs()} // no client: lookup returns an empty map, as in helm template
	files, err = e.Render(ch, top)
	if why := budget.reason(); why != "" {
		if err == nil {
			err = errors.New(why)
		}
		return nil, err
	}
	total := int64(0)
	for _, s := range files {
		total += int64(len(s))
	}
	if total > limits.ChartOutputBytes {
		return nil, errors.New(limits.ChartOutputTooLarge(limits.ChartOutputBytes))
	}
	return files, err
}

// chartFile is the repo-relative path of a file of the root chart.
func (r *renderer) chartFile(name string, archive bool) string {
	if archive {
		return r.chartPath
	}
	return path.Join(r.chartPath, name)
}

func (r *renderer) capabilities() (*common.Capabilities, error) {
	kv, err := common.ParseKubeVersion(r.opt.KubeVersion)
	if err != nil {
		return nil, err
	}
	return pinnedCapabilities(*kv, r.opt.APIVersions), nil
}

// helmSDKVersion is what .Capabilities.HelmVersion.Version says: the SDK
// pvlint is built with (go.mod), not the build's module information.
const helmSDKVersion = "v4.3.1"

// pinnedCapabilities builds .Capabilities from pvlint's own options only.
// Helm 4's defaults differ between builds (v1.20 under go test, client-go's
// minor + 1 otherwise, and a HelmVersion read from the binary's build
// information), so nothing of them is kept but the API version list, which
// is the client-go scheme's and the same in every build of one go.sum.
func pinnedCapabilities(kv common.KubeVersion, extraAPIs []string) *common.Capabilities {
	caps := &common.Capabilities{
		KubeVersion: kv,
		APIVersions: append(append(common.VersionSet{}, common.DefaultVersionSet...), extraAPIs...),
	}
	caps.HelmVersion.Version = helmSDKVersion
	caps.HelmVersion.GitTreeState = "clean"
	return caps
}

// unsupportedAPIVersion finds a chart of the tree whose Chart.yaml declares
// an API version other than v1 and v2: the v2 loader would take it as one
// of those and render it wrongly (chart API v3 is Helm 4's own, still
// experimental, format).
func unsupportedAPIVersion(ch *chart.Chart) (name, version string) {
	if v := ch.Metadata.APIVersion; v != chart.APIVersionV1 && v != chart.APIVersionV2 {
		return ch.Name(), v
	}
	for _, d := range ch.Dependencies() {
		if name, v := unsupportedAPIVersion(d); v != "" {
			return name, v
		}
	}
	return "", ""
}

// missingDeps lists the dependencies of Chart.yaml that have no chart in
// charts/, as action.CheckDependencies does for helm template.
func missingDeps(ch *chart.Chart) []*chart.Dependency {
	var missing []*chart.Dependency
	for _, req := range ch.Metadata.Dependencies {
		if req != nil && !hasDep(ch, req.Name) {
			missing = append(missing, req)
		}
	}
	return missing
}

type missingDep struct{ dir, name string }

// missingEnabledDeps finds the enabled dependencies of subcharts that are
// not there: Helm would quietly render without them, leaving objects out.
func (r *renderer) missingEnabledDeps(ch *chart.Chart, archive bool) []missingDep {
	var out []missingDep
	var walk func(c *chart.Chart, loc chartLoc)
	walk = func(c *chart.Chart, loc chartLoc) {
		for _, d := range c.Dependencies() {
			sub := r.subchartLoc(c, d, loc)
			for _, req := range d.Metadata.Dependencies {
				if req == nil || !req.Enabled {
					continue
				}
				found := false
				for _, dd := range d.Dependencies() {
					found = found || dd.Name() == req.Name || (req.Alias != "" && dd.Name() == req.Alias)
				}
				if !found {
					out = append(out, missingDep{sub.dir, req.Name})
				}
			}
			walk(d, sub)
		}
	}
	walk(ch, r.rootLoc(r.chartPath, archive))
	return out
}

// templateError turns Helm's rendering error into an Error at the template
// line Helm names.
func (r *renderer) templateError(err error) {
	msg := err.Error()
	file, line, col := r.chartPath, 0, 0
	if m := errLocRe.FindStringSubmatch(msg); m != nil {
		if t := r.templates[m[1]]; t != nil {
			file = t.file
			line, _ = strconv.Atoi(m[2])
			col, _ = strconv.Atoi(m[3])
			if t.virtual {
				col = 0
			}
		}
	}
	r.res.Errors = append(r.res.Errors, parsers.Error{File: file, Line: line, Col: col,
		Msg: fmt.Sprintf("chart %s: %s", r.chartPath, trimAbs(msg, r.root))})
	r.fatal = true
}

// Helm reports "execution error at (chart/templates/x.yaml:12:3): ...",
// "parse error at (chart/templates/x.yaml:5): ...", Go's
// "template: chart/templates/x.yaml:12:3: executing ...", or (Helm 4,
// an execution error it reformats) "chart/templates/x.yaml:12:3\n
// executing ...". Only a name of the chart's templates is taken.
var errLocRe = regexp.MustCompile(`(?:at \(|template: |^)([^():\s]+):(\d+)(?::(\d+))?`)

// collect parses every rendered template and maps its objects back.
func (r *renderer) collect(files map[string]string) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	// The documents are counted before any is parsed, and the objects
	// (a kind: List holds many) as they are (limits.ChartObjects).
	docs := 0
	for _, name := range names {
		if base := path.Base(name); !strings.HasPrefix(base, "_") && base != "NOTES.txt" {
			docs += k8s.CountDocuments([]byte(files[name]))
		}
	}
	if docs > chartObjects {
		r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, limits.ChartTooManyObjects(chartObjects))
		return
	}
	seen := map[*tmpl]bool{}
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		out := files[name]
		if strings.TrimSpace(out) == "" {
			continue
		}
		t := r.templates[name]
		if t == nil { // cannot happen: every rendered name is a template
			t = &tmpl{name: name, file: path.Join(r.chartPath, name), virtual: true}
		}
		seen[t] = true
		r.collectTemplate(t, out)
		if len(r.res.Resources) > chartObjects {
			r.errorf(r.chartPath, 0, "chart %s: %s", r.chartPath, limits.ChartTooManyObjects(chartObjects))
			return
		}
	}
	for _, t := range r.sortedTemplates() {
		if !seen[t] && !strings.HasPrefix(path.Base(t.name), "_") {
			continue
		}
		if t.rm == nil {
			t.rm = newRemapper(t.src, t.values)
			t.rm.helpers = r.helperNamed(t)
		}
		r.res.Comments = append(r.res.Comments, templateComments(t.file, t.src, t.rm.sk)...)
	}
}

// chartObjects is limits.ChartObjects; a variable for tests.
var chartObjects = limits.ChartObjects

func (r *renderer) sortedTemplates() []*tmpl {
	out := make([]*tmpl, 0, len(r.templates))
	for _, t := range r.templates {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (r *renderer) collectTemplate(t *tmpl, out string) {
	// Helm ends every document it installs or prints with a newline
	// (releaseutil.SplitManifests, then "%s\n"): a block scalar closing the
	// template's text keeps its final line break, as the cluster gets it.
	data := make([]byte, len(out), len(out)+1)
	copy(data, out)
	if !strings.HasSuffix(out, "\n") {
		data = append(data, '\n')
	}
	rs, comments, err := k8s.ParseBytes(t.file, data, k8s.Options{Source: graph.SourceHelm})
	if err != nil {
		msg := err.Error()
		var line int
		if pe, ok := err.(*parsers.Error); ok {
			msg, line = pe.Msg, pe.Line
		}
		where := ""
		if line > 0 {
			where = fmt.Sprintf(" (line %d of the rendered output)", line)
		}
		r.res.Errors = append(r.res.Errors, parsers.Error{File: t.file, Msg: fmt.Sprintf("chart %s: template %s rendered to invalid YAML%s: %s", r.chartPath, t.name, where, msg)})
	}
	if t.rm == nil {
		t.rm = newRemapper(t.src, t.values)
		t.rm.helpers = r.helperNamed(t)
	}
	t.rm.noteLines = len(comments) > 0 // rendered comments are mapped through the nodes' lines
	lines := lineStarts(out)
	var inHelpers [][2]int // rendered lines of objects mapped into helpers
	for _, res := range rs {
		res.Source = graph.SourceHelm
		res.File = t.file
		res.EditOrigin().Chart = r.chartPath
		res.EditOrigin().Template = t.name
		res.EditOrigin().Values = r.valuesFiles
		res.EditOrigin().Rendered = renderedText(out, lines, res.Start.Line, res.End.Line)
		res.EditOrigin().Packaged = t.pkg
		if res.Namespace == "" && !graph.ClusterScoped(res.Kind) {
			res.Namespace = r.opt.Namespace
		}
		from, to := res.Start.Line, res.End.Line
		if r.remapFollowingHelpers(t, res) {
			inHelpers = append(inHelpers, [2]int{from, to})
		}
		r.packagedValues(t, res)
		r.res.Resources = append(r.res.Resources, res)
	}
	if len(comments) > 0 {
		own := map[string]bool{}
		for _, c := range templateComments(t.file, t.src, t.rm.sk) {
			own[c.Text] = true
		}
		for _, c := range comments {
			if own[c.Text] || within(inHelpers, c.Line) {
				continue // a helper's comments are its file's own
			}
			if tg, ok := t.rm.renderedComment(c.Line); ok {
				r.res.Comments = append(r.res.Comments, graph.Comment{File: t.file, Line: tg.line, Col: tg.col, Text: c.Text})
			}
		}
	}
}

func within(ranges [][2]int, line int) bool {
	for _, rg := range ranges {
		if line >= rg[0] && line <= rg[1] {
			return true
		}
	}
	return false
}

// lineStarts returns the offset of every line of s: line n (1-based)
// is s[starts[n-1] : starts[n]-1].
func lineStarts(s string) []int {
	starts := make([]int, 1, strings.Count(s, "\n")+2)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return append(starts, len(s)+1)
}

// renderedText returns lines [from, to] (1-based) of out, whose lines
// start at starts, capped at maxRendered. It shares out's memory.
func renderedText(out string, starts []int, from, to int) string {
	n := len(starts) - 1 // lines
	if from < 1 {
		from = 1
	}
	if to > n || to < from {
		to = n
	}
	from = min(from, to)
	s := out[starts[from-1] : starts[to]-1]
	if len(s) > maxRendered {
		cut := maxRendered
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "\n# ... (truncated)"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// trimAbs keeps absolute paths under root out of messages.
func trimAbs(msg, root string) string {
	if root == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, filepath.Clean(root)+string(filepath.Separator), "")
	return msg
}
