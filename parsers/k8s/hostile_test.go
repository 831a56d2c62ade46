package k8s

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

// allocated runs fn and returns the bytes it allocated (all of them, not
// only those kept): a bound on peak memory that does not depend on when
// the collector runs.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// parseBoth parses src with ParseBytes and with ParseStream in
// one-document chunks, and fails unless both give the same result.
func parseBoth(t *testing.T, src string) ([]*graph.Resource, error) {
	t.Helper()
	r1, _, e1 := ParseBytes("f.yaml", []byte(src), Options{})
	old := chunkBytes
	chunkBytes = 1
	r2, _, e2 := ParseStream("f.yaml", strings.NewReader(src), Options{})
	chunkBytes = old
	if fmt.Sprint(e1) != fmt.Sprint(e2) {
		t.Errorf("chunked error %v, sequential %v", e2, e1)
	}
	if d1, d2 := dump(r1), dump(r2); d1 != d2 {
		t.Errorf("chunked parse differs\nchunked:\n%s\nsequential:\n%s", d2, d1)
	}
	return r1, e1
}

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"

// A byte-order mark at the start of a later document is dropped, as
// kubectl does: the document is read, not skipped as a nameless value file.
func TestBOMInLaterDocument(t *testing.T) {
	for name, src := range map[string]string{
		"after marker":  fmt.Sprintf(cm, "a") + "---\n\ufeff" + fmt.Sprintf(cm, "b"),
		"before marker": fmt.Sprintf(cm, "a") + "\ufeff---\n" + fmt.Sprintf(cm, "b"),
		"first":         "\ufeff" + fmt.Sprintf(cm, "a") + "---\n" + fmt.Sprintf(cm, "b"),
	} {
		t.Run(name, func(t *testing.T) {
			rs, err := parseBoth(t, src)
			if err != nil || len(rs) != 2 || rs[1].Name != "b" {
				t.Fatalf("got %d resources, %v", len(rs), err)
			}
			if k := rs[1].KindPos; k.Line != 7 || k.Col != 1 {
				t.Errorf("kind of b at %v, want 7:1", k)
			}
		})
	}
}

// An alias never reaches an anchor of another document, in a file decoded
// whole or in chunks: an error on the alias's line.
func TestCrossDocumentAlias(t *testing.T) {
	src := "base: &b {readOnly: true}\n---\n" + fmt.Sprintf(cm, "a") + "data: *b\n"
	rs, err := parseBoth(t, src)
	var pe *parsers.Error
	if !errors.As(err, &pe) || pe.Line != 7 || !strings.Contains(pe.Msg, "alias *b") || !strings.Contains(pe.Msg, "another document") {
		t.Fatalf("got %v, want an error on line 7 about alias *b", err)
	}
	if len(rs) != 0 {
		t.Errorf("resources before the fault: %d", len(rs))
	}
	// After "...": the same rule.
	src = "base: &b {readOnly: true}\n...\n---\n" + fmt.Sprintf(cm, "a") + "data: *b\n"
	if _, err := parseBoth(t, src); !errors.As(err, &pe) || pe.Line != 8 || !strings.Contains(pe.Msg, "another document") {
		t.Fatalf("after ...: got %v", err)
	}
	// Within a document aliases work.
	src = fmt.Sprintf(cm, "a") + "x: &b {k: v}\ndata: *b\n"
	if rs, err := parseBoth(t, src); err != nil || rs[0].Root.Path("data", "k").String() != "v" {
		t.Fatalf("alias within a document: %v", err)
	}
}

// A document over the byte limit is refused before yaml.v3 builds its
// tree: the error names its first line and what happened, the documents
// before it are kept, and the cost is bounded by the limit, not the size.
func TestDocumentByteLimit(t *testing.T) {
	opt := Options{MaxDocumentBytes: 1 << 10}
	src := fmt.Sprintf(cm, "a") + "---\n" + fmt.Sprintf(cm, "big") + "data: [" + strings.Repeat("1,", 2000) + "1]\n"
	rs, _, err := ParseBytes("f.yaml", []byte(src), opt)
	var pe *parsers.Error
	if !errors.As(err, &pe) || pe.Line != 5 || !strings.Contains(pe.Msg, "YAML document is larger than 1 KiB") {
		t.Fatalf("got %v", err)
	}
	if len(rs) != 1 || rs[0].Name != "a" {
		t.Errorf("documents before the fault: %d", len(rs))
	}
}

