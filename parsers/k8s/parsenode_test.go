package k8s

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
)

// TestParseNodeIsParseBytes: a document converted from its decoded tree is
// the document ParseBytes gives for its text, values, tags, positions and
// identity alike; a tree only its text can say the same way (an alias, a
// value that is not UTF-8) is handed back.
func TestParseNodeIsParseBytes(t *testing.T) {
	for _, src := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\nspec:\n  hostPID: yes\n  containers:\n  - name: c\n    securityContext: {privileged: on, runAsNonRoot: \"yes\"}\n    volumeMounts: [{name: v, readOnly: no}]\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, generateName: x}\ndata:\n  a: 1\n  b: 1.5\n  c: ~\n  d: |\n    two\n    lines\n  e: !!str 7\n  a: 2\n",
		"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\nparameters:\n  encrypted: \"false\"\nallowVolumeExpansion: Yes\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b}\n",
		"notkubernetes: true\n",
	} {
		want, _, err := ParseBytes("f.yaml", []byte(src), Options{Source: graph.SourceKustomize})
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		var y yaml.Node
		if err := yaml.Unmarshal([]byte(src), &y); err != nil {
			t.Fatal(err)
		}
		got, ok, err := ParseNode("f.yaml", y.Content[0], Options{Source: graph.SourceKustomize})
		if !ok || err != nil {
			t.Fatalf("%q: ok %v, %v", src, ok, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d objects, want %d", src, len(got), len(want))
		}
		for i := range want {
			w, g := want[i], got[i]
			if !graph.Equal(w.Root, g.Root) || w.Key() != g.Key() || w.KindPos != g.KindPos || w.Start != g.Start || w.End != g.End || w.Source != g.Source {
				t.Errorf("%q object %d: ParseNode gives %s %v-%v, ParseBytes %s %v-%v", src, i, g.Key(), g.Start, g.End, w.Key(), w.Start, w.End)
			}
		}
	}
	for _, src := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n c}\ndata: {x: *n}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: \"\xff\"}\n",
	} {
		var y yaml.Node
		if err := yaml.Unmarshal([]byte(src), &y); err != nil {
			if strings.Contains(src, "\xff") {
				y = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: "data"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "\xff"}}}}}
			} else {
				t.Fatal(err)
			}
		}
		if _, ok, _ := ParseNode("f.yaml", y.Content[0], Options{}); ok {
			t.Errorf("%q: converted, want it handed back for its text", src)
		}
	}
	// Nodes another library built without tags (Kustomize's NewScalarRNode,
	// fields a replacement creates) read as their text: a plain yes in a
	// boolean field is true, as kubectl sends it.
	untagged := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	m := func(kv ...*yaml.Node) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Content: kv} }
	pod := m(untagged("apiVersion"), untagged("v1"), untagged("kind"), untagged("Pod"),
		untagged("metadata"), m(untagged("name"), untagged("p")),
		untagged("spec"), m(untagged("hostNetwork"), untagged("yes"), untagged("priority"), untagged("5")))
	rs, ok, err := ParseNode("f.yaml", pod, Options{})
	if !ok || err != nil || len(rs) != 1 {
		t.Fatalf("untagged nodes: %d objects, ok %v, %v", len(rs), ok, err)
	}
	if b := rs[0].Root.Path("spec", "hostNetwork").Bool(); b != graph.True {
		t.Errorf("untagged hostNetwork: yes reads %v, want true", b)
	}
	if n := rs[0].Root.Path("spec", "priority"); n.Tag != graph.TagInt {
		t.Errorf("untagged 5 reads as tag %v, want an int", n.Tag)
	}
	// The node budget holds as it does for text.
	var y yaml.Node
	if err := yaml.Unmarshal([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1, b: 2, c: 3}\n"), &y); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ParseNode("f.yaml", y.Content[0], Options{MaxNodes: 5}); !ok || err == nil || !strings.Contains(err.Error(), "f.yaml") {
		t.Errorf("over the node budget: ok %v, error %v", ok, err)
	}
}
