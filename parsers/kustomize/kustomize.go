// Package kustomize renders Kustomize overlays in-process, the way
// `kustomize build` does with its default options, and turns every rendered
// object into a graph resource whose fields point at the line the user
// edits: the patch that set a value, the base that wrote it, or the
// kustomization entry (namespace:, images:, replicas:...) whose transformer
// produced it.
//
// Rendering uses sigs.k8s.io/kustomize/api (krusty) as a library over a
// read-only file system of pvlint's own: files are read through Files
// (inside the scanned root only), kustomization files are rewritten in
// memory (origin annotations on, remote references and helmCharts out), and
// nothing is written anywhere. Remote bases are never fetched, plugins and
// exec functions never run, and helmCharts entries are rendered from
// vendored charts with pvlint's own Helm renderer, never the helm binary.
package kustomize

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/helm"
	"github.com/pvlint/pvlint/parsers/limits"
)

// Options configure rendering.
type Options struct {
	// Files reads the scanned tree; required.
	Files Files
	// Workers renders that many roots at once (default 1).
	Workers int
	// Helm is passed to charts of helmCharts entries (kube version, API
	// versions, namespace); the entry's own values come on top.
	Helm helm.Options
	// RenderChart renders a vendored chart (default helm.Render); the
	// linter passes one that bounds rendering time.
	RenderChart func(chart string, opt helm.Options) parsers.Result
	// Root is the absolute scanned root, for RenderChart.
	Root string
}

// Output is what Parse found.
type Output struct {
	parsers.Result
	// Owned are the files that a successfully rendered kustomization read
	// (repo-relative): they are not to be linted again as written.
	Owned map[string]bool
	// Charts are the chart directories rendered through helmCharts.
	Charts map[string]bool
	// Roots is the number of root kustomizations rendered or tried.
	Roots int
	// Reads lists, for each root kustomization file that rendered, the
	// files its render read.
	Reads map[string][]string
}

// Parse renders the root kustomizations among dirs (repo-relative
// directories holding a kustomization file): those that no other
// kustomization of the scanned tree includes as a resource, base or
// component. A base is rendered through the roots that include it, never
// on its own.
func Parse(dirs []string, opt Options) Output {
	out := Output{Owned: map[string]bool{}, Charts: map[string]bool{}, Reads: map[string][]string{}}
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	p := &parser{opt: opt, files: newCache(opt.Files), kusts: map[string]*kustomization{}, notices: map[string]bool{}}
	var list []*kustomization
	for _, d := range dirs {
		k, err := p.load(d)
		if err != nil {
			out.Errors = append(out.Errors, *err)
			continue
		}
		if k != nil {
			list = append(list, k)
		}
	}
	roots := p.roots(list, &out.Result)
	out.Roots = len(roots)
	defer quietStderr()()
	seenComment := map[graph.Comment]bool{}
	missingMemo := map[string]*missingEntry{}
	tried := map[string]bool{}
	for _, k := range roots {
		tried[k.dir] = true
	}
	// A root that does not render leaves what it includes unchecked: the
	// kustomizations it includes that no render covered are rendered on
	// their own in a next round (an aggregate of many apps fails on one
	// remote base; the apps themselves still render).
	for round := 0; len(roots) > 0 && round < maxRounds; round++ {
		results := p.renderAll(roots, missingMemo)
		var failed []*kustomization
		for i, r := range results {
			out.Merge(r.res)
			if !r.ok {
				failed = append(failed, roots[i])
				continue
			}
			for _, f := range r.read {
				out.Owned[f] = true
			}
			out.Reads[roots[i].file] = r.read
			for c := range r.charts {
				out.Charts[c] = true
			}
			for _, c := range r.comments {
				if !seenComment[c] {
					seenComment[c] = true
					out.Comments = append(out.Comments, c)
				}
			}
		}
		roots = nil
		for _, k := range failed {
			bases, _ := k.localDirs(p.isDir)
			for _, d := range bases {
				kk, _ := p.load(d)
				if kk == nil || kk.component || tried[kk.dir] || out.Owned[kk.file] {
					continue
				}
				tried[kk.dir] = true
				roots = append(roots, kk)
			}
		}
		sort.Slice(roots, func(i, j int) bool { return roots[i].dir < roots[j].dir })
		out.Roots += len(roots)
	}
	out.Notices = append(out.Notices, p.takeNotices()...)
	return out
}

// noNetwork is the HTTP transport while Kustomize renders: pvlint fetches
// nothing (remote entries are taken out of the kustomization files first;
// this catches what a future Kustomize would fetch on its own).
type noNetwork struct{}

