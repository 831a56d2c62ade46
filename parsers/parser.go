// Package parsers is the seam between input files and the graph: each
// parser (k8s, helm, terraform) turns its inputs into graph Resources and
// reports what it could not read as Errors, never by panicking.
package parsers

import (
	"fmt"

	"github.com/pvlint/pvlint/linter/graph"
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
// incomplete: a remote module that is not fetched, a skipped file.
type Notice struct {
	File string
	Msg  string
}

func (n Notice) String() string { return n.File + ": " + n.Msg }

// Result is what a parser returns for its inputs.
type Result struct {
	Resources []*graph.Resource
	Comments  []graph.Comment // comment lines containing "pvlint:" (for suppressions)
	Errors    []Error
	Notices   []Notice
}

// Merge appends o to r.
func (r *Result) Merge(o Result) {
	r.Resources = append(r.Resources, o.Resources...)
	r.Comments = append(r.Comments, o.Comments...)
	r.Errors = append(r.Errors, o.Errors...)
	r.Notices = append(r.Notices, o.Notices...)
}

// Limits bound what one input may cost.
const (
	MaxFileBytes = 256 << 20 // files above this are refused with an error
	MaxDepth     = 256       // nesting deeper than this is refused
	MaxNodes     = 5_000_000 // nodes one document may expand to (alias bombs)
)
