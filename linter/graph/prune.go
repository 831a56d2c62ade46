package graph

// Memory is spent in proportion to what the rules read, not to the bytes
// of the input: after parsing, Prune drops the parts of Kubernetes objects
// that no rule, suppression or message looks at (ConfigMap data, container
// env and probes, status, managedFields). A rule that starts reading one of
// these fields must take it off the lists below; the rule fixtures run
// through the same pruning, so a missing field shows up as a failing test.

// keptKinds are the kinds whose whole object the rules read.
var keptKinds = map[string]bool{
	"Pod": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"ReplicationController": true, "Job": true, "CronJob": true,
	"PersistentVolumeClaim": true, "PersistentVolume": true, "StorageClass": true,
	"Role": true, "ClusterRole": true, "RoleBinding": true, "ClusterRoleBinding": true,
	"ServiceAccount": true,
	// Storage access (PVL110, PVL111) and backups (PVL5xx, PVL109).
	"CSIDriver": true, "ReferenceGrant": true,
	"BackupStorageLocation": true, "VolumeSnapshotLocation": true, "Schedule": true, "Backup": true,
	// The Ceph image Rook runs (PVL207).
	"CephCluster": true,
}

// secretValueKept is how much of a Secret's value is kept: enough to tell a
// placeholder ("changeme", "") from a credential. Longer values are cut to
// PrunedSecretValue: no rule reads or echoes a secret's value.
const secretValueKept = 64

// PrunedSecretValue replaces a Secret value longer than secretValueKept.
const PrunedSecretValue = "\x00pvlint:long-value"

// droppedContainerFields are the container fields no rule reads.
var droppedContainerFields = map[string]bool{
	"env": true, "envFrom": true, "args": true, "command": true, "ports": true,
	"livenessProbe": true, "readinessProbe": true, "startupProbe": true, "resources": true,
	"lifecycle": true, "resizePolicy": true,
}

// Keep widens pruning for rules loaded at run time (custom rules in CEL):
// what they match is kept whole, so a rule over ConfigMap data or container
// env sees it, while a run of the built-in rules alone keeps its memory.
// The zero Keep prunes as the built-in rules need.
type Keep struct {
	All   bool            // keep every object whole (a rule matches any kind)
	Kinds map[string]bool // kinds kept whole, container env and status included
	// Resources are API resource names (persistentvolumeclaims) kept whole,
	// for rules that match by resource (admission policies); ResourceOf
	// gives a kind's resource name.
	Resources  map[string]bool
	ResourceOf func(kind string) string
}

// IsZero reports whether k keeps nothing beyond the built-in needs.
func (k Keep) IsZero() bool { return !k.All && len(k.Kinds) == 0 && len(k.Resources) == 0 }

func (k Keep) keeps(kind string) bool {
	if k.All || k.Kinds[kind] {
		return true
	}
	return len(k.Resources) > 0 && k.ResourceOf != nil && k.Resources[k.ResourceOf(kind)]
}

// IdentityOnly reports whether PruneKeeping leaves a Kubernetes object of
// apiVersion and kind nothing but apiVersion, kind and metadata: a kind no
// rule reads whole, no Secret, and no pod template. Templates all lie
// under spec, some kinds have none (noPodTemplates), the table's kinds
// have them at known places, and any other kind only where the generic
// search finds a template or podTemplate key: specMayHoldTemplates (called
// only when that decides) reports whether the spec has such a key, or
// anything that could make one (an alias, a merge key). The Kubernetes
// parser uses it to skip converting what would be dropped;
// TestIdentityOnlyAsPrune holds it to PruneKeeping.
func IdentityOnly(apiVersion, kind string, hasSpec bool, specMayHoldTemplates func() bool, keep Keep) bool {
	if kind == "Secret" || keptKinds[kind] || keep.keeps(kind) {
		return false
	}
	if !hasSpec || noPodTemplates[kind] {
		return true
	}
	if podKindOf(&Resource{APIVersion: apiVersion, Kind: kind}) != nil {
		return false
	}
	return !specMayHoldTemplates()
}

// DropsStatus reports whether PruneKeeping drops a top-level status of an
// object of kind: of every kind keep does not keep whole.
func DropsStatus(kind string, keep Keep) bool { return !keep.keeps(kind) }

// DropsManagedFields reports whether PruneKeeping drops an object's
// metadata.managedFields: of every kind keep does not keep whole.
func DropsManagedFields(kind string, keep Keep) bool { return !keep.keeps(kind) }

// Prune trims a Kubernetes object to the fields the rules use. Other kinds
// keep apiVersion, kind and metadata (names, labels and annotations are
// needed for identity, aggregation and suppressions).
func Prune(r *Resource) { PruneKeeping(r, Keep{}) }

// PruneKeeping is Prune that leaves alone what keep asks for.
func PruneKeeping(r *Resource, keep Keep) {
	if r == nil || r.Root == nil || r.Root.Kind != Map || !r.IsKubernetes() {
		return
	}
	if keep.keeps(r.Kind) {
		return
	}
	if meta := r.Root.Get("metadata"); meta != nil {
		meta.remove("managedFields")
	}
	if r.Kind == "Secret" {
		pruneSecret(r.Root)
		return
	}
	templates := findPodTemplates(r)
	if !keptKinds[r.Kind] && len(templates) == 0 {
		r.Root.keep("apiVersion", "kind", "metadata")
		return
	}
	r.Root.remove("status")
	for _, t := range templates {
		for _, c := range Containers(t.Spec) {
			// The Velero server's flags decide what its backups copy (PVL502).
			velero := c.IsVelero()
			c.Node.removeIf(func(k string) bool {
				return droppedContainerFields[k] && !(velero && (k == "args" || k == "command"))
			})
		}
	}
}

// remove deletes key from a map node.
func (n *Node) remove(key string) {
	n.removeIf(func(k string) bool { return k == key })
}

// keep deletes every key of a map node but the given ones.
func (n *Node) keep(keys ...string) {
	n.removeIf(func(k string) bool {
		for _, kk := range keys {
			if k == kk {
				return false
			}
		}
		return true
	})
}

func (n *Node) removeIf(drop func(string) bool) {
	if n == nil || n.Kind != Map {
		return
	}
	n.Filter(func(k string, v *Node) bool {
		if drop(k) {
			v.release()
			return false
		}
		return true
	})
}

// release clears the child arrays of a subtree that pruning dropped. A
// parser hands out child arrays carved from blocks shared by many nodes
// (parsers/k8s's alloc), so a dropped node's array lives on in its block
// as long as any neighbour does, and with it every node it points at: a
// ConfigMap's data, a container's env. The parsers never share a node
// between two places of a tree (an alias is converted again), so nothing
// kept is reachable through a dropped subtree.
func (n *Node) release() {
	kids := n.children()
	for _, k := range kids {
		k.release()
	}
	clear(kids)
}

// pruneSecret keeps a Secret's identity, type and data keys (PVL109 reports
// storage credentials written in the repository), with values cut short.
func pruneSecret(root *Node) {
	root.keep("apiVersion", "kind", "metadata", "type", "data", "stringData")
	for _, key := range []string{"data", "stringData"} {
		root.Get(key).Each(func(_ string, v *Node) {
			if v.Kind == Scalar && len(v.val()) > secretValueKept {
				v.setVal(PrunedSecretValue)
			}
		})
	}
}
