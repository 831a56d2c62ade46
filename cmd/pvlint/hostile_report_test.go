package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

// TestFindingsCappedPerShape: a Helm range of 1,500 hostPath volumes is one
// problem at one template line; 1,000 findings are listed (the limit) and
// one notice says how many were left out. The report is valid JSON.
func TestFindingsCappedPerShape(t *testing.T) {
	watchdog.Start(t, 120*time.Second)
	root := tree(t, map[string]string{
		"chart/Chart.yaml":  "apiVersion: v2\nname: many\nversion: 1.0.0\n",
		"chart/values.yaml": "n: 1500\n",
		"chart/templates/pv.yaml": `{{- range until 1500 }}
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-{{ . }}
spec:
  storageClassName: manual
  claimRef: {name: c-{{ . }}, namespace: default}
  hostPath:
    path: /srv/data
{{- end }}
`,
	})
	code, out, errb := pvlint(t, root, "", "--format", "json", ".")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errb)
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			File   string `json:"file"`
			Line   int    `json:"line"`
		} `json:"findings"`
		Notices []struct{ File, Message string } `json:"notices"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	per := map[string]int{}
	for _, f := range rep.Findings {
		per[f.RuleID]++
	}
	if per["PVL104"] != 1000 {
		t.Errorf("PVL104 listed %d times, want the cap of 1000 (%v)", per["PVL104"], per)
	}
	notes := 0
	for _, n := range rep.Notices {
		if strings.Contains(n.Message, "PVL104 on PersistentVolume") && strings.Contains(n.Message, "(500 not listed)") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("want one notice for the capped shape, got %d: %+v", notes, rep.Notices)
	}
}

// TestErrorMessagesBounded: a template that includes itself fails with
// Helm's error quoting the nesting; the error line stays short.
func TestErrorMessagesBounded(t *testing.T) {
	watchdog.Start(t, 120*time.Second)
	root := tree(t, map[string]string{
		"chart/Chart.yaml":       "apiVersion: v2\nname: rec\nversion: 1.0.0\n",
		"chart/templates/_h.tpl": `{{- define "rec.loop" -}}{{ include "rec.loop" . }}{{- end -}}`,
		"chart/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"rec.loop\" . }}\n",
		"pod.yaml":               hostPathPod,
	})
	code, out, errb := pvlint(t, root, "", "--format", "json", ".")
	if code != 3 {
		t.Fatalf("exit %d\n%s", code, errb)
	}
	if !strings.Contains(out, `"rule_id": "PVL201"`) {
		t.Errorf("the good manifest is not reported")
	}
	for _, line := range strings.Split(errb, "\n") {
		if len(line) > 2200 {
			t.Errorf("standard error line of %d bytes: %.200s…", len(line), line)
		}
	}
	if !strings.Contains(errb, "chart/") {
		t.Errorf("the chart is not named:\n%.500s", errb)
	}
}
