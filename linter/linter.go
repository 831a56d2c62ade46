// Package linter orchestrates a scan: discovery → parsers → graph → rules →
// suppression → a sorted, deterministic result. Nothing imports it but the
// command and the test harness.
package linter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pvlint/pvlint/linter/cache"
	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/parsers/limits"
	"github.com/pvlint/pvlint/rules"
)

// Options configure a scan.
type Options struct {
	Paths     []string  // files or directories; "-" reads standard input
	Stdin     io.Reader // used for "-"
	Root      string    // paths are reported relative to it; default: the working directory
	Namespace string    // given to namespaced objects that name none; default "default"
	Rules     []*rules.Rule
	Workers   int  // default GOMAXPROCS
	AllDirs   bool // also walk .git, node_modules, .terraform, vendor
	// Exclude reports whether a path (relative to Root) is left out.
	Exclude      func(rel string) bool
	MaxFileBytes int64 // default limits.FileBytes
	// ChartTimeout bounds the rendering of one chart (default DefaultChartTimeout).
	ChartTimeout time.Duration

	Helm      HelmOptions
	Terraform TerraformOptions
	Suppress  SuppressOptions // ignores, configuration and baseline (suppress.go)

	// Cache, when set, keeps rendered charts between runs (--cache).
	Cache *cache.Cache
	// Keep widens the pruning of parsed objects for the custom rules that
	// run (custom.Set.Keep); the zero value prunes for the built-in rules.
	Keep graph.Keep

	// Progress, when set, is called as inputs are parsed (for a terminal line).
	Progress func(done, total int)

	// chartTime is the template engine time the charts of this run share
	// (limits.ScanChartTime), made by Run.
	chartTime *parsers.ScanTime
}

// HelmOptions are passed to the Helm renderer.
type HelmOptions struct {
	Values                  []string
	Set, SetString, SetFile []string
	ReleaseName             string
	KubeVersion             string
	APIVersions             []string
}

// TerraformOptions are passed to the Terraform evaluator.
type TerraformOptions struct {
	VarFiles []string
	Vars     []string
	// ModuleVarFiles are variables files for one root module each, keyed by
	// the module directory relative to the root (from .pvlint.yaml).
	ModuleVarFiles map[string][]string
}

// Result is everything a scan found.
type Result struct {
	Graph    *graph.Graph
	Findings []*rules.Finding // sorted by file, line, column, rule, message
	Errors   []parsers.Error  // inputs that failed: the scan is incomplete
	Notices  []parsers.Notice
	Files    int
	Charts   int
	Modules  int
	// Empty lists the directories named on the command line that hold
	// nothing pvlint reads (each also has a notice): a scan of them is not
	// a clean result, and the report summary says so.
	Empty []string
	// Kustomizations is the number of root kustomizations rendered or tried.
	Kustomizations int
}

