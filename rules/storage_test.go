package rules_test

import (
	"fmt"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func TestStorageRules(t *testing.T) {
	rulestest.Run(t, "testdata/storage", storageFamily(t), rulestest.Options{Undecided: true})
	rulestest.Run(t, "testdata/storage-nodefault", storageFamily(t), rulestest.Options{Undecided: true})
}

// storageFamily returns PVL101..PVL106 from the registry.
func storageFamily(t *testing.T) []*rules.Rule {
	t.Helper()
	var rs []*rules.Rule
	for _, id := range []string{"PVL101", "PVL102", "PVL103", "PVL104", "PVL105", "PVL106"} {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		rs = append(rs, r)
	}
	return rs
}

// parseWithUnknowns parses YAML documents and turns the nodes at the given
// paths (kind/name → path) into Unknown values, as an unevaluated Terraform
// expression would be.
func parseWithUnknowns(t *testing.T, src string, unknown map[string][]string) []*graph.Resource {
	t.Helper()
	rs, _, err := k8s.ParseBytes("unknown.yaml", []byte(src), k8s.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if p, ok := unknown[r.Kind+"/"+r.Name]; ok {
			n := r.Root.Path(p...)
			if n == nil {
				t.Fatalf("%s/%s: no node at %v", r.Kind, r.Name, p)
			}
			n.Kind = graph.Unknown
			n.SetValue("var.x")
		}
	}
	return rs
}

// runRule runs one rule over a graph and returns its findings.
func runRule(t *testing.T, id string, g *graph.Graph) []*rules.Finding {
	t.Helper()
	r := rules.ByID(id)
	p := rules.NewPass(g, r)
	r.Check(p)
	return p.Findings()
}

func TestStorageUnknownValuesAreUndecided(t *testing.T) {
	rs := parseWithUnknowns(t, `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ebs-var}
provisioner: ebs.csi.aws.com
parameters:
  encrypted: placeholder
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ebs-key-ref}
provisioner: ebs.csi.aws.com
parameters:
  encrypted: "true"
  kmsKeyId: placeholder
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: ebs-key-var}
provisioner: ebs.csi.aws.com
parameters:
  encrypted: "true"
  kmsKeyId: placeholder
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: app}
spec:
  storageClassName: ebs-var
`, map[string][]string{
		"StorageClass/ebs-var":     {"parameters", "encrypted"},
		"StorageClass/ebs-key-ref": {"parameters", "kmsKeyId"},
		"StorageClass/ebs-key-var": {"parameters", "kmsKeyId"},
	})
	// ebs-key-ref's kmsKeyId refers to a key declared in Terraform.
	key := &graph.Resource{Source: graph.SourceTerraform, Kind: "aws_kms_key", Name: "aws_kms_key.ebs",
		File: "main.tf", Root: graph.NewMap(graph.Pos{Line: 1, Col: 1}), From: &graph.Origin{Module: ".", Address: "aws_kms_key.ebs"}}
	for _, r := range rs {
		if r.Name == "ebs-key-ref" {
			r.Terraform = &graph.Terraform{Refs: []graph.Ref{{Path: []string{"parameters", "kmsKeyId"}, To: key.Key()}}}
		}
	}
	g := graph.Build(append(rs, key), nil, graph.Options{})

	for _, c := range []struct {
		id   string
		want []string // "undecided:LINE" or "finding:LINE"
	}{
		{"PVL101", []string{"undecided:6"}},
		{"PVL102", []string{"undecided:22"}},
		{"PVL103", []string{"undecided:28"}},
	} {
		var got []string
		for _, f := range runRule(t, c.id, g) {
			kind := "finding"
			if f.Undecided {
				kind = "undecided"
			}
			got = append(got, fmt.Sprintf("%s:%d", kind, f.Loc.Line))
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.id, got, c.want)
		}
	}
}
