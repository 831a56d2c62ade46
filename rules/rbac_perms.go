package rules

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pvlint/pvlint/linter/graph"
)

// The RBAC model: roles (scanned, aggregated and built-in), bindings,
// subjects and the effective permissions they give. It is computed once per
// graph (Graph.Memo) and shared by every rbac rule.
//
// Semantics follow the RBAC authorizer (k8s.io/kubernetes
// pkg/apis/rbac/v1/evaluation_helpers.go) and the aggregation controller:
//   - a verb, API group or resource of "*" matches everything; a resource of
//     "*/sub" matches that subresource of every resource; "pods" does not
//     match "pods/exec";
//   - resourceNames narrows a rule to requests that name one of the objects,
//     so it never matches a create of a top-level resource;
//   - a ClusterRole with an aggregationRule has the rules of every other
//     ClusterRole whose labels match one of its selectors (transitively, as
//     the controller converges); its own written rules are overwritten;
//   - a RoleBinding grants its role (Role or ClusterRole) in its namespace
//     only, where rules about cluster-scoped resources have no effect; a
//     ClusterRoleBinding grants cluster-wide;
//   - a ServiceAccount also holds what is granted to the User
//     system:serviceaccount:NS:NAME and to the groups system:serviceaccounts,
//     system:serviceaccounts:NS and system:authenticated.

// rbacClusterWide is the namespace of a cluster-wide grant.
const rbacClusterWide = "*"

// rbacRule is one PolicyRule of a role.
type rbacRule struct {
	APIGroups       []string
	Resources       []string
	Verbs           []string
	ResourceNames   []string
	NonResourceURLs []string

	Node    *graph.Node // the rule in its role; nil for a built-in role
	Role    *rbacRole   // the role that writes it (the source, for an aggregated rule)
	Unknown bool        // a field could not be evaluated (an unrendered value)

	// risks memoizes Risks, cluster-wide [0] and namespaced [1]: every
	// RBAC rule asks for every rule of every role, from several goroutines.
	risks [2]struct {
		once sync.Once
		v    []rbacRisk
	}
}

// rbacRole is a Role or ClusterRole, scanned or built-in.
type rbacRole struct {
	Kind, Namespace, Name string
	Res                   *graph.Resource // nil for a built-in role
	Labels                map[string]string
	Own                   []*rbacRule // the rules as written
	Aggregates            bool        // has an aggregationRule
	Selectors             []rbacSelector
	Rules                 []*rbacRule // effective: Own, or the aggregated rules
	Sources               []*rbacRole // roles aggregated into this one (transitively)
	Unknown               bool        // labels or selectors could not be evaluated
}

// Builtin reports whether the role is a built-in one (not scanned).
func (r *rbacRole) Builtin() bool { return r.Res == nil }

// Ref names the role in a chain: `ClusterRole edit`, `Role secret-reader`.
func (r *rbacRole) Ref() string {
	if r.Builtin() {
		return r.Kind + " " + r.Name + " (built-in)"
	}
	return r.Kind + " " + r.Name
}

// Title names the role as the subject of a message.
func (r *rbacRole) Title() string {
	if r.Res != nil {
		return r.Res.Title()
	}
	return r.Kind + " \"" + r.Name + "\""
}

func rbacRoleKey(kind, namespace, name string) string {
	if kind == "ClusterRole" {
		namespace = ""
	}
	return kind + "/" + namespace + "/" + name
}

// rbacSelector is a label selector of an aggregationRule.
type rbacSelector struct {
	MatchLabels map[string]string
	Exprs       []rbacSelectorExpr
}

type rbacSelectorExpr struct {
	Key, Operator string
	Values        []string
}

// Matches applies the selector as metav1.LabelSelectorAsSelector does: an
// empty selector matches every object.
func (s rbacSelector) Matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.Exprs {
		v, has := labels[e.Key]
		switch e.Operator {
		case "In":
			if !has || !rbacContains(e.Values, v) {
				return false
			}
		case "NotIn":
			if has && rbacContains(e.Values, v) {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		default: // an invalid operator makes the selector invalid: it selects nothing
			return false
		}
	}
	return true
}

// rbacSubject is a subject of a binding.
type rbacSubject struct {
	Kind      string // ServiceAccount, User or Group
	Namespace string // ServiceAccount only, defaulted to the binding's
	Name      string
	Node      *graph.Node
	Unknown   bool
}

// Key identifies the subject across bindings.
func (s rbacSubject) Key() string {
	if s.Kind == "ServiceAccount" {
		return s.Kind + ":" + s.Namespace + "/" + s.Name
	}
	return s.Kind + ":" + s.Name
}

// String names the subject in a message: `ServiceAccount payments/default`.
func (s rbacSubject) String() string {
	name := s.Name
	if s.Unknown {
		name = "(unknown)"
	}
	if s.Kind == "ServiceAccount" {
		return "ServiceAccount " + s.Namespace + "/" + name
	}
	return s.Kind + " " + name
}

