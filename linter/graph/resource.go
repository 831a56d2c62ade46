package graph

import (
	"slices"
	"strings"
)

// Source says which parser produced a resource.
type Source uint8

const (
	SourceYAML      Source = iota // raw Kubernetes YAML or JSON
	SourceHelm                    // an object rendered from a Helm chart
	SourceTerraform               // a Terraform resource (cloud, or the Kubernetes provider's)
	SourceKustomize               // an object rendered by Kustomize (fields may sit in patches)
)

func (s Source) String() string {
	switch s {
	case SourceHelm:
		return "helm"
	case SourceTerraform:
		return "terraform"
	case SourceKustomize:
		return "kustomize"
	}
	return "yaml"
}

// Origin records where a resource came from, beyond its file.
type Origin struct {
	// Helm
	Chart    string   // chart directory, relative to the repository root
	Template string   // template path as Helm names it (chart/templates/x.yaml)
	Values   []string // values files used, in order
	Rendered string   // the rendered document, for message details
	// IncludedAt lists the include actions that inserted an object built
	// whole in a helper's define block (File is then the helper's file),
	// outermost first.
	IncludedAt []Include
	// Packaged is set for an object of a packaged subchart (.tgz): File and
	// positions are the template's inside the archive, which no editor or
	// code scanning can open; findings are reported at Packaged.At.
	Packaged *Packaged

	// Terraform
	Module    string   // root module directory, relative to the repository root
	Address   string   // full address, e.g. module.db.aws_ebs_volume.data["a"]
	CallChain []string // module calls from the root, e.g. ["module.db (main.tf:12)"]
	// Condition, when set, is what the resource exists only under (OpenTofu's
	// lifecycle { enabled } with a value unknown statically), for messages.
	Condition string
	// Installed, for a resource of a module that `terraform init` installed
	// under .terraform/modules, is the module block in the repository that
	// leads to it: findings are placed there, never under .terraform/.
	Installed *Location

	// Kustomize
	Kustomization string   // the root kustomization file that rendered the object
	Patches       []string // patch files (or kustomization files, for inline patches) that changed it, in order

	// SourceUnit names the unit of source the object was written in, when
	// the parser knows better than Unit's default. The Kustomize parser sets
	// it with KustomizeUnit (root kustomization + source file); other
	// parsers leave it empty. It is part of every finding's fingerprint.
	SourceUnit string
}

// Terraform is what a Terraform resource links to beyond its arguments.
type Terraform struct {
	// Refs are the other resources this one refers to, by key, and the
	// field that holds each reference. Build turns them into edges.
	Refs []Ref

	// NullArgs are arguments written in the configuration whose value is
	// null. Terraform treats them as unset, so they are not in Root; a
	// finding about such a missing field points at where it is written (or
	// at the module caller's line that passed the null) instead of the
	// block.
	NullArgs []NullArg
}

// Refs is r.Terraform.Refs, nil without it.
func (r *Resource) Refs() []Ref {
	if r.Terraform == nil {
		return nil
	}
	return r.Terraform.Refs
}

// NullArgs is r.Terraform.NullArgs, nil without it.
func (r *Resource) NullArgs() []NullArg {
	if r.Terraform == nil {
		return nil
	}
	return r.Terraform.NullArgs
}

// Include is a Helm include (or template) action that inserted a helper.
type Include struct {
	Name string   // the helper's name
	At   Location // the action in the including template
}

// Packaged locates the objects of a packaged (.tgz) chart.
type Packaged struct {
	Archive string   // the .tgz, relative to the repository root
	At      Location // where findings go: the parent's Chart.yaml dependency entry
	Entry   string   // what At is, for messages: dependency "db" in Chart.yaml
	// Set lists the fields of the object whose rendered value the user's
	// values set outside the archive (the parent's values.yaml, a --values
	// file, --set): findings on them go to that values line instead of At,
	// or say what set the value.
	Set []ValueSite
}

// ValueSite is a field of a rendered object whose value the user's values
// set: a values file line (At), or values without a file (By).
type ValueSite struct {
	Field string   // the field's dotted path in the object (Location.FieldPath)
	Value string   // the values path as written: db.persistence.hostPath
	At    Location // the key of that value in the values file; zero for By
	By    string   // what set the value without a file: --set, a kustomization's valuesInline
}

