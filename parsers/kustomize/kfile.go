package kustomize

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// FileNames are the names Kustomize looks for in a directory, in its order.
var FileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsKustomizationFile reports whether a file name is a kustomization file.
func IsKustomizationFile(name string) bool {
	for _, n := range FileNames {
		if name == n {
			return true
		}
	}
	return false
}

// kustomization is one kustomization file as written, with the positions
// of the entries findings may point at.
type kustomization struct {
	dir       string // repo-relative directory ("." for the root)
	file      string // repo-relative path of the file
	data      []byte
	root      *graph.Node
	component bool

	resources  []entry // resources and bases, in order
	components []entry
	patches    []patchEntry // in the order Kustomize applies them

	namespace, namePrefix, nameSuffix *graph.Node
	images, replicas                  *graph.Node // the lists
	labels, commonLabels, annotations *graph.Node
	generators                        []generator
	helmCharts                        []*graph.Node
	chartHome                         string
	hasReplacements                   bool
}

// entry is a path or URL listed in the file.
type entry struct {
	value string
	node  *graph.Node
}

// patchEntry is one patch with where it is written.
type patchEntry struct {
	field  string      // patches, patchesStrategicMerge, patchesJson6902
	node   *graph.Node // the list item
	file   string      // repo-relative patch file; "" for an inline patch
	inline *graph.Node // the inline patch text
	target *graph.Node // target selector, nil when the patch names its object
}

type generator struct {
	kind string // ConfigMapGenerator, SecretGenerator
	name string
	node *graph.Node
}

// readKustomization parses a kustomization file.
func readKustomization(dir, file string, data []byte) (*kustomization, error) {
	docs, err := k8s.ParseDocuments(file, data, k8s.Options{})
	if err != nil {
		return nil, err
	}
	k := &kustomization{dir: dir, file: file, data: data}
	if len(docs) > 0 {
		k.root = docs[0]
	}
	if k.root == nil {
		k.root = graph.NewMap(graph.Pos{Line: 1, Col: 1})
	}
	if k.root.Kind != graph.Map {
		return nil, fmt.Errorf("%s: not a kustomization (want a mapping)", file)
	}
	r := k.root
	if kind, _ := r.Get("kind").Str(); kind == "Component" {
		k.component = true
	}
	for _, f := range []string{"resources", "bases"} {
		for _, it := range r.Get(f).List() {
			if s, ok := it.Str(); ok && s != "" {
				k.resources = append(k.resources, entry{s, it})
			}
		}
	}
	for _, it := range r.Get("components").List() {
		if s, ok := it.Str(); ok && s != "" {
			k.components = append(k.components, entry{s, it})
		}
	}
	// Kustomize applies patchesStrategicMerge, then patches, then (after
	// the namespace, name and label transformers) patchesJson6902.
	for _, it := range r.Get("patchesStrategicMerge").List() {
		p := patchEntry{field: "patchesStrategicMerge", node: it}
		if s, ok := it.Str(); ok {
			if strings.Contains(s, "\n") || strings.Contains(s, "kind:") {
				p.inline = it
			} else {
				p.file = k.resolve(s)
			}
		}
		k.patches = append(k.patches, p)
	}
	for _, f := range []string{"patches", "patchesJson6902"} {
		for _, it := range r.Get(f).List() {
			p := patchEntry{field: f, node: it, target: it.Get("target")}
			if s, ok := it.Get("path").Str(); ok && s != "" {
				p.file = k.resolve(s)
			} else if in := it.Get("patch"); in != nil {
				p.inline = in
			}
			k.patches = append(k.patches, p)
		}
	}
	k.namespace = r.Get("namespace")
	k.namePrefix = r.Get("namePrefix")
	k.nameSuffix = r.Get("nameSuffix")
	k.images = r.Get("images")
	k.replicas = r.Get("replicas")
	k.labels = r.Get("labels")
	k.commonLabels = r.Get("commonLabels")
	k.annotations = r.Get("commonAnnotations")
	for _, g := range []struct{ field, kind string }{{"configMapGenerator", "ConfigMapGenerator"}, {"secretGenerator", "SecretGenerator"}} {
		for _, it := range r.Get(g.field).List() {
			name, _ := it.Get("name").Str()
			k.generators = append(k.generators, generator{kind: g.kind, name: name, node: it})
		}
	}
	k.helmCharts = r.Get("helmCharts").List()
	k.chartHome = "charts"
	if h, ok := r.Path("helmGlobals", "chartHome").Str(); ok && h != "" {
		k.chartHome = h
	}
	k.hasReplacements = r.Get("replacements") != nil || r.Get("vars") != nil
	return k, nil
}