// rbacBinding is a RoleBinding or ClusterRoleBinding.
type rbacBinding struct {
	Res                *graph.Resource
	RoleKind, RoleName string
	Role               *rbacRole // nil when the role is neither scanned nor built-in
	RoleUnknown        bool      // roleRef could not be evaluated
	Subjects           []rbacSubject
	Namespace          string // where it grants: the binding's namespace, or rbacClusterWide
}

// ClusterWide reports whether the binding is a ClusterRoleBinding.
func (b *rbacBinding) ClusterWide() bool { return b.Namespace == rbacClusterWide }

// Ref names the binding in a chain relative to namespace ns: the bare name
// when it lives there.
func (b *rbacBinding) Ref(ns string) string {
	name := b.Res.Name
	if b.Res.Namespace != "" && b.Res.Namespace != ns {
		name = b.Res.Namespace + "/" + name
	}
	return b.Res.Kind + " " + name
}

// rbacGrant is a binding giving its role to one subject.
type rbacGrant struct {
	Binding   *rbacBinding
	Subject   rbacSubject // as written: the subject itself, or a group it belongs to
	Role      *rbacRole   // nil when the role is unknown
	Namespace string      // where it applies; rbacClusterWide for everywhere
}

// rbacPermission is one rule a subject holds, with the grant that gives it.
type rbacPermission struct {
	Rule  *rbacRule
	Grant *rbacGrant
}

// rbacModel is the RBAC state of a scan.
type rbacModel struct {
	Roles    []*rbacRole    // scanned roles, in graph order
	Bindings []*rbacBinding // scanned bindings, in graph order
	g        *graph.Graph
	byRes    map[*graph.Resource]*rbacRole // scanned roles
	builtins map[string]*rbacRole          // built-in ClusterRoles by name
	grants   map[string][]*rbacGrant       // by subject key
	boundBy  map[*rbacRole][]*rbacBinding  // bindings that grant a role, directly or through an aggregate
}

// rbacOf returns the graph's RBAC model, computing it once.
func rbacOf(g *graph.Graph) *rbacModel {
	return g.Memo("rbac", func() any { return buildRBAC(g) }).(*rbacModel)
}

func buildRBAC(g *graph.Graph) *rbacModel {
	m := &rbacModel{g: g, byRes: map[*graph.Resource]*rbacRole{}, builtins: map[string]*rbacRole{},
		grants: map[string][]*rbacGrant{}, boundBy: map[*rbacRole][]*rbacBinding{}}
	for _, r := range g.OfKind("Role", "ClusterRole") {
		if !r.IsKubernetes() {
			continue
		}
		role := parseRBACRole(r)
		m.Roles = append(m.Roles, role)
		m.byRes[r] = role
	}
	for _, b := range rbacBuiltinRoles {
		m.builtins[b.name] = builtinRBACRole(b)
	}
	m.aggregate()
	for _, r := range g.OfKind("RoleBinding", "ClusterRoleBinding") {
		if !r.IsKubernetes() {
			continue
		}
		b := m.parseBinding(r)
		m.Bindings = append(m.Bindings, b)
		if b.Role != nil && len(b.Subjects) > 0 {
			m.boundBy[b.Role] = append(m.boundBy[b.Role], b)
			for _, src := range b.Role.Sources {
				m.boundBy[src] = append(m.boundBy[src], b)
			}
		}
		for _, s := range b.Subjects {
			if s.Unknown {
				continue
			}
			m.grants[s.Key()] = append(m.grants[s.Key()], &rbacGrant{Binding: b, Subject: s, Role: b.Role, Namespace: b.Namespace})
		}
	}
	return m
}

// roleFor returns the role binding r's roleRef resolves to: the scanned
// role its GrantsRole edge points at (the graph's one resolver decides,
// nearest definition first), else the built-in ClusterRole of that name, or
// nil.
func (m *rbacModel) roleFor(r *graph.Resource, kind, name string) *rbacRole {
	for _, e := range r.OutOf(graph.GrantsRole) {
		if e.To != nil {
			return m.byRes[e.To]
		}
	}
	if kind == "ClusterRole" {
		return m.builtins[name]
	}
	return nil
}

// clusterRoles returns every ClusterRole an aggregate may select: the
// scanned ones in graph order, then the built-ins by name.
func (m *rbacModel) clusterRoles() []*rbacRole {
	var out []*rbacRole
	for _, r := range m.Roles {
		if r.Kind == "ClusterRole" {
			out = append(out, r)
		}
	}
	names := make([]string, 0, len(m.builtins))
	for n := range m.builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, m.builtins[n])
	}
	return out
}