func (noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("%s is not fetched: pvlint uses no network", r.URL.Redacted())
}

// stderrMu guards the swap in quietStderr.
var stderrMu sync.Mutex

// quietStderr points os.Stderr at the null device, and the default HTTP
// transport at noNetwork, while Kustomize renders:
// it prints its deprecation warnings ("'bases' is deprecated...") straight
// to os.Stderr, and pvlint writes standard error only through its logger
// (which holds the real file, not the variable). Renders of one Parse run
// under the swap; concurrent Parses wait for each other.
func quietStderr() func() {
	stderrMu.Lock()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		stderrMu.Unlock()
		return func() {}
	}
	old := os.Stderr
	os.Stderr = null
	oldTransport := http.DefaultTransport
	http.DefaultTransport = noNetwork{}
	return func() {
		http.DefaultTransport = oldTransport
		os.Stderr = old
		null.Close()
		stderrMu.Unlock()
	}
}

// maxRounds bounds the fallback rounds of Parse (a chain of failing
// aggregates).
const maxRounds = 64

// includesLimit is limits.KustomizeIncludes, lowered by tests.
var includesLimit = limits.KustomizeIncludes

// renderAll renders roots in parallel; results in roots' order. A root
// that lists, or includes one that lists, a local path that does not exist
// is not rendered (missing): Kustomize would fail on it; nor is a root
// whose render would accumulate kustomizations more often than
// limits.KustomizeIncludes (fanIn): Kustomize would run for minutes.
func (p *parser) renderAll(roots []*kustomization, memo map[string]*missingEntry) []rendered {
	results := make([]rendered, len(roots))
	sem := make(chan struct{}, p.opt.Workers)
	var wg sync.WaitGroup
	for i, k := range roots {
		if m := p.missing(k, memo, map[string]bool{}); m != nil {
			results[i] = rendered{res: parsers.Result{Errors: []parsers.Error{m.error(k)}}}
			continue
		}
		if f := p.fanIn(k, includesLimit); f != nil {
			results[i] = rendered{res: parsers.Result{Errors: []parsers.Error{f.error(k)}}}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, k *kustomization) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = p.render(k)
		}(i, k)
	}
	wg.Wait()
	return results
}

// missingEntry is a resources or components entry naming a local path
// that does not exist, found from a root through the kustomizations in via.
type missingEntry struct {
	at    parsers.Error // the entry in the kustomization that lists it
	entry string        // as written
	path  string        // repo-relative
	via   []string      // the kustomizations from the root's entry down to the one that lists it
	field string        // "resource" or "component"
	// viaLine and viaCol are the root's entry that leads to via[0].
	viaLine, viaCol int
}

// error is the root's error: on the root's own entry that leads to it.
func (m *missingEntry) error(root *kustomization) parsers.Error {
	e := m.at
	if len(m.via) == 0 {
		e.Msg = fmt.Sprintf("kustomization %s did not render: %s %s (%s) does not exist; %s", root.dir, m.field, m.entry, m.path, fallbackNote)
		return e
	}
	e.File = root.file
	e.Line, e.Col = m.viaLine, m.viaCol
	e.Msg = fmt.Sprintf("kustomization %s did not render: it includes %s, whose %s %s (%s) does not exist; %s",
		root.dir, strings.Join(m.via, ", then "), m.field, m.entry, m.path, fallbackNote)
	return e
}

// missing returns the first resources or components entry of k, or of a
// kustomization k includes (depth first, in file order), that names a
// path inside the tree that is neither a file nor a directory, or nil.
// Kustomize fails on such an entry once it has accumulated everything
// before it, and an aggregate of overlays that all reach one missing file
// (a manifest a build step generates) rendered the bases before it once
// per overlay and again in each fallback round: a CRD with patches, seconds
// each time. Such a root is reported without rendering; the fallback still
// renders what it includes. Remote entries, absolute paths and paths that
// leave the tree are left to the render, which reports them. memo holds
// the answer per directory (a nil entry: nothing missing); seen breaks a
// cycle, which Kustomize reports.
func (p *parser) missing(k *kustomization, memo map[string]*missingEntry, seen map[string]bool) *missingEntry {
	if m, ok := memo[k.dir]; ok {
		return m
	}
	if seen[k.dir] {
		return nil
	}
	seen[k.dir] = true
	var found *missingEntry
	for _, in := range k.includes() {
		if found != nil {
			break
		}
		e, rel := in.e, in.rel
		if e.value == "" || path.IsAbs(e.value) || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		st, err := p.files.Stat(rel)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				field := "resource"
				if in.component {
					field = "component"
				}
				found = &missingEntry{at: parsers.Error{File: k.file, Line: e.node.Pos().Line, Col: e.node.Pos().Col}, entry: e.value, path: rel, field: field}
			}
			continue
		}
		if !st.IsDir() {
			continue
		}
		kk, _ := p.load(rel)
		if kk == nil {
			continue // not a kustomization: Kustomize reports it
		}
		if m := p.missing(kk, memo, seen); m != nil {
			c := *m
			c.via = append([]string{kk.dir}, m.via...)
			c.viaLine, c.viaCol = e.node.Pos().Line, e.node.Pos().Col
			found = &c
		}
	}
	memo[k.dir] = found
	return found
}

