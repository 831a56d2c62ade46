package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// graph.volumeOf, graph.subjectsWith, graph.resources and tf.resources, each
// in a rule whose tests pass in one case and fail in the other: both
// outcomes must come out as the tests want, through the whole pipeline.
func TestGraphFunctionRules(t *testing.T) {
	file, err := filepath.Abs("../../rules/custom/testdata/functions/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errb := pvlint(t, t.TempDir(), "", "--test-rules", file)
	if code != 0 || !strings.Contains(out, "8 of 8 rule tests passed") {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	for _, id := range []string{"GFN001", "GFN002", "GFN003", "GFN004"} {
		if strings.Count(out, "PASS  "+id) != 2 {
			t.Errorf("%s: want its passing and its failing case run:\n%s", id, out)
		}
	}
}
