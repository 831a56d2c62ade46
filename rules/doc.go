package rules

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// docTemplate renders every form of a rule's documentation, so that the docs
// pages, SARIF help, --explain and the rules index cannot drift apart.
//
//go:embed doc.md.tmpl
var docTemplate string

var docTemplates = template.Must(template.New("doc").Funcs(template.FuncMap{
	"md":        strings.TrimSpace,
	"trimNL":    func(s string) string { return strings.Trim(s, "\n") },
	"fence":     docFence,
	"fenceLang": docFenceLang,
	"caption":   docCaption,
	"cell":      docTableCell,
}).Parse(docTemplate))

// HelpMarkdown renders the documentation page of a rule: what and severity,
// why it matters, bad and good examples, how to fix, how to suppress and
// references. With a baseURL (the docs/rules/ folder online, ending in a
// slash) the references end with a link to the rule's page; docs/rules/ID.md
// itself is rendered with baseURL "".
func HelpMarkdown(m Meta, baseURL string) string {
	data := struct {
		Meta
		DocURL string
	}{Meta: m}
	if baseURL != "" && m.Custom == "" {
		data.DocURL = baseURL + m.ID + ".md"
	}
	return renderDoc("page", data)
}

// HelpText renders the same page as plain text, for --explain and SARIF
// help.text: headings are underlined, code blocks indented instead of
// fenced, and links spelled out.
func HelpText(m Meta) string {
	return docMarkdownToText(HelpMarkdown(m, ""))
}

// IndexMarkdown renders docs/rules/README.md: a table of every rule, sorted
// by ID, linking to its page.
func IndexMarkdown(all []Meta) string {
	sorted := slices.Clone(all)
	slices.SortFunc(sorted, func(a, b Meta) int { return strings.Compare(a.ID, b.ID) })
	return renderDoc("index", sorted)
}

func renderDoc(name string, data any) string {
	var b strings.Builder
	if err := docTemplates.ExecuteTemplate(&b, name, data); err != nil {
		// The template is embedded and its data is plain values: an error
		// here is a bug in doc.md.tmpl, caught by the tests.
		panic("rules: rendering " + name + " docs: " + err.Error())
	}
	return b.String()
}

// docFence returns a code fence longer than any run of backticks in code, so an
// example that itself contains a fence still renders.
func docFence(code string) string {
	longest, run := 0, 0
	for _, r := range code {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// docFenceLang is the info string for an example's language: Helm examples are
// YAML with template actions, and highlight best as YAML.
func docFenceLang(lang string) string {
	switch strings.ToLower(lang) {
	case "helm":
		return "yaml"
	case "terraform", "tf":
		return "hcl"
	}
	return strings.ToLower(lang)
}

// docCaption names an example's source for readers, or "" for an unknown one.
func docCaption(lang string) string {
	switch strings.ToLower(lang) {
	case "yaml", "yml":
		return "Kubernetes YAML"
	case "helm":
		return "Helm"
	case "hcl", "terraform", "tf":
		return "Terraform"
	case "json":
		return "JSON"
	}
	return ""
}

// docTableCell keeps a value on one line of a Markdown table.
func docTableCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

var (
	docFenceLine = regexp.MustCompile("^(`{3,}|~{3,})\\s*([\\w+-]*)\\s*$")
	docMDLink    = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	docAutoLink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	docBold      = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// docMarkdownToText turns the Markdown this package renders (and the Markdown
// rule authors write in descriptions) into readable plain text. It is not a
// general Markdown renderer: inline code keeps its backticks, which read well
// as text.
func docMarkdownToText(md string) string {
	var out []string
	var open string // the fence of the code block we are in, or ""
	for line := range strings.SplitSeq(strings.TrimRight(md, "\n"), "\n") {
		if open != "" {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, open) && strings.Trim(t, open[:1]) == "" {
				open = ""
				continue
			}
			out = append(out, strings.TrimRight("    "+line, " "))
			continue
		}
		if m := docFenceLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			open = m[1]
			continue
		}
		switch {
		case strings.HasPrefix(line, "# "):
			t := docInlineText(line[2:])
			out = append(out, t, strings.Repeat("=", len([]rune(t))))
		case strings.HasPrefix(line, "## "):
			t := docInlineText(line[3:])
			out = append(out, t, strings.Repeat("-", len([]rune(t))))
		default:
			out = append(out, docInlineText(line))
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func docInlineText(s string) string {
	s = docMDLink.ReplaceAllStringFunc(s, func(l string) string {
		m := docMDLink.FindStringSubmatch(l)
		if m[1] == m[2] {
			return m[2]
		}
		return m[1] + " (" + m[2] + ")"
	})
	s = docAutoLink.ReplaceAllString(s, "$1")
	return docBold.ReplaceAllString(s, "$1")
}
