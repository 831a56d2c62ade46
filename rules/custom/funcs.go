package custom

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// The graph in CEL. `graph` and `tf` are values of opaque types whose
// member functions walk the scan: pure, in-process, over the index built
// once per scan. Each evaluation gets its own graphVal, which records the
// hops the functions walked so that a finding can list them as related
// locations.

// hop is an edge a graph function followed.
type hop struct {
	from *graph.Resource
	at   *graph.Node // the field on from that makes the link (nil: the resource)
	to   *graph.Resource
	what string // "class", "key", ...
}

// graphVal is the `graph` (and `tf`) value of one evaluation.
type graphVal struct {
	ix   *index
	t    *types.Type
	hops []hop
}

func (g *graphVal) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("the graph cannot be converted")
}
func (g *graphVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return g.t
	}
	return types.NewErr("the graph cannot be converted to %s", t.TypeName())
}
func (g *graphVal) Equal(o ref.Val) ref.Val { return types.Bool(o == g) }
func (g *graphVal) Type() ref.Type          { return g.t }
func (g *graphVal) Value() any              { return g }

func (g *graphVal) val(r *graph.Resource) ref.Val {
	return types.DefaultTypeAdapter.NativeToValue(g.ix.value(r))
}

func (g *graphVal) list(items []any) ref.Val {
	return types.DefaultTypeAdapter.NativeToValue(items)
}

// the graph functions: name, argument types, implementation.
type graphFunc struct {
	name string
	recv *cel.Type
	args []*cel.Type
	fn   func(g *graphVal, args []ref.Val) ref.Val
}

