// Package parsers is the seam between input files and the graph: each
// parser (k8s, helm, terraform) turns its inputs into graph Resources and
// reports what it could not read as Errors, never by panicking.
package parsers

import (
	"github.com/pvlint/pvlint/linter/diag"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/limits"
)

// Error and Notice live in the leaf package diag so that the reports need
// not import the parsers; the aliases keep every parser's spelling.
type (
	Error  = diag.Error
	Notice = diag.Notice
)

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

// The limits live in package limits (the one table); these names remain
// for code written against them.
const (
	// Deprecated: use limits.FileBytes.
	MaxFileBytes = limits.FileBytes
	// Deprecated: use limits.Depth.
	MaxDepth = limits.Depth
	// Deprecated: use limits.DocumentNodes.
	MaxNodes = limits.DocumentNodes
)
