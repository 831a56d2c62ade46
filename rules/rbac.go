package rules

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// rbacRules checks Roles, ClusterRoles and their bindings (PVL301–PVL305 on
// what a role says, PVL306–PVL310 on who gets it and what runs with it).
// The effective permissions come from the shared model in rbac_perms.go.
func rbacRules() []*Rule {
	return []*Rule{
		rbacWildcard,
		rbacStorageWrite,
		rbacSecretsRead,
		rbacEscalation,
		rbacPodExec,
		rbacCreatePodsNearClaims,
		rbacPublicSubject,
		rbacClusterAdmin,
		rbacDefaultServiceAccount,
		rbacWorkloadToken,
		rbacBackupAccess,
	}
}

const (
	refRBAC          = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
	refRBACGood      = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
	refRBACUserRoles = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"
	refRBACDefaults  = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings"
	refRBACEscalate  = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping"
	refImpersonation = "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation"
	refSATokens      = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting"
	refSAAdmin       = "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/"
	refTFRole        = "https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs/resources/cluster_role_v1"
)

// --- PVL301–PVL305: what a role's rules grant ---

// checkRoleRisk reports risk id on every scanned role that carries it: at
// the rule for the role's own rules, at aggregationRule for the rules it
// aggregates. A rule with "*" in apiGroups, resources and verbs is reported
// once, by PVL301. PVL303 also reports bindings of built-in roles that read
// Secrets, since their rules are not in the repository.
func checkRoleRisk(p *Pass, id string) {
	m := rbacOf(p.Graph)
	for _, role := range m.Roles {
		cw, bindings := m.Reach(role)
		namespaced := role.Kind == "Role"
		type hit struct {
			rule *rbacRule
			risk rbacRisk
		}
		var aggregated []hit
		for _, rule := range role.Rules {
			risks := rule.Risks(namespaced)
			k := rbacRiskByID(risks, id)
			if k == nil {
				if rule.Unknown && rule.Role == role {
					p.Undecided(role.Res.AtNode(rule.Node), "%s has a rule that could not be evaluated (an unknown value).", role.Title())
				}
				continue
			}
			if id != "PVL301" && rbacFullWildcard(risks) {
				continue
			}
			if rule.Role != role {
				aggregated = append(aggregated, hit{rule, *k})
				continue
			}
			at := k.At
			if at == nil {
				at = rule.Node
			}
			f := p.Report(role.Res.AtNode(at), "%s %s: %s.%s", role.Title(), k.Phrase, k.What, rbacReachText(role, cw, bindings)).
				With(rbacRiskSeverity(*k, cw))
			rbacRelateBindings(f, bindings)
		}
		if len(aggregated) == 0 {
			if role.Unknown && role.Aggregates {
				p.Undecided(role.Res.At("aggregationRule"), "%s aggregates roles chosen by a selector that could not be evaluated (an unknown value).", role.Title())
			}
			continue
		}
		var sources []string
		sev := None
		for _, h := range aggregated {
			if name := h.rule.Role.Ref(); !rbacContains(sources, name) {
				sources = append(sources, name)
			}
			if s := rbacRiskSeverity(h.risk, cw); s > sev {
				sev = s
			}
		}
		first := aggregated[0]
		more := ""
		if n := len(aggregated) - 1; n > 0 {
			more = " (and " + strconv.Itoa(n) + " more rules)"
			if n == 1 {
				more = " (and 1 more rule)"
			}
		}
		f := p.Report(role.Res.At("aggregationRule"), "%s aggregates %s, which %s: %s%s.%s",
			role.Title(), rbacFew(sources, 3), first.risk.Phrase, first.risk.What, more, rbacReachText(role, cw, bindings)).With(sev)
		for i, h := range aggregated {
			if i == 5 {
				break
			}
			if h.rule.Node != nil {
				f.Related(h.rule.Role.Res.AtNode(h.rule.Node), "%s: %s", h.rule.Role.Title(), h.risk.What)
			}
		}
		rbacRelateBindings(f, bindings)
	}
	switch id {
	case "PVL303":
		checkBuiltinSecretReaders(p, m)
	case "PVL302", "PVL304", "PVL305":
		checkBuiltinRisk(p, m, id)
	}
}

// checkBuiltinRisk reports bindings that grant a built-in role (edit,
// admin, ...) holding the risk id: the role's rules are not in the
// repository, so the binding is where the grant is written. A rule that is
// all wildcards (cluster-admin) is left to PVL308.
func checkBuiltinRisk(p *Pass, m *rbacModel, id string) {
	for _, b := range m.Bindings {
		if b.Role == nil || !b.Role.Builtin() || len(b.Subjects) == 0 {
			continue
		}
		for _, rule := range b.Role.Rules {
			risks := rule.Risks(!b.ClusterWide())
			k := rbacRiskByID(risks, id)
			if k == nil || rbacFullWildcard(risks) {
				continue
			}
			where := "in namespace " + b.Namespace
			if b.ClusterWide() {
				where = "in every namespace"
			}
			p.Report(b.Res.At("roleRef"), "%s binds %s to %s, which %s %s: %s.",
				b.Res.Title(), rbacSubjects(b.Subjects), b.Role.Ref(), k.Phrase, where, k.What).With(rbacRiskSeverity(*k, b.ClusterWide()))
			break
		}
	}
}

// checkBuiltinSecretReaders reports bindings that grant a built-in role
// reading Secrets (admin, edit, cluster-admin, system:node...).
func checkBuiltinSecretReaders(p *Pass, m *rbacModel) {
	for _, b := range m.Bindings {
		if b.Role == nil || !b.Role.Builtin() || len(b.Subjects) == 0 {
			continue
		}
		for _, rule := range b.Role.Rules {
			k := rbacRiskByID(rule.Risks(!b.ClusterWide()), "PVL303")
			if k == nil {
				continue
			}
			where := "in namespace " + b.Namespace
			if b.ClusterWide() {
				where = "in every namespace"
			}
			p.Report(b.Res.At("roleRef"), "%s lets %s read Secrets %s through %s: %s.",
				b.Res.Title(), rbacSubjects(b.Subjects), where, b.Role.Ref(), k.What).With(rbacRiskSeverity(*k, b.ClusterWide()))
			break
		}
	}
}

const rbacRoleRemedyTF = `With Terraform's Kubernetes provider, the same rules are written in ` + "`rule`" + ` blocks of
` + "`kubernetes_role_v1`" + ` or ` + "`kubernetes_cluster_role_v1`" + `.`