// aggregate fills Rules and Sources of every role. An aggregated role holds
// the rules of every non-aggregated role it reaches through its selectors
// (and the selectors of the aggregated roles it matches), which is where the
// aggregation controller converges; cycles are harmless.
func (m *rbacModel) aggregate() {
	all := m.clusterRoles()
	fill := func(role *rbacRole) {
		if !role.Aggregates {
			role.Rules = role.Own
			return
		}
		seen := map[*rbacRole]bool{role: true}
		queue := []*rbacRole{role}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			// The selected roles, by name: a name defined in several
			// places (the same ClusterRole in deploy/ and in a chart)
			// is one role, the one the resolver would pick for a
			// reference from x (graph.Nearest: in reach, nearest).
			var names []string
			byName := map[string][]*rbacRole{}
			for _, c := range all {
				if seen[c] || !x.selects(c) {
					continue
				}
				if byName[c.Name] == nil {
					names = append(names, c.Name)
				}
				byName[c.Name] = append(byName[c.Name], c)
			}
			for _, n := range names {
				c := m.nearestRole(x, byName[n])
				seen[c] = true
				role.Sources = append(role.Sources, c)
				if c.Aggregates {
					queue = append(queue, c)
				}
			}
		}
		for _, c := range role.Sources {
			if !c.Aggregates {
				role.Rules = append(role.Rules, c.Own...)
			}
		}
	}
	done := map[*rbacRole]bool{}
	for _, r := range all {
		done[r] = true
		fill(r)
	}
	for _, r := range m.Roles { // Roles, and duplicates that lost the name
		if !done[r] {
			done[r] = true
			fill(r)
		}
	}
}

// nearestRole is the one of cands (roles of one name, in graph order)
// that x aggregates. The controller aggregates by label across the whole
// cluster, so a name the selector matches is never dropped: the resolver's
// rule (graph.Nearest) only picks among copies of one name (the same role
// in deploy/, a chart and a bundle), and when none of them is in reach the
// first one stands (a permission reported rather than missed).
func (m *rbacModel) nearestRole(x *rbacRole, cands []*rbacRole) *rbacRole {
	if x.Res == nil || len(cands) == 1 {
		return cands[0]
	}
	res := make([]*graph.Resource, 0, len(cands))
	for _, c := range cands {
		if c.Res != nil {
			res = append(res, c.Res)
		}
	}
	best := m.g.Nearest(x.Res, res)
	for _, c := range cands {
		if c.Res != nil && c.Res == best {
			return c
		}
	}
	return cands[0]
}

func (r *rbacRole) selects(c *rbacRole) bool {
	if c == r || c.Kind != "ClusterRole" {
		return false
	}
	for _, s := range r.Selectors {
		if s.Matches(c.Labels) {
			return true
		}
	}
	return false
}

func parseRBACRole(r *graph.Resource) *rbacRole {
	role := &rbacRole{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, Res: r, Labels: map[string]string{}}
	labels := r.Root.Path("metadata", "labels")
	if labels.HasUnknown() {
		role.Unknown = true
	}
	labels.Each(func(k string, v *graph.Node) {
		if s, ok := v.Str(); ok {
			role.Labels[k] = s
		}
	})
	for _, n := range r.Root.Get("rules").List() {
		role.Own = append(role.Own, parseRBACRule(role, n))
	}
	if r.Kind == "ClusterRole" {
		if agg := r.Root.Get("aggregationRule"); agg != nil && agg.Kind != graph.Null {
			role.Aggregates = true
			if agg.HasUnknown() {
				role.Unknown = true
			}
			for _, sel := range agg.Get("clusterRoleSelectors").List() {
				if sel.HasUnknown() || sel.Kind != graph.Map {
					continue
				}
				role.Selectors = append(role.Selectors, parseRBACSelector(sel))
			}
		}
	}
	return role
}

func parseRBACSelector(n *graph.Node) rbacSelector {
	s := rbacSelector{MatchLabels: map[string]string{}}
	n.Get("matchLabels").Each(func(k string, v *graph.Node) {
		s.MatchLabels[k] = v.String()
	})
	for _, e := range n.Get("matchExpressions").List() {
		key, _ := e.Get("key").Str()
		op, _ := e.Get("operator").Str()
		s.Exprs = append(s.Exprs, rbacSelectorExpr{Key: key, Operator: op, Values: e.Get("values").Strings()})
	}
	return s
}

func parseRBACRule(role *rbacRole, n *graph.Node) *rbacRule {
	rule := &rbacRule{Node: n, Role: role, Unknown: n.HasUnknown()}
	rule.APIGroups = n.Get("apiGroups").Strings()
	rule.Resources = n.Get("resources").Strings()
	rule.Verbs = n.Get("verbs").Strings()
	rule.ResourceNames = n.Get("resourceNames").Strings()
	rule.NonResourceURLs = n.Get("nonResourceURLs").Strings()
	return rule
}

