package kustomize

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/helm"
)

// inheritedNamespaces maps the directory of each kustomization that root
// includes (through resources and components, transitively) to the
// namespace kustomize gives its helmCharts when neither the entry nor the
// kustomization names one: the nearest including kustomization's own
// namespace (api internal/target helmRootNamespace). A kustomization
// reached along two paths takes the first.
func (p *parser) inheritedNamespaces(root *kustomization) map[string]string {
	out := map[string]string{root.dir: ""}
	queue := []*kustomization{root}
	for n := 0; len(queue) > 0 && n < 4096; n++ {
		x := queue[0]
		queue = queue[1:]
		pass := out[x.dir]
		if s, ok := x.namespace.Str(); ok && s != "" {
			pass = s
		}
		for _, in := range x.includes() {
			if _, seen := out[in.rel]; seen {
				continue
			}
			c, _ := p.load(in.rel)
			if c == nil {
				continue
			}
			out[in.rel] = pass
			queue = append(queue, c)
		}
	}
	return out
}

// helmIndexAnnotation marks each object of a rendered chart with its index
// in pvlint's rendering, so the object Kustomize returns is matched to the
// template lines behind it. It is taken off again before linting.
const helmIndexAnnotation = "pvlint.dev/helm-object"

// inflateCharts renders the helmCharts entries of k with pvlint's own Helm
// renderer from charts vendored under chartHome, and adds each chart's
// objects to the render's memory as a file Kustomize then reads as a
// resource (so namespace, prefixes, labels and patches apply as with
// kustomize build --enable-helm). It returns the file names (relative to
// k's directory) and, for entries that cannot render, the reasons.
// inherited is the namespace k's parents pass down (inheritedNamespaces).
func (p *parser) inflateCharts(k *kustomization, v *vfs, charts map[string]bool, inherited string) (files, errs []string) {
	for i, h := range k.helmCharts {
		name, _ := h.Get("name").Str()
		if name == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: helmCharts entry without a name", k.file, h.Pos().Line))
			continue
		}
		version, _ := h.Get("version").Str()
		repo, _ := h.Get("repo").Str()
		home := k.resolve(k.chartHome)
		dir := path.Join(home, name)
		if version != "" && repo != "" {
			if alt := path.Join(home, name+"-"+version, name); p.isChart(alt) {
				dir = alt
			}
		}
		if !p.isChart(dir) {
			from := ""
			if repo != "" {
				from = " from " + repo
			}
			errs = append(errs, fmt.Sprintf("helmCharts entry %q (%s:%d) is not vendored at %s; pvlint renders vendored charts only and never runs helm or downloads%s (vendor it with helm pull --untar into %s)",
				name, k.file, h.Pos().Line, dir, from, home))
			continue
		}
		ho := p.opt.Helm
		ho.Values, ho.Set, ho.SetString, ho.SetFile = nil, nil, nil, nil
		ho.ValuesInTree = true // the kustomization names them, not the user
		if s, ok := h.Get("valuesFile").Str(); ok && s != "" {
			ho.Values = append(ho.Values, k.resolve(s))
		}
		for _, s := range h.Get("additionalValuesFiles").Strings() {
			ho.Values = append(ho.Values, k.resolve(s))
		}
		if in := h.Get("valuesInline"); in != nil && in.Kind == graph.Map {
			m, _ := in.Plain(graph.PlainOptions{}).(map[string]any)
			ho.Inline = append(ho.Inline, helm.InlineValues{Name: fmt.Sprintf("%s:%d (valuesInline)", k.file, in.KeyPos().Line), Values: m})
		}
		if s, ok := h.Get("releaseName").Str(); ok && s != "" {
			ho.ReleaseName = s
		}
		if s, ok := h.Get("namespace").Str(); ok && s != "" {
			ho.Namespace = s
		} else if s, ok := k.namespace.Str(); ok && s != "" {
			// kustomize passes the kustomization's namespace to Helm when
			// the entry sets none (api internal/target, kustomize#5566),
			// or else the one its parents pass down.
			ho.Namespace = s
		} else if inherited != "" {
			ho.Namespace = inherited
		}
		if s, ok := h.Get("kubeVersion").Str(); ok && s != "" {
			ho.KubeVersion = s
		}
		ho.APIVersions = append(append([]string(nil), ho.APIVersions...), h.Get("apiVersions").Strings()...)
		render := p.opt.RenderChart
		if render == nil {
			render = func(chart string, o helm.Options) parsers.Result { return helm.Render(p.opt.Root, chart, o) }
		}
		res := render(dir, ho)
		if len(res.Errors) > 0 {
			for _, e := range res.Errors {
				errs = append(errs, e.Error())
			}
			continue
		}
		for _, n := range res.Notices {
			p.notice(n.File, n.Msg)
		}
		var b strings.Builder
		for j, r := range res.Resources {
			val, ok := r.Root.Plain(graph.PlainOptions{}).(map[string]any)
			if !ok {
				continue
			}
			meta, _ := val["metadata"].(map[string]any)
			if meta == nil {
				meta = map[string]any{}
				val["metadata"] = meta
			}
			ann, _ := meta["annotations"].(map[string]any)
			if ann == nil {
				ann = map[string]any{}
				meta["annotations"] = ann
			}
			ann[helmIndexAnnotation] = strconv.Itoa(j)
			out, err := yaml.Marshal(val)
			if err != nil {
				continue
			}
			b.WriteString("---\n")
			b.Write(out)
		}
		rel := path.Join(k.dir, fmt.Sprintf(".pvlint-helm-%d-%s.yaml", i, name))
		v.addVirtual(rel, []byte(b.String()))
		v.addHelm(rel, res.Resources, res.Comments)
		charts[dir] = true
		files = append(files, path.Base(rel))
	}
	return files, errs
}

func (p *parser) isChart(dir string) bool {
	st, err := p.files.Stat(path.Join(dir, "Chart.yaml"))
	return err == nil && st.Mode().IsRegular()
}

// helmSource returns the chart object behind a rendered object whose origin
// is one of the render's chart files.
func (v *vfs) helmSource(file, idx string) (*graph.Resource, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	rs, ok := v.helm[file]
	if !ok {
		return nil, false
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(rs) {
		return nil, false
	}
	return rs[i], true
}

func (v *vfs) addHelm(file string, rs []*graph.Resource, cs []graph.Comment) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.helm == nil {
		v.helm = map[string][]*graph.Resource{}
	}
	v.helm[file] = rs
	v.helmComments = append(v.helmComments, cs...)
}

// helmObject maps an object of a vendored chart: the chart's template
// lines are its base, then the kustomization's patches and transformers.
func (a *attributor) helmObject(file string, hs *graph.Resource) {
	def := a.tree.find(func(l *layer) bool { return l.k.dir == path.Dir(file) })
	if def == nil {
		def = a.tree
	}
	a.chain = def.chain()
	a.res.EditOrigin().Chart, a.res.EditOrigin().Template, a.res.EditOrigin().Values = hs.Origin().Chart, hs.Origin().Template, hs.Origin().Values
	a.res.EditOrigin().Rendered = hs.Origin().Rendered
	a.fromSource(hs)
}
