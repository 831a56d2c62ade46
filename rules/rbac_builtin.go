package rules

// Built-in ClusterRoles that the API server creates at start-up and that a
// repository binds to without defining them (a RoleBinding to `edit`). Their
// rules are copied from the bootstrap policy of Kubernetes 1.33
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy, testdata/cluster-roles.yaml
// and controller-roles.yaml), which the "User-facing roles" and "Core
// component roles" sections of the RBAC documentation describe.
//
// Only a chosen few are listed: the user-facing roles (with the aggregation
// labels that make admin ⊃ edit ⊃ view and let a repository's ClusterRoles
// aggregate into them), the storage-related system roles a repository is
// likely to bind a CSI driver or provisioner to, the node roles whose reach
// is large, and the discovery roles Kubernetes itself grants to everyone (so
// that binding them is recognised as harmless). A scanned ClusterRole of the
// same name overrides the built-in.

const (
	rbacAggToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	rbacAggToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	rbacAggToView  = "rbac.authorization.k8s.io/aggregate-to-view"
)

type rbacBuiltinRule struct {
	groups, resources, verbs, names, urls []string
}

type rbacBuiltinRole struct {
	name      string
	labels    map[string]string
	aggregate string // the label (value "true") its aggregationRule selects; "" for none
	rules     []rbacBuiltinRule
}

var (
	rbacRWVerbs    = []string{"create", "delete", "deletecollection", "patch", "update"}
	rbacReadVerbs  = []string{"get", "list", "watch"}
	rbacAllRWVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	rbacEventVerbs = []string{"create", "patch", "update"}
)

func rbacList(v ...string) []string { return v }