func builtinRBACRole(b rbacBuiltinRole) *rbacRole {
	role := &rbacRole{Kind: "ClusterRole", Name: b.name, Labels: b.labels}
	if role.Labels == nil {
		role.Labels = map[string]string{}
	}
	if b.aggregate != "" {
		role.Aggregates = true
		role.Selectors = []rbacSelector{{MatchLabels: map[string]string{b.aggregate: "true"}}}
	}
	for _, r := range b.rules {
		role.Own = append(role.Own, &rbacRule{APIGroups: r.groups, Resources: r.resources, Verbs: r.verbs,
			ResourceNames: r.names, NonResourceURLs: r.urls, Role: role})
	}
	return role
}

func (m *rbacModel) parseBinding(r *graph.Resource) *rbacBinding {
	b := &rbacBinding{Res: r, Namespace: r.Namespace}
	if r.Kind == "ClusterRoleBinding" {
		b.Namespace = rbacClusterWide
	}
	ref := r.Root.Get("roleRef")
	b.RoleKind, _ = ref.Get("kind").Str()
	b.RoleName, _ = ref.Get("name").Str()
	b.RoleUnknown = ref == nil || ref.Get("kind").IsUnknown() || ref.Get("name").IsUnknown() || ref.IsUnknown()
	// A ClusterRoleBinding can only refer to a ClusterRole.
	if b.RoleName != "" && (b.RoleKind == "ClusterRole" || b.RoleKind == "Role" && !b.ClusterWide()) {
		b.Role = m.roleFor(r, b.RoleKind, b.RoleName)
	}
	for _, n := range r.Root.Get("subjects").List() {
		s := rbacSubject{Node: n}
		s.Kind, _ = n.Get("kind").Str()
		s.Name, _ = n.Get("name").Str()
		s.Unknown = n.HasUnknown() || n.Kind != graph.Map
		if s.Kind == "ServiceAccount" {
			s.Namespace, _ = n.Get("namespace").Str()
			if s.Namespace == "" {
				s.Namespace = r.Namespace
			}
		}
		if s.Name == "" && !s.Unknown {
			continue // invalid; the API server rejects it
		}
		b.Subjects = append(b.Subjects, s)
	}
	return b
}

// Grants returns what is granted to s, including, for a ServiceAccount, the
// grants to its user name and to the groups it belongs to. from, when not
// nil, is the object asking (a workload running as s): bindings across an
// environment split from it (graph.InReach) grant it nothing.
func (m *rbacModel) Grants(s rbacSubject, from *graph.Resource) []*rbacGrant {
	keys := []string{s.Key()}
	if s.Kind == "ServiceAccount" {
		keys = append(keys,
			"User:system:serviceaccount:"+s.Namespace+":"+s.Name,
			"Group:system:serviceaccounts",
			"Group:system:serviceaccounts:"+s.Namespace,
			"Group:system:authenticated")
	}
	var out []*rbacGrant
	for _, k := range keys {
		for _, gr := range m.grants[k] {
			if from == nil || m.g.InReach(from, gr.Binding.Res) {
				out = append(out, gr)
			}
		}
	}
	return out
}

// Permissions returns the effective permissions of s in namespace ns (the
// grants there and the cluster-wide ones), or only the cluster-wide ones
// when ns is rbacClusterWide.
func (m *rbacModel) Permissions(s rbacSubject, ns string) []rbacPermission {
	var out []rbacPermission
	for _, g := range m.Grants(s, nil) {
		if g.Role == nil {
			continue
		}
		if g.Namespace != rbacClusterWide && (ns == rbacClusterWide || g.Namespace != ns) {
			continue
		}
		for _, r := range g.Role.Rules {
			out = append(out, rbacPermission{Rule: r, Grant: g})
		}
	}
	return out
}

// Reach says how far a scanned role is granted: cluster-wide (a
// ClusterRoleBinding grants it or an aggregate of it) and the bindings that
// grant it.
func (m *rbacModel) Reach(role *rbacRole) (clusterWide bool, bindings []*rbacBinding) {
	bindings = m.boundBy[role]
	for _, b := range bindings {
		if b.ClusterWide() {
			clusterWide = true
		}
	}
	return clusterWide, bindings
}

// --- matching -------------------------------------------------------------

// rbacTarget is a resource a check asks about, with the verbs that matter.
type rbacTarget struct {
	Group, Resource string // Resource may name a subresource: pods/exec
	Verbs           []string
	Cluster         bool // cluster-scoped: a namespaced grant cannot reach it
}

// rbacMatch is what part of a rule matched a set of targets.
type rbacMatch struct {
	Verbs     []string      // the rule's verbs that matched, as written
	Resources []string      // the rule's resources that matched, as written
	Targets   []rbacTarget  // the targets reached
	VerbNodes []*graph.Node // nodes of the matched verbs
	ResNodes  []*graph.Node // nodes of the matched resources
}