var graphFuncs = []graphFunc{
	{"storageClassOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).storageClassOf},
	{"claimsOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).claimsOf},
	{"workloadsUsing", graphType, []*cel.Type{cel.DynType}, (*graphVal).workloadsUsing},
	{"volumeOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).volumeOf},
	{"kmsKeyOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).kmsKeyOf},
	{"serviceAccountOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).serviceAccountOf},
	{"subjectsWith", graphType, []*cel.Type{cel.StringType, cel.StringType}, (*graphVal).subjectsWith},
	{"permissionsOf", graphType, []*cel.Type{cel.DynType}, (*graphVal).permissionsOf},
	{"resources", graphType, []*cel.Type{cel.StringType}, (*graphVal).resources},
	{"resources", tfType, []*cel.Type{cel.StringType}, (*graphVal).tfResources},
}

func graphFunctions() []cel.EnvOption {
	var out []cel.EnvOption
	for _, f := range graphFuncs {
		f := f
		id := "pvlint_" + f.recv.String() + "_" + f.name
		types := append([]*cel.Type{f.recv}, f.args...)
		out = append(out, cel.Function(f.name, cel.MemberOverload(id, types, cel.DynType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				g, ok := args[0].(*graphVal)
				if !ok {
					return typesErr("%s: not called on the graph", f.name)
				}
				for _, a := range args[1:] {
					if isUnknown(a) || isErr(a) {
						return a
					}
				}
				return f.fn(g, args[1:])
			}))))
	}
	return out
}

func typesErr(format string, args ...any) ref.Val { return types.NewErr(format, args...) }

func isUnknown(v ref.Val) bool { return types.IsUnknown(v) }
func isErr(v ref.Val) bool     { return types.IsError(v) }

// resource returns the scanned resource an argument stands for; null gives
// nil without an error (so calls chain: kmsKeyOf(storageClassOf(x))).
func (g *graphVal) resource(fn string, v ref.Val) (*graph.Resource, ref.Val) {
	if v == types.NullValue {
		return nil, types.NullValue
	}
	r := g.ix.resourceOf(v)
	if r == nil {
		return nil, typesErr("graph.%s: the argument is not an object of the scan", fn)
	}
	return r, nil
}

func (g *graphVal) storageClassOf(args []ref.Val) ref.Val {
	r, stop := g.resource("storageClassOf", args[0])
	if stop != nil {
		return stop
	}
	if r.Root.Path("spec", "storageClassName").IsUnknown() {
		return unknownVal
	}
	for _, e := range r.OutOf(graph.UsesClass) {
		if e.To == nil {
			if e.Name == "" {
				return types.NullValue
			}
			g.hops = append(g.hops, hop{from: r, at: e.At, what: "class"})
			return unknownVal // named, but not in the scan: the cluster may have it
		}
		g.hops = append(g.hops, hop{from: r, at: e.At, to: e.To, what: "class"})
		return g.val(e.To)
	}
	return types.NullValue
}

func (g *graphVal) claimsOf(args []ref.Val) ref.Val {
	r, stop := g.resource("claimsOf", args[0])
	if stop != nil {
		if stop == types.NullValue {
			return g.list(nil)
		}
		return stop
	}
	items := []any{}
	for _, e := range r.OutOf(graph.UsesClaim) {
		if e.To == nil {
			items = append(items, unknownVal)
			continue
		}
		g.hops = append(g.hops, hop{from: r, at: e.At, to: e.To, what: "claim"})
		items = append(items, g.ix.value(e.To))
	}
	return g.list(items)
}

func (g *graphVal) workloadsUsing(args []ref.Val) ref.Val {
	r, stop := g.resource("workloadsUsing", args[0])
	if stop != nil {
		if stop == types.NullValue {
			return g.list(nil)
		}
		return stop
	}
	items := []any{}
	seen := map[*graph.Resource]bool{}
	for _, e := range r.InOf(graph.UsesClaim) {
		if seen[e.From] {
			continue
		}
		seen[e.From] = true
		g.hops = append(g.hops, hop{from: e.From, at: e.At, to: e.From, what: "workload"})
		items = append(items, g.ix.value(e.From))
	}
	return g.list(items)
}

func (g *graphVal) volumeOf(args []ref.Val) ref.Val {
	r, stop := g.resource("volumeOf", args[0])
	if stop != nil {
		return stop
	}
	if r.Root.Path("spec", "volumeName").IsUnknown() {
		return unknownVal
	}
	for _, e := range r.OutOf(graph.BindsVolume) {
		if e.To == nil {
			return unknownVal
		}
		g.hops = append(g.hops, hop{from: r, at: e.At, to: e.To, what: "volume"})
		return g.val(e.To)
	}
	for _, e := range r.InOf(graph.ClaimedBy) {
		g.hops = append(g.hops, hop{from: e.From, at: e.At, to: e.From, what: "volume"})
		return g.val(e.From)
	}
	return types.NullValue
}

// keyFields are the fields that name an encryption key, by kind: a key
// named there that the graph could not link is in the cloud, not the scan.
var keyFields = [][]string{
	{"parameters", "kmsKeyId"}, {"parameters", "kmskeyid"}, {"parameters", "kmsKeyID"},
	{"parameters", "disk-encryption-kms-key"}, {"parameters", "diskEncryptionSetID"}, {"parameters", "diskencryptionsetid"},
	{"kms_key_id"}, {"kms_key_arn"}, {"kms_key_self_link"}, {"disk_encryption_set_id"}, {"key_vault_key_id"},
}

func (g *graphVal) kmsKeyOf(args []ref.Val) ref.Val {
	r, stop := g.resource("kmsKeyOf", args[0])
	if stop != nil {
		return stop
	}
	for _, e := range r.OutOf(graph.UsesKey) {
		if e.To == nil {
			continue
		}
		g.hops = append(g.hops, hop{from: r, at: e.At, to: e.To, what: "key"})
		to := e.To
		// An alias stands for its key.
		for _, a := range to.OutOf(graph.AliasOf) {
			if a.To != nil {
				g.hops = append(g.hops, hop{from: to, at: a.At, to: a.To, what: "key"})
				to = a.To
				break
			}
		}
		return g.val(to)
	}
	for _, f := range keyFields {
		n := r.Root.Path(f...)
		if n.IsUnknown() {
			g.hops = append(g.hops, hop{from: r, at: n, what: "key"})
			return unknownVal
		}
		if s, ok := n.Str(); ok && s != "" {
			g.hops = append(g.hops, hop{from: r, at: n, what: "key"})
			return unknownVal // a key outside the scan
		}
	}
	return types.NullValue
}

func (g *graphVal) serviceAccountOf(args []ref.Val) ref.Val {
	r, stop := g.resource("serviceAccountOf", args[0])
	if stop != nil {
		return stop
	}
	for _, e := range r.OutOf(graph.RunsAs) {
		if e.At.IsUnknown() {
			return unknownVal
		}
		if e.To != nil {
			g.hops = append(g.hops, hop{from: r, at: e.At, to: e.To, what: "service account"})
			return g.val(e.To)
		}
		// Not in the scan: its name and namespace are still known.
		return types.DefaultTypeAdapter.NativeToValue(map[string]any{
			"apiVersion": "v1", "kind": "ServiceAccount",
			"metadata": map[string]any{"name": e.Name, "namespace": r.Namespace},
		})
	}
	return types.NullValue
}

// subjectArg reads a subject: a binding's subject entry ({kind, name,
// namespace}) or a ServiceAccount object.
func subjectArg(v ref.Val) (rules.Subject, bool) {
	m, ok := v.Value().(map[string]any)
	if !ok {
		return rules.Subject{}, false
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	s := rules.Subject{Kind: str(m, "kind"), Name: str(m, "name"), Namespace: str(m, "namespace")}
	if meta, ok := m["metadata"].(map[string]any); ok && s.Kind == "ServiceAccount" {
		s.Name, s.Namespace = str(meta, "name"), str(meta, "namespace")
	}
	if s.Kind == "" || s.Name == "" {
		return s, false
	}
	if s.Kind == "ServiceAccount" && s.Namespace == "" {
		s.Namespace = "default"
	}
	return s, true
}

func subjectMap(s rules.Subject) map[string]any {
	m := map[string]any{"kind": s.Kind, "name": s.Name}
	if s.Kind == "ServiceAccount" {
		m["namespace"] = s.Namespace
	}
	return m
}

func strList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func permissionMap(p rules.Permission) map[string]any {
	m := map[string]any{
		"apiGroups": strList(p.APIGroups), "resources": strList(p.Resources), "verbs": strList(p.Verbs),
		"resourceNames": strList(p.ResourceNames), "nonResourceURLs": strList(p.NonResourceURLs),
		"namespace": p.Namespace, "roleKind": p.RoleKind, "roleName": p.RoleName,
		"subject": subjectMap(p.Subject),
	}
	if p.Binding != nil {
		m["bindingKind"], m["bindingName"], m["bindingNamespace"] = p.Binding.Kind, p.Binding.Name, p.Binding.Namespace
	}
	return m
}

func (g *graphVal) permissionsOf(args []ref.Val) ref.Val {
	s, ok := subjectArg(args[0])
	if !ok {
		return typesErr("graph.permissionsOf: want a subject ({kind, name, namespace}) or a ServiceAccount")
	}
	items := []any{}
	for _, p := range rules.RBACPermissions(g.ix.g, s) {
		if p.Unknown {
			items = append(items, unknownVal)
			continue
		}
		g.bindingHop(p)
		items = append(items, permissionMap(p))
	}
	return g.list(items)
}

func (g *graphVal) bindingHop(p rules.Permission) {
	if p.Binding != nil {
		g.hops = append(g.hops, hop{from: p.Binding, to: p.Binding, what: "binding"})
	}
	if p.Role != nil && p.RuleNode != nil {
		g.hops = append(g.hops, hop{from: p.Role, at: p.RuleNode, to: p.Role, what: "rule"})
	}
}

func covers(list []string, v string) bool {
	for _, s := range list {
		if s == "*" || s == v {
			return true
		}
	}
	return false
}

func (g *graphVal) subjectsWith(args []ref.Val) ref.Val {
	verb, _ := args[0].Value().(string)
	res, _ := args[1].Value().(string)
	items := []any{}
	for _, s := range rules.RBACSubjects(g.ix.g) {
		if s.Unknown {
			items = append(items, unknownVal)
			continue
		}
		has, unknown := false, false
		for _, p := range rules.RBACPermissions(g.ix.g, s) {
			if p.Unknown {
				unknown = true
				continue
			}
			if covers(p.Verbs, verb) && covers(p.Resources, res) {
				has = true
				g.bindingHop(p)
				break
			}
		}
		switch {
		case has:
			items = append(items, subjectMap(s))
		case unknown:
			items = append(items, unknownVal)
		}
	}
	return g.list(items)
}

func (g *graphVal) resources(args []ref.Val) ref.Val {
	kind, _ := args[0].Value().(string)
	items := []any{}
	for _, r := range g.ix.g.OfKind(kind) {
		if r.IsKubernetes() {
			items = append(items, g.ix.value(r))
		}
	}
	return g.list(items)
}

func (g *graphVal) tfResources(args []ref.Val) ref.Val {
	typ, _ := args[0].Value().(string)
	items := []any{}
	for _, r := range g.ix.g.OfKind(typ) {
		if !r.IsKubernetes() {
			items = append(items, g.ix.value(r))
		}
	}
	return g.list(items)
}
