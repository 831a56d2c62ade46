package k8s

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/pvlint/pvlint/linter/graph"
)

// TestWholeFileMatchesPerDocument decodes inputs with the one-decoder fast
// path and document by document, and wants the same resources (every
// node, key, value and position), comments and error. The inputs are
// every YAML file under the repository's testdata folders and the edge
// cases of cutting: "---" inside block and quoted scalars, "..." ends,
// empty and comment-only documents, aliases within and across documents,
// byte-order marks, a List, duplicate keys, node budgets.
func TestWholeFileMatchesPerDocument(t *testing.T) {
	inputs := map[string]string{
		"plain":          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
		"leading":        "# c\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		"empty docs":     "---\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\n",
		"comments only":  "# nothing\n# here\n",
		"dots":           "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n...\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n...\n",
		"dots inside":    "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n...\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
		"block scalar":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: |\n    one\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
		"root block":     "--- |\nfoo\n---\nbar\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
		"quoted across":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: \"one\n---\n two\"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
		"alias within":   "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: {x: *m}\n",
		"alias across":   "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: *m\n",
		"merge":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  base: &b {k: v}\n  more: {<<: *b, j: w}\n",
		"bom":            "\xef\xbb\xbfapiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n\xef\xbb\xbfapiVersion: v1\nkind: Pod\nmetadata: {name: b}\n",
		"list":           "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n",
		"duplicate keys": "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nmetadata: {name: b}\n",
		"invalid":        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [\n",
		"tabs":           "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n",
		"crlf":           "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: b}\r\n",
		"no newline":     "apiVersion: v1\nkind: Pod\nmetadata: {name: a}",
		"directive":      "%YAML 1.1\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
		"marker content": "--- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n--- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n",
		"deep":           "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n",
		"budget":         "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: [" + strings.Repeat("1,", 600) + "1]\n",
		"booleans":       "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostNetwork: yes\n  containers:\n  - securityContext: {privileged: on}\n",
	}
	addYAMLFiles(inputs, "testdata", "../../rules/testdata", "../../testdata", "../../linter/testdata")
	for name, want := range map[string]bool{"plain": true, "dots": true, "list": true, "crlf": true, "marker content": true,
		"bom": false, "alias across": false, "quoted across": false, "invalid": false} {
		if _, ok, _ := parseWhole("f.yaml", []byte(inputs[name]), Options{}.withDefaults(), newAlloc()); ok != want {
			t.Errorf("%s: fast path taken %v, want %v", name, ok, want)
		}
	}
	if len(inputs) < 100 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	for name, src := range inputs {
		opt := Options{MaxNodes: 500}
		if !strings.Contains(name, "budget") {
			opt = Options{}
		}
		if d := parseDiff([]byte(src), opt, &wholeFiles); d != "" {
			t.Errorf("%s: %s (document by document)", name, d)
		}
	}
}

// addYAMLFiles adds every YAML file under roots (below 1 MiB) to inputs,
// by path.
func addYAMLFiles(inputs map[string]string, roots ...string) {
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
				inputs[p] = string(b)
			}
			return nil
		})
	}
}

// parseDiff parses src with the path that *on switches turned on, then
// off, and says how the results differ: error, comments or resources; ""
// when they agree.
func parseDiff(src []byte, opt Options, on *bool) string {
	*on = true
	rs1, cs1, err1 := ParseBytes("f.yaml", src, opt)
	*on = false
	rs2, cs2, err2 := ParseBytes("f.yaml", src, opt)
	*on = true
	switch {
	case fmt.Sprint(err1) != fmt.Sprint(err2):
		return fmt.Sprintf("error %v, with the path off %v", err1, err2)
	case !reflect.DeepEqual(cs1, cs2):
		return "comments differ"
	case !graph.DeepEqual(rs1, rs2):
		return fmt.Sprintf("resources differ: %d and %d", len(rs1), len(rs2))
	}
	return ""
}

// TestBuffersAcrossFiles parses files with one worker's Buffers and with
// fresh ones: the same resources, and a key or short value of two files is
// one string.
func TestBuffersAcrossFiles(t *testing.T) {
	const a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: shared-ns\n"
	const b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  namespace: shared-ns\n---\nkind: Secret\napiVersion: v1\nmetadata: {name: s}\n"
	buf := NewBuffers()
	var reused, fresh [][]*graph.Resource
	for i, src := range []string{a, b, a} {
		name := fmt.Sprintf("f%d.yaml", i)
		r1, _, err1 := ParseBytes(name, []byte(src), Options{Buffers: buf})
		r2, _, err2 := ParseBytes(name, []byte(src), Options{})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !graph.DeepEqual(r1, r2) {
			t.Errorf("%s: resources differ with reused buffers", name)
		}
		reused, fresh = append(reused, r1), append(fresh, r2)
	}
	ns := func(rs [][]*graph.Resource, i int) *byte {
		return unsafe.StringData(rs[i][0].Root.Path("metadata", "namespace").Value())
	}
	if ns(reused, 0) != ns(reused, 1) {
		t.Error("a value of two files parsed with one worker's buffers is two strings")
	}
	if ns(fresh, 0) == ns(fresh, 1) {
		t.Error("fresh buffers share strings (the test proves nothing)")
	}
}