func rbacContains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// groupMatches: a rule's apiGroups of "*" or the group itself.
func (r *rbacRule) groupMatches(group string) bool {
	return rbacContains(r.APIGroups, "*") || rbacContains(r.APIGroups, group)
}

// resourceItemMatches reports whether a rule resource item covers res.
func resourceItemMatches(item, res string) bool {
	if item == "*" || item == res {
		return true
	}
	if i := strings.IndexByte(res, '/'); i >= 0 && item == "*"+res[i:] {
		return true
	}
	return false
}

// Match checks the rule against targets. A rule that names only
// nonResourceURLs never matches a resource. namespaced drops cluster-scoped
// targets (the rule is granted in a namespace only).
func (r *rbacRule) Match(targets []rbacTarget, namespaced bool) (rbacMatch, bool) {
	var m rbacMatch
	if len(r.Resources) == 0 {
		return m, false
	}
	for _, t := range targets {
		if t.Cluster && namespaced || !r.groupMatches(t.Group) {
			continue
		}
		// Most targets match nothing: decide first, then collect, so a
		// miss costs no allocation.
		verbOK := slices.ContainsFunc(r.Verbs, func(v string) bool { return v == "*" || rbacContains(t.Verbs, v) })
		if !verbOK || !slices.ContainsFunc(r.Resources, func(item string) bool { return resourceItemMatches(item, t.Resource) }) {
			continue
		}
		m.Targets = append(m.Targets, t)
		for _, v := range r.Verbs {
			if (v == "*" || rbacContains(t.Verbs, v)) && !rbacContains(m.Verbs, v) {
				m.Verbs = append(m.Verbs, v)
			}
		}
		for _, x := range r.Resources {
			if resourceItemMatches(x, t.Resource) && !rbacContains(m.Resources, x) {
				m.Resources = append(m.Resources, x)
			}
		}
	}
	if len(m.Targets) == 0 {
		return m, false
	}
	m.VerbNodes = r.items("verbs", m.Verbs)
	m.ResNodes = r.items("resources", m.Resources)
	return m, true
}

// items returns the nodes of the listed values of one of the rule's lists,
// in source order.
func (r *rbacRule) items(field string, values []string) []*graph.Node {
	if r.Node == nil {
		return nil
	}
	list := r.Node.Get(field)
	if list == nil {
		return nil
	}
	if list.Kind == graph.Scalar {
		if rbacContains(values, list.Value()) {
			return []*graph.Node{list}
		}
		return nil
	}
	var out []*graph.Node
	for _, it := range list.List() {
		if s, ok := it.Str(); ok && rbacContains(values, s) {
			out = append(out, it)
		}
	}
	return out
}

// rbacFirst returns the earliest node by position, or nil.
func rbacFirst(nodes ...*graph.Node) *graph.Node {
	var best *graph.Node
	for _, n := range nodes {
		if n == nil {
			continue
		}
		if best == nil || n.Pos().Line < best.Pos().Line || n.Pos().Line == best.Pos().Line && n.Pos().Col < best.Pos().Col {
			best = n
		}
	}
	return best
}

// --- risks ------------------------------------------------------------------

// What makes a role rule risky (PVL301–PVL305), shared by the checks on
// role definitions and by the graph checks that follow grants.

var rbacWriteVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// rbacStorageTargets are the storage API objects whose writers can destroy,
// redirect or expose volumes (PVL302).
var rbacStorageTargets = []rbacTarget{
	{Group: "", Resource: "persistentvolumes", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "", Resource: "persistentvolumeclaims", Verbs: rbacWriteVerbs},
	{Group: "storage.k8s.io", Resource: "storageclasses", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "storage.k8s.io", Resource: "volumeattachments", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "storage.k8s.io", Resource: "csidrivers", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "storage.k8s.io", Resource: "csinodes", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "snapshot.storage.k8s.io", Resource: "volumesnapshots", Verbs: rbacWriteVerbs},
	{Group: "snapshot.storage.k8s.io", Resource: "volumesnapshotcontents", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "snapshot.storage.k8s.io", Resource: "volumesnapshotclasses", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "storage.k8s.io", Resource: "volumeattributesclasses", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "storage.k8s.io", Resource: "csistoragecapacities", Verbs: rbacWriteVerbs},
	{Group: "groupsnapshot.storage.k8s.io", Resource: "volumegroupsnapshots", Verbs: rbacWriteVerbs},
	{Group: "groupsnapshot.storage.k8s.io", Resource: "volumegroupsnapshotclasses", Verbs: rbacWriteVerbs, Cluster: true},
	{Group: "groupsnapshot.storage.k8s.io", Resource: "volumegroupsnapshotcontents", Verbs: rbacWriteVerbs, Cluster: true},
	// Velero (namespaced custom resources): redirect backups to another
	// bucket, change or delete schedules, delete backups and their data.
	{Group: "velero.io", Resource: "backupstoragelocations", Verbs: rbacWriteVerbs},
	{Group: "velero.io", Resource: "volumesnapshotlocations", Verbs: rbacWriteVerbs},
	{Group: "velero.io", Resource: "schedules", Verbs: rbacWriteVerbs},
	{Group: "velero.io", Resource: "deletebackuprequests", Verbs: rbacWriteVerbs},
	{Group: "velero.io", Resource: "backuprepositories", Verbs: rbacWriteVerbs},
}