var rbacBuiltinRoles = []rbacBuiltinRole{
	{name: "cluster-admin", rules: []rbacBuiltinRule{
		{groups: rbacList("*"), resources: rbacList("*"), verbs: rbacList("*")},
		{urls: rbacList("*"), verbs: rbacList("*")},
	}},
	{name: "admin", aggregate: rbacAggToAdmin},
	{name: "edit", labels: map[string]string{rbacAggToAdmin: "true"}, aggregate: rbacAggToEdit},
	{name: "view", labels: map[string]string{rbacAggToEdit: "true"}, aggregate: rbacAggToView},
	{name: "system:aggregate-to-admin", labels: map[string]string{rbacAggToAdmin: "true"}, rules: []rbacBuiltinRule{
		{groups: rbacList("authorization.k8s.io"), resources: rbacList("localsubjectaccessreviews"), verbs: rbacList("create")},
		{groups: rbacList("rbac.authorization.k8s.io"), resources: rbacList("rolebindings", "roles"), verbs: rbacAllRWVerbs},
	}},
	{name: "system:aggregate-to-edit", labels: map[string]string{rbacAggToEdit: "true"}, rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("serviceaccounts"), verbs: rbacList("impersonate")},
		{groups: rbacList(""), resources: rbacList("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"), verbs: rbacRWVerbs},
		{groups: rbacList(""), resources: rbacList("pods/eviction"), verbs: rbacList("create")},
		{groups: rbacList(""), resources: rbacList("configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"), verbs: rbacRWVerbs},
		{groups: rbacList(""), resources: rbacList("serviceaccounts/token"), verbs: rbacList("create")},
		{groups: rbacList("apps"), resources: rbacList("daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"), verbs: rbacRWVerbs},
		{groups: rbacList("autoscaling"), resources: rbacList("horizontalpodautoscalers"), verbs: rbacRWVerbs},
		{groups: rbacList("batch"), resources: rbacList("cronjobs", "jobs"), verbs: rbacRWVerbs},
		{groups: rbacList("extensions"), resources: rbacList("daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"), verbs: rbacRWVerbs},
		{groups: rbacList("policy"), resources: rbacList("poddisruptionbudgets"), verbs: rbacRWVerbs},
		{groups: rbacList("networking.k8s.io"), resources: rbacList("ingresses", "networkpolicies"), verbs: rbacRWVerbs},
		{groups: rbacList("coordination.k8s.io"), resources: rbacList("leases"), verbs: rbacAllRWVerbs},
	}},
	{name: "system:aggregate-to-view", labels: map[string]string{rbacAggToView: "true"}, rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("namespaces"), verbs: rbacReadVerbs},
		{groups: rbacList("discovery.k8s.io"), resources: rbacList("endpointslices"), verbs: rbacReadVerbs},
		{groups: rbacList("apps"), resources: rbacList("controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"), verbs: rbacReadVerbs},
		{groups: rbacList("autoscaling"), resources: rbacList("horizontalpodautoscalers", "horizontalpodautoscalers/status"), verbs: rbacReadVerbs},
		{groups: rbacList("batch"), resources: rbacList("cronjobs", "cronjobs/status", "jobs", "jobs/status"), verbs: rbacReadVerbs},
		{groups: rbacList("extensions"), resources: rbacList("daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"), verbs: rbacReadVerbs},
		{groups: rbacList("policy"), resources: rbacList("poddisruptionbudgets", "poddisruptionbudgets/status"), verbs: rbacReadVerbs},
		{groups: rbacList("networking.k8s.io"), resources: rbacList("ingresses", "ingresses/status", "networkpolicies"), verbs: rbacReadVerbs},
	}},
	{name: "system:persistent-volume-provisioner", rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("persistentvolumes"), verbs: rbacList("create", "delete", "get", "list", "watch")},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims"), verbs: rbacList("get", "list", "update", "watch")},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("storageclasses"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("events"), verbs: rbacList("watch")},
		{groups: rbacList("", "events.k8s.io"), resources: rbacList("events"), verbs: rbacEventVerbs},
	}},
	{name: "system:volume-scheduler", rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("persistentvolumes"), verbs: rbacList("get", "list", "patch", "update", "watch")},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("storageclasses"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims"), verbs: rbacList("get", "list", "patch", "update", "watch")},
	}},
	{name: "system:controller:persistent-volume-binder", rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("persistentvolumes"), verbs: rbacList("create", "delete", "get", "list", "update", "watch")},
		{groups: rbacList(""), resources: rbacList("persistentvolumes/status"), verbs: rbacList("update")},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims"), verbs: rbacList("get", "list", "update", "watch")},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims/status"), verbs: rbacList("update")},
		{groups: rbacList(""), resources: rbacList("pods"), verbs: rbacList("create", "delete", "get", "list", "watch")},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("storageclasses"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("nodes"), verbs: rbacList("list", "watch")},
		{groups: rbacList("", "events.k8s.io"), resources: rbacList("events"), verbs: rbacEventVerbs},
		{groups: rbacList(""), resources: rbacList("events"), verbs: rbacList("watch")},
	}},
	{name: "system:node", rules: []rbacBuiltinRule{
		{groups: rbacList("authentication.k8s.io"), resources: rbacList("tokenreviews"), verbs: rbacList("create")},
		{groups: rbacList("authorization.k8s.io"), resources: rbacList("localsubjectaccessreviews", "subjectaccessreviews"), verbs: rbacList("create")},
		{groups: rbacList(""), resources: rbacList("services"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("nodes"), verbs: rbacList("create", "get", "list", "watch")},
		{groups: rbacList(""), resources: rbacList("nodes/status"), verbs: rbacList("patch", "update")},
		{groups: rbacList(""), resources: rbacList("nodes"), verbs: rbacList("patch", "update")},
		{groups: rbacList(""), resources: rbacList("events"), verbs: rbacEventVerbs},
		{groups: rbacList(""), resources: rbacList("pods"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("pods"), verbs: rbacList("create", "delete")},
		{groups: rbacList(""), resources: rbacList("pods/status"), verbs: rbacList("patch", "update")},
		{groups: rbacList(""), resources: rbacList("pods/eviction"), verbs: rbacList("create")},
		{groups: rbacList(""), resources: rbacList("configmaps", "secrets"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims", "persistentvolumes"), verbs: rbacList("get")},
		{groups: rbacList(""), resources: rbacList("endpoints"), verbs: rbacList("get")},
		{groups: rbacList("certificates.k8s.io"), resources: rbacList("certificatesigningrequests"), verbs: rbacList("create", "get", "list", "watch")},
		{groups: rbacList("coordination.k8s.io"), resources: rbacList("leases"), verbs: rbacList("create", "delete", "get", "patch", "update")},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("volumeattachments"), verbs: rbacList("get")},
		{groups: rbacList(""), resources: rbacList("serviceaccounts/token"), verbs: rbacList("create")},
		{groups: rbacList(""), resources: rbacList("persistentvolumeclaims/status"), verbs: rbacList("get", "patch", "update")},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("csidrivers"), verbs: rbacReadVerbs},
		{groups: rbacList("storage.k8s.io"), resources: rbacList("csinodes"), verbs: rbacList("create", "delete", "get", "patch", "update")},
		{groups: rbacList("node.k8s.io"), resources: rbacList("runtimeclasses"), verbs: rbacReadVerbs},
	}},
	{name: "system:kubelet-api-admin", rules: []rbacBuiltinRule{
		{groups: rbacList(""), resources: rbacList("nodes"), verbs: rbacReadVerbs},
		{groups: rbacList(""), resources: rbacList("nodes"), verbs: rbacList("proxy")},
		{groups: rbacList(""), resources: rbacList("nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"), verbs: rbacList("*")},
	}},
	// Granted to every user (and the first two to anonymous requests too) by
	// Kubernetes itself: binding them again is harmless.
	{name: "system:basic-user", rules: []rbacBuiltinRule{
		{groups: rbacList("authorization.k8s.io"), resources: rbacList("selfsubjectaccessreviews", "selfsubjectrulesreviews"), verbs: rbacList("create")},
		{groups: rbacList("authentication.k8s.io"), resources: rbacList("selfsubjectreviews"), verbs: rbacList("create")},
	}},
	{name: "system:discovery", rules: []rbacBuiltinRule{
		{urls: rbacList("/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"), verbs: rbacList("get")},
	}},
	{name: "system:public-info-viewer", rules: []rbacBuiltinRule{
		{urls: rbacList("/healthz", "/livez", "/readyz", "/version", "/version/"), verbs: rbacList("get")},
	}},
	{name: "system:service-account-issuer-discovery", rules: []rbacBuiltinRule{
		{urls: rbacList("/.well-known/openid-configuration", "/openid/v1/jwks"), verbs: rbacList("get")},
	}},
}

// rbacPublicRoles are the discovery roles Kubernetes binds to
// system:authenticated (and partly system:unauthenticated) by default.
var rbacPublicRoles = map[string]bool{
	"system:basic-user": true, "system:discovery": true,
	"system:public-info-viewer": true, "system:service-account-issuer-discovery": true,
}