var hugeTests = flag.Bool("huge", false, "also parse the 120 MB reproducer of issue 13")

// The reproducers of issue 13 with the default limits: a 50 MB and a 120 MB
// flow sequence, and a kind: List of a million items. Each is an error that
// says what happened, at a cost of a few times the document limit.
func TestHugeDocuments(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		gen  func(w *strings.Builder)
	}{
		{"flow sequence 50 MB", func(w *strings.Builder) {
			w.WriteString(fmt.Sprintf(cm, "flow") + "data: [")
			for w.Len() < 50<<20 {
				w.WriteString("1,")
			}
			w.WriteString("1]\n")
		}},
		{"list of a million items", func(w *strings.Builder) {
			w.WriteString("apiVersion: v1\nkind: List\nitems:\n")
			for i := 0; i < 1_000_000; i++ {
				fmt.Fprintf(w, "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c%d}}\n", i)
			}
		}},
	}
	if *hugeTests {
		cases = append(cases, struct {
			name string
			gen  func(w *strings.Builder)
		}{"flow sequence 120 MB", func(w *strings.Builder) {
			w.WriteString(fmt.Sprintf(cm, "flow") + "data: [")
			for w.Len() < 120<<20 {
				w.WriteString("1,")
			}
			w.WriteString("1]\n")
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString(fmt.Sprintf(cm, "good") + "---\n")
			c.gen(&b)
			p := filepath.Join(dir, "huge.yaml")
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			b.Reset()
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var rs []*graph.Resource
			n := allocated(func() { rs, _, err = ParseStream("huge.yaml", f, Options{}) })
			var pe *parsers.Error
			if !errors.As(err, &pe) || pe.Line != 5 || !strings.Contains(pe.Msg, "larger than 4 MiB") {
				t.Fatalf("got %v", err)
			}
			if len(rs) != 1 || rs[0].Name != "good" {
				t.Errorf("the document before it: %d resources", len(rs))
			}
			if n > 64<<20 {
				t.Errorf("allocated %d MB, want under 64 MB", n>>20)
			}
		})
	}
}

// A document under the byte limit with more nodes than the budget, without
// an alias: the error says so, and does not call it an alias bomb.
func TestNodeBudgetWording(t *testing.T) {
	src := fmt.Sprintf(cm, "wide") + "data: [" + strings.Repeat("1,", 1000) + "1]\n"
	_, _, err := ParseBytes("f.yaml", []byte(src), Options{MaxNodes: 500})
	if err == nil || !strings.Contains(err.Error(), "document has more than 500 nodes") || strings.Contains(err.Error(), "alias") {
		t.Fatalf("got %v", err)
	}
	src = fmt.Sprintf(cm, "merged") + "a: &a {" + strings.Repeat("k: v, ", 1) + "}\n"
	for i := 0; i < 600; i++ {
		src += fmt.Sprintf("m%d: {<<: *a}\n", i)
	}
	_, _, err = ParseBytes("f.yaml", []byte(src), Options{MaxNodes: 500})
	if err == nil || !strings.Contains(err.Error(), "through its aliases and merge keys") {
		t.Fatalf("got %v", err)
	}
}

// The merge-key reproducer: one 20,000-key anchor merged into 200 maps
// (213 KB) expands to eight million nodes: an alias bomb, refused within
// the budget in well under a second rather than running for minutes.
func TestMergedWideAnchor(t *testing.T) {
	src := mergedAnchor(20000, 200)
	var err error
	n := allocated(func() { _, _, err = ParseBytes("m.yaml", []byte(src), Options{}) })
	if err == nil || !strings.Contains(err.Error(), "through its aliases and merge keys") {
		t.Fatalf("got %v", err)
	}
	if n > 512<<20 {
		t.Errorf("allocated %d MB", n>>20)
	}
	// Merged into 10 maps it is within the budget (200,000 nodes through
	// merge keys, fewer than the document's bytes), and merged correctly.
	rs, _, err := ParseBytes("m.yaml", []byte(mergedAnchor(20000, 10)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rs[0].Root.Get("m9")
	if m.Len() != 20000 || m.Get("k7").String() != "own" || m.Get("k8").String() != "v8" {
		t.Errorf("merged map: %d keys, k7=%q k8=%q", m.Len(), m.Get("k7").String(), m.Get("k8").String())
	}
}

// mergedAnchor is a ConfigMap with an anchor of keys keys merged into maps
// maps, each of which also sets k7 itself (the map's own key wins).
func mergedAnchor(keys, maps int) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf(cm, "merged") + "base: &a\n")
	for i := 0; i < keys; i++ {
		fmt.Fprintf(&b, "  k%d: v%d\n", i, i)
	}
	for i := 0; i < maps; i++ {
		fmt.Fprintf(&b, "m%d:\n  k7: own\n  <<: *a\n", i)
	}
	return b.String()
}

