package k8s

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// pruneAtDecodeCases are documents whose pruning drops fields, with every
// way those fields can fail or reach elsewhere.
var pruneAtDecodeCases = []string{
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, managedFields: [{a: 1}]}\ndata:\n  a: |\n    x\n    y\n  b: 2\nbinaryData: {c: eA==}\nimmutable: yes\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: &n c}\ndata: {x: *n, <<: {m: 1}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: &y 1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: *y}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata: {" + strings.Repeat("k: v, ", 50) + "z: 1}\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nstatus: {ok: true}\nconfig: {a: [1, 2]}\n",
	"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, env: [{name: A}]}]\n",
	"apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n    containers: [{name: c}]\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: i}\n  data: {a: b}\n",
	"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: " + strings.Repeat("A", 100) + "}\n",
	"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc}\nprovisioner: ebs.csi.aws.com\nparameters: {encrypted: \"false\"}\n",
	"apiVersion: v1\nkind: ConfigMap\nkind: Deployment\nmetadata: {name: twice}\nspec: {template: {spec: {containers: [{name: c}]}}}\ndata: {a: 1}\n",
	"<<: {apiVersion: v1, kind: ConfigMap}\nmetadata: {name: merged}\ndata: {a: 1}\n",
	"apiVersion: v1\nkind: &k ConfigMap\nmetadata: {name: anchored}\ndata: {a: *k}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 1\n---\n# a comment\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns, labels: {a: b}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {a: [1, 2}\n",
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  managedFields:\n  - manager: kubectl\n    fieldsV1: {f:spec: {}}\n  labels: {a: b}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x, env: [{name: A}]}]\nstatus:\n  replicas: 1\n  conditions:\n  - type: Available\n",
	"apiVersion: v1\nkind: Secret\nmetadata: {name: s, managedFields: [{manager: m}]}\ntype: Opaque\ndata: {a: YQ==}\nstatus: {x: 1}\n",
	"apiVersion: v1\nkind: Service\nmetadata: {name: svc, managedFields: [&m {manager: m}]}\nspec: {ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [*m]}}\n",
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {resources: {requests: {storage: 1Gi}}}\nstatus: {phase: Bound, deep: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}\n",
	"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: {type: object, properties: {template: {type: object}}}\n",
	"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: a}\n  ports: [{port: 80, targetPort: 8080}]\nstatus: {loadBalancer: {}}\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n  - name: g\n    rules: [{alert: A, expr: up == 0, annotations: {template: x}}]\n",
	"apiVersion: example.com/v1\nkind: Runner\nmetadata: {name: r}\nt: &t {spec: {containers: [{name: c, securityContext: {privileged: true}}]}}\nspec:\n  template: *t\n",
	"apiVersion: example.com/v1\nkind: Runner\nmetadata: {name: r2}\nspec:\n  <<: {template: {spec: {containers: [{name: c}]}}}\n",
	"apiVersion: example.com/v1\nkind: Runner\nmetadata: {name: r3}\nspec:\n  a: {b: {c: {d: {podTemplate: {spec: {containers: [{name: c}]}}}}}}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
}

// samePruned compares parsing src with pruning at decode and without,
// both pruned afterwards as the linter does: objects, positions and errors.
func samePruned(t *testing.T, name string, src []byte, opt Options) {
	t.Helper()
	samePrunedKeeping(t, name, src, opt, graph.Keep{})
	samePrunedKeeping(t, name+" (custom rules keep Deployment, ConfigMap)", src, opt, graph.Keep{Kinds: map[string]bool{"Deployment": true, "ConfigMap": true}})
}

func samePrunedKeeping(t *testing.T, name string, src []byte, opt Options, keep graph.Keep) {
	t.Helper()
	plain, _, perr := ParseBytes(name, src, opt)
	opt.Prune = &keep
	early, _, eerr := ParseBytes(name, src, opt)
	if fmt.Sprint(perr) != fmt.Sprint(eerr) {
		t.Errorf("%s: error %v with pruning at decode, %v without", name, eerr, perr)
		return
	}
	if len(plain) != len(early) {
		t.Errorf("%s: %d objects with pruning at decode, %d without", name, len(early), len(plain))
		return
	}
	for i := range plain {
		graph.PruneKeeping(plain[i], keep)
		graph.PruneKeeping(early[i], keep)
		p, e := plain[i], early[i]
		if !graph.Equal(p.Root, e.Root) || p.Key() != e.Key() || p.KindPos != e.KindPos || p.Start != e.Start || p.End != e.End || p.Doc != e.Doc {
			t.Errorf("%s object %d: %s %v-%v with pruning at decode, %s %v-%v without", name, i, e.Key(), e.Start, e.End, p.Key(), p.Start, p.End)
		}
	}
}

