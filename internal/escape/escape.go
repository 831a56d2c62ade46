// Package escape is the one place that makes text from scanned files safe
// for each channel pvlint writes to. Every byte of a resource name, a file
// name, a Helm fail message or a YAML error can be written by an attacker
// (pvlint runs on pull requests from forks, next to the job's secrets), so
// everything that reaches a channel goes through that channel's function:
//
//   - Terminal: standard error and the text report (a terminal, a CI log):
//     control characters and escape sequences are shown, never acted on;
//     bidirectional overrides and invisible characters are shown as \u
//     escapes (Trojan Source); bare URLs are defanged so that a log viewer
//     does not turn a message into a link.
//   - WorkflowData and WorkflowProperty: GitHub Actions workflow commands
//     (::error file=...::message): nothing can end the command or start
//     another one (::add-mask::, ::stop-commands::).
//   - Markdown: one line of GitHub-flavoured Markdown (the step summary): no
//     links, mentions, emphasis, HTML, table breaks or $$ math.
//
// The channels' own syntax (the "::error" of a command, the table of a
// summary) is written by the callers around the escaped text.
package escape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Terminal returns s safe to print on a terminal or in a plain-text log, on
// one line.
func Terminal(s string) string {
	if clean(s) {
		return s
	}
	return shown(s, false)
}

// shown writes s with what must not act shown as escapes: invalid bytes and
// control characters as \x.., bidirectional and invisible characters as
// \u..... For a terminal (page false) line breaks and tabs are escaped too
// and bare URLs are defanged; on a page (HTML text) they are kept.
func shown(s string, page bool) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case page && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case control(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case invisible(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case !page && r == ':' && strings.HasPrefix(s[i:], "://"):
			b.WriteString("[:]//")
			size = 3
		case !page && (r == 'w' || r == 'W') && hasWWW(s, i):
			b.WriteString(s[i:i+3] + "[.]")
			size = 4
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// control reports the C0 and C1 control characters and DEL.
func control(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// clean reports whether Terminal would leave s as it is (the usual case:
// plain ASCII names and messages).
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	if strings.Contains(s, "://") {
		return false
	}
	for i := strings.IndexAny(s, "wW"); i >= 0 && i < len(s); {
		if hasWWW(s, i) {
			return false
		}
		j := strings.IndexAny(s[i+1:], "wW")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// invisible reports characters that change how the text around them is
// shown without being seen: bidirectional embeddings, overrides, isolates
// and marks, zero-width characters, and line or paragraph separators.
func invisible(r rune) bool {
	switch {
	case r >= 0x200b && r <= 0x200f, // zero-width space, joiners, LRM, RLM
		r >= 0x202a && r <= 0x202e, // embeddings and overrides
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // isolates
		r == 0x2028 || r == 0x2029, // line and paragraph separators
		r == 0x061c, r == 0x180e, r == 0xfeff, r == 0x00ad:
		return true
	}
	return false
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// hasWWW reports whether s has "www." at i, at the start of a word.
func hasWWW(s string, i int) bool {
	if len(s) < i+4 || !strings.EqualFold(s[i:i+4], "www.") {
		return false
	}
	return i == 0 || !isSchemeChar(s[i-1])
}

// Workflow commands are parsed by the runner from every line of standard
// output and standard error that starts with "::"; the data and properties
// of one are percent-encoded as @actions/core does, so that a line break
// in a message can neither end the command nor start another.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// WorkflowData returns s as the message of a workflow command.
func WorkflowData(s string) string { return Terminal(dataEscaper.Replace(s)) }

// WorkflowProperty returns s as a property value of a workflow command.
func WorkflowProperty(s string) string { return Terminal(propertyEscaper.Replace(s)) }

// markdownEscaper puts a backslash before every character GitHub-flavoured
// Markdown gives a meaning in running text: links and images, code,
// emphasis, HTML, table cells, strikethrough, entities, $ math and
// @mentions (and e-mail autolinks).
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", `\&`, "$", `\$`, "@", `\@`,
)

var oneLine = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// Markdown returns s as literal text on one line of GitHub-flavoured
// Markdown.
func Markdown(s string) string { return markdownEscaper.Replace(Terminal(oneLine.Replace(s))) }

// Graph labels (the dot and mermaid exports of the storage map): the text
// of one label, which may hold line breaks; each format quotes it its own
// way around this.

// labelText drops what a label must never carry (control characters other
// than the line break, invisible and bidirectional characters).
func labelText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || (control(r) && r != '\n') || invisible(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// DOT returns s as a Graphviz string, quotes included.
func DOT(s string) string { return `"` + dotEscaper.Replace(labelText(s)) + `"` }

var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "`", "#96;",
	"#", "#35;", ";", "#59;", "|", "#124;", "[", "#91;", "]", "#93;", "{", "#123;", "}", "#125;", "\n", "<br/>")

// Mermaid returns s as the text of a Mermaid node label inside "...": the
// characters Mermaid reads as markup become entity codes it renders as
// text, line breaks become <br/>.
func Mermaid(s string) string {
	// One pass: the entities the replacer writes are not escaped again.
	return mermaidEscaper.Replace(labelText(s))
}

// HTMLText returns s for the text of an HTML page (html/template escapes the
// markup around it): control characters other than line breaks and tabs,
// and the bidirectional and invisible characters, are shown as escapes, so
// that a resource name cannot reorder or hide what a reviewer reads.
func HTMLText(s string) string {
	for _, r := range s {
		if (control(r) && r != '\n' && r != '\t') || invisible(r) || r == utf8.RuneError {
			return shown(s, true)
		}
	}
	return s
}
