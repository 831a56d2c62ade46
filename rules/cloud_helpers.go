package rules

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// Helpers shared by the Terraform families (aws.go, gcp.go, azure.go) and
// the cross-source rule PVL107 (storage_cloud.go).
//
// Each cloud check is written once as a function that returns issues; the
// family rule reports them, and PVL107 reuses the decided ones when a
// Kubernetes object rests on the same resource. That keeps "what is weak"
// in one place.

// issue is one weakness of a Terraform resource.
type issue struct {
	At        graph.Loc
	Msg       string   // the whole message; its first sentence names the problem and the resource
	What      string   // the weakness alone, for PVL107 ("is not encrypted at rest")
	Severity  Severity // None: the rule's default
	Undecided bool     // an unknown value kept the check from being decided
}

// report records the issues of one rule.
func report(p *Pass, issues []issue) {
	for _, is := range issues {
		var f *Finding
		if is.Undecided {
			f = p.Undecided(is.At, "%s", is.Msg)
		} else {
			f = p.Report(is.At, "%s", is.Msg)
		}
		if is.Severity != None {
			f.With(is.Severity)
		}
	}
}

// severityOf is the severity an issue carries under rule r.
func severityOf(is issue, r *Rule) Severity {
	if is.Severity != None {
		return is.Severity
	}
	return r.Severity
}

// tfResources returns the Terraform resources (not Kubernetes objects) of
// the given types.
func tfResources(g *graph.Graph, types ...string) []*graph.Resource {
	var out []*graph.Resource
	for _, r := range g.OfKind(types...) {
		if !r.IsKubernetes() {
			out = append(out, r)
		}
	}
	return out
}

// blocks returns the instances of a nested block: the parser gives every
// block as a list of maps, even when there is one (a lone map is accepted).
func blocks(n *graph.Node) []*graph.Node {
	if n == nil {
		return nil
	}
	if n.Kind == graph.Map {
		return []*graph.Node{n}
	}
	var out []*graph.Node
	for _, it := range n.List() {
		if it.Kind == graph.Map {
			out = append(out, it)
		}
	}
	return out
}

// unknownBlocks reports whether a nested block could not be evaluated: the
// whole key (a dynamic block over an unknown collection) or one of its
// instances.
func unknownBlocks(n *graph.Node) bool {
	if n.IsUnknown() {
		return true
	}
	for _, it := range n.List() {
		if it.IsUnknown() {
			return true
		}
	}
	return false
}

// firstBlock returns the first instance of block key below n, or nil.
func firstBlock(n *graph.Node, key string) *graph.Node {
	if b := blocks(n.Get(key)); len(b) > 0 {
		return b[0]
	}
	return nil
}

// str returns a known, non-empty scalar.
func str(n *graph.Node) (string, bool) {
	s, ok := n.Str()
	return s, ok && strings.TrimSpace(s) != ""
}

// keyRef says whether a key attribute names a customer-managed key:
//
//   - True: a known non-empty value, or an unknown one that refers to a key
//     resource of the scan (`aws_kms_key.k.arn` is computed, but the edge
//     says what it is);
//   - Unset: missing, null or empty;
//   - Unsure: an unknown value that refers to no key we can see.
func keyRef(r *graph.Resource, n *graph.Node) graph.Truth {
	if n == nil || n.Kind == graph.Null {
		return graph.Unset
	}
	if _, ok := str(n); ok {
		return graph.True
	}
	if n.Kind == graph.Scalar {
		return graph.Unset // an empty string
	}
	for _, e := range r.Out {
		if e.Kind == graph.UsesKey && e.At != nil && (e.At == n || contains(n, e.At)) {
			return graph.True
		}
	}
	return graph.Unsure
}

