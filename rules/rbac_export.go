package rules

import "github.com/pvlint/pvlint/linter/graph"

// The effective RBAC model, exported for custom rules (graph.subjectsWith and
// graph.permissionsOf in CEL): the same model the built-in RBAC rules use,
// built-in roles and aggregation included, computed once per graph.

// Subject is a subject of a binding: a ServiceAccount (with its namespace), a
// User or a Group.
type Subject struct {
	Kind, Namespace, Name string
	Unknown               bool // the subject could not be evaluated
}

// Permission is one effective RBAC rule a subject holds, with the grant that
// gives it.
type Permission struct {
	Subject         Subject // as granted: the subject itself, or a group it belongs to
	APIGroups       []string
	Resources       []string
	Verbs           []string
	ResourceNames   []string
	NonResourceURLs []string
	Namespace       string // where it applies; "" cluster-wide
	RoleKind        string
	RoleName        string
	Binding         *graph.Resource // the RoleBinding or ClusterRoleBinding
	Role            *graph.Resource // nil for a built-in role
	RuleNode        *graph.Node     // the rule in its role; nil for a built-in role
	// Unknown is set when a field of the rule or its role could not be
	// evaluated, or the bound role is neither scanned nor built in.
	Unknown bool
}

// RBACSubjects returns every subject named by a scanned binding, once each,
// in graph order.
func RBACSubjects(g *graph.Graph) []Subject {
	m := rbacOf(g)
	seen := map[string]bool{}
	var out []Subject
	for _, b := range m.Bindings {
		for _, s := range b.Subjects {
			if seen[s.Key()] {
				continue
			}
			seen[s.Key()] = true
			out = append(out, Subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name, Unknown: s.Unknown})
		}
	}
	return out
}

// RBACPermissions returns the effective permissions of s in every namespace
// and cluster-wide, including those granted to the groups a ServiceAccount
// belongs to. A binding whose role is unknown gives one Permission with
// Unknown set and no rules.
func RBACPermissions(g *graph.Graph, s Subject) []Permission {
	m := rbacOf(g)
	var out []Permission
	for _, gr := range m.Grants(rbacSubject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}, nil) {
		ns := gr.Namespace
		if ns == rbacClusterWide {
			ns = ""
		}
		base := Permission{
			Subject:   Subject{Kind: gr.Subject.Kind, Namespace: gr.Subject.Namespace, Name: gr.Subject.Name, Unknown: gr.Subject.Unknown},
			Namespace: ns, RoleKind: gr.Binding.RoleKind, RoleName: gr.Binding.RoleName, Binding: gr.Binding.Res,
		}
		if gr.Role == nil {
			base.Unknown = true
			out = append(out, base)
			continue
		}
		base.Role = gr.Role.Res
		for _, r := range gr.Role.Rules {
			p := base
			p.APIGroups, p.Resources, p.Verbs = r.APIGroups, r.Resources, r.Verbs
			p.ResourceNames, p.NonResourceURLs = r.ResourceNames, r.NonResourceURLs
			p.RuleNode = r.Node
			p.Unknown = r.Unknown || gr.Role.Unknown || gr.Binding.RoleUnknown
			out = append(out, p)
		}
	}
	return out
}
