// Package diag holds the diagnostics every layer shares: an input that could
// not be read (Error) and something the user should know that does not make
// the scan incomplete (Notice). Parsers produce them, the linter collects
// them and the reports print them; it is a leaf package so that the reports
// see findings and diagnostics, never the parsers.
package diag

import (
	"fmt"
	"unicode/utf8"
)

// Error is an input that could not be read, parsed, rendered or evaluated.
// Any Error makes the scan incomplete (exit status 3).
type Error struct {
	File string // relative to the repository root, forward slashes
	Line int    // 0 when not known
	Col  int
	Msg  string
}

func (e Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Notice is something the user should know that does not make the scan
// incomplete: a remote module that is not fetched, a skipped file, a
// directory with nothing to scan.
type Notice struct {
	File string
	Msg  string
}

func (n Notice) String() string { return n.File + ": " + n.Msg }

// Truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "… (truncated)"
	cut := max(n-len(mark), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