// anyKeyRef is keyRef over several attributes of block b: True if any names
// a key, Unsure if none does but one is unknown.
func anyKeyRef(r *graph.Resource, b *graph.Node, attrs ...string) (graph.Truth, *graph.Node) {
	best, at := graph.Unset, (*graph.Node)(nil)
	for _, a := range attrs {
		n := b.Get(a)
		switch keyRef(r, n) {
		case graph.True:
			return graph.True, n
		case graph.Unsure:
			best, at = graph.Unsure, n
		}
	}
	return best, at
}

// contains reports whether target is n or below it.
func contains(n, target *graph.Node) bool {
	found := false
	n.Walk(func(_ []string, v *graph.Node) bool {
		if v == target {
			found = true
		}
		return !found
	})
	return found
}

// sameModule returns the Terraform resources of a type declared in r's root
// module (account- and region-wide settings such as EBS encryption by
// default are judged per root module).
func sameModule(g *graph.Graph, r *graph.Resource, typ string) []*graph.Resource {
	var out []*graph.Resource
	for _, o := range tfResources(g, typ) {
		if o.Origin().Module == r.Origin().Module {
			out = append(out, o)
		}
	}
	return out
}

// ebsDefaultEncryption says whether the root module of r turns on EBS
// encryption by default: True when an aws_ebs_encryption_by_default is
// enabled (its `enabled` defaults to true), Unsure when one is unknown.
func ebsDefaultEncryption(g *graph.Graph, r *graph.Resource) (graph.Truth, *graph.Resource) {
	out, by := graph.Unset, (*graph.Resource)(nil)
	for _, d := range sameModule(g, r, "aws_ebs_encryption_by_default") {
		switch d.Root.Get("enabled").Bool() {
		case graph.Unset, graph.True:
			return graph.True, d
		case graph.Unsure:
			out, by = graph.Unsure, d
		}
	}
	return out, by
}

// ebsDefaultKMSKey returns the aws_ebs_default_kms_key of r's root module, if any.
func ebsDefaultKMSKey(g *graph.Graph, r *graph.Resource) *graph.Resource {
	if ks := sameModule(g, r, "aws_ebs_default_kms_key"); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// parseDuration reads a Google duration such as "7776000s" (seconds, with an
// optional fraction) and returns whole seconds.
func parseDuration(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, "s") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}

// policyStatement is the part of an IAM policy statement the key policy
// check reads.
type policyStatement struct {
	Sid          string          `json:"Sid"`
	Effect       string          `json:"Effect"`
	Principal    json.RawMessage `json:"Principal"`
	NotPrincipal json.RawMessage `json:"NotPrincipal"`
	Condition    json.RawMessage `json:"Condition"`
}

// openStatements parses an IAM policy document and returns the Allow
// statements that grant to everyone without a condition: Principal "*" or
// {"AWS": "*"} (alone or in a list), or a NotPrincipal (everyone but a few).
// ok is false when the text is not a policy document.
func openStatements(doc string) (open []policyStatement, ok bool) {
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, false
	}
	var stmts []policyStatement
	if err := json.Unmarshal(p.Statement, &stmts); err != nil {
		var one policyStatement
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return nil, false
		}
		stmts = []policyStatement{one}
	}
	for _, s := range stmts {
		if s.Effect != "Allow" || hasCondition(s.Condition) {
			continue
		}
		if wildcardPrincipal(s.Principal) || len(s.NotPrincipal) > 0 && string(s.NotPrincipal) != "null" {
			open = append(open, s)
		}
	}
	return open, true
}

func hasCondition(raw json.RawMessage) bool {
	var m map[string]any
	return json.Unmarshal(raw, &m) == nil && len(m) > 0
}

// wildcardPrincipal reports whether a Principal is "*" or has "*" under AWS.
func wildcardPrincipal(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	v, ok := m["AWS"]
	if !ok {
		return false
	}
	if json.Unmarshal(v, &s) == nil {
		return s == "*"
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		for _, x := range list {
			if x == "*" {
				return true
			}
		}
	}
	return false
}

// joinAnd joins phrases as "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
