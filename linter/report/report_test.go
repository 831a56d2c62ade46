package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/internal/sarifcheck"

	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const docsBase = "https://github.com/pvlint/pvlint/blob/main/docs/rules/"

func testRules() []rules.Meta {
	return []rules.Meta{
		{
			ID: "PVL101", Name: "storageclass-unencrypted", Title: "StorageClass leaves encryption at rest off",
			Severity: rules.High, Category: rules.CatEncryption,
			Description: "A StorageClass that does not turn on encryption provisions plain volumes.\n\nSnapshots of them are plain too.",
			Remediation: "Set `parameters.encrypted: \"true\"`.",
			Bad:         []rules.Example{{Lang: "yaml", Code: "kind: StorageClass\nparameters:\n  type: gp3\n"}},
			Good:        []rules.Example{{Lang: "yaml", Code: "kind: StorageClass\nparameters:\n  encrypted: \"true\"\n"}},
			References:  []string{"https://kubernetes.io/docs/concepts/storage/storage-classes/"},
		},
		{
			ID: "PVL201", Name: "hostpath-writable", Title: "Workload mounts a host path read-write",
			Severity: rules.High, Category: rules.CatVolumes, Graph: true,
			Description: "A writable hostPath volume lets a pod change the node's files.",
			Remediation: "Mount it `readOnly: true`, or use a PersistentVolumeClaim.",
		},
		{
			ID: "PVL301", Name: "claim-reclaim-delete", Title: "Claim's volume is deleted with it",
			Severity: rules.Medium, Category: rules.CatWorkload,
			Description: "Deleting the claim deletes the data.",
			Remediation: "Use a class with `reclaimPolicy: Retain`.",
		},
		{
			ID: "PVL401", Name: "ebs-default-key", Title: "EBS volume uses the AWS managed key",
			Severity: rules.Low, Category: rules.CatAWS,
			Description: "The aws/ebs key cannot be shared across accounts & its policy cannot be changed.",
			Remediation: "Set `kms_key_id` to a customer managed key.",
		},
	}
}

// testReport has one finding of each kind the writers treat differently: a
// Helm finding with detail and related locations (one in a path that needs
// URI escaping), a raised one with characters that need escaping, a
// suppressed one, a Terraform one, an undecided one, plus a failed input and
// a notice.
func testReport() *Report {
	sc := &graph.Resource{Source: graph.SourceHelm, APIVersion: "storage.k8s.io/v1", Kind: "StorageClass", Name: "gp2",
		File: "charts/db/templates/storageclass.yaml", From: &graph.Origin{Chart: "charts/db"}}
	pod := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "Pod", Namespace: "data", Name: "pg",
		File: "db/pod.yaml"}
	pvc := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "PersistentVolumeClaim", Namespace: "data", Name: "pg",
		File: "db/pod.yaml"}
	vol := &graph.Resource{Source: graph.SourceTerraform, Kind: "aws_ebs_volume", Name: "aws_ebs_volume.data",
		File: "infra/main.tf", From: &graph.Origin{Module: "infra", Address: `module.db.aws_ebs_volume.data["a"]`}}
	return &Report{
		Version: "v1.2.3",
		Rules:   testRules(),
		Findings: []*rules.Finding{
			{
				RuleID: "PVL101", Severity: rules.High, Resource: sc,
				Message: `StorageClass "gp2" (ebs.csi.aws.com) leaves encryption at rest off. Claims "data/pg" and "data/logs" use it.`,
				Detail:  "rendered from charts/db/templates/storageclass.yaml:\n  parameters:\n    type: gp3",
				Loc:     graph.Location{File: "charts/db/templates/storageclass.yaml", Line: 7, Col: 3, FieldPath: "parameters.encrypted", Precision: graph.Insertion},
				RelatedLocs: []rules.Related{
					{Loc: graph.Location{File: "charts/my chart/values.yaml", Line: 4, Col: 5}, Message: "encryption is set by storage.encrypted"},
					{Loc: graph.Location{File: "db/pod.yaml", Line: 30, Col: 7}, Message: `claim "data/pg" uses the class`},
				},
			},
			{
				RuleID: "PVL201", Severity: rules.Critical, Resource: pod,
				Message: `Pod "data/pg" mounts hostPath "/var/lib" read-write: 100% of the node's <state> & more, at risk.`,
				Loc:     graph.Location{File: "db/pod.yaml", Line: 12, Col: 9, FieldPath: "spec.volumes.0.hostPath"},
				RelatedLocs: []rules.Related{
					{Loc: graph.Location{File: "db/pod.yaml", Line: 20, Col: 11}, Message: "mounted here without readOnly"},
				},
			},
			{
				RuleID: "PVL301", Severity: rules.Medium, Resource: pvc,
				Message:     `PersistentVolumeClaim "data/pg" uses a class that deletes its volume.`,
				Loc:         graph.Location{File: "db/pod.yaml", Line: 30, Col: 7, FieldPath: "spec.storageClassName"},
				Suppression: &rules.Suppression{Kind: "inSource", Reason: "scratch data, rebuilt nightly", Source: "db/pod.yaml:29"},
			},
			{
				RuleID: "PVL401", Severity: rules.Low, Resource: vol,
				Message: `module.db.aws_ebs_volume.data["a"] is encrypted with the AWS managed key.`,
				Loc:     graph.Location{File: "infra/main.tf", Line: 12, Col: 3, FieldPath: "kms_key_id"},
			},
			{
				RuleID: "PVL101", Severity: rules.High, Resource: vol, Undecided: true,
				Message: `module.db.aws_ebs_volume.data["a"] sets encrypted from var.encrypted, which is unknown.`,
				Loc:     graph.Location{File: "infra/main.tf", Line: 14, Col: 3, FieldPath: "encrypted"},
			},
		},
		Errors:      []diag.Error{{File: "broken.yaml", Line: 3, Col: 7, Msg: "mapping values are not allowed in this context"}},
		Notices:     []diag.Notice{{File: "infra/network.tf", Msg: `module "vpc" has a remote source; it is not fetched`}},
		Stats:       Stats{Files: 41, Resources: 187, Charts: 1, Modules: 2},
		DocsBaseURL: docsBase,
	}
}

