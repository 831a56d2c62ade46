package graph

import (
	"path"
	"sort"
	"strings"
)

// References resolve in one place, by one rule, for every edge kind
// (binding → role, binding → subject ServiceAccount, workload → claim,
// workload → ServiceAccount, claim or PV → class, claim ↔ PV, class or disk
// → key, Terraform references):
//
//  1. The candidates are the scanned definitions of the name.
//  2. A candidate across an environment split is out of reach. A directory
//     is a split when the scan defines one object twice in different
//     subtrees below it (envs/dev and envs/prod both define Role "app"):
//     those subtrees are separate clusters or accounts. A candidate is
//     across a split when the deepest directory it shares with the
//     referring file is a split, the candidate's own directory does not
//     contain the referring file (a definition in envs/ itself still
//     reaches envs/dev and envs/prod), and the referring file is not in
//     that directory itself (a file in envs/ sees every environment).
//  3. Among the rest, the nearest wins: a definition in the referring file
//     itself, then the most leading directories shared with the referring
//     file; a tie goes to the first in graph order (file path, then
//     document, then line). Two variants side by side (rbac.yaml and
//     rbac-openshift.yaml, each a role and its binding) each resolve
//     within their own file.
//  4. A name the cluster defines itself (the built-in ClusterRoles admin,
//     edit, view, cluster-admin, system:…) is a candidate too, at the scan
//     base (the deepest directory that holds every scanned file): a scanned
//     definition replaces it for a reference only when the two share a
//     directory below the scan base or the definition's directory contains
//     the referring file. Otherwise the reference is to the built-in (no
//     edge target).
//  5. Objects two different root kustomizations rendered are out of each
//     other's reach (each overlay is its own build), whatever their files.
//  6. No candidate left: the target is not in the scan (Edge.To is nil).

// dirParts splits a file's directory into components; "" for the root.
func dirParts(file string) []string {
	d := path.Dir(file)
	if d == "." || d == "/" || d == "" {
		return nil
	}
	return strings.Split(d, "/")
}

// partsOf is dirParts of a file: each directory is split once per Build
// (prepareScopes), and keyed by directory, a tree of many small files
// keeps one entry per directory.
func (g *Graph) partsOf(file string) []string {
	if p, ok := g.dirs[path.Dir(file)]; ok {
		return p
	}
	return dirParts(file)
}

func sharedParts(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// prepareScopes computes the scan base and the environment splits once
// per Build.
func (g *Graph) prepareScopes() {
	g.base = nil
	first := true
	// Every resolution compares directories: each file's are split once
	// here (the map is only read afterwards, also by rules in parallel).
	g.dirs = map[string][]string{}
	for _, r := range g.Resources {
		d := path.Dir(r.File)
		p, ok := g.dirs[d]
		if !ok {
			p = dirParts(r.File)
			g.dirs[d] = p
		}
		if first {
			g.base, first = append([]string(nil), p...), false
			continue
		}
		g.base = g.base[:sharedParts(g.base, p)]
	}
	g.splits = map[string]bool{}
	for _, group := range g.dups {
		// The set of pairwise deepest shared directories equals that of
		// neighbours in directory order, so the work stays linear.
		dirs := make([][]string, 0, len(group))
		for _, r := range group {
			dirs = append(dirs, g.partsOf(r.File))
		}
		sort.Slice(dirs, func(i, j int) bool { return lessParts(dirs[i], dirs[j]) })
		for i := 1; i < len(dirs); i++ {
			a, b := dirs[i-1], dirs[i]
			n := sharedParts(a, b)
			if n == len(a) && n == len(b) {
				continue // the same directory: a repeat, not two environments
			}
			g.splits[strings.Join(a[:n], "/")] = true
		}
	}
}

func lessParts(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// InReach reports whether a reference written in from's file can resolve
// to c (rule 2): c is not across an environment split from it.
func (g *Graph) InReach(from, c *Resource) bool {
	if from == nil || c == nil {
		return true
	}
	if a, b := from.Origin().Kustomization, c.Origin().Kustomization; a != "" && b != "" && a != b {
		// Two root kustomizations are two builds (an overlay per
		// environment): neither reaches the other's objects.
		return false
	}
	f, d := g.partsOf(from.File), g.partsOf(c.File)
	n := sharedParts(f, d)
	if n == len(d) || n == len(f) {
		// c's directory contains from, or from sits above the split (a
		// base shared by every environment below it).
		return true
	}
	return !g.splits[strings.Join(f[:n], "/")]
}

// Nearest returns the candidate a reference from `from` resolves to by
// rules 2 and 3, or nil when none is in reach. cands must be in graph order.
func (g *Graph) Nearest(from *Resource, cands []*Resource) *Resource {
	if from == nil {
		if len(cands) > 0 {
			return cands[0]
		}
		return nil
	}
	f := g.partsOf(from.File)
	var best *Resource
	bestN := -1
	for _, c := range cands {
		if !g.InReach(from, c) {
			continue
		}
		// Twice the shared directories, plus one for the same file: the
		// same file beats the same directory and never a nearer one.
		n := 2 * sharedParts(f, g.partsOf(c.File))
		if c.File == from.File {
			n++
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	return best
}

// beatsBuiltin reports whether scanned definition c replaces a built-in of
// the same name for a reference from `from` (rule 4).
func (g *Graph) beatsBuiltin(from, c *Resource) bool {
	f, d := g.partsOf(from.File), g.partsOf(c.File)
	n := sharedParts(f, d)
	return n == len(d) || n > len(g.base)
}

// Resolve returns the Kubernetes object kind/namespace/name that a
// reference from `from` resolves to, or nil when it is not in the scan or
// the reference is to a built-in object.
func (g *Graph) Resolve(from *Resource, kind, namespace, name string) *Resource {
	if ClusterScoped(kind) {
		namespace = ""
	}
	k := KubeKey(kind, namespace, name)
	cands := g.dups[k]
	if len(cands) == 0 {
		if r := g.byKey[k]; r != nil {
			cands = []*Resource{r}
		}
	}
	best := g.Nearest(from, cands)
	if best != nil && from != nil && kind == "ClusterRole" && BuiltinClusterRole(name) && !g.beatsBuiltin(from, best) {
		return nil
	}
	return best
}

// builtinClusterRoles are the ClusterRoles every cluster defines that a
// scanned manifest may name (and, when applied, replace). rules keeps their
// permissions and tests that it covers exactly these names.
var builtinClusterRoles = []string{
	"admin", "cluster-admin", "edit", "view",
	"system:aggregate-to-admin", "system:aggregate-to-edit", "system:aggregate-to-view",
	"system:basic-user", "system:controller:persistent-volume-binder", "system:discovery",
	"system:kubelet-api-admin", "system:node", "system:persistent-volume-provisioner",
	"system:public-info-viewer", "system:service-account-issuer-discovery", "system:volume-scheduler",
}

// BuiltinClusterRole reports whether name is a ClusterRole every cluster
// defines.
func BuiltinClusterRole(name string) bool {
	for _, n := range builtinClusterRoles {
		if n == name {
			return true
		}
	}
	return false
}

// BuiltinClusterRoles lists the built-in ClusterRole names pvlint knows.
func BuiltinClusterRoles() []string { return append([]string(nil), builtinClusterRoles...) }
