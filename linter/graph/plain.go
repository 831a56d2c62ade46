package graph

import (
	"math"
	"strconv"
	"strings"
)

// PlainOptions choose how Plain gives what plain values cannot hold.
type PlainOptions struct {
	// Unknown gives the value of an Unknown node (a Terraform value known
	// only after apply); nil gives its description text.
	Unknown func(n *Node) any
	// DropNulls leaves out the map keys whose value is null, as the API
	// server does when it decodes an object into its Go type (what an
	// admission policy sees). Without it a null stays a nil under its key,
	// as Helm needs it: a null value deletes the chart's default.
	DropNulls bool
	// Floats gives every number as a float64, as encoding/json decodes it.
	Floats bool
}

// Plain converts a node tree into the values an unstructured object holds:
// map[string]any, []any, string, int64, float64, bool and nil. It is the one
// conversion for every consumer (custom rules, Helm values that Kustomize
// passes, the render fidelity check); scalars are read by their tag with
// the YAML 1.1 rules kubectl applies (0x1F, 017 and 1_000 are integers).
func (n *Node) Plain(opt PlainOptions) any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case Null:
		return nil
	case Unknown:
		if opt.Unknown != nil {
			return opt.Unknown(n)
		}
		return n.val()
	case Map:
		m := make(map[string]any, len(n.children()))
		for _, it := range n.children() {
			if opt.DropNulls && (it == nil || it.Kind == Null) {
				continue
			}
			m[it.Key()] = it.Plain(opt)
		}
		return m
	case List:
		l := make([]any, len(n.children()))
		for i, it := range n.children() {
			l[i] = it.Plain(opt)
		}
		return l
	}
	switch n.Tag {
	case TagBool:
		switch n.Bool() {
		case True:
			return true
		case False:
			return false
		}
	case TagInt, TagFloat:
		if v, ok := plainNumber(n.val(), opt.Floats); ok {
			return v
		}
	}
	return n.val()
}

// plainNumber reads a YAML number: an integer in any base Go and YAML 1.1
// spell (with underscores), else a float, .inf or .nan.
func plainNumber(s string, floats bool) (any, bool) {
	s = strings.TrimSpace(s)
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		if floats {
			return float64(i), true
		}
		return i, true
	}
	if f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		return f, true
	}
	switch strings.ToLower(s) {
	case ".inf", "+.inf":
		return math.Inf(1), true
	case "-.inf":
		return math.Inf(-1), true
	case ".nan":
		return math.NaN(), true
	}
	return nil, false
}