var rbacWildcard = &Rule{
	Meta: Meta{
		ID:       "PVL301",
		Name:     "rbac-wildcard",
		Title:    "Role rule uses a wildcard in verbs, resources or apiGroups",
		Severity: High,
		Category: CatRBAC,
		Description: `A ` + "`*`" + ` in a rule's ` + "`verbs`" + `, ` + "`resources`" + ` or ` + "`apiGroups`" + ` grants everything that matches today
and everything added later: every new verb, every subresource (` + "`*`" + ` matches ` + "`pods/exec`" + ` and ` + "`secrets`" + `), and
every custom resource an operator installs, including the volume snapshot and backup APIs that copy persistent data.
The RBAC good practices ask to avoid wildcards for that reason.

Severity is **high**; a rule with ` + "`*`" + ` in all three at once (the powers of ` + "`cluster-admin`" + ` within the role's reach)
is **critical**, and is reported only by this rule (not again by PVL302–PVL305). Rules that only name
` + "`nonResourceURLs`" + ` are not checked. The finding points at the first wildcard in the rule. A ClusterRole whose
` + "`aggregationRule`" + ` pulls in a wildcard rule is reported at its ` + "`aggregationRule`" + `.`,
		Remediation: `List the API groups, resources and verbs the subject needs:

` + "```yaml" + `
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "patch"]
` + "```" + `

Charts often expose the rules as values (` + "`rbac.rules`" + ` or ` + "`rbac.extraRules`" + `): override them with explicit lists.
` + rbacRoleRemedyTF,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: operator
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: operator
rules:
  - apiGroups: ["apps"]
    resources: ["deployments", "statefulsets"]
    verbs: ["get", "list", "watch", "patch"]
`}},
		References: []string{refRBACGood, refRBAC},
	},
	Check: func(p *Pass) { checkRoleRisk(p, "PVL301") },
}

var rbacStorageWrite = &Rule{
	Meta: Meta{
		ID:       "PVL302",
		Name:     "rbac-storage-write",
		Title:    "Role can create, change or delete storage objects",
		Severity: High,
		Category: CatRBAC,
		Description: `Write access (` + "`create`" + `, ` + "`update`" + `, ` + "`patch`" + `, ` + "`delete`" + `, ` + "`deletecollection`" + ` or ` + "`*`" + `) to the
storage API lets a subject destroy or take over data: delete a PersistentVolume or its claim (with a ` + "`Delete`" + `
reclaim policy the disk goes too), re-point a released volume's ` + "`claimRef`" + ` at a claim it controls, create a
PersistentVolume over an existing disk or a host path, change the StorageClass new volumes get (and with it
encryption), detach volumes through VolumeAttachments, register a CSI driver, or restore a VolumeSnapshot of another
team's data. The objects checked are ` + "`persistentvolumes`" + `, ` + "`persistentvolumeclaims`" + ` (core group),
` + "`storageclasses`" + `, ` + "`volumeattachments`" + `, ` + "`csidrivers`" + `, ` + "`csinodes`" + ` (` + "`storage.k8s.io`" + `) and
` + "`volumesnapshots`" + `, ` + "`volumesnapshotcontents`" + `, ` + "`volumesnapshotclasses`" + ` (` + "`snapshot.storage.k8s.io`" + `),
the newer ` + "`volumeattributesclasses`" + ` and ` + "`csistoragecapacities`" + ` (` + "`storage.k8s.io`" + `) and ` + "`volumegroupsnapshots`" + `,
` + "`volumegroupsnapshotclasses`" + `, ` + "`volumegroupsnapshotcontents`" + ` (` + "`groupsnapshot.storage.k8s.io`" + `), and Velero's
` + "`backupstoragelocations`" + `, ` + "`volumesnapshotlocations`" + `, ` + "`schedules`" + `, ` + "`deletebackuprequests`" + ` and
` + "`backuprepositories`" + ` (` + "`velero.io`" + `: redirect backups to another bucket, or delete them); ` + "`*`" + ` matches any of them.

Severity is **high** when the role reaches cluster-scoped storage objects (a ClusterRole writing PersistentVolumes,
StorageClasses, VolumeAttachments, CSI objects or snapshot contents and classes) or is granted cluster-wide by a
ClusterRoleBinding; it is **medium** when only namespaced objects (claims and VolumeSnapshots) can be written within
a namespace, which applications that manage their own claims legitimately need. In a Role, rules about cluster-scoped
resources have no effect and are not reported. The finding points at the rule's ` + "`verbs`" + `. A RoleBinding or ClusterRoleBinding to a built-in role that holds this permission (` + "`edit`" + `, ` + "`admin`" + `) is reported at its ` + "`roleRef`" + `: the role is not in the repository, the binding is where the grant is written.`,
		Remediation: `Grant read access where that is enough, and keep write access to the storage API for the provisioner and
the storage administrators:

` + "```yaml" + `
rules:
  - apiGroups: [""]
    resources: ["persistentvolumeclaims"]
    verbs: ["get", "list", "watch"]
` + "```" + `

CSI drivers and external provisioners need write access: keep it in their own ClusterRole, bound to their own
ServiceAccount only. ` + rbacRoleRemedyTF,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: storage-manager
rules:
  - apiGroups: [""]
    resources: ["persistentvolumes"]
    verbs: ["get", "list", "delete"]
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: storage-viewer
rules:
  - apiGroups: [""]
    resources: ["persistentvolumes", "persistentvolumeclaims"]
    verbs: ["get", "list", "watch"]
`}},
		References: []string{refRBAC, "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming", refRBACGood},
	},
	Check: func(p *Pass) { checkRoleRisk(p, "PVL302") },
}

var rbacSecretsRead = &Rule{
	Meta: Meta{
		ID:       "PVL303",
		Name:     "rbac-secrets-read",
		Title:    "Role can read Secrets",
		Severity: High,
		Category: CatRBAC,
		Description: `` + "`get`" + `, ` + "`list`" + ` or ` + "`watch`" + ` on ` + "`secrets`" + ` reveals every Secret in reach: the credentials
volumes are mounted with (CSI node-publish and provisioner secrets, Ceph and SMB keys, cloud access keys), database
passwords, TLS keys and, on older clusters, ServiceAccount tokens that lead further. ` + "`list`" + ` and ` + "`watch`" + ` return
whole objects, values included.

Severity follows reach: **high** when the role is granted cluster-wide (a ClusterRoleBinding binds it, or a ClusterRole
that aggregates it), **medium** within a namespace (RoleBindings only, or no scanned binding). A rule narrowed by
` + "`resourceNames`" + ` is one step lower (**low** in a namespace). The finding points at the rule's ` + "`resources`" + ` and
names the bindings that grant it; a ClusterRole that aggregates such a rule is reported at its ` + "`aggregationRule`" + `.
Built-in roles that read Secrets (` + "`admin`" + `, ` + "`edit`" + `, ` + "`cluster-admin`" + `, ` + "`system:node`" + `) are not in the
repository: a binding to one of them is reported at its ` + "`roleRef`" + `, with the same scale.`,
		Remediation: `Read only the Secrets the subject needs, by name, in its own namespace, and mount them into pods rather than
reading them through the API:

` + "```yaml" + `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app-config-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["payments-db"]
    verbs: ["get"]
` + "```" + `

Bind it with a RoleBinding, not a ClusterRoleBinding. Instead of ` + "`edit`" + ` or ` + "`admin`" + `, write a role without
Secrets. ` + rbacRoleRemedyTF,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: secret-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: secret-reader
subjects:
  - kind: ServiceAccount
    name: backup
    namespace: ops
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: configmap-reader
  namespace: ops
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
`}},
		References: []string{refRBACGood, refRBACUserRoles, "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"},
	},
	Check: func(p *Pass) { checkRoleRisk(p, "PVL303") },
}

