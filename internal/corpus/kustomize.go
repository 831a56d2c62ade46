package corpus

import (
	"bytes"
	"fmt"
)

// KustomizeConfig shapes a Kustomize corpus.
type KustomizeConfig struct {
	Bases     int    // applications, each a base (default 10)
	Overlays  int    // overlays per base, each a root kustomization (default 5)
	Documents int    // documents per base (default 100)
	Seed      uint64 // default 1
	Dir       string // subdirectory of the root (default "kustomize")
	// Raw writes, instead of bases and overlays, one plain manifest per
	// overlay with as many documents as that overlay renders: the raw YAML
	// of the same size that the Kustomize benchmark is compared with.
	Raw bool
}

// Kustomize writes bases of application bundles (as K8s writes them) and,
// per base, overlays the way GitOps repositories write them: a namespace, a
// name prefix, a strategic-merge patch on every StatefulSet, a JSON 6902
// patch on every claim and an image override.
func Kustomize(root string, cfg KustomizeConfig) (Stats, error) {
	if cfg.Bases <= 0 {
		cfg.Bases = 10
	}
	if cfg.Overlays <= 0 {
		cfg.Overlays = 5
	}
	if cfg.Documents <= 0 {
		cfg.Documents = 100
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Dir == "" {
		cfg.Dir = "kustomize"
	}
	w := &writer{root: root}
	var buf bytes.Buffer
	for b := 0; b < cfg.Bases; b++ {
		app := fmt.Sprintf("%s-%02d", apps[b%len(apps)], b)
		if cfg.Raw {
			for o := 0; o < cfg.Overlays; o++ {
				buf.Reset()
				unit := b*cfg.Overlays + o
				g := &k8sGen{b: &buf, r: rng(cfg.Seed^0x6b75, unit), unit: unit}
				g.file(cfg.Documents)
				if err := w.write(fmt.Sprintf("%s/%s/env-%d/bundle.yaml", cfg.Dir, app, o), buf.Bytes()); err != nil {
					return w.stats, err
				}
				w.stats.Documents += cfg.Documents
			}
			continue
		}
		buf.Reset()
		g := &k8sGen{b: &buf, r: rng(cfg.Seed^0x6b75, b), unit: b}
		g.file(cfg.Documents)
		base := fmt.Sprintf("%s/%s/base", cfg.Dir, app)
		if err := w.write(base+"/bundle.yaml", buf.Bytes()); err != nil {
			return w.stats, err
		}
		if err := w.write(base+"/kustomization.yaml", []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - bundle.yaml\n")); err != nil {
			return w.stats, err
		}
		w.stats.Documents += cfg.Documents
		for o := 0; o < cfg.Overlays; o++ {
			dir := fmt.Sprintf("%s/%s/overlays/env-%d", cfg.Dir, app, o)
			k := fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: %s-env-%d
namePrefix: env%d-
resources:
  - ../../base
images:
  - name: %s
    newTag: "%d.%d"
patches:
  - path: hardening.yaml
    target:
      kind: StatefulSet
  - path: claims.yaml
    target:
      kind: PersistentVolumeClaim
`, app, o, o, imageName(b), 1+o, b)
			patch := fmt.Sprintf(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: any
  annotations:
    example.com/environment: env-%d
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: %v
        fsGroup: 1001
`, o, o%2 == 0)
			claims := fmt.Sprintf("- op: add\n  path: /metadata/labels/environment\n  value: env-%d\n", o)
			for _, f := range [][2]string{{"kustomization.yaml", k}, {"hardening.yaml", patch}, {"claims.yaml", claims}} {
				if err := w.write(dir+"/"+f[0], []byte(f[1])); err != nil {
					return w.stats, err
				}
			}
			w.stats.Dirs++
		}
	}
	return w.stats, nil
}

// imageName is an image the bundles use, for the overlays' images entry.
func imageName(b int) string {
	img := images[b%len(images)]
	for i := len(img) - 1; i >= 0; i-- {
		if img[i] == ':' {
			return img[:i]
		}
	}
	return img
}
