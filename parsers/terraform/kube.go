package terraform

import (
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// The Kubernetes provider describes Kubernetes objects with snake_case
// arguments and repeated blocks; pvlint's Kubernetes rules read the API
// shape. The conversion is a naming policy applied while the node tree is
// built (keys of attributes holding maps are data and stay untouched: labels,
// annotations, parameters, requests...), then a few per-kind moves.

type kubeConv struct {
	apiVersion, kind string
}

var kubeKinds = map[string]kubeConv{}

func init() {
	for typ, c := range map[string]kubeConv{
		"storage_class":           {"storage.k8s.io/v1", "StorageClass"},
		"persistent_volume":       {"v1", "PersistentVolume"},
		"persistent_volume_claim": {"v1", "PersistentVolumeClaim"},
		"pod":                     {"v1", "Pod"},
		"deployment":              {"apps/v1", "Deployment"},
		"stateful_set":            {"apps/v1", "StatefulSet"},
		"daemon_set":              {"apps/v1", "DaemonSet"},
		"job":                     {"batch/v1", "Job"},
		"cron_job":                {"batch/v1", "CronJob"},
		"service_account":         {"v1", "ServiceAccount"},
		"secret":                  {"v1", "Secret"},
		"csi_driver":              {"storage.k8s.io/v1", "CSIDriver"},
		"role":                    {"rbac.authorization.k8s.io/v1", "Role"},
		"cluster_role":            {"rbac.authorization.k8s.io/v1", "ClusterRole"},
		"role_binding":            {"rbac.authorization.k8s.io/v1", "RoleBinding"},
		"cluster_role_binding":    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
	} {
		kubeKinds["kubernetes_"+typ] = c
		kubeKinds["kubernetes_"+typ+"_v1"] = c
	}
	kubeKinds["kubernetes_daemonset"] = kubeKinds["kubernetes_daemon_set"]
}

// kubeRepeated are the blocks that are lists in the API, with their field.
var kubeRepeated = map[string]string{
	"container": "containers", "init_container": "initContainers", "ephemeral_container": "ephemeralContainers",
	"volume": "volumes", "volume_mount": "volumeMounts", "volume_device": "volumeDevices",
	"volume_claim_template": "volumeClaimTemplates", "rule": "rules", "subject": "subjects",
	"env": "env", "env_from": "envFrom", "port": "ports", "toleration": "tolerations",
	"image_pull_secrets": "imagePullSecrets", "image_pull_secret": "imagePullSecrets", "host_aliases": "hostAliases",
	"topology_spread_constraint": "topologySpreadConstraints", "match_expressions": "matchExpressions",
	"match_label_expressions": "matchLabelExpressions", "allowed_topologies": "allowedTopologies",
	"match_fields": "matchFields", "items": "items", "sources": "sources", "option": "options",
	"readiness_gate": "readinessGates", "node_selector_term": "nodeSelectorTerms", "http_header": "httpHeaders",
	"sysctl": "sysctls", "cluster_role_selectors": "clusterRoleSelectors", "owner_references": "ownerReferences",
	"preferred_during_scheduling_ignored_during_execution": "preferredDuringSchedulingIgnoredDuringExecution",
}

// kubeSpecial are the names generic camelCase gets wrong.
var kubeSpecial = map[string]string{
	"storage_provisioner": "provisioner", "host_pid": "hostPID", "host_ipc": "hostIPC",
	"non_resource_urls": "nonResourceURLs", "volume_id": "volumeID", "disk_uri": "diskURI",
	"cluster_ip": "clusterIP", "external_ips": "externalIPs", "load_balancer_ip": "loadBalancerIP",
	"pod_ip": "podIP", "target_wwns": "targetWWNs",
}

// kubeProviderOnly are top-level arguments of the provider, not of the object.
var kubeProviderOnly = map[string]bool{
	"waitForRollout": true, "waitForCompletion": true, "waitUntilBound": true, "waitForLoadBalancer": true,
	"timeouts": true, "fieldManager": true, "computedFields": true, "wait": true,
}

func kubeNamer(name string, isBlock bool) (string, bool) {
	if isBlock {
		if plural, ok := kubeRepeated[name]; ok {
			return plural, false
		}
	}
	if s, ok := kubeSpecial[name]; ok {
		return s, true
	}
	return camel(name), true
}

// camel turns snake_case into camelCase.
func camel(s string) string {
	parts := strings.Split(s, "_")
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1:] {
		if p == "" {
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

// toKube gives a converted Terraform resource its Kubernetes identity and
// moves the few fields whose place differs from the API.
func toKube(res *graph.Resource, c kubeConv) {
	root := res.Root
	removeKeys(root, func(k string) bool { return kubeProviderOnly[k] })
	switch c.kind {
	case "PersistentVolume":
		// persistent_volume_source { csi {...} } is spec.csi in the API.
		if spec := root.Get("spec"); spec != nil && spec.Kind == graph.Map {
			if i := indexOf(spec, "persistentVolumeSource"); i >= 0 {
				src := spec.Children()[i]
				kids := append([]*graph.Node(nil), spec.Children()[:i]...)
				if src.Kind == graph.Map {
					kids = append(kids, src.Children()...)
				}
				spec.SetChildren(append(kids, spec.Children()[i+1:]...))
			}
		}
	case "ServiceAccount":
		if i := indexOf(root, "secret"); i >= 0 {
			root.RenameAt(i, "secrets")
			if n := root.Children()[i]; n.Kind == graph.Map {
				l := graph.NewList(n.Pos())
				l.SetKeyPos(n.KeyPos())
				l.Append(n)
				root.SetChild(i, l)
			}
		}
	}
	setIdentity(res, c.apiVersion, c.kind, true)
}

// toManifest makes a kubernetes_manifest its manifest object, when the
// manifest's apiVersion and kind are known.
func toManifest(res *graph.Resource) {
	m := res.Root.Get("manifest")
	api, ok1 := m.Get("apiVersion").Str()
	kind, ok2 := m.Get("kind").Str()
	if m == nil || m.Kind != graph.Map || !ok1 || !ok2 || api == "" || kind == "" {
		return
	}
	res.Root = m
	setIdentity(res, api, kind, false)
}

func setIdentity(res *graph.Resource, apiVersion, kind string, prepend bool) {
	res.APIVersion, res.Kind = apiVersion, kind
	res.Name, _ = res.Root.Path("metadata", "name").Str()
	if res.Name == "" {
		res.Name, _ = res.Root.Path("metadata", "generateName").Str()
	}
	res.Namespace, _ = res.Root.Path("metadata", "namespace").Str()
	if prepend {
		root := res.Root
		root.Insert(0, "apiVersion", res.KindPos, graph.NewScalar(apiVersion, graph.TagString, res.KindPos))
		root.Insert(1, "kind", res.KindPos, graph.NewScalar(kind, graph.TagString, res.KindPos))
	}
}

func indexOf(n *graph.Node, key string) int {
	for i := range n.Len() {
		k := n.KeyAt(i)
		if k == key {
			return i
		}
	}
	return -1
}

func removeKeys(n *graph.Node, drop func(string) bool) {
	n.Filter(func(k string, _ *graph.Node) bool { return !drop(k) })
}
