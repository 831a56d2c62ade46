package rules

import (
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// --- PVL312: who can make Velero copy data ---

// veleroServiceAccounts returns the keys of the ServiceAccounts Velero's own
// pods run as: every workload with a Velero server or node-agent image
// (velero/velero), and the chart's default name "velero" in any namespace
// that runs one.
func veleroServiceAccounts(g *graph.Graph) map[string]bool {
	return g.Memo("rules/veleroServiceAccounts", func() any {
		out := map[string]bool{}
		for _, w := range g.Workloads() {
			if !runsVelero(w) {
				continue
			}
			for _, e := range w.OutOf(graph.RunsAs) {
				out[rbacSubject{Kind: "ServiceAccount", Namespace: w.Namespace, Name: e.Name}.Key()] = true
			}
		}
		return out
	}).(map[string]bool)
}

// runsVelero reports whether a workload runs the Velero server or node agent.
func runsVelero(w *graph.Resource) bool {
	for _, t := range w.PodTemplates() {
		for _, c := range graph.Containers(t.Spec) {
			if c.IsVelero() {
				return true
			}
		}
	}
	return false
}

// imageRepository returns an image reference without registry host, tag and
// digest: "docker.io/velero/velero:v1.15.0" → "velero/velero" (the host is
// kept when it is not a registry: "velero/velero").
func imageRepository(ref string) string {
	ref = strings.TrimSpace(ref)
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i >= 0 && !strings.Contains(ref[i:], "/") {
		ref = ref[:i]
	}
	if i := strings.Index(ref, "/"); i >= 0 {
		host := ref[:i]
		if strings.ContainsAny(host, ".:") || host == "localhost" {
			ref = ref[i+1:]
		}
	}
	return strings.TrimPrefix(ref, "library/")
}

func checkBackupAccess(p *Pass) {
	m := rbacOf(p.Graph)
	velero := veleroServiceAccounts(p.Graph)
	for _, b := range m.Bindings {
		if b.Role == nil || len(b.Subjects) == 0 {
			continue
		}
		var others []rbacSubject
		for _, s := range b.Subjects {
			if s.Unknown || velero[s.Key()] || (s.Kind == "ServiceAccount" && s.Name == "velero") {
				continue // Velero's own identity does this by design
			}
			others = append(others, s)
		}
		if len(others) == 0 {
			continue
		}
		var what []string
		var at *rbacRule
		for _, rule := range b.Role.Rules {
			if rbacContains(rule.APIGroups, "*") && rbacContains(rule.Resources, "*") && rbacContains(rule.Verbs, "*") {
				continue // everything: PVL301 and PVL308 report it
			}
			mt, ok := rule.Match(rbacBackupAccessTargets, !b.ClusterWide())
			if !ok {
				continue
			}
			if at == nil {
				at = rule
			}
			for _, t := range mt.Targets {
				if !rbacContains(what, t.Resource) {
					what = append(what, t.Resource)
				}
			}
		}
		if len(what) == 0 {
			continue
		}
		where := "namespace " + b.Namespace
		if b.ClusterWide() {
			where = "every namespace"
		}
		f := p.Report(b.Res.At("roleRef"), "%s lets %s create Velero %s in %s: a restore or download copies any backed-up namespace's data, Secrets included, into a namespace they control or out of the cluster. %s grants it.",
			b.Res.Title(), rbacSubjects(others), joinAnd(what), where, b.Role.Ref())
		if b.ClusterWide() {
			f.Raise(Critical)
		}
		if at != nil && at.Node != nil && at.Role.Res != nil {
			f.Related(at.Role.Res.AtNode(at.Node), "%s grants create on %s", at.Role.Title(), strings.Join(at.Resources, ", "))
		}
	}
}

var rbacBackupAccess = &Rule{
	Meta: Meta{
		ID:       "PVL312",
		Name:     "rbac-backup-restore",
		Title:    "Subject can restore or download backups",
		Severity: High,
		Category: CatRBAC,
		Graph:    true,
		Description: `Velero acts with its own, cluster-wide identity: whoever may create a ` + "`Restore`" + ` (` + "`velero.io`" + `) makes Velero
write any backed-up namespace's objects and volume data, Secrets included, into a namespace of their choice
(` + "`namespaceMapping`" + `); whoever may create a ` + "`DownloadRequest`" + ` gets a signed URL to a backup's contents in the object
store; whoever may create a ` + "`Backup`" + ` can capture namespaces they cannot read and then restore or download them.
Velero's RBAC does not check that the requester may read what is backed up or restored.

pvlint reports every RoleBinding and ClusterRoleBinding that grants ` + "`create`" + ` on ` + "`restores`" + `, ` + "`backups`" + ` or
` + "`downloadrequests`" + ` to a subject other than Velero's own ServiceAccount (the one the Velero server and node agent run
as, found from their ` + "`velero/velero`" + ` image, or named ` + "`velero`" + `): high in a namespace (Velero's), critical cluster-wide.
Rules that grant everything (` + "`*`" + ` on ` + "`*`" + ` in ` + "`*`" + `) are left to PVL301 and PVL308.`,
		Remediation: `Keep backup and restore requests with the platform team, or route them through a reviewed workflow (a GitOps
repository the Velero namespace reconciles). Grant read access where visibility is enough:

` + "```yaml" + `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: backup-viewer
  namespace: velero
rules:
  - apiGroups: [velero.io]
    resources: [backups, restores, schedules]
    verbs: [get, list, watch]
` + "```",
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: restorer
  namespace: velero
rules:
  - apiGroups: [velero.io]
    resources: [restores]
    verbs: [create, get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: devs-restore
  namespace: velero
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: restorer
subjects:
  - kind: Group
    name: developers
    apiGroup: rbac.authorization.k8s.io
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: backup-viewer
  namespace: velero
rules:
  - apiGroups: [velero.io]
    resources: [backups, restores]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: devs-view
  namespace: velero
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: backup-viewer
subjects:
  - kind: Group
    name: developers
    apiGroup: rbac.authorization.k8s.io
`}},
		References: []string{
			"https://velero.io/docs/main/rbac/",
			"https://velero.io/docs/main/restore-reference/",
			"https://velero.io/docs/main/api-types/restore/",
			refRBACGood,
		},
	},
	Check: checkBackupAccess,
}
