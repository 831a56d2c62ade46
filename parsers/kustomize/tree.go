package kustomize

import (
	"path"
)

// layer is one kustomization as included from a root: its bases and
// components below it, its includer above it.
type layer struct {
	k      *kustomization
	parent *layer
	bases  []*layer
	comps  []*layer
	files  map[string]bool // resource files it lists directly (repo-relative)
}

// maxLayers bounds the include tree of one root (a diamond of bases
// included many times over would otherwise grow without limit).
const maxLayers = 10000

// tree builds the include tree of root as pvlint read it.
func (p *parser) tree(root *kustomization) *layer {
	n := 0
	var build func(k *kustomization, parent *layer, onPath map[string]bool) *layer
	build = func(k *kustomization, parent *layer, onPath map[string]bool) *layer {
		n++
		l := &layer{k: k, parent: parent, files: map[string]bool{}}
		onPath[k.dir] = true
		defer delete(onPath, k.dir)
		for _, e := range k.resources {
			if isRemote(e.value) {
				continue
			}
			rp := k.resolve(e.value)
			if p.isDir(rp) {
				if kk, _ := p.load(rp); kk != nil && !onPath[rp] && n < maxLayers {
					l.bases = append(l.bases, build(kk, l, onPath))
				}
				continue
			}
			l.files[rp] = true
		}
		for _, e := range k.components {
			if isRemote(e.value) {
				continue
			}
			if kk, _ := p.load(k.resolve(e.value)); kk != nil && !onPath[kk.dir] && n < maxLayers {
				l.comps = append(l.comps, build(kk, l, onPath))
			}
		}
		return l
	}
	return build(root, nil, map[string]bool{})
}

// find returns the first layer, depth first in Kustomize's order, that
// lists file as a resource (or that is the kustomization in dir, for
// generated objects), or nil.
func (l *layer) find(match func(*layer) bool) *layer {
	if match(l) {
		return l
	}
	for _, b := range l.bases {
		if f := b.find(match); f != nil {
			return f
		}
	}
	for _, c := range l.comps {
		if f := c.find(match); f != nil {
			return f
		}
	}
	return nil
}

// chain is l and the layers above it, innermost first.
func (l *layer) chain() []*layer {
	var out []*layer
	for c := l; c != nil; c = c.parent {
		out = append(out, c)
	}
	return out
}

// patches lists the patches Kustomize applies in l to what it holds: the
// components' patches first (each component's own components before it),
// then l's own.
func (l *layer) patches() []patchRef {
	var out []patchRef
	for _, c := range l.comps {
		out = append(out, c.patches()...)
	}
	for i := range l.k.patches {
		out = append(out, patchRef{k: l.k, p: &l.k.patches[i]})
	}
	return out
}

type patchRef struct {
	k *kustomization
	p *patchEntry
}

func dirOf(file string) string { return path.Dir(file) }
