package report

import (
	"cmp"
	"slices"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

// The storage map: the part of the scan's graph that reaches data, for the
// HTML report's map and the dot and mermaid exports. Workloads, claims,
// volumes, classes, keys, disks and the RBAC objects that lead to them; each
// node carries the worst unsuppressed finding on its resource.

// Column orders the map from who runs to what holds the data.
type Column uint8

const (
	ColAccess   Column = iota // bindings, roles, service accounts
	ColWorkload               // pods and controllers
	ColClaim                  // PersistentVolumeClaims
	ColVolume                 // PersistentVolumes, cloud disks and file systems
	ColClass                  // StorageClasses
	ColKey                    // KMS keys and their aliases, secrets that unlock volumes
)

var columnNames = [...]string{"access", "workloads", "claims", "volumes", "classes", "keys"}

func (c Column) String() string { return columnNames[c] }

// MapNode is one resource on the map.
type MapNode struct {
	ID     int
	Column Column
	Kind   string
	Title  string // as messages name it
	File   string
	Line   int
	Source string // yaml, helm, terraform, kustomize
	// Worst is the most severe unsuppressed finding on the resource;
	// HasFinding is false when there is none.
	Worst      rules.Severity
	HasFinding bool
	Findings   int
}

// MapEdge links two nodes of the map.
type MapEdge struct {
	From, To int
	Kind     string // the graph's edge name: uses-claim, uses-class, ...
}

// StorageMap is the whole-scan view.
type StorageMap struct {
	Nodes []MapNode
	Edges []MapEdge
	// Truncated counts the nodes left out to keep the map readable.
	Truncated int
}

// maxMapNodes bounds the map: past it, the nodes with findings are kept
// first, then the rest in graph order.
const maxMapNodes = 600

var mapEdges = map[graph.EdgeKind]bool{
	graph.UsesClaim: true, graph.ClaimTemplateClass: true, graph.UsesClass: true, graph.BindsVolume: true,
	graph.RunsAs: true, graph.GrantsRole: true, graph.BindsSubject: true, graph.UsesKey: true,
	graph.AliasOf: true, graph.BackedBy: true,
}

// columnOf places a resource on the map. Objects of the Terraform
// Kubernetes provider arrive with their Kubernetes kind (parsers/terraform).
func columnOf(r *graph.Resource) Column {
	switch r.Kind {
	case "PersistentVolumeClaim":
		return ColClaim
	case "PersistentVolume":
		return ColVolume
	case "StorageClass":
		return ColClass
	case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount":
		return ColAccess
	case "Secret", "aws_kms_key", "aws_kms_alias", "google_kms_crypto_key", "google_kms_key_ring",
		"azurerm_key_vault_key", "azurerm_key_vault", "azurerm_disk_encryption_set":
		return ColKey
	}
	if r.IsWorkload() {
		return ColWorkload
	}
	return ColVolume // cloud disks, file systems, snapshots
}

// BuildStorageMap collects the map from a scan's graph and findings.
func BuildStorageMap(g *graph.Graph, findings []*rules.Finding) *StorageMap {
	if g == nil {
		return &StorageMap{}
	}
	type worst struct {
		sev rules.Severity
		n   int
	}
	bad := map[*graph.Resource]*worst{}
	for _, f := range findings {
		if f.Resource == nil || stateOf(f) != active {
			continue
		}
		w := bad[f.Resource]
		if w == nil {
			w = &worst{sev: f.Severity}
			bad[f.Resource] = w
		}
		w.n++
		w.sev = max(w.sev, f.Severity)
	}
	// Every resource at either end of a map edge.
	var members []*graph.Resource
	seen := map[*graph.Resource]bool{}
	add := func(r *graph.Resource) {
		if r != nil && !seen[r] {
			seen[r] = true
			members = append(members, r)
		}
	}
	for _, r := range g.Resources {
		for _, e := range r.Out {
			if mapEdges[e.Kind] && e.To != nil {
				add(e.From)
				add(e.To)
			}
		}
	}
	m := &StorageMap{}
	if len(members) > maxMapNodes {
		slices.SortStableFunc(members, func(a, b *graph.Resource) int {
			wa, wb := bad[a], bad[b]
			switch {
			case wa != nil && wb == nil:
				return -1
			case wa == nil && wb != nil:
				return 1
			case wa != nil && wb != nil:
				return cmp.Compare(wb.sev, wa.sev)
			}
			return 0
		})
		m.Truncated = len(members) - maxMapNodes
		members = members[:maxMapNodes]
	}
	// Stable order: column, then file, line and title.
	slices.SortStableFunc(members, func(a, b *graph.Resource) int {
		return cmp.Or(cmp.Compare(columnOf(a), columnOf(b)), cmp.Compare(a.File, b.File),
			cmp.Compare(a.KindPos.Line, b.KindPos.Line), cmp.Compare(a.Title(), b.Title()))
	})
	ids := map[*graph.Resource]int{}
	for i, r := range members {
		ids[r] = i
		n := MapNode{ID: i, Column: columnOf(r), Kind: r.Kind, Title: r.Title(), File: r.File,
			Line: r.KindPos.Line, Source: r.Source.String()}
		if w := bad[r]; w != nil {
			n.Worst, n.HasFinding, n.Findings = w.sev, true, w.n
		}
		m.Nodes = append(m.Nodes, n)
	}
	type pair struct{ a, b int }
	dup := map[pair]bool{}
	for _, r := range members {
		for _, e := range r.Out {
			to, ok := ids[e.To]
			if !mapEdges[e.Kind] || e.To == nil || !ok {
				continue
			}
			p := pair{ids[r], to}
			if dup[p] {
				continue
			}
			dup[p] = true
			m.Edges = append(m.Edges, MapEdge{From: ids[r], To: to, Kind: e.Kind.String()})
		}
	}
	slices.SortStableFunc(m.Edges, func(a, b MapEdge) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return m
}
