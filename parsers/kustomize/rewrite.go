package kustomize

import (
	"bytes"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// edit says how pvlint's in-memory copy of a kustomization file differs
// from the user's.
type edit struct {
	root          bool     // turn origin annotations on
	dropRemote    bool     // take remote resources and components out
	dropHelm      bool     // take helmCharts out (pvlint renders them itself)
	extraResource []string // append these (rendered charts) to resources
}

func (e edit) none() bool {
	return !e.root && !e.dropRemote && !e.dropHelm && len(e.extraResource) == 0
}

// rewriteKustomization applies e to a kustomization file's text. The file
// on disk is never touched: the result lives in the render's memory only.
func rewriteKustomization(data []byte, e edit) ([]byte, error) {
	if e.none() {
		return data, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		doc.Kind = yaml.DocumentNode
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return data, nil // Kustomize reports it
	}
	if e.dropRemote {
		for _, f := range remoteListFields {
			if l := mapGet(m, f); l != nil && l.Kind == yaml.SequenceNode {
				l.Content = slices.DeleteFunc(l.Content, func(n *yaml.Node) bool {
					return n.Kind == yaml.ScalarNode && isRemote(n.Value)
				})
			}
		}
		for _, f := range []string{"configMapGenerator", "secretGenerator"} {
			if l := mapGet(m, f); l != nil && l.Kind == yaml.SequenceNode {
				for _, g := range l.Content {
					for _, src := range []string{"files", "envs"} {
						if fl := mapGet(g, src); fl != nil && fl.Kind == yaml.SequenceNode {
							fl.Content = slices.DeleteFunc(fl.Content, func(n *yaml.Node) bool {
								return n.Kind == yaml.ScalarNode && isRemote(generatorSource(n.Value))
							})
						}
					}
				}
			}
		}
		for _, f := range remotePathFields {
			if l := mapGet(m, f); l != nil && l.Kind == yaml.SequenceNode {
				l.Content = slices.DeleteFunc(l.Content, func(n *yaml.Node) bool {
					p := mapGet(n, "path")
					return n.Kind == yaml.MappingNode && p != nil && isRemote(p.Value)
				})
			}
		}
	}
	if e.dropHelm {
		mapDelete(m, "helmCharts")
		mapDelete(m, "helmGlobals")
	}
	if len(e.extraResource) > 0 {
		l := mapGet(m, "resources")
		if l == nil || l.Kind != yaml.SequenceNode {
			l = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			mapDelete(m, "resources")
			mapSet(m, "resources", l)
		}
		for _, r := range e.extraResource {
			l.Content = append(l.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r})
		}
	}
	if e.root {
		l := mapGet(m, "buildMetadata")
		if l == nil || l.Kind != yaml.SequenceNode {
			mapDelete(m, "buildMetadata")
			l = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			mapSet(m, "buildMetadata", l)
		}
		// Origin annotations only: transformer annotations name every
		// transformer of a kustomization on every object, whether it changed
		// the object or not, so they say nothing pvlint can use, and they
		// cost a fifth of the render (BenchmarkKustomize).
		for _, opt := range []string{"originAnnotations"} {
			if !slices.ContainsFunc(l.Content, func(n *yaml.Node) bool { return n.Value == opt }) {
				l.Content = append(l.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: opt})
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Fields whose entries Kustomize may fetch over the network: lists of
// paths, and lists of objects with a path.
var (
	remoteListFields = []string{"resources", "bases", "components", "patchesStrategicMerge", "crds", "configurations", "transformers", "generators", "validators"}
	remotePathFields = []string{"patches", "patchesJson6902", "replacements"}
)

// generatorSource is the path of a generator files entry ("key=path" or
// "path").
func generatorSource(s string) string {
	if i := strings.Index(s, "="); i >= 0 && !strings.Contains(s[:i], "/") {
		return s[i+1:]
	}
	return s
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapDelete(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}
