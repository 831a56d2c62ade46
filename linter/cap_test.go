package linter

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

func TestCapFindings(t *testing.T) {
	pv := &graph.Resource{Kind: "PersistentVolume"}
	var fs []*rules.Finding
	for i := 0; i < 25; i++ {
		fs = append(fs, &rules.Finding{RuleID: "PVL104", Resource: pv, Message: fmt.Sprint(i), Loc: graph.Location{File: "t.yaml", Line: 9, Col: 3}})
	}
	fs = append(fs, &rules.Finding{RuleID: "PVL104", Resource: pv, Loc: graph.Location{File: "t.yaml", Line: 20, Col: 3}})
	fs = append(fs, &rules.Finding{RuleID: "PVL106", Resource: pv, Loc: graph.Location{File: "t.yaml", Line: 9, Col: 3}})
	kept, notices := capFindings(fs, 10)
	if len(kept) != 12 || kept[9].Message != "9" || kept[10].Loc.Line != 20 {
		t.Fatalf("kept %d findings", len(kept))
	}
	if len(notices) != 1 || notices[0].File != "t.yaml" || !strings.Contains(notices[0].Msg, "PVL104 on PersistentVolume at line 9") || !strings.Contains(notices[0].Msg, "(15 not listed)") {
		t.Errorf("notices: %+v", notices)
	}
}