// Resource is one object in the graph: a Kubernetes object (from YAML, Helm or
// the Terraform Kubernetes provider) or a Terraform resource.
type Resource struct {
	Source       Source
	templatesSet bool   // templates is computed (Build); next to Source and Doc, so the three share a word
	Doc          int32  // document index within the file (YAML), 0-based
	APIVersion   string // Kubernetes only
	Kind         string // Kubernetes kind, or the Terraform resource type (aws_ebs_volume)
	Namespace    string // Kubernetes namespace after defaulting; "" for cluster-scoped kinds
	Name         string // Kubernetes name, or the Terraform address without module prefix

	File string // path relative to the repository root, forward slashes

	Root    *Node // the whole object (Kubernetes) or the block's arguments (Terraform)
	KindPos Pos   // the kind: key (YAML) or the block header (Terraform)
	Start   Pos   // first line of the object in File (apiVersion: line, block header)
	End     Pos   // last line of the object in File

	// Terraform is a Terraform resource's references and null arguments;
	// nil for a Kubernetes manifest, which has neither (behind a pointer,
	// they keep 40 bytes off each object of a large scan of manifests).
	Terraform *Terraform

	// From is where a rendered or evaluated object came from (Helm chart
	// and template, Terraform module and address, Kustomize overlay); nil
	// for a manifest read as written, which most objects of a large scan
	// are: a pointer instead of the struct keeps 216 bytes off each of
	// them. Read it with Origin, change it with EditOrigin.
	From *Origin

	// Set by Build.
	Out []*Edge
	In  []*Edge

	templates []PodTemplate // pod specs (see PodTemplates), found once by Build
}

// Origin is where the object came from (the zero Origin for a manifest
// read as written).
func (r *Resource) Origin() Origin {
	if r.From == nil {
		return Origin{}
	}
	return *r.From
}

// EditOrigin returns the object's Origin to change, making one first.
func (r *Resource) EditOrigin() *Origin {
	if r.From == nil {
		r.From = &Origin{}
	}
	return r.From
}

// NullArg is an argument set to null: its path in Root and a Null node
// that holds its position (and file, when a module caller wrote it).
type NullArg struct {
	Path []string
	At   *Node
	// Expr is the argument's expression as the module writes it, when a
	// module caller's value made it null (each.value.key, var.name): the
	// finding, at the caller's line, says which expression that was.
	Expr string
}

// Ref is an unresolved reference from a field to another resource's Key.
type Ref struct {
	Path []string // field path on the referring resource
	To   string   // Key() of the target
}

// IsKubernetes reports whether r is a Kubernetes object (whatever its source).
func (r *Resource) IsKubernetes() bool { return r.APIVersion != "" || r.Source != SourceTerraform }

// Key identifies the resource uniquely in a scan. Kubernetes objects are
// keyed by kind, namespace and name; Terraform resources by root module and
// address.
func (r *Resource) Key() string {
	if r.Source == SourceTerraform && !r.IsKubernetes() {
		return TerraformKey(r.Origin().Module, r.Origin().Address)
	}
	return KubeKey(r.Kind, r.Namespace, r.Name)
}

// KubeKey builds the Key of a Kubernetes object.
func KubeKey(kind, namespace, name string) string {
	return kind + "/" + namespace + "/" + name
}

// TerraformKey builds the Key of a Terraform resource.
func TerraformKey(module, address string) string {
	return "tf:" + module + ":" + address
}

// Title names the resource for messages: `StorageClass "gp2"`,
// `PersistentVolumeClaim "data/pg"`, `aws_ebs_volume.data`.
func (r *Resource) Title() string {
	if !r.IsKubernetes() {
		if r.Origin().Address != "" {
			return r.Origin().Address
		}
		return r.Kind + "." + r.Name
	}
	if r.Namespace != "" {
		return r.Kind + " \"" + r.Namespace + "/" + r.Name + "\""
	}
	return r.Kind + " \"" + r.Name + "\""
}