// rbacBackupAccessTargets: starting a backup, a restore or a download of
// backup contents through Velero (PVL312).
var rbacBackupAccessTargets = []rbacTarget{
	{Group: "velero.io", Resource: "restores", Verbs: []string{"create"}},
	{Group: "velero.io", Resource: "backups", Verbs: []string{"create"}},
	{Group: "velero.io", Resource: "downloadrequests", Verbs: []string{"create"}},
}

// rbacSecretTargets: reading Secrets (PVL303).
var rbacSecretTargets = []rbacTarget{
	{Group: "", Resource: "secrets", Verbs: []string{"get", "list", "watch"}},
}

// rbacEscalationTargets: the verbs that bypass RBAC's escalation checks
// (PVL304): escalate and bind on roles, impersonate on identities, and
// create on serviceaccounts/token (a token for any ServiceAccount of the
// namespace).
var rbacEscalationTargets = []rbacTarget{
	{Group: "rbac.authorization.k8s.io", Resource: "roles", Verbs: []string{"escalate", "bind"}},
	{Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Verbs: []string{"escalate", "bind"}, Cluster: true},
	{Group: "", Resource: "users", Verbs: []string{"impersonate"}, Cluster: true},
	{Group: "", Resource: "groups", Verbs: []string{"impersonate"}, Cluster: true},
	{Group: "", Resource: "serviceaccounts", Verbs: []string{"impersonate"}},
	{Group: "authentication.k8s.io", Resource: "uids", Verbs: []string{"impersonate"}, Cluster: true},
	{Group: "", Resource: "serviceaccounts/token", Verbs: []string{"create"}},
}

// rbacExecTargets: running commands in containers or reaching the kubelet
// (PVL305). Ephemeral containers are added with update or patch (kubectl
// debug); create is listed too for safety.
var rbacExecTargets = []rbacTarget{
	{Group: "", Resource: "pods/exec", Verbs: []string{"create"}},
	{Group: "", Resource: "pods/attach", Verbs: []string{"create"}},
	{Group: "", Resource: "pods/portforward", Verbs: []string{"create"}},
	{Group: "", Resource: "pods/ephemeralcontainers", Verbs: []string{"create", "update", "patch"}},
	{Group: "", Resource: "nodes/proxy", Verbs: []string{"get", "create"}, Cluster: true},
}

// rbacWorkloadTargets: creating pods, directly or through a controller
// (PVL306). The extensions group is kept for old clusters.
var rbacWorkloadTargets = []rbacTarget{
	{Group: "", Resource: "pods", Verbs: []string{"create"}},
	{Group: "", Resource: "replicationcontrollers", Verbs: []string{"create"}},
	{Group: "apps", Resource: "deployments", Verbs: []string{"create"}},
	{Group: "apps", Resource: "statefulsets", Verbs: []string{"create"}},
	{Group: "apps", Resource: "daemonsets", Verbs: []string{"create"}},
	{Group: "apps", Resource: "replicasets", Verbs: []string{"create"}},
	{Group: "extensions", Resource: "deployments", Verbs: []string{"create"}},
	{Group: "extensions", Resource: "daemonsets", Verbs: []string{"create"}},
	{Group: "extensions", Resource: "replicasets", Verbs: []string{"create"}},
	{Group: "batch", Resource: "jobs", Verbs: []string{"create"}},
	{Group: "batch", Resource: "cronjobs", Verbs: []string{"create"}},
}

// rbacNamesNarrow reports whether resourceNames bound an escalation match
// to the objects they name: bind on the named roles only, impersonation of
// the named identities only, tokens of the named ServiceAccounts only (the
// authorizer checks the name for each of these requests). escalate is not
// narrowed (it lets the named role be rewritten with any permission), nor
// is a name that is itself all power: the built-in cluster-admin, admin
// and edit roles, and the system: roles, users and groups (system:masters).
func rbacNamesNarrow(m rbacMatch, names []string) bool {
	if len(names) == 0 || slices.Contains(m.Verbs, "escalate") || slices.Contains(m.Verbs, "*") {
		return false
	}
	for _, n := range names {
		if n == "cluster-admin" || n == "admin" || n == "edit" || strings.HasPrefix(n, "system:") {
			return false
		}
	}
	return true
}