// TestPruneAtDecodeIsPrune: skipping what pruning drops changes nothing
// that pruning afterwards leaves, errors included, for the cases above,
// under a small node budget, and for every YAML file of the repository's
// fixtures.
func TestPruneAtDecodeIsPrune(t *testing.T) {
	for i, src := range pruneAtDecodeCases {
		samePruned(t, fmt.Sprintf("case%d.yaml", i), []byte(src), Options{})
		samePruned(t, fmt.Sprintf("case%d-budget.yaml", i), []byte(src), Options{MaxNodes: 20})
	}
	n := 0
	_ = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return fs.SkipDir
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			if b, err := os.ReadFile(p); err == nil {
				samePruned(t, p, b, Options{})
				n++
			}
		}
		return nil
	})
	if n < 100 {
		t.Errorf("only %d fixture files compared", n)
	}
}

// TestIdentityOnlyAsPrune holds graph.IdentityOnly to PruneKeeping: for
// kinds with and without a spec, IdentityOnly must never claim a prune to
// the identity that PruneKeeping does not make.
func TestIdentityOnlyAsPrune(t *testing.T) {
	for _, kind := range []string{"ConfigMap", "Secret", "Pod", "Deployment", "StorageClass", "Role", "Namespace", "Widget", "Elasticsearch", "PodTemplate", "CephCluster", "CustomResourceDefinition"} {
		for _, spec := range []string{"", "spec:\n  template:\n    spec:\n      containers: [{name: c}]\n", "spec:\n  nodeSets: [{podTemplate: {spec: {containers: [{name: c}]}}}]\n"} {
			src := "apiVersion: x/v1\nkind: " + kind + "\nmetadata: {name: n}\nother: {a: 1}\n" + spec
			rs, _, err := ParseBytes("k.yaml", []byte(src), Options{})
			if err != nil || len(rs) != 1 {
				t.Fatalf("%s: %v", kind, err)
			}
			graph.PruneKeeping(rs[0], graph.Keep{})
			onlyIdentity := rs[0].Root.Len() <= 3 && rs[0].Root.Get("other") == nil && rs[0].Root.Get("spec") == nil
			if graph.IdentityOnly("x/v1", kind, spec != "", func() bool { return strings.Contains(spec, "emplate") }, graph.Keep{}) && !onlyIdentity {
				t.Errorf("%s (spec %v): IdentityOnly, but PruneKeeping keeps more", kind, spec != "")
			}
			src += "status: {a: 1}\n"
			src = strings.Replace(src, "metadata: {name: n}", "metadata: {name: n, managedFields: [{manager: m}]}", 1)
			rs, _, err = ParseBytes("k.yaml", []byte(src), Options{})
			if err != nil || len(rs) != 1 {
				t.Fatalf("%s: %v", kind, err)
			}
			graph.PruneKeeping(rs[0], graph.Keep{})
			if graph.DropsStatus(kind, graph.Keep{}) && rs[0].Root.Get("status") != nil {
				t.Errorf("%s: DropsStatus, but PruneKeeping keeps status", kind)
			}
			if graph.DropsManagedFields(kind, graph.Keep{}) && rs[0].Root.Path("metadata", "managedFields") != nil {
				t.Errorf("%s: DropsManagedFields, but PruneKeeping keeps them", kind)
			}
		}
	}
	if graph.IdentityOnly("v1", "ConfigMap", false, nil, graph.Keep{Kinds: map[string]bool{"ConfigMap": true}}) {
		t.Error("a kind a custom rule keeps is not pruned at decode")
	}
}

// TestPruneAtDecodeSkips: the fields are indeed never converted (not only
// equal after pruning): before any pruning, the early parse lacks them.
func TestPruneAtDecodeSkips(t *testing.T) {
	src := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  managedFields: [{manager: m}]\nspec: {}\nstatus: {replicas: 1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
	rs, _, err := ParseBytes("f.yaml", src, Options{Prune: &graph.Keep{}})
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d objects, %v", len(rs), err)
	}
	if rs[0].Root.Get("status") != nil || rs[0].Root.Path("metadata", "managedFields") != nil || rs[0].Root.Get("spec") == nil {
		t.Error("the Deployment's status or managedFields were converted, or its spec was not")
	}
	if rs[1].Root.Get("data") != nil || rs[1].End.Line != 12 {
		t.Errorf("the ConfigMap's data was converted, or its end (%d) is not its last line", rs[1].End.Line)
	}
	if rs[0].End.Line != 7 {
		t.Errorf("the Deployment ends on line %d, want 7 (its status)", rs[0].End.Line)
	}
}
