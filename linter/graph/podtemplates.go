package graph

import (
	"strconv"
	"strings"
)

// Pod templates: the one table of the objects that run pods, built-in and
// operators' own kinds, and where their pod specs live. Every workload rule
// walks the templates this file finds, so a kind added here is checked by
// all of them (hostPath, privilege, root writes, gitRepo, images, tokens).

// podKind is a kind that runs pods: where its pod specs live (a "*" step
// visits every item of a list) and, for kinds that stamp out claims per
// pod, where its claim templates live relative to the same owner.
type podKind struct {
	Group string // API group of apiVersion; "" matches any group (built-in kinds)
	Kind  string
	Specs [][]string
	// Claims are the volumeClaimTemplates paths, relative to the object
	// root, paired with Specs by index ("*" steps bind to the same item).
	Claims [][]string
	// VM: the template is a KubeVirt VirtualMachineInstance spec (volumes,
	// no containers); hostDisk volumes are files of the node.
	VM bool
}

var podKinds = []podKind{
	{Kind: "Pod", Specs: [][]string{{"spec"}}},
	{Kind: "Deployment", Specs: [][]string{{"spec", "template", "spec"}}},
	{Kind: "StatefulSet", Specs: [][]string{{"spec", "template", "spec"}}, Claims: [][]string{{"spec", "volumeClaimTemplates"}}},
	{Kind: "DaemonSet", Specs: [][]string{{"spec", "template", "spec"}}},
	{Kind: "ReplicaSet", Specs: [][]string{{"spec", "template", "spec"}}},
	{Kind: "ReplicationController", Specs: [][]string{{"spec", "template", "spec"}}},
	{Kind: "Job", Specs: [][]string{{"spec", "template", "spec"}}},
	{Kind: "CronJob", Specs: [][]string{{"spec", "jobTemplate", "spec", "template", "spec"}}},
	// Argo Rollouts and OpenShift DeploymentConfig embed a pod template like a Deployment.
	{Group: "argoproj.io", Kind: "Rollout", Specs: [][]string{{"spec", "template", "spec"}}},
	{Group: "apps.openshift.io", Kind: "DeploymentConfig", Specs: [][]string{{"spec", "template", "spec"}}},
	// Elastic Cloud on Kubernetes: podTemplate fields.
	{Group: "elasticsearch.k8s.elastic.co", Kind: "Elasticsearch",
		Specs:  [][]string{{"spec", "nodeSets", "*", "podTemplate", "spec"}},
		Claims: [][]string{{"spec", "nodeSets", "*", "volumeClaimTemplates"}}},
	{Group: "kibana.k8s.elastic.co", Kind: "Kibana", Specs: [][]string{{"spec", "podTemplate", "spec"}}},
	{Group: "beat.k8s.elastic.co", Kind: "Beat", Specs: [][]string{
		{"spec", "daemonSet", "podTemplate", "spec"}, {"spec", "deployment", "podTemplate", "spec"}}},
	{Group: "agent.k8s.elastic.co", Kind: "Agent", Specs: [][]string{
		{"spec", "daemonSet", "podTemplate", "spec"}, {"spec", "deployment", "podTemplate", "spec"},
		{"spec", "statefulSet", "podTemplate", "spec"}}},
	{Group: "logstash.k8s.elastic.co", Kind: "Logstash", Specs: [][]string{{"spec", "podTemplate", "spec"}},
		Claims: [][]string{{"spec", "volumeClaimTemplates"}}},
	{Group: "apm.k8s.elastic.co", Kind: "ApmServer", Specs: [][]string{{"spec", "podTemplate", "spec"}}},
	{Group: "enterprisesearch.k8s.elastic.co", Kind: "EnterpriseSearch", Specs: [][]string{{"spec", "podTemplate", "spec"}}},
	{Group: "maps.k8s.elastic.co", Kind: "ElasticMapsServer", Specs: [][]string{{"spec", "podTemplate", "spec"}}},
	// KubeVirt: the VM's template is a VirtualMachineInstance spec.
	{Group: "kubevirt.io", Kind: "VirtualMachine", Specs: [][]string{{"spec", "template", "spec"}}, VM: true},
	{Group: "kubevirt.io", Kind: "VirtualMachineInstance", Specs: [][]string{{"spec"}}, VM: true},
	// Knative Serving: a Service's revision template.
	{Group: "serving.knative.dev", Kind: "Service", Specs: [][]string{{"spec", "template", "spec"}}},
	{Group: "serving.knative.dev", Kind: "Configuration", Specs: [][]string{{"spec", "template", "spec"}}},
}

// WorkloadKinds are the kinds in the table (operator kinds included). Objects
// found by the generic fallback have other kinds: use Graph.Workloads.
var WorkloadKinds = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range podKinds {
		if !seen[k.Kind] {
			seen[k.Kind] = true
			out = append(out, k.Kind)
		}
	}
	return out
}()

// PodTemplate is one pod spec inside a workload object.
type PodTemplate struct {
	Spec *Node
	Path []string // from the object root to Spec
	// Claims are the claim templates that belong with this pod spec
	// (StatefulSet volumeClaimTemplates, ECK nodeSet volumeClaimTemplates).
	Claims *Node
	// VM: a KubeVirt VirtualMachineInstance spec, not a pod spec.
	VM bool
	// Generic: found by the fallback (spec.template.spec.containers or a
	// podTemplate.spec.containers) in a kind the table does not know.
	Generic bool
}

