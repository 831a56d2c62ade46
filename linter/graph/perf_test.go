package graph_test

import (
	"reflect"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
)

// TestAtNodeMatchesWalk checks that locating a node (which no longer walks
// with Walk) gives the path Walk reports, for every node of a document.
func TestAtNodeMatchesWalk(t *testing.T) {
	src := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, labels: {a: b}}
spec:
  template:
    spec:
      containers:
        - name: c
          volumeMounts: [{name: data, mountPath: /d}, {name: x, mountPath: /x}]
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: pvc}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {storageClassName: gp3, accessModes: [ReadWriteOnce]}
`
	rs, _, err := k8s.ParseBytes("x.yaml", []byte(src), k8s.Options{})
	if err != nil || len(rs) != 1 {
		t.Fatal(rs, err)
	}
	r := rs[0]
	n := 0
	r.Root.Walk(func(path []string, v *graph.Node) bool {
		n++
		want := append([]string(nil), path...)
		if v == r.Root {
			want = nil
		}
		got := r.AtNode(v)
		if !reflect.DeepEqual(got.Path, want) && !(len(got.Path) == 0 && len(want) == 0) {
			t.Errorf("AtNode path %q, Walk path %q", got.Path, want)
		}
		if v != r.Root {
			if l := r.AtFrom(v, "x"); !reflect.DeepEqual(l.Path, append(want, "x")) {
				t.Errorf("AtFrom path %q, want %q", l.Path, append(want, "x"))
			}
		}
		return true
	})
	if n < 30 {
		t.Fatalf("walked %d nodes", n)
	}
	if l := r.AtNode(graph.NewScalar("stranger", graph.TagString, graph.Pos{})); l.Path != nil {
		t.Errorf("a node of another tree has path %q", l.Path)
	}
}
