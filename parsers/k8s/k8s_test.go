package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

const multi = `# a comment
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
parameters:
  encrypted: "true"   # pvlint:ignore PVL102 key managed by AWS on purpose
---
# values-like document: skipped
replicaCount: 3
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: data, namespace: db}
    spec:
      storageClassName: gp3
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cm
`

func TestParseMultiDocumentAndList(t *testing.T) {
	rs, cs, err := ParseBytes("m.yaml", []byte(multi), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("got %d resources, want 3", len(rs))
	}
	sc, pvc, cm := rs[0], rs[1], rs[2]
	if sc.Kind != "StorageClass" || sc.Name != "gp3" || sc.KindPos != (graph.Pos{Line: 3, Col: 1}) || sc.Start.Line != 2 || sc.End.Line != 7 {
		t.Errorf("storage class: %+v kind at %v start %v end %v", sc.Kind, sc.KindPos, sc.Start, sc.End)
	}
	enc := sc.Root.Path("parameters", "encrypted")
	if enc.Bool() != graph.True || enc.KeyPos() != (graph.Pos{Line: 7, Col: 3}) || enc.Pos() != (graph.Pos{Line: 7, Col: 14}) || enc.Tag != graph.TagString {
		t.Errorf("encrypted node: %+v", enc)
	}
	if pvc.Kind != "PersistentVolumeClaim" || pvc.Namespace != "db" || pvc.Name != "data" || pvc.Doc != 2 {
		t.Errorf("pvc: %+v", pvc)
	}
	if l := pvc.At("spec", "storageClassName").Resolve(); l.Line != 19 || l.Col != 7 || l.FieldPath != "spec.storageClassName" {
		t.Errorf("storageClassName at %+v", l)
	}
	if cm.Kind != "ConfigMap" || cm.Start.Line != 20 {
		t.Errorf("configmap: %+v", cm)
	}
	if len(cs) != 1 || cs[0].Line != 7 || !strings.HasPrefix(cs[0].Text, "pvlint:ignore PVL102") {
		t.Errorf("comments: %+v", cs)
	}
}