func cleanReport() *Report {
	return &Report{Version: "v1.2.3", Rules: testRules(), Stats: Stats{Files: 3, Resources: 9}, DocsBaseURL: docsBase}
}

func showAll(r *Report) *Report {
	r.ShowSuppressed, r.ShowUndecided = true, true
	return r
}

type goldenCase struct {
	name   string // testdata/<name>.golden
	format string
	color  bool
	report func() *Report
}

var goldenCases = []goldenCase{
	{"text", "text", false, testReport},
	{"text_all", "text", false, func() *Report { return showAll(testReport()) }},
	{"text_color", "text", true, testReport},
	{"text_clean", "text", false, cleanReport},
	{"json", "json", false, testReport},
	{"json_all", "json", false, func() *Report { return showAll(testReport()) }},
	{"json_clean", "json", false, cleanReport},
	{"sarif", "sarif", false, testReport},
	{"sarif_undecided", "sarif", false, func() *Report { return showAll(testReport()) }},
	{"sarif_clean", "sarif", false, cleanReport},
	{"github", "github", false, testReport},
}

func render(t *testing.T, format string, color bool, r *Report) []byte {
	t.Helper()
	w, err := New(format, color)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// noStepSummary keeps the github writer from touching a real
// GITHUB_STEP_SUMMARY when the tests run in Actions.
func noStepSummary(t *testing.T) {
	old := stepSummaryPath
	stepSummaryPath = func() string { return "" }
	t.Cleanup(func() { stepSummaryPath = old })
}

func TestGolden(t *testing.T) {
	noStepSummary(t)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, tc.format, tc.color, tc.report())
			checkGolden(t, tc.name, got)
			if tc.format == "sarif" {
				validateSARIF(t, got)
			}
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestDeterministic(t *testing.T) {
	noStepSummary(t)
	for _, tc := range goldenCases {
		first := render(t, tc.format, tc.color, tc.report())
		second := render(t, tc.format, tc.color, tc.report())
		if !bytes.Equal(first, second) {
			t.Errorf("%s: two writes of the same report differ", tc.name)
		}
		if len(first) == 0 || first[len(first)-1] != '\n' {
			t.Errorf("%s: output does not end with a newline", tc.name)
		}
	}
}

// Every SARIF golden file is valid SARIF, including ones no case above
// writes any more.
func TestSARIFGoldenFilesValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "sarif*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no SARIF golden files in testdata")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) { validateSARIF(t, data) })
	}
}

// validateSARIF checks data against the OASIS SARIF 2.1.0 schema kept in the repository.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	if err := checkSARIF(data); err != nil {
		t.Fatal(err)
	}
}

func checkSARIF(data []byte) error { return sarifcheck.Validate(data) }

