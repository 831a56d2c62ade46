package rules

import (
	"strings"
	"testing"
)

func docSampleMeta() Meta {
	return Meta{
		ID: "PVL101", Name: "storageclass-unencrypted", Title: "StorageClass leaves encryption at rest off",
		Severity: High, Category: CatEncryption,
		Description: "A StorageClass for **EBS** without `encrypted: \"true\"` provisions plain volumes.\n\n" +
			"Snapshots inherit it; see [the AWS docs](https://docs.aws.amazon.com/ebs/).\n",
		Remediation: "Set `parameters.encrypted` to `\"true\"`:\n\n```yaml\nparameters:\n  encrypted: \"true\"\n```\n",
		Bad: []Example{
			{Lang: "yaml", Code: "kind: StorageClass\nparameters:\n  type: gp3\n"},
			{Lang: "hcl", Code: "resource \"aws_ebs_volume\" \"a\" {\n  encrypted = false\n}\n"},
		},
		Good:       []Example{{Lang: "helm", Code: "kind: StorageClass\nparameters:\n  encrypted: {{ .Values.enc | quote }}\n"}},
		References: []string{"https://kubernetes.io/docs/concepts/storage/storage-classes/"},
	}
}

const wantMarkdown = "# PVL101: StorageClass leaves encryption at rest off\n" +
	"\n" +
	"`storageclass-unencrypted` · severity **high** · category **encryption** · checks each resource on its own\n" +
	"\n" +
	"## Why it matters\n" +
	"\n" +
	"A StorageClass for **EBS** without `encrypted: \"true\"` provisions plain volumes.\n" +
	"\n" +
	"Snapshots inherit it; see [the AWS docs](https://docs.aws.amazon.com/ebs/).\n" +
	"\n" +
	"## Bad\n" +
	"\n" +
	"Kubernetes YAML:\n" +
	"\n" +
	"```yaml\n" +
	"kind: StorageClass\n" +
	"parameters:\n" +
	"  type: gp3\n" +
	"```\n" +
	"\n" +
	"Terraform:\n" +
	"\n" +
	"```hcl\n" +
	"resource \"aws_ebs_volume\" \"a\" {\n" +
	"  encrypted = false\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"## Good\n" +
	"\n" +
	"Helm:\n" +
	"\n" +
	"```yaml\n" +
	"kind: StorageClass\n" +
	"parameters:\n" +
	"  encrypted: {{ .Values.enc | quote }}\n" +
	"```\n" +
	"\n" +
	"## How to fix\n" +
	"\n" +
	"Set `parameters.encrypted` to `\"true\"`:\n" +
	"\n" +
	"```yaml\n" +
	"parameters:\n" +
	"  encrypted: \"true\"\n" +
	"```\n" +
	"\n" +
	"## How to suppress\n" +
	"\n" +
	"Fix the configuration where you can. When it is intended, suppress the finding with a reason, which the report keeps:\n" +
	"\n" +
	"- inline, in a comment on the reported line or the line above it (YAML, Helm templates, Terraform):\n" +
	"  `# pvlint:ignore PVL101 reason`;\n" +
	"- on a Kubernetes object, with the `pvlint.dev/ignore` annotation naming `PVL101` and the reason;\n" +
	"- for whole paths or resources, with an ignore entry for `PVL101` in `.pvlint.yaml`;\n" +
	"- for findings that already exist, with a baseline, so that only new ones fail the build.\n" +
	"\n" +
	"## References\n" +
	"\n" +
	"- <https://kubernetes.io/docs/concepts/storage/storage-classes/>\n" +
	"- pvlint documentation: <https://example.com/docs/rules/PVL101.md>\n"

func TestHelpMarkdown(t *testing.T) {
	got := HelpMarkdown(docSampleMeta(), "https://example.com/docs/rules/")
	if got != wantMarkdown {
		t.Errorf("HelpMarkdown:\n%s\n--- want\n%s", got, wantMarkdown)
	}
}

func TestHelpMarkdownSectionOrder(t *testing.T) {
	m := docSampleMeta()
	m.Graph = true
	got := HelpMarkdown(m, "")
	want := []string{"# PVL101: ", "graph check", "## Why it matters", "## Bad", "## Good", "## How to fix", "## How to suppress", "## References"}
	at := 0
	for _, w := range want {
		i := strings.Index(got[at:], w)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", w, got)
		}
		at += i + len(w)
	}
	if strings.Contains(got, "pvlint documentation") {
		t.Error("a page rendered without a base URL links to itself")
	}
	if strings.Contains(got, "\n\n\n") {
		t.Errorf("blank lines pile up:\n%s", got)
	}
}

func TestHelpMarkdownOptionalSections(t *testing.T) {
	got := HelpMarkdown(Meta{ID: "PVL999", Name: "x", Title: "X", Severity: Low, Description: "D.", Remediation: "R."}, "")
	for _, absent := range []string{"## Bad", "## Good", "## References"} {
		if strings.Contains(got, absent) {
			t.Errorf("empty %s section rendered:\n%s", absent, got)
		}
	}
	if !strings.HasSuffix(got, "only new ones fail the build.\n") {
		t.Errorf("page does not end after How to suppress:\n%s", got)
	}
}

// An example that contains a fence gets a longer one.
func TestDocFence(t *testing.T) {
	got := HelpMarkdown(Meta{ID: "PVL998", Good: []Example{{Lang: "markdown", Code: "```yaml\na: 1\n```"}}}, "")
	if !strings.Contains(got, "````markdown\n```yaml\na: 1\n```\n````\n") {
		t.Errorf("inner fence not protected:\n%s", got)
	}
}

func TestHelpText(t *testing.T) {
	got := HelpText(docSampleMeta())
	for _, bad := range []string{"```", "**", "](", "<https", "## ", "pvlint documentation"} {
		if strings.Contains(got, bad) {
			t.Errorf("HelpText contains Markdown %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{
		"PVL101: StorageClass leaves encryption at rest off\n==================================================\n",
		"Why it matters\n--------------\n",
		"A StorageClass for EBS without `encrypted: \"true\"` provisions plain volumes.",
		"see the AWS docs (https://docs.aws.amazon.com/ebs/).",
		"Terraform:\n\n    resource \"aws_ebs_volume\" \"a\" {\n      encrypted = false\n    }\n",
		"    parameters:\n      encrypted: \"true\"\n",
		"- https://kubernetes.io/docs/concepts/storage/storage-classes/\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("HelpText lacks %q:\n%s", want, got)
		}
	}
}

func TestDocMarkdownToTextUnclosedFence(t *testing.T) {
	got := docMarkdownToText("text\n~~~\ncode\n")
	if got != "text\n    code\n" {
		t.Errorf("got %q", got)
	}
}

func TestIndexMarkdown(t *testing.T) {
	all := []Meta{
		docSampleMeta(),
		{ID: "PVL001", Title: "Pipes | in title", Severity: Low, Category: CatRBAC},
	}
	got := IndexMarkdown(all)
	want := "# pvlint rules\n\n" +
		"| ID | Title | Severity | Category |\n" +
		"|----|-------|----------|----------|\n" +
		"| [PVL001](PVL001.md) | Pipes \\| in title | low | rbac |\n" +
		"| [PVL101](PVL101.md) | StorageClass leaves encryption at rest off | high | encryption |\n"
	if got != want {
		t.Errorf("IndexMarkdown:\n%s\n--- want\n%s", got, want)
	}
	if all[0].ID != "PVL101" {
		t.Error("IndexMarkdown sorted its argument in place")
	}
}