// Run scans opt.Paths. It returns an error only for a configuration problem
// (nothing was scanned); input problems are in Result.Errors.
func Run(opt Options) (*Result, error) {
	if opt.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opt.Root = wd
	}
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, err
	}
	opt.Root = root
	if len(opt.Paths) == 0 {
		opt.Paths = []string{"."}
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxFileBytes <= 0 {
		opt.MaxFileBytes = limits.FileBytes
	}
	if opt.Namespace == "" {
		opt.Namespace = "default"
	}
	opt.chartTime = parsers.NewScanTime(limits.ScanChartTime)

	ts, err := openTrees(root, opt.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	defer ts.close()
	d := newDiscoverer(root, ts, opt.AllDirs, opt.Exclude)
	var parsed parsers.Result
	stdin := false
	if opt.Helm.KubeVersion != "" {
		if _, err := graph.ParseKubeVersion(opt.Helm.KubeVersion); err != nil {
			return nil, fmt.Errorf("--kube-version: %w", err)
		}
	}
	// A PATH that does not exist is a usage error (a typo such as
	// ./manfests), never an input that failed: nothing could be scanned.
	for _, p := range opt.Paths {
		if p == "-" {
			continue
		}
		if _, err := os.Lstat(absPath(root, p)); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file or directory", p)
		}
	}
	var empty []string
	for _, p := range opt.Paths {
		if p == "-" {
			stdin = true
			continue
		}
		before, errs := d.found(), len(d.in.errors)
		d.add(p)
		// A directory whose only inputs failed has errors (exit 3), not
		// "nothing to scan".
		if st, err := os.Stat(absPath(root, p)); err == nil && st.IsDir() && d.found() == before && len(d.in.errors) == errs {
			empty = append(empty, p)
		}
	}
	in := d.finish()
	if err := checkScopedValues(root, in.charts, opt.Helm.Values); err != nil {
		return nil, err
	}
	for _, p := range empty {
		parsed.Notices = append(parsed.Notices, parsers.Notice{File: p,
			Msg: "nothing to scan in " + p + " (no Kubernetes YAML or JSON, Helm chart or Terraform module; see --all-dirs and the configuration's exclude)"})
	}
	parsed.Errors = append(parsed.Errors, in.errors...)
	parsed.Notices = append(parsed.Notices, in.notices...)
	res := &Result{Files: in.files, Charts: len(in.charts), Modules: len(in.modules), Empty: empty}

	if stdin {
		res.Files++
		parsed.Merge(parseStdin(opt))
	}
	// Kustomize first: the files a rendered kustomization read are not
	// linted again as written, nor the charts it rendered through helmCharts.
	kz := parseKustomizations(ts, in.kustomizations, opt)
	parsed.Merge(kz.Result)
	res.Kustomizations = kz.roots
	in.manifests, in.charts = without(in.manifests, kz.owned), without(in.charts, kz.charts)
	parsed.Merge(parseManifests(ts, in.manifests, opt))
	parsed.Merge(parseCharts(ts, in.charts, opt))
	parsed.Merge(parseModules(ts, in.modules, opt))
	parsed.Notices = append(parsed.Notices, zeroRenderNotices(in, parsed)...)

	g := graph.Build(parsed.Resources, parsed.Comments, graph.Options{DefaultNamespace: opt.Namespace, KubeVersion: opt.Helm.KubeVersion})
	res.Graph = g
	parsed.Notices = append(parsed.Notices, duplicateNotices(g)...)
	findings, internal := runRules(g, opt.Rules, opt.Workers)
	g.ForgetMemos()
	parsed.Errors = append(parsed.Errors, internal...)
	addRenderedDetail(findings, opt.Helm)
	addModuleCallSites(findings)
	addIncludeSites(findings)
	relocatePackaged(findings)
	locateInModule(findings)
	placeInstalled(findings)
	statesConditions(findings)
	findings = SortFindings(mergeInstances(g, findings))
	findings, capped := capFindings(findings, limits.FindingsPerRule)
	parsed.Notices = append(parsed.Notices, capped...)
	findings, notices := applySuppressions(g, findings, opt)
	parsed.Notices = append(parsed.Notices, notices...)
	findings = mergeOverlays(g, findings, kz.reads)
	res.Findings = findings
	res.Errors = sortErrors(dedupeErrors(boundErrors(parsed.Errors)))
	res.Notices = dedupeNotices(boundNotices(parsed.Notices))
	return res, nil
}

func parseStdin(opt Options) parsers.Result {
	var out parsers.Result
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	data, err := io.ReadAll(io.LimitReader(opt.Stdin, opt.MaxFileBytes+1))
	if err == nil && int64(len(data)) > opt.MaxFileBytes {
		err = fmt.Errorf("larger than %d bytes", opt.MaxFileBytes)
	}
	if err != nil {
		out.Errors = append(out.Errors, parsers.Error{File: "stdin", Msg: "cannot read: " + err.Error()})
		return out
	}
	if len(bytes.TrimSpace(data)) == 0 {
		// helm template … | pvlint - when helm failed: a clean result
		// would be a lie.
		out.Errors = append(out.Errors, parsers.Error{File: "stdin", Msg: "standard input is empty: nothing was scanned (did the command that feeds pvlint fail?)"})
		return out
	}
	rs, cs, perr := k8s.ParseBytes("stdin", data, k8s.Options{})
	out.Resources, out.Comments = rs, cs
	if perr != nil {
		out.Errors = append(out.Errors, asError("stdin", perr))
	} else if len(rs) == 0 {
		out.Notices = append(out.Notices, parsers.Notice{File: "stdin", Msg: "standard input holds no Kubernetes objects"})
	}
	return out
}

