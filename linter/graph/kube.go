package graph

import "github.com/pvlint/pvlint/internal/parallel"

// clusterScoped lists the built-in kinds that have no namespace. Custom
// resources are taken as namespaced unless they name a namespace of "".
var clusterScoped = map[string]bool{
	"StorageClass": true, "PersistentVolume": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"Namespace": true, "Node": true, "CSIDriver": true, "CSINode": true, "VolumeAttachment": true,
	"VolumeSnapshotClass": true, "VolumeSnapshotContent": true, "CustomResourceDefinition": true,
	"PriorityClass": true, "RuntimeClass": true, "MutatingWebhookConfiguration": true,
	"ValidatingWebhookConfiguration": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "APIService": true, "IngressClass": true,
	"PodSecurityPolicy": true, "CertificateSigningRequest": true, "VolumeAttributesClass": true,
}

// ClusterScoped reports whether a Kubernetes kind has no namespace.
func ClusterScoped(kind string) bool { return clusterScoped[kind] }

// Container is one container of a pod spec with its list.
type Container struct {
	Node *Node
	List string // containers, initContainers or ephemeralContainers
}

// Containers returns every container, init container and ephemeral container
// of a pod spec.
func Containers(spec *Node) []Container {
	var out []Container
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range spec.Get(list).List() {
			if c.Kind == Map {
				out = append(out, Container{Node: c, List: list})
			}
		}
	}
	return out
}

// Volume is an entry of a pod spec's volumes.
type Volume struct {
	Node *Node
	Name string
}

// Volumes returns the pod spec's volumes.
func Volumes(spec *Node) []Volume {
	var out []Volume
	for _, v := range spec.Get("volumes").List() {
		name, _ := v.Get("name").Str()
		out = append(out, Volume{Node: v, Name: name})
	}
	return out
}

// StorageClassName reads a claim spec's class: name and whether it was set.
// A set empty string means "no class" (static binding only).
func StorageClassName(claimSpec *Node) (string, *Node, bool) {
	n := claimSpec.Get("storageClassName")
	if n == nil || n.Kind == Null {
		return "", nil, false
	}
	s, _ := n.Str()
	return s, n, true
}

// defaultClasses finds the StorageClasses annotated as the default.
func (g *Graph) defaultClasses() {
	for _, sc := range g.byKind["StorageClass"] {
		if v, ok := sc.Annotation("storageclass.kubernetes.io/is-default-class"); ok && v == "true" {
			if g.DefaultClass == nil {
				g.DefaultClass = sc
			}
			g.defaults = append(g.defaults, sc)
		}
	}
}

// linker collects the edges that one resource's references make, for
// linkObjects to add.
type linker struct {
	g     *Graph
	edges []*Edge
}

func (l *linker) add(e *Edge) { l.edges = append(l.edges, e) }

// linkObjects links every Kubernetes object: its claims, classes,
// volumes, ServiceAccounts and roles (linkKube), then the Secrets that
// unlock its storage (linkSecrets). Resolving only reads the graph, so
// each object's edges are found on every core; they are added in graph
// order, all of linkKube's before linkSecrets', as a serial pass adds them.
func (g *Graph) linkObjects() {
	kube := make([][]*Edge, len(g.Resources))
	secrets := make([][]*Edge, len(g.Resources))
	parallel.For(len(g.Resources), func(i int) {
		r := g.Resources[i]
		if !r.IsKubernetes() {
			return
		}
		l := linker{g: g}
		l.linkKube(r)
		kube[i], l.edges = l.edges, nil
		l.linkSecrets(r)
		secrets[i] = l.edges
	})
	for _, pass := range [][][]*Edge{kube, secrets} {
		for _, edges := range pass {
			for _, e := range edges {
				g.AddEdge(e)
			}
		}
	}
}

func (l *linker) linkKube(r *Resource) {
	g := l.g
	switch {
	case r.IsWorkload():
		l.linkWorkload(r)
	case r.Kind == "PersistentVolumeClaim":
		l.linkClaimClass(r, r.Root.Get("spec"), r.Root.Get("spec"))
		if n := r.Root.Path("spec", "volumeName"); n != nil {
			if name, ok := n.Str(); ok && name != "" {
				l.add(&Edge{Kind: BindsVolume, From: r, To: g.Resolve(r, "PersistentVolume", "", name), At: n, Name: name})
			}
		}
	case r.Kind == "PersistentVolume":
		if name, n, ok := StorageClassName(r.Root.Get("spec")); ok && name != "" {
			l.add(&Edge{Kind: UsesClass, From: r, To: g.Resolve(r, "StorageClass", "", name), At: n, Name: name})
		}
		if ref := r.Root.Path("spec", "claimRef"); ref != nil {
			name, _ := ref.Get("name").Str()
			ns, _ := ref.Get("namespace").Str()
			if ns == "" {
				ns = "default"
			}
			if name != "" {
				l.add(&Edge{Kind: ClaimedBy, From: r, To: g.Resolve(r, "PersistentVolumeClaim", ns, name), At: ref, Name: ns + "/" + name})
			}
		}
	case r.Kind == "RoleBinding" || r.Kind == "ClusterRoleBinding":
		l.linkBinding(r)
	}
}

