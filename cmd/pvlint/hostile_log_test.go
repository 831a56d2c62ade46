package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forged is text an attacker puts in a chart or a manifest to reach the
// GitHub runner (which reads workflow commands from standard error too) or
// the terminal: workflow commands on lines of their own, an escape
// sequence, a bidi override and a link.
const forged = `x\n::add-mask::secret\n::stop-commands::tok\n::error file=a::forged\r\n\x1b[2J\x1b]0;title\x07\u202e https://evil.example`

// TestLogNotForged: with every channel in use (annotations on standard
// output, errors, notices, undecided checks and Helm's own log lines on
// standard error, the step summary), the forged text reaches none as a
// command, an escape sequence, an invisible character or a link.
func TestLogNotForged(t *testing.T) {
	root := tree(t, map[string]string{
		"chart/Chart.yaml":       "apiVersion: v2\nname: c\nversion: 1.0.0\n",
		"chart/values.yaml":      `"cfg\e[31m\n::add-mask::x https://evil.example": zz` + "\n",
		"user-values.yaml":       `"cfg\e[31m\n::add-mask::x https://evil.example": {a: 1}` + "\n",
		"chart/templates/x.yaml": `{{ fail "` + forged + `" }}` + "\n",
		"pod.yaml":               strings.Replace(hostPathPod, "name: debug", `name: "debug`+forged+`"`, 1),
		"bad.yaml":               "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [\"" + forged + "\"\n",
	})
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, out, errb := pvlint(t, root, "", "--format", "github", "-v", "-f", "user-values.yaml", ".")
	if code != 3 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(errb, "chart") || !strings.Contains(errb, "bad.yaml") {
		t.Errorf("the failing inputs are not named:\n%s", errb)
	}
	if !strings.Contains(errb, "\nhelm: ") && !strings.HasPrefix(errb, "helm: ") {
		t.Errorf("Helm's warning about the values did not come through the logger:\n%s", errb)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{"error: ", "notice: ", "undecided: ", "pvlint: ", "helm: "}
	for _, line := range strings.Split(strings.TrimSuffix(errb, "\n"), "\n") {
		ok := false
		for _, l := range labels {
			ok = ok || strings.HasPrefix(line, l)
		}
		if !ok {
			t.Errorf("standard error line without a label of pvlint's: %q", line)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") && !strings.HasPrefix(line, "::error ") &&
			!strings.HasPrefix(line, "::warning ") && !strings.HasPrefix(line, "::notice ") {
			t.Errorf("a workflow command pvlint did not write: %q", line)
		}
	}
	for name, text := range map[string]string{"stdout": out, "stderr": errb, "summary": strings.ReplaceAll(string(md), "("+docsBaseURL, "(")} {
		for _, bad := range []string{"\x1b", "\r", "\a", "\u202e", "https://", "\n::add-mask::", "\n::stop-commands::"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s holds %q:\n%s", name, bad, text)
			}
		}
	}
}