// rbacRisk is one risky thing a rule grants.
type rbacRisk struct {
	ID       string      // PVL301..PVL305
	At       *graph.Node // where the rule shows it; nil for a built-in role
	Phrase   string      // `can read Secrets` (after the role's name)
	What     string      // `get, list secrets`
	Wildcard bool        // PVL301: "*" in apiGroups, resources and verbs at once
	Narrowed bool        // PVL303, PVL304: resourceNames limits it to named Secrets, roles or identities
	Cluster  bool        // PVL302: reaches cluster-scoped storage objects
}

// Risks returns what the rule grants that PVL301–PVL305 report, at most one
// risk per rule ID. namespaced says the rule is granted in a namespace only,
// where cluster-scoped resources are out of reach. Only resource rules
// count: nonResourceURLs rules name no API object.
// The slice is shared: callers read it and copy what they keep.
func (r *rbacRule) Risks(namespaced bool) []rbacRisk {
	i := 0
	if namespaced {
		i = 1
	}
	m := &r.risks[i]
	m.once.Do(func() { m.v = r.risksOf(namespaced) })
	return m.v
}

func (r *rbacRule) risksOf(namespaced bool) []rbacRisk {
	if len(r.Resources) == 0 {
		return nil
	}
	var out []rbacRisk
	var wild []string
	var wildNodes []*graph.Node
	for _, f := range []struct {
		key  string
		list []string
	}{{"apiGroups", r.APIGroups}, {"resources", r.Resources}, {"verbs", r.Verbs}} {
		if rbacContains(f.list, "*") {
			wild = append(wild, f.key)
			wildNodes = append(wildNodes, r.items(f.key, []string{"*"})...)
		}
	}
	if len(wild) > 0 {
		k := rbacRisk{ID: "PVL301", At: rbacFirst(wildNodes...), Wildcard: len(wild) == 3}
		if k.Wildcard {
			k.Phrase = "grants every verb on every resource in every API group"
			k.What = "* on * in every API group"
		} else {
			k.Phrase = `uses a wildcard ("*" in ` + joinAnd(wild) + ")"
			k.What = rbacSummary(r.Verbs, r.Resources) + rbacInGroups(r.APIGroups)
		}
		out = append(out, k)
	}
	if m, ok := r.Match(rbacStorageTargets, namespaced); ok {
		k := rbacRisk{ID: "PVL302", At: r.field("verbs"), Phrase: "can change storage objects", What: rbacSummary(m.Verbs, m.names())}
		for _, t := range m.Targets {
			k.Cluster = k.Cluster || t.Cluster
		}
		out = append(out, k)
	}
	if m, ok := r.Match(rbacSecretTargets, namespaced); ok {
		k := rbacRisk{ID: "PVL303", At: r.field("resources"), Phrase: "can read Secrets", What: rbacSummary(m.Verbs, []string{"secrets"})}
		if len(r.ResourceNames) > 0 {
			k.Narrowed = true
			k.What += " named " + strings.Join(r.ResourceNames, ", ")
		}
		out = append(out, k)
	}
	if m, ok := r.Match(rbacEscalationTargets, namespaced); ok {
		k := rbacRisk{ID: "PVL304", At: rbacFirst(m.VerbNodes...), Phrase: "can escalate privileges", What: rbacSummary(m.Verbs, m.names())}
		if rbacNamesNarrow(m, r.ResourceNames) {
			k.Narrowed = true
			k.What += " named " + strings.Join(r.ResourceNames, ", ")
		}
		out = append(out, k)
	}
	if m, ok := r.Match(rbacExecTargets, namespaced); ok {
		phrase := "can run commands in pods"
		for _, t := range m.Targets {
			if t.Resource == "nodes/proxy" {
				phrase = "can reach the kubelet API (and through it every pod of a node)"
			}
		}
		out = append(out, rbacRisk{ID: "PVL305", At: rbacFirst(m.ResNodes...), Phrase: phrase, What: rbacSummary(m.Verbs, m.names())})
	}
	return out
}

// names lists the targets a match reached, by resource name.
func (m rbacMatch) names() []string {
	var out []string
	for _, t := range m.Targets {
		if !rbacContains(out, t.Resource) {
			out = append(out, t.Resource)
		}
	}
	return out
}

// field returns the node of a key of the rule, or nil.
func (r *rbacRule) field(key string) *graph.Node {
	if r.Node == nil {
		return nil
	}
	return r.Node.Get(key)
}

func rbacRiskByID(risks []rbacRisk, id string) *rbacRisk {
	for i := range risks {
		if risks[i].ID == id {
			return &risks[i]
		}
	}
	return nil
}

// rbacFullWildcard reports whether the risks include "*" on "*" in "*".
func rbacFullWildcard(risks []rbacRisk) bool {
	k := rbacRiskByID(risks, "PVL301")
	return k != nil && k.Wildcard
}

