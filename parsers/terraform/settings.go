package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/zclconf/go-cty/cty"
)

// Settings of the `terraform {}` block that protect the state: the backend
// (where state is stored, and how it is encrypted there) and OpenTofu's
// state and plan encryption. Each is emitted as a graph resource of its own
// (Kind "terraform_backend", Name the backend type; Kind
// "terraform_encryption"), for the root module instance only: Terraform
// ignores these blocks in called modules. Labelled blocks keep their labels
// as map keys (key_provider "pbkdf2" "k" → key_provider.pbkdf2.k), and the
// encryption block's own references (method.aes_gcm.m, key_provider.x.y)
// evaluate to their address as a string.

// settingsDecl is one backend or encryption block of a module.
type settingsDecl struct {
	kind  string // terraform_backend, terraform_encryption
	name  string // backend type; "encryption"
	block *hcl.Block
}

// readSettings collects the backend and encryption blocks of a terraform block.
func (m *module) readSettings(b *hcl.Block) {
	sb, ok := b.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	for _, nb := range sb.Blocks {
		switch {
		case nb.Type == "backend" && len(nb.Labels) == 1:
			m.settings = append(m.settings, &settingsDecl{kind: "terraform_backend", name: nb.Labels[0], block: nb.AsHCLBlock()})
		case nb.Type == "encryption" && len(nb.Labels) == 0:
			m.settings = append(m.settings, &settingsDecl{kind: "terraform_encryption", name: "encryption", block: nb.AsHCLBlock()})
		}
	}
}

// emitSettings emits the settings of the root instance.
func (in *instance) emitSettings() {
	if in.prefix != "" {
		return
	}
	for _, d := range in.mod.settings {
		b := d.block
		addr := "terraform.backend." + d.name
		if d.kind == "terraform_encryption" {
			addr = "terraform.encryption"
		}
		body, ok := b.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		scope := encryptionScope(body)
		res := &graph.Resource{
			Source:  graph.SourceTerraform,
			Kind:    d.kind,
			Name:    addr,
			File:    b.DefRange.Filename,
			KindPos: gpos(b.TypeRange.Start),
			Start:   gpos(b.DefRange.Start),
			End:     gpos(blockEnd(b)),
			From:    &graph.Origin{Module: in.r.rootDir, Address: addr, CallChain: append([]string(nil), in.chain...)},
		}
		res.Root = in.settingsNode(body, scope, gpos(b.DefRange.Start), 0)
		in.r.out.Resources = append(in.r.out.Resources, res)
	}
}

// encryptionScope maps the encryption block's key_provider and method
// declarations to their addresses, so references between them evaluate.
func encryptionScope(body *hclsyntax.Body) map[string]cty.Value {
	scope := map[string]cty.Value{}
	for _, root := range []string{"key_provider", "method"} {
		byType := map[string]map[string]cty.Value{}
		for _, b := range body.Blocks {
			if b.Type != root || len(b.Labels) != 2 {
				continue
			}
			if byType[b.Labels[0]] == nil {
				byType[b.Labels[0]] = map[string]cty.Value{}
			}
			byType[b.Labels[0]][b.Labels[1]] = cty.StringVal(root + "." + b.Labels[0] + "." + b.Labels[1])
		}
		obj := map[string]cty.Value{}
		for t, names := range byType {
			obj[t] = cty.ObjectVal(names)
		}
		if len(obj) > 0 {
			scope[root] = cty.ObjectVal(obj)
		}
	}
	return scope
}

// maxSettingsDepth bounds the nesting of settings blocks pvlint reads.
const maxSettingsDepth = 8

// settingsNode converts a settings body: attributes evaluated (unknown when
// they depend on what pvlint cannot know), nested blocks as maps keyed by
// their labels, repeated blocks of the same key as the last one.
func (in *instance) settingsNode(body *hclsyntax.Body, scope map[string]cty.Value, pos graph.Pos, depth int) *graph.Node {
	n := graph.NewMap(pos)
	if depth > maxSettingsDepth {
		return n
	}
	for _, a := range sortedAttrs(body) {
		v, _ := in.eval(a.Expr, scope)
		n.Set(a.Name, gpos(a.NameRange.Start), ctyNode(v, gpos(a.Expr.Range().Start), a.Expr))
	}
	for _, b := range body.Blocks {
		child := in.settingsNode(b.Body, scope, gpos(b.TypeRange.Start), depth+1)
		parent, keyPos := n, gpos(b.TypeRange.Start)
		keys := append([]string{b.Type}, b.Labels...)
		for i, k := range keys {
			if i == len(keys)-1 {
				child.SetPos(keyPos)
				parent.Set(k, keyPos, child)
				break
			}
			next := parent.Get(k)
			if next == nil || next.Kind != graph.Map {
				next = graph.NewMap(keyPos)
				parent.Set(k, keyPos, next)
			}
			parent = next
		}
	}
	return n
}

func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].SrcRange.Start.Byte < out[j-1].SrcRange.Start.Byte; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ctyNode turns a settings value into a node: known primitives as scalars,
// anything else (unknown, collections) as an Unknown node describing the
// expression. Known values are scalars whatever their origin: a rule that
// asks whether a secret is written in the configuration treats any known
// value as written there (a literal, a variable default or a tfvars file).
func ctyNode(v cty.Value, pos graph.Pos, expr hcl.Expression) *graph.Node {
	if !v.IsWhollyKnown() || v.IsNull() && v.Type() == cty.DynamicPseudoType {
		r := expr.Range()
		return graph.NewUnknown(strings.TrimSpace(string(r.SliceBytes(nil))), pos)
	}
	if v.IsNull() {
		return graph.NewNull(pos)
	}
	switch v.Type() {
	case cty.String:
		return graph.NewScalar(v.AsString(), graph.TagString, pos)
	case cty.Bool:
		s := "false"
		if v.True() {
			s = "true"
		}
		return graph.NewScalar(s, graph.TagBool, pos)
	case cty.Number:
		return graph.NewScalar(v.AsBigFloat().Text('f', -1), graph.TagFloat, pos)
	}
	return graph.NewUnknown("a collection", pos)
}
