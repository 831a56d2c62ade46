package rules_test

import (
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

// Kustomize overlays are rendered and every finding lands on the line the
// user edits: the patch that set the value (strategic merge or JSON 6902,
// from a file, an inline patch or a component), the base that wrote it
// (through name prefixes, suffixes and namespaces), a vendored chart's
// template (helmCharts), or the kustomization entry that transformed it.
func TestKustomizeFindings(t *testing.T) {
	res := rulestest.Run(t, "testdata/kustomize", rules.All(), rulestest.Options{})
	msgs := map[string]string{}
	for _, f := range res.Findings {
		msgs[f.RuleID+"@"+f.Loc.File] = f.Message
	}
	base := "testdata/kustomize/shop/base/db.yaml"
	// Identical findings of two overlays (a cluster-scoped object without a
	// prefix) are still counted per overlay.
	if got := msgs["PVL301@testdata/kustomize/shop/base/rbac.yaml"]; !strings.HasSuffix(got, "Found in every overlay that renders it: overlays/dev, overlays/prod, overlays/staging.") {
		t.Errorf("PVL301 on the shared base: %q", got)
	}
	for id, want := range map[string]string{
		"PVL203": "Found in overlays/dev, overlays/staging; overlays/prod fixes it.",
		"PVL204": "Found in every overlay that renders it: overlays/dev, overlays/prod, overlays/staging.",
		"PVL103": "Found here in overlays/dev; overlays/staging has it at a line of its own; overlays/prod fixes it.",
	} {
		if got := msgs[id+"@"+base]; !strings.HasSuffix(got, want) {
			t.Errorf("%s on the shared base: message %q, want it to end %q", id, got, want)
		}
	}
	// A finding in one overlay's own patch names no overlays.
	if got := msgs["PVL101@testdata/kustomize/shop/overlays/dev/unencrypted.yaml"]; strings.Contains(got, "Found") {
		t.Errorf("patch finding names overlays: %q", got)
	}
	// The remote base is a notice, the rest of its kustomization rendered.
	var notices []string
	for _, n := range res.Notices {
		notices = append(notices, n.String())
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "remote/kustomization.yaml: line 2: remote resource https://github.com/example/platform//storage?ref=v1.2.0 is not fetched") {
		t.Errorf("notices: %q", notices)
	}
	// Ignores written in a base (comment) and added by a patch (annotation)
	// silence the rendered findings.
	suppressed := map[string]string{}
	for _, f := range res.Findings {
		if f.Suppression != nil {
			suppressed[f.RuleID+"@"+f.Loc.File] = f.Suppression.Reason
		}
	}
	for k, reason := range map[string]string{
		"PVL203@testdata/kustomize/ignores/base/worker.yaml":      "the worker loads a kernel module; reviewed",
		"PVL201@testdata/kustomize/ignores/overlay/node-dir.yaml": "node scratch space, reviewed",
	} {
		if suppressed[k] != reason {
			t.Errorf("%s: suppressed with %q, want %q", k, suppressed[k], reason)
		}
	}
}

// A kustomization that cannot render is an error naming it and the cause
// (a chart not vendored, a patch without its target, a remote base that
// would be needed), and its files are linted as written.
func TestKustomizeRenderErrors(t *testing.T) {
	res := rulestest.Run(t, "testdata/kustomize-errors", rules.All(), rulestest.Options{AllowErrors: true})
	want := map[string]string{
		"testdata/kustomize-errors/unvendored/kustomization.yaml":    `helmCharts entry "redis" (testdata/kustomize-errors/unvendored/kustomization.yaml:2) is not vendored at testdata/kustomize-errors/unvendored/charts/redis`,
		"testdata/kustomize-errors/broken/kustomization.yaml":        `no resource matches strategic merge patch "Deployment.v1.apps/not-defined-anywhere`,
		"testdata/kustomize-errors/remote-needed/kustomization.yaml": "(it may need github.com/example/platform/db?ref=v2, which pvlint does not fetch)",
	}
	if len(res.Errors) != len(want) {
		t.Errorf("errors: %v", res.Errors)
	}
	for _, e := range res.Errors {
		w, ok := want[e.File]
		if !ok || !strings.Contains(e.Msg, w) || !strings.HasSuffix(e.Msg, "; the kustomizations it includes are rendered on their own where they can be, and files no render read are linted as written") {
			t.Errorf("error %s, want it to contain %q", e.Error(), w)
		}
	}
}

// An overlay whose own patch moves a shared base's finding to its line
// still has it: the base's message does not say that overlay fixes it.
func TestKustomizeFindingMovedByPatch(t *testing.T) {
	res := rulestest.Run(t, "testdata/kustomize-moved", rules.All(), rulestest.Options{})
	const want = "Found here in overlays/qa; overlays/live has it at a line of its own; overlays/fixed fixes it."
	for _, f := range res.Findings {
		if f.RuleID == "PVL204" && strings.HasSuffix(f.Loc.File, "base/cache.yaml") {
			if !strings.HasSuffix(f.Message, want) {
				t.Errorf("message %q, want it to end %q", f.Message, want)
			}
			return
		}
	}
	t.Error("no PVL204 on the base")
}
