package report_test

// This file scans trees with the linter, so it is an external test: the
// package itself sees findings, never inputs (imports_test.go).

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/pvlint/pvlint/internal/corpus"
	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/report"
	"github.com/pvlint/pvlint/rules"
)

// The SARIF and JSON reports of real scans, the demo repository and a
// generated corpus of every source (Kubernetes YAML, Helm, Kustomize,
// Terraform), are byte for byte what the reference, encoding/json over
// go-sarif's and the report's values, writes.
func TestScansMatchEncodingJSON(t *testing.T) {
	gen := t.TempDir()
	for _, err := range []error{
		second(corpus.K8s(gen, corpus.K8sConfig{Files: 40, Documents: 1000})),
		second(corpus.Helm(gen, corpus.HelmConfig{Charts: 3, Components: 3})),
		second(corpus.Kustomize(gen, corpus.KustomizeConfig{Bases: 2, Overlays: 2, Documents: 20})),
		second(corpus.Terraform(gen, corpus.TerraformConfig{Modules: 20})),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	demo, err := filepath.Abs("../../testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{demo, gen} {
		res, err := linter.Run(linter.Options{Root: root, Paths: []string{root}, Rules: rules.All()})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) < 50 {
			t.Fatalf("%s: only %d findings", root, len(res.Findings))
		}
		t.Logf("%s: %d findings, %d errors, %d notices", root, len(res.Findings), len(res.Errors), len(res.Notices))
		for _, all := range []bool{false, true} {
			rep := &report.Report{Version: "test", Findings: res.Findings, Errors: res.Errors, Notices: res.Notices,
				Stats:          report.Stats{Files: res.Files, Resources: len(res.Graph.Resources), Charts: res.Charts, Modules: res.Modules, Empty: res.Empty},
				ShowSuppressed: all, ShowUndecided: all,
				DocsBaseURL: "https://github.com/pvlint/pvlint/blob/main/docs/rules/"}
			for _, r := range rules.All() {
				rep.Rules = append(rep.Rules, r.Meta)
			}
			for _, format := range []string{"sarif", "json"} {
				w, err := report.New(format, false)
				if err != nil {
					t.Fatal(err)
				}
				var got, want bytes.Buffer
				if err := w.Write(&got, rep); err != nil {
					t.Fatal(err)
				}
				if err := report.ReferenceWrite(&want, format, rep); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Errorf("%s, %s (show all %v): %d bytes differ from the %d encoding/json writes", root, format, all, got.Len(), want.Len())
				}
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }
