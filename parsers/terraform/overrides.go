package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/pvlint/pvlint/parsers"
)

// Override files (override.tf, *_override.tf) are merged as Terraform
// merges them, in lexical order after every other file: a block in an
// override file changes the block of the same type and labels elsewhere in
// the module. Each argument it sets replaces the original; each nested
// block type it has replaces every nested block of that type (a dynamic
// block counts as the type it generates), except lifecycle, which is merged
// argument by argument. A local value replaces the local of the same name.
// Values keep their own positions, so a finding on an overridden argument
// points into the override file.

func blockKey(b *hclsyntax.Block) string {
	return b.Type + "\x00" + strings.Join(b.Labels, "\x00")
}

// applyOverride merges one override file into the module's primary files.
func (m *module) applyOverride(o parsedFile, primary []parsedFile) {
	ob, ok := o.file.Body.(*hclsyntax.Body)
	if !ok {
		m.notices = append(m.notices, parsers.Notice{File: o.rel, Msg: "JSON override files are not merged; skipped"})
		m.partial = true
		return
	}
	blocks := map[string]*hclsyntax.Block{}
	locals := map[string]*hclsyntax.Body{}
	for _, f := range primary {
		sb, ok := f.file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, b := range sb.Blocks {
			if b.Type == "locals" {
				for name := range b.Body.Attributes {
					locals[name] = b.Body
				}
				continue
			}
			if _, dup := blocks[blockKey(b)]; !dup {
				blocks[blockKey(b)] = b
			}
		}
	}
	for _, b := range ob.Blocks {
		switch b.Type {
		case "locals":
			for name, a := range b.Body.Attributes {
				base := locals[name]
				if base == nil {
					m.errs = append(m.errs, rangeError(a.NameRange, "override of local value "+quote(name)+" has no base definition"))
					continue
				}
				base.Attributes[name] = a
			}
		case "resource", "data", "ephemeral", "module", "variable", "output":
			base := blocks[blockKey(b)]
			if base == nil {
				m.errs = append(m.errs, rangeError(b.DefRange(), "override of "+b.Type+" "+quote(strings.Join(b.Labels, "."))+" has no base definition"))
				continue
			}
			base.Body = mergeBodies(base.Body, b.Body)
		}
	}
}

// nestedType is the block type a nested block stands for: a dynamic block
// generates blocks of its label's type.
func nestedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

func mergeBodies(base, over *hclsyntax.Body) *hclsyntax.Body {
	attrs := hclsyntax.Attributes{}
	for k, a := range base.Attributes {
		attrs[k] = a
	}
	for k, a := range over.Attributes {
		attrs[k] = a
	}
	replaced := map[string]bool{}
	var overLifecycle *hclsyntax.Block
	for _, b := range over.Blocks {
		if b.Type == "lifecycle" {
			overLifecycle = b
			continue
		}
		replaced[nestedType(b)] = true
	}
	var blocks hclsyntax.Blocks
	for _, b := range base.Blocks {
		switch {
		case b.Type == "lifecycle" && overLifecycle != nil:
			merged := *b
			merged.Body = mergeBodies(b.Body, overLifecycle.Body)
			blocks = append(blocks, &merged)
			overLifecycle = nil
		case !replaced[nestedType(b)]:
			blocks = append(blocks, b)
		}
	}
	for _, b := range over.Blocks {
		if b.Type != "lifecycle" || overLifecycle == b {
			blocks = append(blocks, b)
		}
	}
	return &hclsyntax.Body{Attributes: attrs, Blocks: blocks, SrcRange: base.SrcRange, EndRange: base.EndRange}
}