func absPath(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}

// zeroRenderNotices says when a chart or a Terraform module produced no
// object at all: a chart whose templates are all switched off by the values
// given, a module of remote calls only. Inputs that failed have an error
// already. (A renderer added later — Kustomize — reports its own units the
// same way: a notice naming the unit, "rendered no objects".)
func zeroRenderNotices(in inputs, parsed parsers.Result) []parsers.Notice {
	failed := func(dir string) bool {
		for _, e := range parsed.Errors {
			if e.File == dir || strings.HasPrefix(e.File, dir+"/") {
				return true
			}
		}
		return false
	}
	var out []parsers.Notice
	if len(in.charts) > 0 {
		rendered := map[string]bool{}
		for _, r := range parsed.Resources {
			if r.Source == graph.SourceHelm {
				rendered[r.Origin().Chart] = true
			}
		}
		for _, c := range in.charts {
			if !rendered[c] && !failed(c) {
				out = append(out, parsers.Notice{File: c, Msg: "chart rendered no objects with the values given: nothing of it was checked"})
			}
		}
	}
	if len(in.modules) > 0 {
		has := map[string]bool{}
		for _, r := range parsed.Resources {
			if r.Source == graph.SourceTerraform {
				has[r.Origin().Module] = true
				has[path.Dir(r.File)] = true
			}
		}
		for _, m := range in.modules {
			if !has[m] && !failed(m) {
				out = append(out, parsers.Notice{File: m, Msg: "Terraform module produced no resources: nothing of it was checked"})
			}
		}
	}
	return out
}

func asError(file string, err error) parsers.Error {
	if pe, ok := err.(*parsers.Error); ok {
		return *pe
	}
	return parsers.Error{File: file, Msg: err.Error()}
}

// streamAbove is the file size above which manifests are streamed.
const streamAbove = 8 << 20