// apiGroup returns the group of an apiVersion ("apps/v1" → "apps", "v1" → "").
func apiGroup(apiVersion string) string {
	if i := strings.Index(apiVersion, "/"); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// podKindOf returns the table entry for r, or nil.
func podKindOf(r *Resource) *podKind {
	g := apiGroup(r.APIVersion)
	var loose *podKind
	for i := range podKinds {
		k := &podKinds[i]
		if k.Kind != r.Kind {
			continue
		}
		if k.Group == g && g != "" {
			return k
		}
		if k.Group == "" {
			loose = k
		}
	}
	if loose != nil && builtinGroup(g) {
		return loose
	}
	if loose != nil && r.APIVersion == "" && r.Source != SourceTerraform {
		return loose
	}
	return nil
}

// builtinGroup: the API groups of the built-in workload kinds.
func builtinGroup(g string) bool {
	switch g {
	case "", "apps", "batch", "extensions":
		return true
	}
	return false
}

// findPodTemplates computes r's pod templates from the table, or by the
// generic fallback for other kinds.
func findPodTemplates(r *Resource) []PodTemplate {
	if r == nil || r.Root == nil || r.Root.Kind != Map || !r.IsKubernetes() {
		return nil
	}
	if k := podKindOf(r); k != nil {
		var out []PodTemplate
		for i, p := range k.Specs {
			var claims []string
			if i < len(k.Claims) {
				claims = k.Claims[i]
			}
			for _, m := range expandPath(r.Root, p, nil) {
				if m.node.Kind != Map {
					continue
				}
				t := PodTemplate{Spec: m.node, Path: m.path, VM: k.VM}
				if claims != nil {
					t.Claims = r.Root.Path(bindStars(claims, m.path)...)
				}
				out = append(out, t)
			}
		}
		return out
	}
	if noPodTemplates[r.Kind] {
		return nil
	}
	return genericPodTemplates(r)
}

// noPodTemplates are the kinds never searched for pod templates: a
// PodTemplate runs no pods, a List's items are objects of their own, and a
// CustomResourceDefinition's spec describes a schema.
var noPodTemplates = map[string]bool{"PodTemplate": true, "List": true, "CustomResourceDefinition": true}

// genericPodTemplates finds spec.template.spec and any podTemplate.spec
// (down to a small depth under spec) that holds a containers list.
func genericPodTemplates(r *Resource) []PodTemplate {
	spec := r.Root.Get("spec")
	if spec == nil || spec.Kind != Map {
		return nil
	}
	var out []PodTemplate
	hasContainers := func(n *Node) bool {
		c := n.Get("containers")
		return c != nil && c.Kind == List
	}
	if t := spec.Path("template", "spec"); t != nil && t.Kind == Map && hasContainers(t) {
		out = append(out, PodTemplate{Spec: t, Path: []string{"spec", "template", "spec"}, Generic: true})
	}
	const maxDepth = 6
	spec.Walk(func(path []string, v *Node) bool {
		if len(path) > maxDepth {
			return false
		}
		if len(path) > 0 && path[len(path)-1] == "podTemplate" {
			if s := v.Get("spec"); s != nil && s.Kind == Map && hasContainers(s) {
				full := append(append([]string{"spec"}, path...), "spec")
				out = append(out, PodTemplate{Spec: s, Path: full, Generic: true})
			}
			return false
		}
		return true
	})
	return out
}

type pathMatch struct {
	node *Node
	path []string
}

// expandPath follows p from n; a "*" step visits every list item.
func expandPath(n *Node, p []string, prefix []string) []pathMatch {
	if n == nil {
		return nil
	}
	if len(p) == 0 {
		return []pathMatch{{node: n, path: append([]string(nil), prefix...)}}
	}
	if p[0] == "*" {
		var out []pathMatch
		for i, it := range n.List() {
			out = append(out, expandPath(it, p[1:], append(prefix[:len(prefix):len(prefix)], itoa(i)))...)
		}
		return out
	}
	return expandPath(n.Get(p[0]), p[1:], append(prefix[:len(prefix):len(prefix)], p[0]))
}

// bindStars replaces the "*" steps of p with the indices at the same
// positions of a concrete path.
func bindStars(p, concrete []string) []string {
	out := append([]string(nil), p...)
	for i := range out {
		if out[i] == "*" && i < len(concrete) {
			out[i] = concrete[i]
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

// PodTemplates returns r's pod specs: computed once by Build, on demand before.
func (r *Resource) PodTemplates() []PodTemplate {
	if r.templatesSet {
		return r.templates
	}
	return findPodTemplates(r)
}

// IsWorkload reports whether r is a Kubernetes object that runs pods.
func (r *Resource) IsWorkload() bool { return len(r.PodTemplates()) > 0 }

// PodSpec returns the first pod spec of a workload, or nil.
func (r *Resource) PodSpec() *Node {
	if ts := r.PodTemplates(); len(ts) > 0 {
		return ts[0].Spec
	}
	return nil
}

// PodSpecPath returns the path from the object root to the pod spec of a
// single-template kind of the table, or nil.
func PodSpecPath(kind string) []string {
	for _, k := range podKinds {
		if k.Kind == kind && len(k.Specs) == 1 && !strings.Contains(strings.Join(k.Specs[0], "/"), "*") {
			return append([]string(nil), k.Specs[0]...) // a copy: callers append to it
		}
	}
	return nil
}

// PodTemplatePath returns the path to the pod template's metadata owner (the
// object for a Pod, spec.template for controllers), or nil.
func PodTemplatePath(kind string) []string {
	p := PodSpecPath(kind)
	if p == nil {
		return nil
	}
	return p[:len(p)-1]
}

// Workloads returns every object of the scan that runs pods, in order.
func (g *Graph) Workloads() []*Resource {
	var out []*Resource
	for _, r := range g.Resources {
		if r.templatesSet && len(r.templates) > 0 {
			out = append(out, r)
		}
	}
	return out
}