func TestMissingKeyResolvesToParent(t *testing.T) {
	rs, _, err := ParseBytes("c.yaml", []byte("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: x\nspec:\n  accessModes: [ReadWriteOnce]\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := rs[0].At("spec", "storageClassName").Resolve()
	if l.Line != 5 || l.Col != 1 || l.FieldPath != "spec.storageClassName" {
		t.Errorf("missing key located at %+v, want the spec: key (5:1)", l)
	}
	if l := rs[0].At("status").Resolve(); l.Line != 2 {
		t.Errorf("missing top-level key located at %+v, want the kind: line", l)
	}
}

func TestScalarTags(t *testing.T) {
	rs, _, err := ParseBytes("t.yaml", []byte("apiVersion: v1\nkind: X\na: true\nb: 3\nc: 1.5\nd: null\ne: 'true'\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := rs[0].Root
	cases := map[string]graph.ScalarTag{"a": graph.TagBool, "b": graph.TagInt, "c": graph.TagFloat, "e": graph.TagString}
	for k, tag := range cases {
		if n := root.Get(k); n.Kind != graph.Scalar || n.Tag != tag {
			t.Errorf("%s: %+v", k, n)
		}
	}
	if root.Get("d").Kind != graph.Null {
		t.Errorf("d should be null")
	}
	if root.Get("a").Bool() != graph.True || root.Get("e").Bool() != graph.True {
		t.Errorf("booleans: YAML true and the string \"true\" both read as true")
	}
}

func TestJSON(t *testing.T) {
	rs, _, err := ParseBytes("p.json", []byte(`{
  "apiVersion": "v1",
  "kind": "PersistentVolume",
  "metadata": {"name": "pv1"},
  "spec": {"hostPath": {"path": "/data"}}
}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l := rs[0].At("spec", "hostPath", "path").Resolve(); l.Line != 5 {
		t.Errorf("path at %+v", l)
	}
}

func TestMergeKeys(t *testing.T) {
	src := "base: &b\n  readOnly: true\n---\napiVersion: v1\nkind: X\nm:\n  <<: {readOnly: true, name: a}\n  name: b\n"
	rs, _, err := ParseBytes("m.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rs[0].Root.Get("m")
	if m.Get("readOnly").Bool() != graph.True || m.Get("name").String() != "b" {
		t.Errorf("merge: %+v", m)
	}
}

func TestHostileInput(t *testing.T) {
	bomb := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\napiVersion: v1\nkind: X\n"
	cases := []struct {
		name, src, want string
	}{
		{"invalid yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n", "invalid YAML"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00", "binary"},
		{"invalid utf8", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xff\xfe\n", "invalid UTF-8"},
		{"alias bomb", bomb, "nodes through its aliases and merge keys"},
		{"deep nesting", "apiVersion: v1\nkind: X\nx: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "nest"},
		{"tab indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n", "invalid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ParseBytes("bad.yaml", []byte(c.src), Options{MaxNodes: 100000})
			var pe *parsers.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *parsers.Error", err)
			}
			if pe.File != "bad.yaml" || !strings.Contains(pe.Error(), c.want) {
				t.Errorf("error %q should name the file and say %q", pe.Error(), c.want)
			}
		})
	}
}

func TestInvalidYAMLKeepsEarlierDocuments(t *testing.T) {
	src := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [b\n"
	rs, _, err := ParseBytes("x.yaml", []byte(src), Options{})
	if err == nil || len(rs) != 1 {
		t.Fatalf("got %d resources and %v", len(rs), err)
	}
	var pe *parsers.Error
	if errors.As(err, &pe) && pe.Line == 0 {
		t.Errorf("error should carry a line: %v", pe)
	}
}

// FuzzParseBytes parses with the default limits, sequentially and as a
// stream cut into one-document chunks: both give the same resources and
// error, every error names the file, and no input takes more than the
// watchdog allows.
func FuzzParseBytes(f *testing.F) {
	f.Add([]byte(multi))
	f.Add([]byte("a: &a [1]\nb: [*a, *a]\n"))
	f.Add([]byte("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}]}"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\n<<: {a: 1}\n"))
	f.Add([]byte("x: &x 1\n---\n\ufeffapiVersion: v1\nkind: Pod\nmetadata: {name: *x}\n...\n---\nspec: {privileged: yes}\n"))
	f.Add([]byte("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\napiVersion: v1\nkind: X\n"))
	f.Add([]byte("apiVersion: v1\nkind: X\nx: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n"))
	f.Add([]byte(mergedAnchor(200, 50)))
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(time.Minute, func() { panic(fmt.Sprintf("ParseBytes of %d bytes took over a minute", len(data))) })
		defer watchdog.Stop()
		rs, _, err := ParseBytes("f.yaml", data, Options{})
		for _, r := range rs {
			if r.Root == nil || r.Kind == "" {
				t.Fatalf("resource without root or kind: %+v", r)
			}
			_ = r.At("spec", "x", "0").Resolve()
		}
		if err != nil {
			var pe *parsers.Error
			if !errors.As(err, &pe) || pe.File != "f.yaml" {
				t.Fatalf("error without file: %v", err)
			}
		}
		if checkText(data) != nil {
			return // the stream reader reports the same, tested elsewhere
		}
		old := chunkBytes
		chunkBytes = 1
		r2, _, e2 := ParseStream("f.yaml", bytes.NewReader(data), Options{})
		chunkBytes = old
		if fmt.Sprint(err) != fmt.Sprint(e2) {
			t.Fatalf("stream error %v, sequential %v", e2, err)
		}
		if d1, d2 := dump(rs), dump(r2); d1 != d2 {
			t.Fatalf("stream parse differs\nstream:\n%s\nsequential:\n%s", d2, d1)
		}
	})
}

// A parse error is reported on the line of the token at fault, not where
// the mapping or list around it starts (yaml.v3's line): a mis-indented
// volume far below `spec:` is what the user has to fix. Scanner errors
// keep their own line; each case is a second document of its file.
func TestInvalidYAMLNamesTheLineAtFault(t *testing.T) {
	first := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n"
	cases := []struct {
		name, doc string
		line      int
	}{
		{"list item under-indented", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes:\n  - name: a\n    emptyDir: {}\n  - name: b\n    emptyDir: {}\n - name: c\n   emptyDir: {}\n", 11},
		{"key under-indented", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    a: b\n    c: d\n   e: f\n", 8},
		{"key among list items", "apiVersion: v1\nkind: Pod\nspec:\n  args:\n    - a\n    - b\n    x: 2\n", 7},
		{"tab", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n", 4},
		{"mapping value", "apiVersion: v1\nkind: Pod\nmetadata: name: x\n", 3},
		{"template on the first line", "{{- if .Values.x }}\napiVersion: v1\nkind: Pod\n", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ParseBytes("bad.yaml", []byte(first+c.doc), Options{})
			var pe *parsers.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *parsers.Error", err)
			}
			if want := c.line + 4; pe.Line != want {
				t.Errorf("%v: line %d, want %d", pe, pe.Line, want)
			}
		})
	}
}

// A .json file that does not parse says so in its own format's name.
func TestInvalidJSONIsCalledJSON(t *testing.T) {
	_, _, err := ParseBytes("find.json", []byte("switched to db app\n{ \"_id\" : , \"x\" : 1 }\nbye\n"), Options{})
	var pe *parsers.Error
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Msg, "invalid JSON (read as YAML, of which JSON is a subset): ") || pe.Line != 2 {
		t.Errorf("got %+v", err)
	}
}
