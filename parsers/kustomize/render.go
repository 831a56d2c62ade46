package kustomize

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// schemaLock: Kustomize keeps the OpenAPI schema in a global. Ordinary
// renders share it (read lock); a kustomization with its own openapi:
// field renders alone.
var schemaLock sync.RWMutex

// Annotations Kustomize adds for buildMetadata, taken off every object.
const (
	originAnnotation      = "config.kubernetes.io/origin"
	transformerAnnotation = "alpha.config.kubernetes.io/transformations"
)

// fallbackNote ends the error of a kustomization that did not render.
const fallbackNote = "the kustomizations it includes are rendered on their own where they can be, and files no render read are linted as written"

type rendered struct {
	res      parsers.Result
	ok       bool
	read     []string
	charts   map[string]bool
	comments []graph.Comment
}

// render builds one root kustomization.
func (p *parser) render(k *kustomization) (out rendered) {
	defer func() {
		if r := recover(); r != nil {
			out = rendered{res: parsers.Result{Errors: []parsers.Error{{File: k.file, Msg: fmt.Sprintf(
				"kustomization %s did not render: internal error: %v (please report it); %s", k.dir, r, fallbackNote)}}}}
		}
	}()
	out.charts = map[string]bool{}
	// Only a render that meets helmCharts needs the namespaces its
	// kustomizations inherit.
	helmNS := sync.OnceValue(func() map[string]string { return p.inheritedNamespaces(k) })
	v := newVFS(p.files)
	var remote []string
	var fatal []string
	var mu sync.Mutex
	v.rewrite = func(rel string, data []byte) ([]byte, error) {
		if !IsKustomizationFile(path.Base(rel)) {
			return data, nil
		}
		kk, err := readKustomization(path.Dir(rel), rel, data)
		if err != nil {
			return data, nil // Kustomize reports it in its own words
		}
		e := edit{root: rel == k.file}
		for _, r := range kk.remoteEntries() {
			e.dropRemote = true
			mu.Lock()
			remote = append(remote, r.value)
			mu.Unlock()
			p.notice(kk.file, fmt.Sprintf("line %d: remote resource %s is not fetched (pvlint uses no network); the kustomization is rendered without it", r.node.Pos().Line, r.value))
		}
		if len(kk.helmCharts) > 0 {
			e.dropHelm = true
			files, errs := p.inflateCharts(kk, v, out.charts, helmNS()[kk.dir])
			e.extraResource = files
			if len(errs) > 0 {
				mu.Lock()
				fatal = append(fatal, errs...)
				mu.Unlock()
				return nil, errors.New(strings.Join(errs, "; "))
			}
		}
		return rewriteKustomization(data, e)
	}

	custom := k.root.Get("openapi") != nil
	if custom {
		schemaLock.Lock()
	} else {
		schemaLock.RLock()
	}
	opts := krusty.MakeDefaultOptions() // load restrictions: root only; no plugins
	m, err := krusty.MakeKustomizer(opts).Run(v, abs(k.dir))
	if custom {
		schemaLock.Unlock()
	} else {
		schemaLock.RUnlock()
	}
	if err != nil {
		msg := cleanError(err.Error())
		if len(fatal) > 0 {
			msg = strings.Join(fatal, "; ")
		}
		if len(remote) > 0 && len(fatal) == 0 {
			msg += fmt.Sprintf(" (it may need %s, which pvlint does not fetch)", strings.Join(dedupe(remote), ", "))
		}
		out.res.Errors = append(out.res.Errors, parsers.Error{File: k.file, Msg: fmt.Sprintf(
			"kustomization %s did not render: %s; %s", k.dir, msg, fallbackNote)})
		return out
	}
	t := p.tree(k)
	for _, r := range m.Resources() {
		gr, err := p.object(k, t, r, v)
		if err != nil {
			out.res.Errors = append(out.res.Errors, parsers.Error{File: k.file, Msg: fmt.Sprintf("kustomization %s: rendered %s: %v", k.dir, r.CurId(), err)})
			continue
		}
		if gr != nil {
			graph.Prune(gr)
			out.res.Resources = append(out.res.Resources, gr)
		}
	}
	out.ok = true
	out.read = v.readFiles()
	for _, f := range out.read {
		if !isYAMLName(f) {
			continue
		}
		if data, err := p.files.ReadFile(f); err == nil {
			out.comments = append(out.comments, k8s.Comments(f, data)...)
		}
	}
	out.comments = append(out.comments, v.helmComments...)
	return out
}

func isYAMLName(f string) bool {
	b := strings.ToLower(path.Base(f))
	return strings.HasSuffix(b, ".yaml") || strings.HasSuffix(b, ".yml") || strings.HasSuffix(b, ".json") || b == "kustomization"
}

// cleanError takes the in-memory mount point out of Kustomize's messages.
func cleanError(msg string) string {
	msg = strings.ReplaceAll(msg, mount+"/", "")
	msg = strings.ReplaceAll(msg, mount, ".")
	if len(msg) > 2000 {
		msg = msg[:2000] + "..."
	}
	return msg
}

func cause(err error) string { return fsgate.Describe(err) }

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// object turns one rendered Kustomize resource into a graph resource
// mapped back to its sources.
func (p *parser) object(root *kustomization, t *layer, r *resource.Resource, v *vfs) (*graph.Resource, error) {
	origin, _ := r.GetOrigin()
	ann := r.GetAnnotations()
	helmIdx := ann[helmIndexAnnotation]
	delete(ann, originAnnotation)
	delete(ann, transformerAnnotation)
	delete(ann, helmIndexAnnotation)
	if err := r.SetAnnotations(ann); err != nil {
		return nil, err
	}
	// Converted straight from Kustomize's node tree: encoding it to YAML
	// and parsing that again was a seventh of a large overlay repository's
	// time. The positions are the attributor's to set (locate clears them).
	opt := k8s.Options{Source: graph.SourceKustomize}
	rs, ok, err := k8s.ParseNode(root.file, r.RNode.YNode(), opt)
	if !ok {
		text, serr := r.RNode.String() // straight from the node tree (AsYAML goes through JSON)
		if serr != nil {
			return nil, serr
		}
		rs, _, err = k8s.ParseBytes(root.file, []byte(text), opt)
	}
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, nil
	}
	gr := rs[0]
	gr.Source = graph.SourceKustomize
	gr.EditOrigin().Kustomization = root.file
	a := newAttributor(p, gr, t)
	a.locate(origin, helmIdx, v)
	gr.EditOrigin().SourceUnit = graph.KustomizeUnit(root.dir, gr.File)
	return gr, nil
}

// hashSuffix is the content hash Kustomize appends to generated names.
var hashSuffix = regexp.MustCompile(`-[bcdfghkmt2-9]{10}$`)