// The validator must be able to fail, or the checks above prove nothing.
func TestSARIFValidatorRejectsInvalid(t *testing.T) {
	good := render(t, "sarif", false, testReport())
	for name, bad := range map[string]string{
		"version":    strings.Replace(string(good), `"version": "2.1.0"`, `"version": "2.0.0"`, 1),
		"null array": strings.Replace(string(good), `"relatedLocations": [`, `"relatedLocations": null, "x": [`, 1),
		"start line": strings.Replace(string(good), `"startLine": 7`, `"startLine": 0`, 1),
	} {
		if bad == string(good) {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		if err := checkSARIF([]byte(bad)); err == nil {
			t.Errorf("%s: invalid SARIF validated", name)
		}
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New("xml", false); err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("New(xml) = %v, want an error naming the format", err)
	}
	for _, f := range Formats() {
		if _, err := New(f, false); err != nil {
			t.Errorf("New(%s): %v", f, err)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		r    *Report
		want string
	}{
		{"clean", cleanReport(), "No findings; 3 files, 9 resources scanned."},
		{"full", testReport(), "3 findings (1 critical, 1 high, 1 low), 1 suppressed, 1 undecided; 41 files, 1 chart, 2 Terraform modules, 187 resources scanned; 1 input error (the scan is incomplete)."},
		{"singular", &Report{
			Findings: []*rules.Finding{{RuleID: "PVL101", Severity: rules.Medium}},
			Errors:   []diag.Error{{File: "a"}, {File: "b"}},
			Stats:    Stats{Files: 1, Resources: 1},
		}, "1 finding (1 medium); 1 file, 1 resource scanned; 2 input errors (the scan is incomplete)."},
	}
	for _, tt := range tests {
		if got := summaryLine(tt.r); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestTextSanitizesControlCharacters(t *testing.T) {
	r := cleanReport()
	r.Findings = []*rules.Finding{{
		RuleID: "PVL101", Severity: rules.High,
		Message: "StorageClass \"\x1b[2Jgp2\" leaves encryption off.\rfake line",
		Loc:     graph.Location{File: "a.yaml", Line: 1, Col: 1},
	}}
	got := string(render(t, "text", false, r))
	if strings.ContainsAny(got, "\x1b\r") {
		t.Errorf("control characters reached the terminal:\n%q", got)
	}
	if !strings.Contains(got, `\x1b[2Jgp2`) {
		t.Errorf("escaped name missing:\n%s", got)
	}
}

func TestJSONShape(t *testing.T) {
	var clean map[string]any
	if err := json.Unmarshal(render(t, "json", false, cleanReport()), &clean); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"findings", "errors", "notices"} {
		if _, ok := clean[k].([]any); !ok {
			t.Errorf("clean report: %s = %v, want []", k, clean[k])
		}
	}

	var full struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(render(t, "json", false, showAll(testReport())), &full); err != nil {
		t.Fatal(err)
	}
	want := []string{"rule_id", "rule_name", "severity", "message", "detail", "file", "line", "column", "field_path",
		"precision", "resource", "related", "fingerprint", "suppressed", "undecided"}
	for i, f := range full.Findings {
		for _, k := range want {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %d has no %q", i, k)
			}
		}
		if len(f) != len(want) {
			t.Errorf("finding %d has %d keys, want %d (document new ones in docs/json-format.md)", i, len(f), len(want))
		}
	}
	if n := len(full.Findings); n != 5 {
		t.Errorf("with ShowSuppressed and ShowUndecided: %d findings, want 5", n)
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("é", 3000) // 6000 bytes
	got := truncate(s, maxMessageBytes)
	if len(got) > maxMessageBytes || !strings.HasSuffix(got, "(truncated)") || !strings.HasPrefix(got, "éé") {
		t.Errorf("truncate: %d bytes, suffix %q", len(got), got[len(got)-20:])
	}
	if !utf8Valid(got) {
		t.Error("truncate split a rune")
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestFirstSentence(t *testing.T) {
	tests := map[string]string{
		`StorageClass "gp2" leaves encryption off. Claims use it.`: `StorageClass "gp2" leaves encryption off.`,
		"no period":                        "no period",
		"version 1.2 is old. Upgrade it.":  "version 1.2 is old.",
		"first line\nsecond line. more":    "first line",
		"  padded sentence.  ":             "padded sentence.",
		`Key "alias/x.y" is shared. Fix.`:  `Key "alias/x.y" is shared.`,
		"ends with period.":                "ends with period.",
		"a:b, c. d":                        "a:b, c.",
		"trailing space after period. ":    "trailing space after period.",
		"":                                 "",
		"multi. sentence. message. here.":  "multi.",
		"newline first\n. then":            "newline first",
		"sentence.\nsecond":                "sentence.",
		"url https://x.io/a.b is bad. Fix": "url https://x.io/a.b is bad.",
	}
	for in, want := range tests {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// The JSON report is streamed one finding at a time; the bytes are what
// encoding the whole document at once gives.
func TestJSONStreamedMatchesWhole(t *testing.T) {
	r := testReport()
	for i := 0; i < 50; i++ {
		r.Findings = append(r.Findings, r.Findings...)
		if len(r.Findings) > 200 {
			break
		}
	}
	w, _ := New("json", false)
	var streamed strings.Builder
	if err := w.Write(&streamed, r); err != nil {
		t.Fatal(err)
	}
	var whole jsonReport
	if err := json.Unmarshal([]byte(streamed.String()), &whole); err != nil {
		t.Fatal(err)
	}
	var again strings.Builder
	if err := writeJSON(&again, whole); err != nil {
		t.Fatal(err)
	}
	if again.String() != streamed.String() {
		t.Errorf("streamed JSON differs from the whole document")
	}
	if len(whole.Findings) < 100 {
		t.Errorf("only %d findings", len(whole.Findings))
	}
}