// Identity is the stable identity used in fingerprints and baselines.
func (r *Resource) Identity() string {
	if !r.IsKubernetes() {
		return r.Origin().Module + ":" + r.Origin().Address
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Unit is the source unit of the resource, the part of a finding's
// fingerprint that tells copies of one object apart (envs/dev/pod.yaml and
// envs/prod/pod.yaml define the same Pod): SourceUnit when the parser set
// it, else the file for raw YAML or JSON, the chart directory and template
// for Helm ("charts/app:app/templates/pvc.yaml"), and the module directory
// and address for Terraform ("infra:module.db.aws_ebs_volume.data"). It
// never holds a line, so it is stable when code moves within its unit.
func (r *Resource) Unit() string {
	if r.From != nil && r.From.SourceUnit != "" {
		return r.From.SourceUnit
	}
	switch r.Source {
	case SourceHelm:
		if t := r.Origin().Template; t != "" || r.Origin().Chart != "" {
			if t == "" {
				t = r.File
			}
			return r.Origin().Chart + ":" + t
		}
	case SourceTerraform:
		if r.Origin().Address != "" {
			return r.Origin().Module + ":" + r.Origin().Address
		}
	}
	return r.File
}

// KustomizeUnit builds the SourceUnit of an object rendered by Kustomize:
// the root kustomization's directory and the file the object was written in
// (both relative to the repository root), so an overlay's copy of a base
// object is told apart from another overlay's.
func KustomizeUnit(root, file string) string { return "kustomize:" + root + ":" + file }

// Annotation returns metadata.annotations[key] of a Kubernetes object.
func (r *Resource) Annotation(key string) (string, bool) {
	return r.Root.Path("metadata", "annotations", key).Str()
}

// Label returns metadata.labels[key] of a Kubernetes object.
func (r *Resource) Label(key string) (string, bool) {
	return r.Root.Path("metadata", "labels", key).Str()
}

// Loc points at a field of a resource for a finding.
type Loc struct {
	Res  *Resource
	Node *Node    // the deepest existing node on the path; nil means the resource itself
	Path []string // the full requested path (what the finding is about)
	// Missing is true when the requested path does not exist and Node is its
	// nearest existing parent, or the Terraform argument that sets it to null
	// (Terraform.NullArgs).
	Missing bool
	// NullExpr is that argument's expression (NullArg.Expr), when Node is one.
	NullExpr string
}

// At locates the field at path, or its nearest existing parent when it is
// missing. A number in the path indexes a list.
func (r *Resource) At(path ...string) Loc {
	return r.AtFrom(nil, path...)
}

// AtFrom locates path below base (a node of r; nil for the root).
func (r *Resource) AtFrom(base *Node, path ...string) Loc {
	var prefix []string
	cur := r.Root
	if base != nil && base != r.Root {
		if p, ok := r.Root.find(base); ok {
			prefix = p
		}
		cur = base
	}
	full := append(append([]string(nil), prefix...), path...)
	last := cur
	for i, k := range path {
		next := cur.child(k)
		if next == nil {
			l := Loc{Res: r, Node: nodeOrNil(r, last), Path: full, Missing: true}
			if a := r.nullArg(full); a != nil {
				l.Node, l.NullExpr = a.At, a.Expr
			}
			return l
		}
		cur = next
		last = cur
		_ = i
	}
	return Loc{Res: r, Node: nodeOrNil(r, last), Path: full}
}

// nullArg is the argument written as null at path, or nil.
func (r *Resource) nullArg(path []string) *NullArg {
	args := r.NullArgs()
	for i := range args {
		if slices.Equal(args[i].Path, path) {
			return &args[i]
		}
	}
	return nil
}

func nodeOrNil(r *Resource, n *Node) *Node {
	if n == r.Root {
		return nil
	}
	return n
}

// AtNode locates a node of r.
func (r *Resource) AtNode(n *Node) Loc {
	if n == nil || n == r.Root {
		return Loc{Res: r}
	}
	p, _ := r.Root.find(n)
	return Loc{Res: r, Node: n, Path: p}
}

// Location is a resolved position: what a report prints.
type Location struct {
	File      string
	Line, Col int
	// FieldPath is the dotted path of the field the finding is about, used in
	// fingerprints and baselines (stable when lines move).
	FieldPath string
	Precision Precision
}

// Resolve turns a Loc into a file position: the key of the node when it has
// one, else the value; the resource's kind: line for the resource itself.
func (l Loc) Resolve() Location {
	out := Location{FieldPath: strings.Join(l.Path, ".")}
	if l.Res == nil {
		return out
	}
	out.File = l.Res.File
	pos := l.Res.KindPos
	prec := Exact
	if l.Node != nil {
		prec = l.Node.Precision
		fromNode := true
		switch {
		case !l.Node.KeyPos().IsZero():
			pos = l.Node.KeyPos()
		case !l.Node.Pos().IsZero():
			pos = l.Node.Pos()
		default:
			fromNode = false
		}
		if fromNode && l.Node.File() != "" {
			out.File = l.Node.File()
		}
	} else if l.Res.Root != nil && l.Res.Root.Precision != Exact {
		prec = l.Res.Root.Precision
	}
	if pos.IsZero() {
		pos = l.Res.Start
	}
	if pos.IsZero() {
		pos = Pos{Line: 1, Col: 1}
	}
	out.Line, out.Col, out.Precision = pos.Line, pos.Col, prec
	return out
}

// Comment is a comment line a parser saw that may carry a pvlint directive
// (it contains "pvlint:"). Line is the line it governs in File: for Helm, the
// template line.
type Comment struct {
	File string
	Line int
	Col  int
	Text string // without the comment marker
}