// parseManifests reads and parses the YAML/JSON files with a worker pool.
// Workers claim runs of manifestBatch consecutive files and gather each
// run's results in one parsers.Result, merged in the runs' order, so the
// order never depends on scheduling. (A Result per file was 96 bytes held
// per file until the merge: 9 MB of 100,000 tiny files.)
func parseManifests(ts *trees, files []string, opt Options) parsers.Result {
	batches := make([]parsers.Result, (len(files)+manifestBatch-1)/manifestBatch)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := 0
	for w := 0; w < min(opt.Workers, len(batches)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := k8s.NewBuffers() // this worker's, reused from file to file
			for {
				b := int(next.Add(1)) - 1
				if b >= len(batches) {
					return
				}
				for i := b * manifestBatch; i < min((b+1)*manifestBatch, len(files)); i++ {
					batches[b].Merge(parseManifest(ts, files[i], opt, buf))
					if opt.Progress != nil {
						mu.Lock()
						done++
						opt.Progress(done, len(files))
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	var out parsers.Result
	var nr, nc int
	for _, b := range batches {
		nr, nc = nr+len(b.Resources), nc+len(b.Comments)
	}
	if nr > 0 {
		out.Resources = make([]*graph.Resource, 0, nr)
	}
	if nc > 0 {
		out.Comments = make([]graph.Comment, 0, nc)
	}
	for i := range batches {
		out.Merge(batches[i])
		batches[i] = parsers.Result{}
	}
	return out
}

// manifestBatch is how many consecutive files a manifest worker claims at
// once: few enough that the last claims still spread over the workers,
// enough that a scan of tiny files is not paced by handing them out.
const manifestBatch = 16

func parseManifest(ts *trees, rel string, opt Options, buf *k8s.Buffers) (out parsers.Result) {
	defer func() {
		if p := recover(); p != nil {
			out = parsers.Result{Errors: []parsers.Error{{File: rel, Msg: fmt.Sprintf("internal error while parsing: %v", p)}}}
		}
	}()
	t, in := ts.locate(rel)
	if t == nil {
		out.Errors = append(out.Errors, parsers.Error{File: rel, Msg: "cannot read: not inside a scanned tree"})
		return out
	}
	f, err := t.gate.Open(in)
	if err != nil {
		out.Errors = append(out.Errors, parsers.Error{File: rel, Msg: fsgate.Describe(err)})
		return out
	}
	defer f.Close()
	var rs []*graph.Resource
	var cs []graph.Comment
	var perr error
	if f.Size() > streamAbove {
		// Streamed: a large file's bytes are never held whole (see k8s.ParseStream).
		rs, cs, perr = k8s.ParseStream(rel, f, k8s.Options{Buffers: buf, Prune: &opt.Keep})
	} else {
		// One read: cheaper than streaming's two passes for ordinary files.
		data, err := f.ReadAll()
		if err != nil {
			out.Errors = append(out.Errors, parsers.Error{File: rel, Msg: fsgate.Describe(err)})
			return out
		}
		rs, cs, perr = k8s.ParseBytes(rel, data, k8s.Options{Buffers: buf, Prune: &opt.Keep})
		if perr != nil && strings.HasSuffix(strings.ToLower(rel), ".json") && k8s.NotManifestJSONC(data) {
			// A dev container, tsconfig or editor settings file: kubectl
			// cannot read it either, so it is never applied (k8s/jsonc.go).
			out.Notices = append(out.Notices, parsers.Notice{File: rel, Msg: "JSON with comments (a dev container, tsconfig or editor settings file): no Kubernetes manifest, since kubectl cannot read it; not linted"})
			return out
		}
	}
	for _, r := range rs {
		graph.PruneKeeping(r, opt.Keep)
	}
	out.Resources, out.Comments = dropKustomizations(rs, &out.Notices), cs
	if perr != nil {
		out.Errors = append(out.Errors, asError(rel, perr))
	}
	return out
}

// runRules runs every rule over the graph, in parallel, recovering a rule's
// panic into an internal error that names the rule.
func runRules(g *graph.Graph, rs []*rules.Rule, workers int) ([]*rules.Finding, []parsers.Error) {
	per := make([][]*rules.Finding, len(rs))
	errs := make([]*parsers.Error, len(rs))
	ruleErrs := make([][]rules.RuleError, len(rs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, r *rules.Rule) {
			defer wg.Done()
			defer func() { <-sem }()
			p := rules.NewPass(g, r)
			defer func() {
				if v := recover(); v != nil {
					errs[i] = &parsers.Error{File: "pvlint", Msg: fmt.Sprintf("internal error in rule %s (%s): %v (please report it)", r.ID, r.Name, v)}
				}
			}()
			r.Check(p)
			per[i] = p.Findings()
			ruleErrs[i] = p.Errors()
		}(i, r)
	}
	wg.Wait()
	var out []*rules.Finding
	for _, f := range per {
		out = append(out, f...)
	}
	var internal []parsers.Error
	for i, e := range errs {
		if e != nil {
			internal = append(internal, *e)
		}
		for _, re := range ruleErrs[i] {
			pe := parsers.Error{File: "pvlint", Msg: fmt.Sprintf("rule %s: %s", rs[i].ID, re.Msg)}
			if re.Resource != nil {
				pe.File, pe.Line = re.Resource.File, re.Resource.Start.Line
				pe.Msg = fmt.Sprintf("rule %s could not check %s: %s", rs[i].ID, re.Resource.Title(), re.Msg)
			}
			internal = append(internal, pe)
		}
	}
	return SortFindings(out), internal
}

// maxCappedNotices bounds the notices about capped findings: past it, one
// more notice counts the rest.
const maxCappedNotices = 20

// shape is what capFindings counts findings by: one rule, one kind of
// resource, one place. Findings of one shape are the same problem repeated
// (the objects of one Helm range, a generated list of objects); Terraform
// instances of one block are merged into one finding before.
type shape struct {
	rule, kind, file string
	line, col        int
}

// capFindings keeps at most limit findings of each shape, in report order,
// and says once for each capped shape how many it left out.
func capFindings(fs []*rules.Finding, limit int) ([]*rules.Finding, []parsers.Notice) {
	count := map[shape]int{}
	var order []shape
	out := fs[:0]
	for _, f := range fs {
		s := shape{rule: f.RuleID, file: f.Loc.File, line: f.Loc.Line, col: f.Loc.Col}
		if f.Resource != nil {
			s.kind = f.Resource.Kind
		}
		count[s]++
		if count[s] == limit+1 {
			order = append(order, s)
		}
		if count[s] <= limit {
			out = append(out, f)
		}
	}
	var notices []parsers.Notice
	dropped := 0
	for i, s := range order {
		n := count[s] - limit
		if i >= maxCappedNotices {
			dropped += n
			continue
		}
		what := s.rule
		if s.kind != "" {
			what += " on " + s.kind
		}
		notices = append(notices, parsers.Notice{File: s.file, Msg: fmt.Sprintf("%s at line %d: %s (%d not listed)", what, s.line, limits.FindingsCapped(limit), n)})
	}
	if len(order) > maxCappedNotices {
		notices = append(notices, parsers.Notice{File: "pvlint", Msg: fmt.Sprintf(
			"findings were capped at %d for %d more rule and resource shapes (%d findings not listed)", limit, len(order)-maxCappedNotices, dropped)})
	}
	return out, notices
}

// boundErrors and boundNotices cut messages to limits.MessageBytes: an
// error can quote its input (an include that recurses, a template that
// fails with a huge text), and a line of 100 KB helps no one.
func boundErrors(es []parsers.Error) []parsers.Error {
	for i := range es {
		es[i].Msg = diag.Truncate(es[i].Msg, limits.MessageBytes)
		es[i].File = diag.Truncate(es[i].File, limits.MessageBytes)
	}
	return es
}

// dedupeNotices sorts notices and drops repeats: a Terraform module linted
// as its own root and as each caller's instance meets the same uninstalled
// module call once per instance, and says it once.
func dedupeNotices(ns []parsers.Notice) []parsers.Notice {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].String() < ns[j].String() })
	out := ns[:0]
	for _, n := range ns {
		if len(out) > 0 && n.String() == out[len(out)-1].String() {
			continue
		}
		out = append(out, n)
	}
	return out
}

func boundNotices(ns []parsers.Notice) []parsers.Notice {
	for i := range ns {
		ns[i].Msg = diag.Truncate(ns[i].Msg, limits.MessageBytes)
		ns[i].File = diag.Truncate(ns[i].File, limits.MessageBytes)
	}
	return ns
}

// SortFindings orders findings by file, line, column, rule and message and
// drops exact duplicates, so output is the same whatever the scheduling.
func SortFindings(fs []*rules.Finding) []*rules.Finding {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Loc.File != b.Loc.File {
			return a.Loc.File < b.Loc.File
		}
		if a.Loc.Line != b.Loc.Line {
			return a.Loc.Line < b.Loc.Line
		}
		if a.Loc.Col != b.Loc.Col {
			return a.Loc.Col < b.Loc.Col
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
	out := fs[:0]
	for i, f := range fs {
		if i > 0 {
			p := out[len(out)-1]
			if p.RuleID == f.RuleID && p.Loc == f.Loc && p.Message == f.Message && sameBuild(p, f) {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// dedupeErrors drops repeated errors: discovery and a parser may both refuse
// the same file (a named pipe called main.tf) with the same words.
func dedupeErrors(es []parsers.Error) []parsers.Error {
	seen := map[parsers.Error]bool{}
	out := es[:0]
	for _, e := range es {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

func sortErrors(es []parsers.Error) []parsers.Error {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].File != es[j].File {
			return es[i].File < es[j].File
		}
		return es[i].Line < es[j].Line
	})
	return es
}

// Blocking reports whether the result fails at threshold: any unsuppressed,
// decided finding at or above it.
func (r *Result) Blocking(threshold rules.Severity) int {
	if threshold == rules.None {
		return 0
	}
	n := 0
	for _, f := range r.Findings {
		if f.Suppression == nil && !f.Undecided && f.Severity >= threshold {
			n++
		}
	}
	return n
}

// BlockingUndecided counts the unsuppressed undecided checks that fail the
// run under --fail-on-unknown: those whose severity (what the finding would
// have been) the threshold admits, as for findings. An undecided medium
// does not fail --fail-on critical.
func (r *Result) BlockingUndecided(threshold rules.Severity) int {
	if threshold == rules.None {
		return 0
	}
	n := 0
	for _, f := range r.Findings {
		if f.Suppression == nil && f.Undecided && f.Severity >= threshold {
			n++
		}
	}
	return n
}

// Exit statuses.
const (
	ExitClean      = 0
	ExitFindings   = 1
	ExitUsage      = 2
	ExitIncomplete = 3
)

// ExitCode applies the contract: 3 (incomplete) wins over 1 (findings).
func (r *Result) ExitCode(threshold rules.Severity) int {
	if len(r.Errors) > 0 {
		return ExitIncomplete
	}
	if r.Blocking(threshold) > 0 {
		return ExitFindings
	}
	return ExitClean
}

// duplicateNotices tells the user about objects defined more than once
// (references resolve to the nearest definition), at most ten of them.
func duplicateNotices(g *graph.Graph) []parsers.Notice {
	var out []parsers.Notice
	var dups [][]*graph.Resource
	var elsewhere [][]string
	for _, group := range g.Duplicates() {
		if overlayCopies(group) {
			continue
		}
		// Only the other places the object is written: a template rendered
		// twice (as a chart of its own and as another chart's file://
		// dependency) is written once, where the user edits it.
		first := fmt.Sprintf("%s:%d", group[0].File, group[0].Start.Line)
		seen := map[string]bool{first: true}
		var where []string
		for _, r := range group[1:] {
			at := fmt.Sprintf("%s:%d", r.File, r.Start.Line)
			if !seen[at] {
				seen[at] = true
				where = append(where, at)
			}
		}
		if len(where) > 0 {
			dups = append(dups, group)
			elsewhere = append(elsewhere, where)
		}
	}
	for i, group := range dups {
		if i == 10 {
			out = append(out, parsers.Notice{File: group[0].File, Msg: fmt.Sprintf("and %d more objects are defined more than once", len(dups)-10)})
			break
		}
		out = append(out, parsers.Notice{File: group[0].File, Msg: fmt.Sprintf("%s is defined again in %s; references resolve to the definition nearest the referring file",
			group[0].Title(), strings.Join(elsewhere[i], ", "))})
	}
	return out
}

// sameBuild reports whether two findings come from the same render: the
// copies two overlays make of one base object are told apart (mergeOverlays
// makes one finding of them, naming both).
func sameBuild(a, b *rules.Finding) bool {
	if a.Resource == nil || b.Resource == nil {
		return true
	}
	// Terraform instances from different root modules are merged by
	// mergeInstances, which names every one of them.
	return a.Resource.Origin().Kustomization == b.Resource.Origin().Kustomization &&
		a.Resource.Origin().Module == b.Resource.Origin().Module
}

// overlayCopies reports whether a group of definitions of one object are
// each from a different root kustomization (the same base rendered by
// several overlays): that is how overlays work, not a duplicate.
func overlayCopies(group []*graph.Resource) bool {
	roots := map[string]bool{}
	for _, r := range group {
		k := r.Origin().Kustomization
		if k == "" || roots[k] {
			return false
		}
		roots[k] = true
	}
	return true
}

// dropKustomizations takes Kustomize's own files out of the resources: they
// configure a build pvlint does not run, so the user hears that the files
// they list are scanned as written.
func dropKustomizations(rs []*graph.Resource, notices *[]parsers.Notice) []*graph.Resource {
	out := rs[:0]
	for _, r := range rs {
		if strings.HasPrefix(r.APIVersion, "pvlint.dev/") {
			continue // pvlint's own rule files (--rules) in the scanned tree: configuration, not objects
		}
		if strings.HasPrefix(r.APIVersion, "kustomize.config.k8s.io/") {
			*notices = append(*notices, parsers.Notice{File: r.File, Msg: "Kustomize " + r.Kind +
				" in a file Kustomize does not read (it reads kustomization.yaml, kustomization.yml or Kustomization): not rendered"})
			continue
		}
		out = append(out, r)
	}
	return out
}