// resolve turns a path written in the file into a repo-relative path.
func (k *kustomization) resolve(p string) string {
	return path.Clean(path.Join(k.dir, p))
}

// remoteRe recognises the remote references Kustomize would fetch: URLs,
// scp-like git addresses and host/org/repo paths (github.com/x/y?ref=v1).
var remoteRe = regexp.MustCompile(`^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+\.[a-zA-Z]{2,}/|[a-zA-Z0-9-]+\.(?:com|org|io|net|dev)/)`)

// isRemote reports whether a resources/components entry is remote.
func isRemote(s string) bool {
	return remoteRe.MatchString(s) || strings.Contains(s, "?ref=") || strings.Contains(s, "?version=")
}

// remoteEntries lists the remote references of the file.
func (k *kustomization) remoteEntries() []entry {
	var out []entry
	for _, f := range remoteListFields {
		for _, it := range k.root.Get(f).List() {
			if s, ok := it.Str(); ok && isRemote(s) {
				out = append(out, entry{s, it})
			}
		}
	}
	for _, f := range remotePathFields {
		for _, it := range k.root.Get(f).List() {
			if s, ok := it.Get("path").Str(); ok && isRemote(s) {
				out = append(out, entry{s, it})
			}
		}
	}
	for _, g := range k.generators {
		for _, src := range []string{"files", "envs"} {
			for _, it := range g.node.Get(src).List() {
				if s, ok := it.Str(); ok && isRemote(generatorSource(s)) {
					out = append(out, entry{generatorSource(s), it})
				}
			}
		}
	}
	return out
}

// include is one local entry of resources (and bases) or components,
// resolved repo-relative.
type include struct {
	e         entry
	component bool
	rel       string
}

// includes lists the local entries of resources (and bases), then
// components, in order: every entry but the remote ones.
func (k *kustomization) includes() []include {
	var out []include
	for _, group := range []struct {
		entries   []entry
		component bool
	}{{k.resources, false}, {k.components, true}} {
		for _, e := range group.entries {
			if !isRemote(e.value) {
				out = append(out, include{e: e, component: group.component, rel: k.resolve(e.value)})
			}
		}
	}
	return out
}

// localDirs lists the directories this kustomization includes (resources,
// bases and components that are not files), repo-relative. exists reports
// whether a path is a directory of the scanned tree.
func (k *kustomization) localDirs(isDir func(string) bool) (bases, comps []string) {
	for _, in := range k.includes() {
		switch {
		case !isDir(in.rel):
		case in.component:
			comps = append(comps, in.rel)
		default:
			bases = append(bases, in.rel)
		}
	}
	return bases, comps
}

// referencedFiles lists every local path the file names (resources,
// patches, generator inputs, charts...), repo-relative: the pre-commit hook
// maps a changed file to the kustomizations that read it.
func (k *kustomization) referencedFiles() []string {
	var out []string
	add := func(s string) {
		if s != "" && !isRemote(s) {
			out = append(out, k.resolve(s))
		}
	}
	for _, group := range [][]entry{k.resources, k.components} {
		for _, e := range group {
			add(e.value)
		}
	}
	for _, p := range k.patches {
		if p.file != "" {
			out = append(out, p.file)
		}
	}
	for _, g := range k.generators {
		for _, f := range []string{"files", "envs"} {
			for _, s := range g.node.Get(f).Strings() {
				if i := strings.Index(s, "="); i >= 0 {
					s = s[i+1:]
				}
				add(s)
			}
		}
		if s, ok := g.node.Get("env").Str(); ok {
			add(s)
		}
	}
	for _, f := range []string{"crds", "configurations", "transformers", "generators", "validators"} {
		for _, s := range k.root.Get(f).Strings() {
			if !strings.Contains(s, "\n") {
				add(s)
			}
		}
	}
	for _, it := range k.root.Get("replacements").List() {
		if s, ok := it.Get("path").Str(); ok {
			add(s)
		}
	}
	for _, h := range k.helmCharts {
		name, _ := h.Get("name").Str()
		add(path.Join(k.chartHome, name))
		if s, ok := h.Get("valuesFile").Str(); ok {
			add(s)
		}
		for _, s := range h.Get("additionalValuesFiles").Strings() {
			add(s)
		}
	}
	if s, ok := k.root.Path("openapi", "path").Str(); ok {
		add(s)
	}
	return out
}
