// Package custom turns user rules into rules.Rule values like the built-in
// ones: pvlint Rule documents with CEL expressions over the scan's graph,
// and Kubernetes ValidatingAdmissionPolicies (with their bindings) run as
// the API server runs them. Load reads the rule files; every problem in them
// is a configuration error naming the file, the line and, for an
// expression, the column.
package custom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/rules"
)

// Error is a problem in a rule file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Errors is every problem Load found, in file order.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// maxRuleFileBytes bounds one rule file: rules are configuration, not data.
const maxRuleFileBytes = 4 << 20

// Set is the custom rules of a run.
type Set struct {
	Rules []*rules.Rule // sorted by ID
	Tests []*TestCase   // every rule's tests, in rule order
	keep  graph.Keep
}

// Keep says what the custom rules read that the built-in ones do not, so
// that pruning leaves it in the graph.
func (s *Set) Keep() graph.Keep {
	if s == nil {
		return graph.Keep{}
	}
	return s.keep
}

// Files expands rule paths: a file as given, a directory to its .yaml and
// .yml files (recursively, sorted).
func Files(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &Error{File: p, Msg: "no such file or directory"}
			}
			return nil, &Error{File: p, Msg: err.Error()}
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, &Error{File: p, Msg: err.Error()}
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// Load reads the rule files at paths (files or directories). builtin
// reports the IDs already taken.
func Load(paths []string, builtin func(id string) bool) (*Set, error) {
	files, err := Files(paths)
	if err != nil {
		return nil, Errors{err.(*Error)}
	}
	l := &loader{builtin: builtin, ids: map[string]string{}, names: map[string]string{}}
	for _, f := range files {
		l.file(filepath.ToSlash(f))
	}
	l.bindVAPs()
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	set := &Set{}
	for _, c := range l.compiled {
		c.setCost(share(len(l.compiled)))
		set.Rules = append(set.Rules, c.rule())
		set.Tests = append(set.Tests, c.tests()...)
	}
	sort.SliceStable(set.Rules, func(i, j int) bool { return set.Rules[i].ID < set.Rules[j].ID })
	set.keep = keepFor(l.compiled)
	return set, nil
}

// compiledRule is a compiled rule of either kind.
type compiledRule interface {
	rule() *rules.Rule
	tests() []*TestCase
	keeps(k *graph.Keep)
	setCost(limit uint64) // the rule's CEL cost budget per scan
}

type loader struct {
	builtin  func(string) bool
	errs     Errors
	compiled []compiledRule
	ids      map[string]string // ID → where defined
	names    map[string]string // metadata.name → where defined
	vaps     []*vapRule
	bindings []*vapBinding
}

func (l *loader) errorf(file string, line, col int, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

var docStartRE = regexp.MustCompile(`(?m)^---`)

func (l *loader) file(file string) {
	// Through the file gate: rule files are named by the repository's
	// configuration, so a link out of their directory, a device or a named
	// pipe is an error, never read.
	data, err := fsgate.ReadNamedLimit(file, maxRuleFileBytes)
	if errors.Is(err, fsgate.ErrTooLarge) {
		l.errorf(file, 0, 0, "larger than %d bytes", maxRuleFileBytes)
		return
	}
	if err != nil {
		l.errorf(file, 0, 0, "%s", fsgate.Describe(err))
		return
	}
	if len(data) > maxRuleFileBytes {
		l.errorf(file, 0, 0, "larger than %d bytes", maxRuleFileBytes)
		return
	}
	lines := strings.Split(string(data), "\n")
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			l.errorf(file, yamlLine(err), 0, "%s", yamlMsg(err))
			return
		}
		if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
			continue
		}
		root := doc.Content[0]
		src := &source{file: file, lines: lines}
		if root.Kind != yaml.MappingNode {
			l.errorf(file, root.Line, root.Column, "a rule document is a mapping with apiVersion and kind")
			continue
		}
		apiVersion, kind := scalarAt(root, "apiVersion"), scalarAt(root, "kind")
		switch {
		case apiVersion == "pvlint.dev/v1" && kind == "Rule":
			l.pvlintRule(src, root)
		case strings.HasPrefix(apiVersion, "admissionregistration.k8s.io/") && kind == "ValidatingAdmissionPolicy":
			l.vap(src, root)
		case strings.HasPrefix(apiVersion, "admissionregistration.k8s.io/") && kind == "ValidatingAdmissionPolicyBinding":
			l.vapBinding(src, root)
		default:
			l.errorf(file, root.Line, root.Column, "unknown document %s %s: want pvlint.dev/v1 Rule, or admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy or ValidatingAdmissionPolicyBinding",
				orDash(apiVersion), orDash(kind))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// scalarAt returns the scalar value under key of a mapping node.
func scalarAt(n *yaml.Node, key string) string {
	if v := valueAt(n, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

func valueAt(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): `)

func yamlLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n := 0
	fmt.Sscan(m[1], &n)
	return n
}

func yamlMsg(err error) string {
	s := yamlLineRE.ReplaceAllString(err.Error(), "")
	return strings.TrimPrefix(s, "yaml: ")
}

// source is one rule file, for positions inside expressions.
type source struct {
	file  string
	lines []string
}

// claimID records a rule ID and name, refusing duplicates and built-in IDs.
func (l *loader) claimID(src *source, n *yaml.Node, id, name string) bool {
	where := fmt.Sprintf("%s:%d", src.file, n.Line)
	if prev, dup := l.ids[id]; dup {
		l.errorf(src.file, n.Line, n.Column, "rule ID %s is already defined at %s", id, prev)
		return false
	}
	if l.builtin != nil && l.builtin(id) {
		l.errorf(src.file, n.Line, n.Column, "rule ID %s is a built-in rule's", id)
		return false
	}
	l.ids[id] = where
	if name != "" {
		if prev, dup := l.names[name]; dup {
			l.errorf(src.file, n.Line, n.Column, "rule name %q is already defined at %s", name, prev)
			return false
		}
		l.names[name] = where
	}
	return true
}