// linkClaimClass links owner to the StorageClass its claim spec resolves to:
// the named class, the default class when none is named, or nothing for "".
func (l *linker) linkClaimClass(owner *Resource, spec *Node, template *Node) {
	g := l.g
	kind := UsesClass
	if owner.Kind != "PersistentVolumeClaim" {
		kind = ClaimTemplateClass
	}
	name, n, set := StorageClassName(spec)
	if !set && owner.Kind == "PersistentVolumeClaim" {
		// The beta annotation predates spec.storageClassName and still wins
		// when the field is absent.
		if a := owner.Root.Path("metadata", "annotations", "volume.beta.kubernetes.io/storage-class"); a != nil {
			name, _ = a.Str()
			n, set = a, true
		}
	}
	if set && name == "" {
		return // static binding: no class
	}
	e := &Edge{Kind: kind, From: owner, At: n, Name: name}
	if owner.Kind != "PersistentVolumeClaim" {
		e.Via = template
	}
	if set {
		e.To = g.Resolve(owner, "StorageClass", "", name)
	} else {
		e.DefaultClass = true
		e.To = g.defaultClassFor(owner)
		if e.To != nil {
			e.Name = e.To.Name
		}
	}
	l.add(e)
}

func (l *linker) linkWorkload(r *Resource) {
	for _, t := range r.PodTemplates() {
		l.linkPodTemplate(r, t)
	}
}

// linkPodTemplate links one pod spec of r: its claims, claim templates and
// ServiceAccount.
func (l *linker) linkPodTemplate(r *Resource, t PodTemplate) {
	g := l.g
	spec := t.Spec
	for _, v := range Volumes(spec) {
		if pvc := v.Node.Get("persistentVolumeClaim"); pvc != nil {
			cn := pvc.Get("claimName")
			if name, ok := cn.Str(); ok && name != "" {
				l.add(&Edge{Kind: UsesClaim, From: r, To: g.Resolve(r, "PersistentVolumeClaim", r.Namespace, name), At: cn, Via: v.Node, Name: name})
			}
		}
		if tmpl := v.Node.Path("ephemeral", "volumeClaimTemplate"); tmpl != nil {
			l.linkClaimClass(r, tmpl.Get("spec"), tmpl)
		}
	}
	for _, ct := range t.Claims.List() {
		l.linkClaimClass(r, ct.Get("spec"), ct)
	}
	if t.VM {
		return // a VirtualMachineInstance names no ServiceAccount of its own
	}
	sa := "default"
	at := spec.Get("serviceAccountName")
	if s, ok := at.Str(); ok && s != "" {
		sa = s
	} else if n := spec.Get("serviceAccount"); n != nil { // deprecated alias
		if s, ok := n.Str(); ok && s != "" {
			sa, at = s, n
		}
	}
	l.add(&Edge{Kind: RunsAs, From: r, To: g.Resolve(r, "ServiceAccount", r.Namespace, sa), At: at, Name: sa})
}

func (l *linker) linkBinding(r *Resource) {
	g := l.g
	ref := r.Root.Get("roleRef")
	kind, _ := ref.Get("kind").Str()
	name, _ := ref.Get("name").Str()
	if name != "" {
		var to *Resource
		switch kind {
		case "ClusterRole":
			to = g.Resolve(r, "ClusterRole", "", name)
		case "Role":
			to = g.Resolve(r, "Role", r.Namespace, name)
		}
		l.add(&Edge{Kind: GrantsRole, From: r, To: to, At: ref, Name: name})
	}
	for _, s := range r.Root.Get("subjects").List() {
		if k, _ := s.Get("kind").Str(); k != "ServiceAccount" {
			continue
		}
		name, _ := s.Get("name").Str()
		ns, _ := s.Get("namespace").Str()
		if ns == "" {
			ns = r.Namespace // kubectl defaults a ServiceAccount subject to the binding's namespace
		}
		if name != "" {
			l.add(&Edge{Kind: BindsSubject, From: r, To: g.Resolve(r, "ServiceAccount", ns, name), At: s, Name: ns + "/" + name})
		}
	}
}

// defaultClassFor picks the default StorageClass for a claim: with several
// classes annotated as default in the scan (one per environment folder),
// the one the resolver picks among them.
func (g *Graph) defaultClassFor(from *Resource) *Resource {
	return g.Nearest(from, g.defaults)
}
