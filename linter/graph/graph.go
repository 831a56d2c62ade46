package graph

import (
	"sort"
	"strings"
	"sync"

	"github.com/pvlint/pvlint/internal/parallel"
)

// EdgeKind names a relation between two resources.
type EdgeKind uint8

const (
	UsesClaim          EdgeKind = iota // workload → PersistentVolumeClaim (volumes[].persistentVolumeClaim)
	ClaimTemplateClass                 // workload → StorageClass (StatefulSet volumeClaimTemplates, ephemeral volumes)
	UsesClass                          // PVC or PV → StorageClass
	BindsVolume                        // PVC → PV (spec.volumeName)
	ClaimedBy                          // PV → PVC (spec.claimRef)
	RunsAs                             // workload → ServiceAccount
	GrantsRole                         // RoleBinding/ClusterRoleBinding → Role/ClusterRole
	BindsSubject                       // binding → ServiceAccount (users and groups have no node)
	UsesKey                            // StorageClass, disk, cluster → KMS key (cross-source too)
	AliasOf                            // aws_kms_alias → aws_kms_key
	BackedBy                           // PersistentVolume → cloud disk
	Refers                             // any other Terraform reference
	UsesSecret                         // StorageClass, PV, workload volume, Velero location → Secret (Name: the role)
)

var edgeNames = [...]string{"uses-claim", "claim-template-class", "uses-class", "binds-volume",
	"claimed-by", "runs-as", "grants-role", "binds-subject", "uses-key", "alias-of", "backed-by", "refers", "uses-secret"}

func (k EdgeKind) String() string {
	if int(k) < len(edgeNames) {
		return edgeNames[k]
	}
	return "edge"
}

// Edge links two resources. To is nil when the target is not in the scanned
// set (it may already live in the cluster or the cloud); Name then says what
// was asked for.
type Edge struct {
	Kind EdgeKind
	From *Resource
	To   *Resource
	At   *Node  // the field on From that makes the link
	Via  *Node  // for claim templates: the template itself
	Name string // the target's name as written ("" for "no class")
	// DefaultClass is true when a claim named no class and the edge points
	// at the class annotated as the default.
	DefaultClass bool
}

// Graph is every resource of a scan and the edges between them.
type Graph struct {
	Resources []*Resource
	byKey     map[string]*Resource
	byKind    map[string][]*Resource
	// KubeVersion is the Kubernetes release the scan targets.
	KubeVersion KubeVersion
	// DefaultClass is the StorageClass annotated as the cluster default, if any.
	DefaultClass *Resource
	Comments     []Comment

	// dups holds every definition of a key defined more than once.
	dups     map[string][]*Resource
	defaults []*Resource // every StorageClass annotated as the default

	base   []string            // the scan base: the deepest directory holding every file (resolve.go)
	dirs   map[string][]string // each resource directory's parts, split once (resolve.go)
	splits map[string]bool     // environment splits (resolve.go)

	memoMu sync.Mutex
	memo   map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
}

// Options tune Build.
type Options struct {
	// DefaultNamespace is given to namespaced Kubernetes objects that name none.
	DefaultNamespace string
	// KubeVersion is the Kubernetes release the scan targets (default
	// DefaultKubeVersion); an unparsable value is taken as the default
	// (the linter refuses it before).
	KubeVersion string
}

// Build sorts the resources into a deterministic order, defaults namespaces
// and links every edge it can resolve.
func Build(resources []*Resource, comments []Comment, opt Options) *Graph {
	if opt.DefaultNamespace == "" {
		opt.DefaultNamespace = "default"
	}
	g := &Graph{byKey: map[string]*Resource{}, byKind: map[string][]*Resource{}, Comments: comments, memo: map[string]*memoEntry{}}
	kv, err := ParseKubeVersion(opt.KubeVersion)
	if err != nil {
		kv, _ = ParseKubeVersion(DefaultKubeVersion)
	}
	g.KubeVersion = kv
	for _, r := range resources {
		if r.IsKubernetes() {
			if ClusterScoped(r.Kind) {
				r.Namespace = ""
			} else if r.Namespace == "" {
				r.Namespace = opt.DefaultNamespace
			}
		}
	}
	sort.SliceStable(resources, func(i, j int) bool { return lessResource(resources[i], resources[j]) })
	g.Resources = resources
	for _, r := range resources {
		k := r.Key()
		if first, dup := g.byKey[k]; !dup {
			g.byKey[k] = r
		} else {
			if g.dups == nil {
				g.dups = map[string][]*Resource{}
			}
			if len(g.dups[k]) == 0 {
				g.dups[k] = []*Resource{first}
			}
			g.dups[k] = append(g.dups[k], r)
		}
		g.byKind[r.Kind] = append(g.byKind[r.Kind], r)
	}
	findAllPodTemplates(resources)
	sort.SliceStable(g.Comments, func(i, j int) bool {
		a, b := g.Comments[i], g.Comments[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	g.prepareScopes()
	g.defaultClasses()
	g.linkObjects()
	g.linkRefs()
	linkCrossSource(g)
	return g
}

func lessResource(a, b *Resource) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Doc != b.Doc {
		return a.Doc < b.Doc
	}
	if a.Start.Line != b.Start.Line {
		return a.Start.Line < b.Start.Line
	}
	return a.Key() < b.Key()
}

// Lookup returns the resource with the given key, or nil.
func (g *Graph) Lookup(key string) *Resource { return g.byKey[key] }

// Kube returns the Kubernetes object kind/namespace/name, or nil.
func (g *Graph) Kube(kind, namespace, name string) *Resource {
	if ClusterScoped(kind) {
		namespace = ""
	}
	return g.byKey[KubeKey(kind, namespace, name)]
}

// definitions returns every definition of key, in graph order.
func (g *Graph) definitions(key string) []*Resource {
	if d := g.dups[key]; len(d) > 0 {
		return d
	}
	if r := g.byKey[key]; r != nil {
		return []*Resource{r}
	}
	return nil
}

// Duplicates returns the keys defined more than once, each with every
// definition in file order; keys sorted.
func (g *Graph) Duplicates() [][]*Resource {
	keys := make([]string, 0, len(g.dups))
	for k := range g.dups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][]*Resource, 0, len(keys))
	for _, k := range keys {
		out = append(out, g.dups[k])
	}
	return out
}