// Duplicate keys: the last wins, also in a map large enough to be indexed.
func TestDuplicateKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(fmt.Sprintf(cm, "dups") + "data:\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "  k%d: a\n", i)
	}
	b.WriteString("  k3: last\n  k90: last\n")
	rs, _, err := ParseBytes("d.yaml", []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := rs[0].Root.Get("data")
	if d.Len() != 100 || d.Get("k3").String() != "last" || d.Get("k90").String() != "last" || d.Get("k3").KeyPos().Line != 106 {
		t.Errorf("data: %d keys, k3 %+v", d.Len(), d.Get("k3"))
	}
}

// YAML 1.1 booleans in the fields where the API expects a boolean;
// strings elsewhere and when quoted.
func TestYAML11Booleans(t *testing.T) {
	src := `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {privileged: yes}}
spec:
  hostNetwork: on
  automountServiceAccountToken: n
  containers:
    - name: a
      securityContext: {privileged: yes, runAsNonRoot: "yes", allowPrivilegeEscalation: Off}
      volumeMounts:
        - {name: v, mountPath: /v, readOnly: Y}
        - {name: w, mountPath: /w, readOnly: !!str yes}
  volumes:
    - name: v
      persistentVolumeClaim: {claimName: c, readOnly: YES}
`
	rs, _, err := ParseBytes("p.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := rs[0].Root
	for _, c := range []struct {
		path []string
		want graph.Truth
	}{
		{[]string{"spec", "hostNetwork"}, graph.True},
		{[]string{"spec", "automountServiceAccountToken"}, graph.False},
		{[]string{"spec", "containers", "0", "securityContext", "privileged"}, graph.True},
		{[]string{"spec", "containers", "0", "securityContext", "runAsNonRoot"}, graph.Unsure}, // quoted
		{[]string{"spec", "containers", "0", "securityContext", "allowPrivilegeEscalation"}, graph.False},
		{[]string{"spec", "containers", "0", "volumeMounts", "0", "readOnly"}, graph.True},
		{[]string{"spec", "containers", "0", "volumeMounts", "1", "readOnly"}, graph.Unsure}, // tagged !!str
		{[]string{"spec", "volumes", "0", "persistentVolumeClaim", "readOnly"}, graph.True},
		{[]string{"metadata", "labels", "privileged"}, graph.Unsure}, // a label is a string
	} {
		if got := root.Path(c.path...).Bool(); got != c.want {
			t.Errorf("%s: %v, want %v", strings.Join(c.path, "."), got, c.want)
		}
	}
}

// Aliases add at most limits.AliasNodesPerByte nodes per byte of their
// document: fifty 300-byte documents that each expand to 20,000 nodes
// (under DocumentNodes each, a million together) are refused at the first,
// while an anchor reused a few times is not.
func TestAliasesAreBoundedByTheDocumentsSize(t *testing.T) {
	doc := "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p%d}\nspec:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  mountOptions: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "---\n"+doc, i)
	}
	_, _, err := ParseBytes("pv.yaml", []byte(b.String()), Options{})
	var pe *parsers.Error
	if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(pe.Msg, "per byte of its") {
		t.Fatalf("got %v", err)
	}
	ok := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    env: &env [{name: A, value: x}, {name: B, value: y}]\n  - name: b\n    env: *env\n  - name: c\n    env: *env\n"
	if _, _, err := ParseBytes("pod.yaml", []byte(ok), Options{}); err != nil {
		t.Errorf("an anchor reused twice: %v", err)
	}
}