type parser struct {
	opt   Options
	files *cachedFiles

	mu      sync.Mutex
	kusts   map[string]*kustomization // by directory
	notices map[string]bool
	notes   []parsers.Notice

	docCache  map[string][]*graph.Resource
	nodeCache map[string][]*graph.Node
}

// notice records a notice once per scan (bases shared by many overlays
// would repeat it).
func (p *parser) notice(file, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := file + "\x00" + msg
	if p.notices[k] {
		return
	}
	p.notices[k] = true
	p.notes = append(p.notes, parsers.Notice{File: file, Msg: msg})
}

func (p *parser) takeNotices() []parsers.Notice {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.notes
	p.notes = nil
	return out
}

// kustomizationFile returns the kustomization file of dir, or "".
func (p *parser) kustomizationFile(dir string) (string, *parsers.Error) {
	var found []string
	for _, n := range FileNames {
		f := path.Join(dir, n)
		if st, err := p.files.Stat(f); err == nil && st.Mode().IsRegular() {
			found = append(found, f)
		}
	}
	if len(found) > 1 {
		return "", &parsers.Error{File: found[0], Msg: fmt.Sprintf("directory %s holds more than one kustomization file (%s); Kustomize refuses to build it", dir, strings.Join(found, ", "))}
	}
	if len(found) == 0 {
		return "", nil
	}
	return found[0], nil
}

// load reads the kustomization of dir once per scan.
func (p *parser) load(dir string) (*kustomization, *parsers.Error) {
	dir = path.Clean(dir)
	p.mu.Lock()
	k, ok := p.kusts[dir]
	p.mu.Unlock()
	if ok {
		return k, nil
	}
	file, perr := p.kustomizationFile(dir)
	if perr != nil {
		return nil, perr
	}
	if file == "" {
		return nil, nil
	}
	data, err := p.files.ReadFile(file)
	if err != nil {
		return nil, &parsers.Error{File: file, Msg: "cannot read: " + cause(err)}
	}
	k, err = readKustomization(dir, file, data)
	if err != nil {
		if pe, ok := err.(*parsers.Error); ok {
			pe.Msg = "kustomization cannot be read: " + pe.Msg + "; the files it lists are linted as written"
			return nil, pe
		}
		return nil, &parsers.Error{File: file, Msg: "kustomization cannot be read: " + err.Error() + "; the files it lists are linted as written"}
	}
	p.mu.Lock()
	p.kusts[dir] = k
	p.mu.Unlock()
	return k, nil
}

func (p *parser) isDir(rel string) bool {
	st, err := p.files.Stat(rel)
	return err == nil && st.IsDir()
}

// roots picks the kustomizations to render: those no other scanned
// kustomization includes, then any left unreachable (a cycle, which
// Kustomize reports). Components that nothing includes are not rendered.
func (p *parser) roots(list []*kustomization, res *parsers.Result) []*kustomization {
	included := map[string]bool{}
	children := map[string][]string{}
	for _, k := range list {
		bases, comps := k.localDirs(p.isDir)
		for _, d := range append(bases, comps...) {
			if d != k.dir {
				included[d] = true
			}
			children[k.dir] = append(children[k.dir], d)
		}
	}
	var roots []*kustomization
	reached := map[string]bool{}
	var reach func(d string)
	reach = func(d string) {
		if reached[d] {
			return
		}
		reached[d] = true
		for _, c := range children[d] {
			reach(c)
		}
	}
	for _, k := range list {
		if included[k.dir] {
			continue
		}
		if k.component {
			res.Notices = append(res.Notices, parsers.Notice{File: k.file, Msg: "Kustomize Component is included by no scanned kustomization: not rendered; its files are linted as written"})
			reach(k.dir)
			continue
		}
		roots = append(roots, k)
		reach(k.dir)
	}
	for _, k := range list {
		if !reached[k.dir] {
			roots = append(roots, k)
			reach(k.dir)
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].dir < roots[j].dir })
	return roots
}