// rbacRiskSeverity scales a risk with its reach (clusterWide: granted by a
// ClusterRoleBinding). Each rule's Description documents its scale.
func rbacRiskSeverity(k rbacRisk, clusterWide bool) Severity {
	switch k.ID {
	case "PVL301":
		if k.Wildcard {
			return Critical
		}
		return High
	case "PVL302":
		if clusterWide || k.Cluster {
			return High
		}
		return Medium
	case "PVL303":
		s := Medium
		if clusterWide {
			s = High
		}
		if k.Narrowed {
			s--
		}
		return s
	case "PVL304", "PVL305":
		s := High
		if clusterWide {
			s = Critical
		}
		if k.Narrowed {
			s--
		}
		return s
	}
	return High
}

// rbacRisky reports whether any rule of role carries a PVL301–PVL305 risk.
func rbacRisky(role *rbacRole, namespaced bool) bool {
	for _, r := range role.Rules {
		if len(r.Risks(namespaced)) > 0 {
			return true
		}
	}
	return false
}

// rbacReadOnly reports whether a role only reads, and nothing sensitive.
func rbacReadOnly(role *rbacRole) bool {
	for _, r := range role.Rules {
		if r.Unknown || len(r.Risks(false)) > 0 {
			return false
		}
		for _, v := range r.Verbs {
			if v != "get" && v != "list" && v != "watch" {
				return false
			}
		}
	}
	return true
}

// rbacHasUnknown reports whether a role's rules (or, for an aggregate, the
// selection of them) could not all be evaluated.
func rbacHasUnknown(role *rbacRole) bool {
	if role.Unknown && role.Aggregates {
		return true
	}
	for _, r := range role.Rules {
		if r.Unknown {
			return true
		}
	}
	return false
}

// rbacAllPowerful returns the rule that grants "*" on "*" in "*", or nil.
func rbacAllPowerful(role *rbacRole) *rbacRule {
	for _, r := range role.Rules {
		if rbacFullWildcard(r.Risks(false)) {
			return r
		}
	}
	return nil
}

// --- message helpers ---

// rbacSummary writes a rule as `get, list secrets`.
func rbacSummary(verbs, resources []string) string {
	return strings.Join(verbs, ", ") + " " + strings.Join(resources, ", ")
}

// rbacInGroups names the API groups a rule applies to, for a message
// whose resources are "*" or otherwise ambiguous: " in API group
// custom.metrics.k8s.io", " in the core API group"; "" for "*" (the
// message says so already).
func rbacInGroups(groups []string) string {
	if len(groups) == 0 || rbacContains(groups, "*") {
		return ""
	}
	var names []string
	for _, g := range groups {
		if g == "" {
			g = "core"
		}
		names = append(names, g)
	}
	if len(names) == 1 && names[0] == "core" {
		return " in the core API group"
	}
	word := " in API group "
	if len(names) > 1 {
		word = " in API groups "
	}
	return word + rbacFew(names, 3)
}

// rbacFew lists the first n items and how many more there are.
func rbacFew(items []string, n int) string {
	if len(items) <= n {
		return joinAnd(items)
	}
	return strings.Join(items[:n], ", ") + " and " + strconv.Itoa(len(items)-n) + " more"
}

// rbacSubjects names a binding's subjects: `Group devs and ServiceAccount ci/bot`.
func rbacSubjects(subjects []rbacSubject) string {
	var names []string
	for _, s := range subjects {
		names = append(names, s.String())
	}
	return rbacFew(names, 3)
}

// rbacRoleRef names the role a binding refers to, resolved or not.
func rbacRoleRef(b *rbacBinding) string {
	if b.Role != nil {
		return b.Role.Ref()
	}
	return b.RoleKind + " " + b.RoleName + " (not in the scanned files)"
}

// rbacBindingTitles names the bindings of role, the cluster-wide ones
// first, with the aggregate they grant it through.
func rbacBindingTitles(role *rbacRole, bindings []*rbacBinding) []string {
	bs := append([]*rbacBinding(nil), bindings...)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].ClusterWide() && !bs[j].ClusterWide() })
	var out []string
	for _, b := range bs {
		t := b.Res.Title()
		if b.Role != nil && b.Role != role {
			t += " (through " + b.Role.Ref() + ")"
		}
		out = append(out, t)
	}
	return out
}

// rbacReachText is the sentence that says how far a role is granted.
func rbacReachText(role *rbacRole, clusterWide bool, bindings []*rbacBinding) string {
	switch {
	case len(bindings) == 0:
		return " No scanned binding grants it."
	case clusterWide:
		return " It is granted cluster-wide by " + rbacFew(rbacBindingTitles(role, bindings), 3) + "."
	}
	return " It is granted by " + rbacFew(rbacBindingTitles(role, bindings), 3) + "."
}

// rbacRelateBindings adds the bindings' roleRefs as related locations.
func rbacRelateBindings(f *Finding, bindings []*rbacBinding) {
	for i, b := range bindings {
		if i == 5 {
			break
		}
		f.Related(b.Res.At("roleRef"), "%s grants it", b.Res.Title())
	}
}
