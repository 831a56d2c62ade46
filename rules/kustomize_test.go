package rules_test

import (
	"strings"
	"testing"

	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

// Kustomize overlays are rendered and every finding lands on the line the
// user edits: the patch that set the value (strategic merge or JSON 6902),
// the base that wrote it, or the kustomization entry that transformed it.
func TestKustomizeFindings(t *testing.T) {
	res := rulestest.Run(t, "testdata/kustomize/shop", rules.All(), rulestest.Options{})
	msgs := map[string]string{}
	for _, f := range res.Findings {
		msgs[f.RuleID+"@"+f.Loc.File] = f.Message
	}
	base := "testdata/kustomize/shop/base/db.yaml"
	for id, want := range map[string]string{
		"PVL203": "Found in overlays/dev, overlays/staging; overlays/prod fixes it.",
		"PVL204": "Found in every overlay that renders it: overlays/dev, overlays/prod, overlays/staging.",
		"PVL103": "Found only in overlays/dev; overlays/prod, overlays/staging fix it.",
	} {
		if got := msgs[id+"@"+base]; !strings.HasSuffix(got, want) {
			t.Errorf("%s on the shared base: message %q, want it to end %q", id, got, want)
		}
	}
	if len(res.Notices) > 0 {
		t.Errorf("notices: %v", res.Notices)
	}
}
