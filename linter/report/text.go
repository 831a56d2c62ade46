package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/internal/escape"
	"github.com/pvlint/pvlint/rules"
)

// textWriter prints findings grouped by file for a person at a terminal:
//
//	db/storage.yaml
//	  12:5  high      PVL201  StorageClass "gp2" (ebs.csi.aws.com) leaves encryption at rest off.
//	      ↳ db/pvc.yaml:9:22 claim "data/pg" uses it
type textWriter struct{ color bool }

const (
	ansiReset   = "\x1b[0m"
	ansiBoldRed = "\x1b[1;31m"
	ansiRed     = "\x1b[31m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
	ansiDim     = "\x1b[2m"
	ansiBold    = "\x1b[1m"
)

// sevWidth fits the longest label, "critical".
const sevWidth = 8

func (t textWriter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)

	byFile := map[string][]*rules.Finding{}
	for _, f := range r.Findings {
		if r.shown(f) {
			byFile[f.Loc.File] = append(byFile[f.Loc.File], f)
		}
	}
	files := make([]string, 0, len(byFile))
	for file := range byFile {
		files = append(files, file)
	}
	slices.Sort(files)

	// One width for every position keeps the severity and rule columns
	// aligned down the whole report.
	posWidth := 0
	for _, fs := range byFile {
		for _, f := range fs {
			posWidth = max(posWidth, len(position(f.Loc.Line, f.Loc.Col)))
		}
	}
	for _, file := range files {
		name := file
		if name == "" {
			name = "(no file)"
		}
		fmt.Fprintln(bw, t.paint(ansiBold, escape.Terminal(name)))
		for _, f := range byFile[file] {
			t.finding(bw, f, posWidth)
		}
		fmt.Fprintln(bw)
	}

	if len(r.Errors) > 0 {
		fmt.Fprintln(bw, t.paint(ansiBold, "Inputs that failed (the scan is incomplete):"))
		for _, e := range r.Errors {
			fmt.Fprintf(bw, "  %s %s\n", t.paint(ansiRed, "error:"), escape.Terminal(e.Error()))
		}
		fmt.Fprintln(bw)
	}
	if len(r.Notices) > 0 {
		for _, n := range r.Notices {
			fmt.Fprintf(bw, "%s %s\n", t.paint(ansiDim, "notice:"), escape.Terminal(n.String()))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summaryLine(r))
	return bw.Flush()
}

func (t textWriter) finding(w io.Writer, f *rules.Finding, posWidth int) {
	label, color := f.Severity.String(), severityColor(f.Severity)
	if f.Undecided {
		// Not a failure: the check could not be decided on an unknown value.
		label, color = "unknown", ansiDim
	}
	msg := escape.Terminal(f.Message)
	if s := f.Suppression; s != nil {
		if s.Reason != "" {
			msg += " (suppressed: " + escape.Terminal(s.Reason) + ")"
		} else {
			msg += " (suppressed)"
		}
	}
	pos := position(f.Loc.Line, f.Loc.Col)
	fmt.Fprintf(w, "  %s%s  %s%s  %s  %s\n",
		pos, strings.Repeat(" ", posWidth-len(pos)),
		t.paint(color, label), strings.Repeat(" ", max(0, sevWidth-len(label))),
		f.RuleID, msg)
	for _, rel := range f.RelatedLocs {
		fmt.Fprintf(w, "      ↳ %s:%d:%d %s\n", escape.Terminal(rel.Loc.File), rel.Loc.Line, rel.Loc.Col, escape.Terminal(rel.Message))
	}
}

func position(line, col int) string { return strconv.Itoa(line) + ":" + strconv.Itoa(col) }

func severityColor(s rules.Severity) string {
	switch s {
	case rules.Critical:
		return ansiBoldRed
	case rules.High:
		return ansiRed
	case rules.Medium:
		return ansiYellow
	case rules.Low:
		return ansiCyan
	}
	return ""
}

func (t textWriter) paint(code, s string) string {
	if !t.color || code == "" {
		return s
	}
	return code + s + ansiReset
}
