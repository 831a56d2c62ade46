package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const envRBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
  - kind: ServiceAccount
    name: app
`

// The same Role and RoleBinding in dev/ and prod/: each binding grants its
// own folder's role, so neither role is reported as ungranted.
func TestDevProdRBAC(t *testing.T) {
	root := tree(t, map[string]string{"dev/rbac.yaml": envRBAC, "prod/rbac.yaml": envRBAC})
	code, out, stderr := pvlint(t, root, "", "--format", "json", ".")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule_id"`
			File     string `json:"file"`
			Message  string `json:"message"`
			Severity string `json:"severity"`
			Related  []struct {
				File string `json:"file"`
			} `json:"related"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Rule != "PVL303" {
			continue
		}
		seen[f.File] = true
		if strings.Contains(f.Message, "No scanned binding") || strings.Count(f.Message, "RoleBinding") != 1 {
			t.Errorf("%s: %s", f.File, f.Message)
		}
		for _, r := range f.Related {
			if filepath.Dir(r.File) != filepath.Dir(f.File) {
				t.Errorf("%s: related binding in %s", f.File, r.File)
			}
		}
	}
	if !seen["dev/rbac.yaml"] || !seen["prod/rbac.yaml"] {
		t.Errorf("PVL303 on %v, want dev and prod", seen)
	}
	// Negative: with prod's binding removed, prod's role is ungranted and
	// dev's binding does not reach across the environments.
	if err := os.WriteFile(filepath.Join(root, "prod", "rbac.yaml"), []byte(strings.SplitN(envRBAC, "---\n", 2)[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ = pvlint(t, root, "", "--no-color", ".")
	if !strings.Contains(out, "No scanned binding grants it") {
		t.Errorf("prod role without a binding:\n%s", out)
	}
}

// Copy envs/dev/pod.yaml to envs/prod/pod.yaml after writing a baseline:
// the copy fails the gate, the original stays accepted.
func TestBaselineCopiedFileFails(t *testing.T) {
	root := tree(t, map[string]string{"envs/dev/pod.yaml": hostPathPod})
	if code, _, stderr := pvlint(t, root, "", "--write-baseline", "b.json", "."); code != 0 {
		t.Fatalf("--write-baseline: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := pvlint(t, root, "", "--baseline", "b.json", "."); code != 0 {
		t.Fatalf("with the baseline: exit %d\n%s%s", code, out, stderr)
	}
	if err := os.MkdirAll(filepath.Join(root, "envs", "prod"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "envs", "prod", "pod.yaml"), []byte(hostPathPod), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := pvlint(t, root, "", "--baseline", "b.json", "--no-color", ".")
	if code != 1 {
		t.Fatalf("prod copy: exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "envs/prod/pod.yaml") || strings.Contains(out, "envs/dev/pod.yaml\n") {
		t.Errorf("only the prod copy should be reported:\n%s", out)
	}
	// Moving the original's lines keeps it accepted.
	if err := os.WriteFile(filepath.Join(root, "envs", "dev", "pod.yaml"), []byte("# moved\n\n"+hostPathPod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "envs", "prod", "pod.yaml")); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := pvlint(t, root, "", "--baseline", "b.json", "."); code != 0 {
		t.Errorf("moved lines: exit %d\n%s", code, out)
	}
}

// A base object rendered by two overlays is one finding in the report and
// two in the baseline (one per overlay's source unit): reading the baseline
// back passes, and a copy of the base file outside the overlays fails.
func TestBaselineKustomizeOverlays(t *testing.T) {
	root := tree(t, map[string]string{
		"base/kustomization.yaml":         "resources: [pod.yaml]\n",
		"base/pod.yaml":                   hostPathPod,
		"overlays/dev/kustomization.yaml": "resources: [../../base]\nnamespace: dev\n",
		"overlays/prd/kustomization.yaml": "resources: [../../base]\nnamespace: prd\n",
	})
	code, _, stderr := pvlint(t, root, "", "--write-baseline", "b.json", ".")
	if code != 0 {
		t.Fatalf("--write-baseline: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(root, "b.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{`"unit": "kustomize:overlays/dev:base/pod.yaml"`, `"unit": "kustomize:overlays/prd:base/pod.yaml"`} {
		if !strings.Contains(string(data), unit) {
			t.Errorf("baseline lacks %s:\n%s", unit, data)
		}
	}
	if code, out, _ := pvlint(t, root, "", "--baseline", "b.json", "--no-color", "."); code != 0 {
		t.Fatalf("with the baseline: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(root, "legacy.yaml"), []byte(hostPathPod), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := pvlint(t, root, "", "--baseline", "b.json", "--no-color", ".")
	if code != 1 || !strings.Contains(out, "legacy.yaml\n") || strings.Contains(out, "base/pod.yaml\n") {
		t.Errorf("copy outside the overlays: exit %d\n%s", code, out)
	}
}