var rbacEscalation = &Rule{
	Meta: Meta{
		ID:       "PVL304",
		Name:     "rbac-escalation-verbs",
		Title:    "Role grants escalate, bind, impersonate or ServiceAccount tokens",
		Severity: High,
		Category: CatRBAC,
		Description: `RBAC stops a subject from granting more than it holds, except through three verbs: ` + "`escalate`" + ` on
roles and clusterroles (write a role with any permission), ` + "`bind`" + ` on them (bind any existing role, such as
` + "`cluster-admin`" + `, to itself), and ` + "`impersonate`" + ` on users, groups, serviceaccounts or uids (act as anyone,
` + "`system:masters`" + ` included). ` + "`create`" + ` on ` + "`serviceaccounts/token`" + ` does the same by another door: it mints a
token for any ServiceAccount of the namespace (` + "`kubectl create token`" + `), so the holder acts as every one of them.
Any of these is a path to every volume and Secret the target identity reaches. A ` + "`*`" + ` verb or resource includes
them.

Severity is **high**, **critical** when the role is granted cluster-wide by a ClusterRoleBinding. ` + "`resourceNames`" + `
narrows ` + "`bind`" + `, ` + "`impersonate`" + ` and token creation to the roles and identities it names (the API server checks
the name of each such request): the finding is then one step lower and lists them, since what they hold is what the
holder gains. It does not narrow ` + "`escalate`" + ` (the named role can be rewritten with any permission), nor a name
that is all power itself: ` + "`cluster-admin`" + `, ` + "`admin`" + `, ` + "`edit`" + ` and the ` + "`system:`" + ` roles, users and
groups (` + "`system:masters`" + `). In a Role only
` + "`roles`" + `, ` + "`serviceaccounts`" + ` and ` + "`serviceaccounts/token`" + ` count (users, groups and clusterroles are
cluster-scoped). The built-in ` + "`edit`" + `
role can impersonate ServiceAccounts of its namespace; PVL310 follows that through bindings. The finding points at
the verb. A RoleBinding or ClusterRoleBinding to a built-in role that holds this permission (` + "`edit`" + `, ` + "`admin`" + `) is reported at its ` + "`roleRef`" + `: the role is not in the repository, the binding is where the grant is written.`,
		Remediation: `Remove the verbs, or restrict them with ` + "`resourceNames`" + ` to the roles or identities that are really
needed (the finding then drops a step and names them: check what they grant, and suppress it with a reason once
reviewed):

` + "```yaml" + `
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind"]
    resourceNames: ["app-reader"]
` + "```" + `

` + rbacRoleRemedyTF,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: support
rules:
  - apiGroups: [""]
    resources: ["users", "groups", "serviceaccounts"]
    verbs: ["impersonate"]
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: support
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["roles", "rolebindings"]
    verbs: ["get", "list", "watch"]
`}},
		References: []string{refRBACEscalate, refImpersonation, refRBACGood},
	},
	Check: func(p *Pass) { checkRoleRisk(p, "PVL304") },
}

var rbacPodExec = &Rule{
	Meta: Meta{
		ID:       "PVL305",
		Name:     "rbac-pod-exec",
		Title:    "Role can exec into pods or proxy to the kubelet",
		Severity: High,
		Category: CatRBAC,
		Description: `` + "`create`" + ` on ` + "`pods/exec`" + `, ` + "`pods/attach`" + ` or ` + "`pods/portforward`" + `, and ` + "`create`" + `,
` + "`update`" + ` or ` + "`patch`" + ` on ` + "`pods/ephemeralcontainers`" + ` (what ` + "`kubectl debug`" + ` uses), let a subject run
commands in, attach to or reach running containers: it reads and changes every volume they mount and uses their
ServiceAccount tokens. ` + "`get`" + ` or ` + "`create`" + ` on ` + "`nodes/proxy`" + ` reaches the kubelet API, which runs commands in every
pod of a node, bypassing admission and audit of the API server.

Severity is **high**, **critical** when the role is granted cluster-wide by a ClusterRoleBinding. ` + "`nodes/proxy`" + ` is
cluster-scoped and only counts in a ClusterRole. The finding points at the subresource. A RoleBinding or ClusterRoleBinding to a built-in role that holds this permission (` + "`edit`" + `, ` + "`admin`" + `) is reported at its ` + "`roleRef`" + `: the role is not in the repository, the binding is where the grant is written.`,
		Remediation: `Keep exec and debug rights for break-glass roles bound to people for a limited time, not to
ServiceAccounts; read logs instead:

` + "```yaml" + `
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list"]
` + "```" + `

Scrape kubelet metrics through ` + "`nodes/metrics`" + `, not ` + "`nodes/proxy`" + `. ` + rbacRoleRemedyTF,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debugger
  namespace: payments
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: log-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list"]
`}},
		References: []string{refRBACGood, refRBAC, "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"},
	},
	Check: func(p *Pass) { checkRoleRisk(p, "PVL305") },
}

// --- PVL306: who can create pods where claims live ---

// rbacClaim is a claim a namespace holds: a scanned PVC or the claims a
// StatefulSet's volumeClaimTemplates create.
type rbacClaim struct {
	Name string
	Loc  graph.Loc
	Res  *graph.Resource
}

// rbacClaimsByNamespace lists the claims of every namespace.
func rbacClaimsByNamespace(g *graph.Graph) map[string][]rbacClaim {
	return g.Memo("rules/rbacClaims", func() any {
		out := map[string][]rbacClaim{}
		for _, pvc := range g.OfKind("PersistentVolumeClaim") {
			if pvc.IsKubernetes() {
				out[pvc.Namespace] = append(out[pvc.Namespace], rbacClaim{Name: pvc.Name, Loc: pvc.At(), Res: pvc})
			}
		}
		for _, sts := range g.OfKind("StatefulSet") {
			if !sts.IsKubernetes() {
				continue
			}
			for _, t := range sts.Root.Path("spec", "volumeClaimTemplates").List() {
				if name, ok := t.Path("metadata", "name").Str(); ok && name != "" {
					// The controller names each claim TEMPLATE-STATEFULSET-ORDINAL.
					out[sts.Namespace] = append(out[sts.Namespace], rbacClaim{Name: name + "-" + sts.Name + "-*", Loc: sts.AtNode(t), Res: sts})
				}
			}
		}
		return out
	}).(map[string][]rbacClaim)
}

// rbacReach lists the claims in a binding's scope (its namespace, or every
// namespace), namespaces in order, with their names ("namespace/name" for a
// cluster-wide binding). Only claims in the binding's reach count (the
// resolver's rule: not across an environment split, not another overlay's
// build), and copies of one claim (two overlays, or a file and a chart
// render) count once.
func rbacReach(g *graph.Graph, claims map[string][]rbacClaim, b *rbacBinding) ([]rbacClaim, []string) {
	var nss []string
	if b.ClusterWide() {
		for ns := range claims {
			nss = append(nss, ns)
		}
		sort.Strings(nss)
	} else {
		nss = []string{b.Namespace}
	}
	var reach []rbacClaim
	var names []string
	seen := map[string]bool{}
	for _, ns := range nss {
		for _, c := range claims[ns] {
			name := c.Name
			if b.ClusterWide() {
				name = ns + "/" + c.Name
			}
			if seen[name] || !g.InReach(b.Res, c.Res) {
				continue
			}
			seen[name] = true
			reach = append(reach, c)
			names = append(names, name)
		}
	}
	return reach, names
}

func checkCreatePodsNearClaims(p *Pass) {
	m := rbacOf(p.Graph)
	claims := rbacClaimsByNamespace(p.Graph)
	// Reach depends only on the binding's directory, build and scope: many
	// bindings of one directory share one list.
	type reachList struct {
		claims []rbacClaim
		names  []string
	}
	reached := map[string]reachList{}
	reachOf := func(b *rbacBinding) ([]rbacClaim, []string) {
		scope := b.Namespace
		if b.ClusterWide() {
			scope = "*"
		}
		k := path.Dir(b.Res.File) + "\x00" + b.Res.Origin().Kustomization + "\x00" + scope
		r, ok := reached[k]
		if !ok {
			r.claims, r.names = rbacReach(p.Graph, claims, b)
			reached[k] = r
		}
		return r.claims, r.names
	}
	for _, b := range m.Bindings {
		if len(b.Subjects) == 0 {
			continue
		}
		if b.Role == nil {
			if reach, _ := reachOf(b); b.RoleUnknown && len(reach) > 0 {
				p.Undecided(b.Res.At("roleRef"), "%s refers to a role that could not be evaluated (an unknown value).", b.Res.Title())
			}
			continue
		}
		var rules []*rbacRule
		var kinds []string
		for _, rule := range b.Role.Rules {
			if len(rule.ResourceNames) > 0 {
				continue // resourceNames never matches a create
			}
			mt, ok := rule.Match(rbacWorkloadTargets, !b.ClusterWide())
			if !ok {
				continue
			}
			rules = append(rules, rule)
			for _, n := range mt.names() {
				if !rbacContains(kinds, n) {
					kinds = append(kinds, n)
				}
			}
		}
		if len(rules) == 0 {
			if reach, _ := reachOf(b); rbacHasUnknown(b.Role) && len(reach) > 0 {
				p.Undecided(b.Res.At("roleRef"), "%s grants %s, whose rules could not all be evaluated (an unknown value).", b.Res.Title(), b.Role.Ref())
			}
			continue
		}
		where := "namespace " + b.Namespace
		if b.ClusterWide() {
			where = "every namespace"
		}
		reach, names := reachOf(b)
		if len(reach) == 0 {
			continue
		}
		f := p.Report(b.Res.At("roleRef"), "%s lets %s create pods in %s, where PersistentVolumeClaims %s live: a pod they create can mount them and read or change the data. %s grants create on %s.",
			b.Res.Title(), rbacSubjects(b.Subjects), where, rbacFew(names, 3), b.Role.Ref(), rbacFew(kinds, 4))
		if b.ClusterWide() {
			f.Raise(Critical)
		}
		for _, r := range rules {
			if r.Node != nil {
				f.Related(r.Role.Res.AtNode(r.Node), "%s grants create on %s", r.Role.Title(), strings.Join(r.Resources, ", "))
				break
			}
		}
		for i, c := range reach {
			if i == 5 {
				break
			}
			f.Related(c.Loc, "claim %s", c.Name)
		}
	}
}