// OfKind returns every resource of a kind (or Terraform type), in order.
func (g *Graph) OfKind(kinds ...string) []*Resource {
	if len(kinds) == 1 {
		return g.byKind[kinds[0]]
	}
	var out []*Resource
	for _, k := range kinds {
		out = append(out, g.byKind[k]...)
	}
	if len(kinds) > 1 {
		sort.SliceStable(out, func(i, j int) bool { return lessResource(out[i], out[j]) })
	}
	return out
}

// AddEdge links from to to (to may be nil for a missing target).
func (g *Graph) AddEdge(e *Edge) {
	e.From.Out = append(e.From.Out, e)
	if e.To != nil {
		e.To.In = append(e.To.In, e)
	}
}

// Memo computes a value once per graph and shares it between rules (for
// example the effective RBAC permissions). Safe for concurrent use.
func (g *Graph) Memo(key string, compute func() any) any {
	g.memoMu.Lock()
	e := g.memo[key]
	if e == nil {
		e = &memoEntry{}
		g.memo[key] = e
	}
	g.memoMu.Unlock()
	e.once.Do(func() { e.v = compute() })
	return e.v
}

// ForgetMemos drops what Memo computed (indexes the rules shared, such as
// the custom rules' CEL values of every object): once the rules have run,
// a scan keeps the graph and its findings only.
func (g *Graph) ForgetMemos() {
	g.memoMu.Lock()
	g.memo = map[string]*memoEntry{}
	g.memoMu.Unlock()
}

