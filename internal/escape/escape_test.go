package escape

import (
	"strings"
	"testing"
)

func TestTerminal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain name-1.2 (ok)", "plain name-1.2 (ok)"},
		{"red \x1b[31mtext\x1b[0m", `red \x1b[31mtext\x1b[0m`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"line\nnext\rover\ttab", `line\nnext\rover\ttab`},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"bad utf8 \xff", `bad utf8 \xff`},
		{"trojan \u202eevil\u202c source", `trojan \u202eevil\u202c source`},
		{"zero\u200bwidth\ufeff\u2066iso\u2069", `zero\u200bwidth\ufeff\u2066iso\u2069`},
		{"sep\u2028line", `sep\u2028line`},
		{"see https://evil.example/login now", "see https[:]//evil.example/login now"},
		{"www.evil.example and WWW.x.y", "www[.]evil.example and WWW[.]x.y"},
		{"awww.no", "awww.no"},
		{"::error file=x::forged", "::error file=x::forged"}, // one line: harmless after a label
		{"née ünïcode ✓", "née ünïcode ✓"},
	} {
		if got := Terminal(c.in); got != c.want {
			t.Errorf("Terminal(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A workflow command's data or property can neither end the command nor
// start another: every line break is encoded, so a forged "::add-mask::"
// or "::stop-commands::" stays inside the one command pvlint writes.
func TestWorkflow(t *testing.T) {
	msg := "fail\n::add-mask::secret\r\n::stop-commands::tok\n::error::x 100%"
	got := "::error::" + WorkflowData(msg)
	if strings.ContainsAny(got, "\r\n") || strings.Count(got, "\n::") > 0 {
		t.Fatalf("line break in %q", got)
	}
	if want := "::error::fail%0A::add-mask::secret%0D%0A::stop-commands::tok%0A::error::x 100%25"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := WorkflowProperty("a,b:c\nd"); got != "a%2Cb%3Ac%0Ad" {
		t.Errorf("property: %s", got)
	}
	if got := WorkflowData("\x1b[2J"); got != `\x1b[2J` {
		t.Errorf("escape sequence: %s", got)
	}
}

func TestMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a | b [l](u) <b> *x* `c` _u_ ~s~ &amp;", `a \| b \[l\](u) \<b\> \*x\* \` + "`" + `c\` + "`" + ` \_u\_ \~s\~ \&amp;`},
		{"$$\\sum$$ and $x$", `\$\$\\sum\$\$ and \$x\$`},
		{"ping @admin or a@b.example", `ping \@admin or a\@b.example`},
		{"go to https://x.example", `go to https\[:\]//x.example`},
		{"two\nlines\r\nhere", "two lines here"},
		{"rtl \u202e", `rtl \\u202e`},
	} {
		if got := Markdown(c.in); got != c.want {
			t.Errorf("Markdown(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzTerminal(f *testing.F) {
	f.Add("a\x1b[31mb\nc\u202e https://x www.y")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Terminal(s), WorkflowData(s), Markdown(s)} {
			for _, r := range out {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || invisible(r) {
					t.Fatalf("%q leaves %U in %q", s, r, out)
				}
			}
			if strings.Contains(out, "://") {
				t.Fatalf("%q leaves a URL in %q", s, out)
			}
		}
	})
}

func TestGraphLabels(t *testing.T) {
	in := "Pod \"a\"\u202e\x1b[31m<b>#x;\nfile.yaml:3"
	if got, want := DOT(in), `"Pod \"a\"[31m<b>#x;\nfile.yaml:3"`; got != want {
		t.Errorf("DOT = %s, want %s", got, want)
	}
	if got, want := Mermaid(in), "Pod #quot;a#quot;#91;31m#lt;b#gt;#35;x#59;<br/>file.yaml:3"; got != want {
		t.Errorf("Mermaid = %s, want %s", got, want)
	}
}

func TestHTMLText(t *testing.T) {
	if got, want := HTMLText("pod \u202egnp.exe\x1b[31m\nnext <b>"), "pod \\u202egnp.exe\\x1b[31m\nnext <b>"; got != want {
		t.Errorf("HTMLText = %q, want %q", got, want)
	}
	if s := "plain https://x.example/ text"; HTMLText(s) != s {
		t.Error("HTMLText changed plain text")
	}
}