var rbacCreatePodsNearClaims = &Rule{
	Meta: Meta{
		ID:       "PVL306",
		Name:     "rbac-create-pods-near-claims",
		Title:    "Subject can create pods in a namespace that holds persistent volume claims",
		Severity: High,
		Category: CatRBAC,
		Graph:    true,
		Description: `Whoever can create a pod in a namespace can mount any PersistentVolumeClaim of that namespace in it and
read or change the data: RBAC does not check which claims a pod mounts. Creating a Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Job or CronJob creates pods just the same. The built-in ` + "`edit`" + ` and ` + "`admin`" + `
roles include all of these, so a binding to them is understood without their definition in the repository.

The check follows each RoleBinding and ClusterRoleBinding to its role (scanned, aggregated or built-in) and reports a
binding whose role can ` + "`create`" + ` pods or pod controllers (in their API groups, or with ` + "`*`" + `) in a namespace that
holds claims: scanned PersistentVolumeClaims, and the claims StatefulSet ` + "`volumeClaimTemplates`" + ` create. Rules with
` + "`resourceNames`" + ` are ignored: they never allow a create. The finding points at the binding's ` + "`roleRef`" + ` and names
the subjects, the claims and the role; the role's rule and the claims are related locations.

Severity is **high** for a RoleBinding, **critical** for a ClusterRoleBinding (every namespace's claims).`,
		Remediation: `Keep the people and ServiceAccounts that deploy into a namespace with claims few, and give the others a role
without create on pods and controllers (` + "`view`" + `, or your own). Deploy through a GitOps controller or a CI
ServiceAccount rather than binding ` + "`edit`" + ` to groups of people. Where the right must stay, enforce which claims pods
may mount with an admission policy (ValidatingAdmissionPolicy, Kyverno, Gatekeeper), and keep sensitive claims in a
namespace of their own:

` + "```yaml" + `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: devs-view
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: devs
    apiGroup: rbac.authorization.k8s.io
` + "```" + `

With Terraform, the same change applies to ` + "`kubernetes_role_binding_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ledger-data
  namespace: payments
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 10Gi
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: devs-edit
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: Group
    name: devs
    apiGroup: rbac.authorization.k8s.io
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ledger-data
  namespace: payments
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 10Gi
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: devs-view
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: devs
    apiGroup: rbac.authorization.k8s.io
`}},
		References: []string{refRBACGood, refRBACUserRoles, "https://kubernetes.io/docs/concepts/storage/persistent-volumes/"},
	},
	Check: checkCreatePodsNearClaims,
}

// --- PVL307: bindings to everyone ---

// rbacPublicAudience says who a public subject stands for, or "".
func rbacPublicAudience(s rbacSubject) string {
	if s.Kind == "ServiceAccount" {
		return ""
	}
	switch s.Name {
	case "system:anonymous":
		return "every anonymous request"
	case "system:unauthenticated":
		return "every unauthenticated request"
	case "system:authenticated":
		return "every authenticated user and ServiceAccount"
	case "system:serviceaccounts":
		return "every ServiceAccount of the cluster"
	}
	if ns, ok := strings.CutPrefix(s.Name, "system:serviceaccounts:"); ok && ns != "" {
		return "every ServiceAccount of namespace " + ns
	}
	return ""
}

func checkPublicSubject(p *Pass) {
	m := rbacOf(p.Graph)
	for _, b := range m.Bindings {
		if b.Role != nil && b.Role.Builtin() && rbacPublicRoles[b.Role.Name] {
			continue // Kubernetes grants these to everyone itself
		}
		for _, s := range b.Subjects {
			if s.Unknown {
				if s.Kind != "ServiceAccount" {
					p.Undecided(b.Res.AtNode(s.Node), "%s has a subject that could not be evaluated (an unknown value).", b.Res.Title())
				}
				continue
			}
			who := rbacPublicAudience(s)
			if who == "" {
				continue
			}
			scope := "in namespace " + b.Namespace
			if b.ClusterWide() {
				scope = "cluster-wide"
			}
			f := p.Report(b.Res.AtNode(s.Node), "%s grants %s to %s %s: %s gets it.", b.Res.Title(), rbacRoleRef(b), s, scope, who)
			if b.Role != nil && rbacReadOnly(b.Role) {
				f.Lower(Medium)
			}
			if b.Role != nil && !b.Role.Builtin() {
				f.Related(b.Role.Res.At(), "%s", b.Role.Title())
			}
		}
	}
}

var rbacPublicSubject = &Rule{
	Meta: Meta{
		ID:       "PVL307",
		Name:     "rbac-public-subject",
		Title:    "Binding grants a role to anonymous users, all users or all service accounts",
		Severity: Critical,
		Category: CatRBAC,
		Graph:    true,
		Description: `Some subjects are everyone: the user ` + "`system:anonymous`" + ` and the group ` + "`system:unauthenticated`" + `
(any request without credentials, where anonymous access is on, as it is by default), ` + "`system:authenticated`" + `
(every user and every ServiceAccount, including a compromised pod's), ` + "`system:serviceaccounts`" + ` (every
ServiceAccount in the cluster) and ` + "`system:serviceaccounts:NAMESPACE`" + ` (every ServiceAccount of a namespace, so every
pod there). A role bound to them is granted to every workload and, for the first two, to the internet if the API
server is reachable.

Severity is **critical**; it is **medium** when the role is known (scanned or built-in) and only reads objects other
than Secrets. Bindings of the discovery roles Kubernetes itself grants to everyone (` + "`system:basic-user`" + `,
` + "`system:discovery`" + `, ` + "`system:public-info-viewer`" + `, ` + "`system:service-account-issuer-discovery`" + `) are not
reported. The finding points at the subject.`,
		Remediation: `Bind the role to the ServiceAccounts, users or groups that need it:

` + "```yaml" + `
subjects:
  - kind: ServiceAccount
    name: metrics-reader
    namespace: monitoring
` + "```" + `

With Terraform, change the ` + "`subject`" + ` blocks of ` + "`kubernetes_role_binding_v1`" + ` or
` + "`kubernetes_cluster_role_binding_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everyone-edit
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: Group
    name: system:authenticated
    apiGroup: rbac.authorization.k8s.io
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: sre-edit
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: Group
    name: sre
    apiGroup: rbac.authorization.k8s.io
`}},
		References: []string{refRBACDefaults, "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests", refRBACGood},
	},
	Check: checkPublicSubject,
}

// --- PVL308: cluster administrators ---

func checkClusterAdmin(p *Pass) {
	m := rbacOf(p.Graph)
	for _, b := range m.Bindings {
		if !b.ClusterWide() {
			checkNamespaceAdmin(p, b)
			continue
		}
		if b.RoleUnknown {
			p.Undecided(b.Res.At("roleRef"), "%s refers to a role that could not be evaluated (an unknown value).", b.Res.Title())
			continue
		}
		if b.Role == nil || b.RoleKind != "ClusterRole" {
			continue
		}
		// cluster-admin is reconciled by the API server at start-up, so a
		// scanned copy does not change what it grants.
		rule := rbacAllPowerful(b.Role)
		if rule == nil && b.RoleName != "cluster-admin" {
			if rbacHasUnknown(b.Role) && len(b.Subjects) > 0 {
				p.Undecided(b.Res.At("roleRef"), "%s grants %s, whose rules could not all be evaluated (an unknown value).", b.Res.Title(), b.Role.Ref())
			}
			continue
		}
		for _, s := range b.Subjects {
			if s.Kind == "Group" && s.Name == "system:masters" {
				continue // already unrestricted; the binding adds nothing
			}
			f := p.Report(b.Res.AtNode(s.Node), "%s makes %s a cluster administrator: %s grants every verb on every resource in every API group.",
				b.Res.Title(), s, b.Role.Ref())
			if rule != nil && rule.Node != nil {
				f.Related(rule.Role.Res.AtNode(rule.Node), "%s: * on * in every API group", rule.Role.Title())
			}
		}
	}
}

// checkNamespaceAdmin reports a RoleBinding that grants cluster-admin, the
// built-in admin, or a ClusterRole with * on * in *, inside its namespace:
// every Secret, claim and pod of the namespace (high).
func checkNamespaceAdmin(p *Pass, b *rbacBinding) {
	if b.RoleUnknown || b.Role == nil || b.RoleKind != "ClusterRole" {
		return
	}
	rule := rbacAllPowerful(b.Role)
	builtinAdmin := b.RoleName == "admin" && b.Role.Res == nil
	if rule == nil && b.RoleName != "cluster-admin" && !builtinAdmin {
		return
	}
	what := "every verb on every resource there, every Secret and claim included"
	if builtinAdmin {
		what = "nearly every verb on every resource there: Secrets, claims, pods and their exec, and RoleBindings to hand it on"
	}
	for _, s := range b.Subjects {
		if s.Kind == "Group" && s.Name == "system:masters" {
			continue
		}
		f := p.Report(b.Res.AtNode(s.Node), "%s makes %s an administrator of namespace %s: %s grants %s.",
			b.Res.Title(), s, b.Namespace, b.Role.Ref(), what).Lower(High)
		if rule != nil && rule.Node != nil {
			f.Related(rule.Role.Res.AtNode(rule.Node), "%s: * on * in every API group", rule.Role.Title())
		}
	}
}

var rbacClusterAdmin = &Rule{
	Meta: Meta{
		ID:       "PVL308",
		Name:     "rbac-cluster-admin-binding",
		Title:    "Subject is bound to cluster-admin, or to admin in a namespace",
		Severity: Critical,
		Category: CatRBAC,
		Graph:    true,
		Description: `A ClusterRoleBinding to ` + "`cluster-admin`" + `, or to any ClusterRole with ` + "`*`" + ` verbs on ` + "`*`" + ` resources in
` + "`*`" + ` API groups (aggregated ClusterRoles included), gives its subjects every power over the cluster: every Secret,
every volume (create a pod that mounts it, or delete it), every node. For a ServiceAccount, anyone who can run code in
a pod that uses it, or read its token, holds the same. Operators and CI pipelines are frequently given it "to make
it work".

Severity is **critical** cluster-wide. A RoleBinding to ` + "`cluster-admin`" + `, to the built-in ` + "`admin`" + `, or to such an
all-powerful ClusterRole grants it within its namespace: every Secret, claim and pod there, exec into them, and
RoleBindings to hand the power on. That is **high**. (A scanned ClusterRole named ` + "`admin`" + ` that the binding
resolves to replaces the built-in and is judged by its rules.) A binding to the group ` + "`system:masters`" + ` adds
nothing (its members bypass RBAC) and is not reported. The finding points at each subject.`,
		Remediation: `Write a ClusterRole with the resources and verbs the subject needs, or grant ` + "`admin`" + ` or ` + "`edit`" + ` in
the namespaces it manages with RoleBindings:

` + "```yaml" + `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
` + "```" + `

Charts that ask for ` + "`cluster-admin`" + ` usually have an ` + "`rbac.clusterAdmin`" + ` or ` + "`rbac.create`" + ` value to switch it off.
With Terraform, change ` + "`role_ref`" + ` of ` + "`kubernetes_cluster_role_binding_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ci-deployer
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
`}},
		References: []string{refRBACUserRoles, refRBACGood, refTFRole},
	},
	Check: checkClusterAdmin,
}

// --- PVL309: the default ServiceAccount ---

// rbacVolumeWorkloads returns the scanned workloads of namespace ns that
// run as ServiceAccount sa with its token mounted (rbacAutomountOff) and
// mount a persistent volume or a hostPath: a pod without the token cannot
// use the account's roles.
func rbacVolumeWorkloads(g *graph.Graph, ns, sa string) []*graph.Resource {
	var out []*graph.Resource
	for _, w := range g.Workloads() {
		if w.Namespace != ns {
			continue
		}
		for _, e := range w.OutOf(graph.RunsAs) {
			if e.Name != sa || len(rbacMounts(g, w)) == 0 {
				continue
			}
			if off, _ := rbacAutomountOff(w.PodSpec(), e.To); off {
				continue
			}
			out = append(out, w)
		}
	}
	return out
}

func checkDefaultServiceAccount(p *Pass) {
	m := rbacOf(p.Graph)
	for _, b := range m.Bindings {
		for _, s := range b.Subjects {
			if s.Unknown && (s.Kind == "ServiceAccount" || s.Kind == "") {
				p.Undecided(b.Res.AtNode(s.Node), "%s has a subject that could not be evaluated (an unknown value).", b.Res.Title())
				continue
			}
			if s.Kind != "ServiceAccount" || s.Name != "default" {
				continue
			}
			scope := "in namespace " + b.Namespace
			if b.ClusterWide() {
				scope = "cluster-wide"
			}
			f := p.Report(b.Res.AtNode(s.Node), "%s grants %s to %s %s: every pod of namespace %s that names no ServiceAccount runs with it.",
				b.Res.Title(), rbacRoleRef(b), s, scope, s.Namespace)
			if b.ClusterWide() || b.Role != nil && rbacRisky(b.Role, !b.ClusterWide()) {
				f.Raise(High)
			}
			if ws := rbacVolumeWorkloads(p.Graph, s.Namespace, "default"); len(ws) > 0 {
				f.Raise(High)
				for i, w := range ws {
					if i == 3 {
						break
					}
					f.Related(w.At(), "%s mounts volumes and runs as it", w.Title())
				}
			}
			if sa := p.Graph.Resolve(b.Res, "ServiceAccount", s.Namespace, "default"); sa != nil {
				f.Related(sa.At(), "%s", sa.Title())
			}
		}
	}
}

var rbacDefaultServiceAccount = &Rule{
	Meta: Meta{
		ID:       "PVL309",
		Name:     "rbac-default-serviceaccount",
		Title:    "Role is granted to a namespace's default ServiceAccount",
		Severity: Medium,
		Category: CatRBAC,
		Graph:    true,
		Description: `Every namespace has a ServiceAccount named ` + "`default`" + `, and every pod that names no
` + "`serviceAccountName`" + ` runs as it, with its token mounted unless automounting is switched off. A role granted to
` + "`default`" + ` is therefore granted to every such pod of the namespace, present and future, including third-party
charts and debugging pods that were never meant to have it.

Severity is **medium**; it is **high** when the grant is cluster-wide (a ClusterRoleBinding), when the role carries
what PVL301–PVL305 report, or when scanned workloads of the namespace that mount persistent volumes or host paths run
as ` + "`default`" + ` (they are related locations). The finding points at the subject.`,
		Remediation: `Create a ServiceAccount for the workload that needs the role, bind the role to it and set
` + "`serviceAccountName`" + ` in the pod template:

` + "```yaml" + `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ledger
  namespace: payments
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ledger-config
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
subjects:
  - kind: ServiceAccount
    name: ledger
` + "```" + `

Charts usually take ` + "`serviceAccount.create: true`" + ` and ` + "`serviceAccount.name`" + `. Also set
` + "`automountServiceAccountToken: false`" + ` on the ` + "`default`" + ` ServiceAccount.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: default-config
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
subjects:
  - kind: ServiceAccount
    name: default
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ledger-config
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
subjects:
  - kind: ServiceAccount
    name: ledger
`}},
		References: []string{refSAAdmin, refSATokens, refRBACGood},
	},
	Check: checkDefaultServiceAccount,
}

// --- PVL310: workloads with volumes and a risky token ---

// rbacMount is a volume a workload mounts that PVL310 cares about.
type rbacMount struct {
	Label string
	Claim *graph.Resource // the scanned claim, for a persistentVolumeClaim volume
}

// rbacMounts lists a workload's persistent volumes (claims, ephemeral
// volumes, StatefulSet claim templates) and hostPath volumes.
func rbacMounts(g *graph.Graph, w *graph.Resource) []rbacMount {
	spec := w.PodSpec()
	var out []rbacMount
	for _, v := range graph.Volumes(spec) {
		switch {
		case v.Node.Has("persistentVolumeClaim"):
			name, _ := v.Node.Path("persistentVolumeClaim", "claimName").Str()
			out = append(out, rbacMount{Label: "claim " + name, Claim: g.Resolve(w, "PersistentVolumeClaim", w.Namespace, name)})
		case v.Node.Has("ephemeral"):
			out = append(out, rbacMount{Label: "ephemeral volume " + v.Name})
		case v.Node.Has("hostPath"):
			path, _ := v.Node.Path("hostPath", "path").Str()
			out = append(out, rbacMount{Label: "hostPath " + path})
		}
	}
	if w.Kind == "StatefulSet" {
		for _, t := range w.Root.Path("spec", "volumeClaimTemplates").List() {
			name, _ := t.Path("metadata", "name").Str()
			out = append(out, rbacMount{Label: "claim template " + name})
		}
	}
	return out
}

// rbacLink is one risky permission a ServiceAccount holds.
type rbacLink struct {
	grant *rbacGrant
	rule  *rbacRule
	risk  rbacRisk
	sev   Severity
}

// rbacRiskyLinks returns the risky permissions of a ServiceAccount, the
// worst first, and whether a role it holds could not be fully evaluated.
func rbacRiskyLinks(m *rbacModel, sa rbacSubject, from *graph.Resource) (links []rbacLink, unknown bool) {
	for _, g := range m.Grants(sa, from) {
		if g.Role == nil {
			unknown = unknown || g.Binding.RoleUnknown
			continue
		}
		unknown = unknown || rbacHasUnknown(g.Role)
		cw := g.Namespace == rbacClusterWide
		for _, rule := range g.Role.Rules {
			var best *rbacLink
			for _, k := range rule.Risks(!cw) {
				l := rbacLink{grant: g, rule: rule, risk: k, sev: rbacRiskSeverity(k, cw)}
				if best == nil || l.sev > best.sev {
					best = &l
				}
			}
			if best != nil {
				links = append(links, *best)
			}
		}
	}
	sort.SliceStable(links, func(i, j int) bool {
		if links[i].sev != links[j].sev {
			return links[i].sev > links[j].sev
		}
		return links[i].grant.Namespace == rbacClusterWide && links[j].grant.Namespace != rbacClusterWide
	})
	return links, unknown
}

// rbacChainSeverity scales PVL310: critical when a risky permission is
// granted cluster-wide or is "*" on "*"; medium when all the risk is reading
// a few named Secrets in a namespace; high otherwise.
func rbacChainSeverity(links []rbacLink) Severity {
	narrowOnly := true
	for _, l := range links {
		if l.sev >= Critical || l.grant.Namespace == rbacClusterWide {
			return Critical
		}
		if l.risk.ID != "PVL303" || !l.risk.Narrowed {
			narrowOnly = false
		}
	}
	if narrowOnly {
		return Medium
	}
	return High
}

// rbacAutomountOff says whether a workload's pod gets no token: the pod spec's
// automountServiceAccountToken wins over the ServiceAccount's.
func rbacAutomountOff(spec *graph.Node, sa *graph.Resource) (off bool, unknown *graph.Node) {
	n := spec.Get("automountServiceAccountToken")
	switch n.Bool() {
	case graph.False:
		return true, nil
	case graph.True:
		return false, nil
	case graph.Unsure:
		return false, n
	}
	if sa == nil {
		return false, nil
	}
	n = sa.Root.Get("automountServiceAccountToken")
	switch n.Bool() {
	case graph.False:
		return true, nil
	case graph.Unsure:
		return false, n
	}
	return false, nil
}

func checkWorkloadToken(p *Pass) {
	m := rbacOf(p.Graph)
	for _, w := range p.Graph.Workloads() {
		spec := w.PodSpec()
		mounts := rbacMounts(p.Graph, w)
		if spec == nil || len(mounts) == 0 {
			continue
		}
		var edge *graph.Edge
		if es := w.OutOf(graph.RunsAs); len(es) > 0 {
			edge = es[0]
		}
		if edge == nil {
			continue
		}
		if spec.Get("serviceAccountName").HasUnknown() || spec.Get("serviceAccount").HasUnknown() {
			p.Undecided(w.AtNode(spec), "%s runs as a ServiceAccount that could not be evaluated (an unknown value).", w.Title())
			continue
		}
		sa := rbacSubject{Kind: "ServiceAccount", Namespace: w.Namespace, Name: edge.Name}
		links, undecided := rbacRiskyLinks(m, sa, w)
		if len(links) == 0 && !undecided {
			continue
		}
		off, unknown := rbacAutomountOff(spec, edge.To)
		if off {
			continue
		}
		at := w.At(append(graph.PodSpecPath(w.Kind), "serviceAccountName")...)
		if edge.At != nil {
			at = w.AtNode(edge.At)
		}
		if len(links) == 0 {
			p.Undecided(at, "%s runs as %s, whose roles could not all be evaluated (an unknown value).", w.Title(), sa)
			continue
		}
		if unknown != nil {
			p.Undecided(at, "%s: whether the ServiceAccount token is mounted could not be evaluated (an unknown value).", w.Title())
			continue
		}
		l := links[0]
		mount := mounts[0].Label
		if len(mounts) > 1 {
			if n := len(mounts) - 1; n == 1 {
				mount += " and 1 more volume"
			} else {
				mount += " and " + strconv.Itoa(n) + " more volumes"
			}
		}
		via := ""
		if l.grant.Subject.Key() != sa.Key() {
			via = " (through " + l.grant.Subject.String() + ")"
		}
		role := l.grant.Role.Ref()
		if l.rule.Role != l.grant.Role && !l.grant.Role.Builtin() {
			role += ", which aggregates " + l.rule.Role.Ref()
		}
		more := ""
		if len(links) > 1 {
			if n := len(links) - 1; n == 1 {
				more = " It holds 1 more risky permission."
			} else {
				more = " It holds " + strconv.Itoa(n) + " more risky permissions."
			}
		}
		f := p.Report(at, "%s mounts %s and runs as %s, which %s grants%s %s: %s.%s The ServiceAccount token mounted in its pods carries these permissions.",
			w.Title(), mount, sa, l.grant.Binding.Ref(w.Namespace), via, role, l.risk.What, more)
		f.With(rbacChainSeverity(links))
		for _, mt := range mounts {
			if mt.Claim != nil {
				f.Related(mt.Claim.At(), "%s", mt.Label)
			}
		}
		if edge.To != nil {
			f.Related(edge.To.At(), "%s", edge.To.Title())
		}
		f.Related(l.grant.Binding.Res.AtNode(l.grant.Subject.Node), "%s grants %s", l.grant.Binding.Res.Title(), l.grant.Role.Title())
		if !l.grant.Role.Builtin() && l.rule.Role != l.grant.Role {
			f.Related(l.grant.Role.Res.At("aggregationRule"), "%s aggregates %s", l.grant.Role.Title(), l.rule.Role.Title())
		}
		if l.rule.Node != nil {
			f.Related(l.rule.Role.Res.AtNode(l.rule.Node), "%s: %s", l.rule.Role.Title(), l.risk.What)
		}
	}
}

var rbacWorkloadToken = &Rule{
	Meta: Meta{
		ID:       "PVL310",
		Name:     "rbac-workload-token-with-volumes",
		Title:    "Workload with persistent volumes runs with a risky ServiceAccount token",
		Severity: High,
		Category: CatRBAC,
		Graph:    true,
		Description: `A pod that mounts persistent data (a ` + "`persistentVolumeClaim`" + `, an ` + "`ephemeral`" + ` volume or StatefulSet
` + "`volumeClaimTemplates`" + `) or a ` + "`hostPath`" + ` is a valuable target, and its ServiceAccount token is mounted in it by
default. If that ServiceAccount holds a wildcard, storage write, Secret read, escalation or exec permission (what
PVL301–PVL305 report), one compromised container reaches far beyond its own volume: the Secrets that unlock other
volumes, other pods' data, or the cluster.

The check follows the workload to its ServiceAccount (` + "`serviceAccountName`" + `, else ` + "`default`" + `), every
RoleBinding and ClusterRoleBinding that grants it something (directly, as the user
` + "`system:serviceaccount:NS:NAME`" + `, or through the groups ` + "`system:serviceaccounts`" + `,
` + "`system:serviceaccounts:NS`" + ` and ` + "`system:authenticated`" + `) and the role (scanned, aggregated or built-in, such as
` + "`edit`" + `). It is silent when the pod spec sets ` + "`automountServiceAccountToken: false`" + `, or leaves it unset and the
scanned ServiceAccount sets it to false (the pod's setting wins). The message names the chain, the worst permission
first; the claims, the ServiceAccount, the binding and the role's rule are related locations.

Severity is **high**; **critical** when the permission is granted cluster-wide (a ClusterRoleBinding) or is
` + "`*`" + ` on ` + "`*`" + `; **medium** when the only risk is reading a few named Secrets.`,
		Remediation: `Give the workload its own ServiceAccount with only what it needs, and do not mount the token when the
application does not call the Kubernetes API:

` + "```yaml" + `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ledger
spec:
  template:
    spec:
      serviceAccountName: ledger
      automountServiceAccountToken: false
` + "```" + `

Charts usually expose ` + "`serviceAccount.automountServiceAccountToken`" + ` or ` + "`automountServiceAccountToken`" + `
values. With Terraform, set ` + "`automount_service_account_token = false`" + ` in the pod spec of
` + "`kubernetes_deployment_v1`" + ` or ` + "`kubernetes_stateful_set_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: debug-db
  namespace: payments
spec:
  containers:
    - name: shell
      image: busybox:1.36
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: ledger-data
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: default-reads-secrets
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secret-reader
subjects:
  - kind: ServiceAccount
    name: default
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: debug-db
  namespace: payments
spec:
  automountServiceAccountToken: false
  containers:
    - name: shell
      image: busybox:1.36
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: ledger-data
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: default-reads-secrets
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secret-reader
subjects:
  - kind: ServiceAccount
    name: default
`}},
		References: []string{refSATokens, refSAAdmin, refRBACGood},
	},
	Check: checkWorkloadToken,
}