// OutOf returns r's edges of the given kind.
func (r *Resource) OutOf(kind EdgeKind) []*Edge {
	var out []*Edge
	for _, e := range r.Out {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// InOf returns the edges of the given kind that point at r.
func (r *Resource) InOf(kind EdgeKind) []*Edge {
	var out []*Edge
	for _, e := range r.In {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (g *Graph) linkRefs() {
	for _, r := range g.Resources {
		for _, ref := range r.Refs() {
			to := g.Nearest(r, g.definitions(ref.To))
			if to == nil || to == r {
				continue
			}
			kind := Refers
			switch {
			case r.Kind == "aws_kms_alias" && to.Kind == "aws_kms_key":
				kind = AliasOf
			case isKeyType(to.Kind):
				kind = UsesKey
			case r.Kind == "PersistentVolume" && r.IsKubernetes() && isDiskType(to.Kind):
				// volume_handle = aws_ebs_volume.data.id: the ID is known only
				// after apply, the reference says which disk backs the volume.
				kind = BackedBy
			}
			g.AddEdge(&Edge{Kind: kind, From: r, To: to, At: r.Root.Path(ref.Path...), Name: to.Origin().Address})
		}
	}
}

// diskTypes are the Terraform resources a PersistentVolume can be backed by.
var diskTypes = []string{"aws_ebs_volume", "google_compute_disk", "google_compute_region_disk", "azurerm_managed_disk", "aws_efs_file_system"}

func isDiskType(t string) bool {
	for _, d := range diskTypes {
		if d == t {
			return true
		}
	}
	return false
}

func isKeyType(t string) bool {
	switch t {
	case "aws_kms_key", "aws_kms_alias", "aws_kms_replica_key", "aws_kms_external_key",
		"google_kms_crypto_key", "azurerm_key_vault_key", "azurerm_disk_encryption_set":
		return true
	}
	return false
}

// linkCrossSource joins Kubernetes objects to the Terraform resources behind
// them: a StorageClass kmsKeyId to the aws_kms_key or aws_kms_alias declared
// in Terraform, and a PV's CSI volumeHandle to the disk it names.
func linkCrossSource(g *Graph) {
	keys := g.byKind["aws_kms_key"]
	aliases := g.byKind["aws_kms_alias"]
	if len(keys)+len(aliases) > 0 {
		for _, sc := range g.byKind["StorageClass"] {
			if !sc.IsKubernetes() {
				continue
			}
			params := sc.Root.Get("parameters")
			for _, name := range []string{"kmsKeyId", "kmskeyid", "kmsKeyID"} {
				n := params.Get(name)
				if v, ok := n.Str(); ok && v != "" {
					if to := g.Nearest(sc, matchAWSKey(v, keys, aliases)); to != nil {
						g.AddEdge(&Edge{Kind: UsesKey, From: sc, To: to, At: n, Name: v})
					}
				}
			}
		}
	}
	// EFS classes provision access points on the file system they name:
	// fileSystemId written as the file system's ID, or a Terraform
	// reference to it (kubernetes_storage_class_v1).
	for _, sc := range g.byKind["StorageClass"] {
		if p, _ := sc.Root.Get("provisioner").Str(); p != "efs.csi.aws.com" {
			continue
		}
		n := sc.Root.Path("parameters", "fileSystemId")
		linked := false
		for _, e := range sc.OutOf(Refers) {
			if e.To != nil && e.To.Kind == "aws_efs_file_system" {
				g.AddEdge(&Edge{Kind: BackedBy, From: sc, To: e.To, At: e.At, Name: e.Name})
				linked = true
			}
		}
		if h, ok := n.Str(); ok && h != "" && !linked {
			for _, d := range g.byKind["aws_efs_file_system"] {
				if diskMatches(d, h) {
					g.AddEdge(&Edge{Kind: BackedBy, From: sc, To: d, At: n, Name: h})
				}
			}
		}
	}
	for _, pv := range g.byKind["PersistentVolume"] {
		n := pv.Root.Path("spec", "csi", "volumeHandle")
		h, ok := n.Str()
		if !ok || h == "" {
			continue
		}
		var disks []*Resource
		for _, t := range diskTypes {
			for _, d := range g.byKind[t] {
				if diskMatches(d, h) {
					disks = append(disks, d)
				}
			}
		}
		sort.SliceStable(disks, func(i, j int) bool { return lessResource(disks[i], disks[j]) })
		if d := g.Nearest(pv, disks); d != nil {
			g.AddEdge(&Edge{Kind: BackedBy, From: pv, To: d, At: n, Name: h})
		}
	}
}

// matchAWSKey returns the keys or aliases a kmsKeyId (ARN, key ID,
// alias/NAME or alias ARN) names, in graph order; the resolver picks one.
func matchAWSKey(v string, keys, aliases []*Resource) []*Resource {
	var out []*Resource
	name := v
	if i := strings.Index(v, ":alias/"); i >= 0 && strings.HasPrefix(v, "arn:") {
		name = v[i+1:]
	}
	if strings.HasPrefix(name, "alias/") {
		for _, a := range aliases {
			if n, ok := a.Root.Get("name").Str(); ok && n == name {
				out = append(out, a)
			}
		}
		return out
	}
	id := v
	if i := strings.LastIndex(v, ":key/"); i >= 0 {
		id = v[i+len(":key/"):]
	}
	for _, k := range keys {
		for _, attr := range []string{"key_id", "id", "arn"} {
			if s, ok := k.Root.Get(attr).Str(); ok && s != "" && (s == v || s == id) {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

func diskMatches(d *Resource, handle string) bool {
	for _, attr := range []string{"id", "name", "volume_id"} {
		if s, ok := d.Root.Get(attr).Str(); ok && s != "" {
			if s == handle || strings.HasSuffix(handle, "/"+s) {
				return true
			}
		}
	}
	return false
}

// findAllPodTemplates finds every resource's pod templates on every core:
// each is a walk of its own resource's tree and nothing else, and Build is
// otherwise serial.
func findAllPodTemplates(resources []*Resource) {
	parallel.For(len(resources), func(i int) {
		r := resources[i]
		r.templates, r.templatesSet = findPodTemplates(r), true
	})
}

// DropTrees lets the garbage collector have what only the rules read: every
// resource's node tree, pod templates, references and edges, and the
// lookups and memos built over them. A report that names findings by file,
// line, message and resource identity (text, JSON, SARIF, GitHub,
// Markdown) needs none of it, and on a large scan it is most of the live
// heap: dropped before such a report is written, the report's own
// allocations do not stack on top of it. The graph keeps its resources'
// identities (kind, name, namespace, file, origin, positions), so
// Resources, Key, Title, Identity and Unit still answer; nothing may walk
// the graph afterwards.
func (g *Graph) DropTrees() {
	for _, r := range g.Resources {
		r.Root = nil
		r.Terraform = nil
		r.Out, r.In = nil, nil
		r.templates, r.templatesSet = nil, true
	}
	g.byKey, g.byKind, g.dups, g.defaults = nil, nil, nil, nil
	g.DefaultClass = nil
	g.memoMu.Lock()
	g.memo = nil
	g.memoMu.Unlock()
}
