// Package config reads .pvlint.yaml: which rules run and at what severity,
// the paths left out, the ignores kept outside the source, and the Helm and
// Terraform inputs of the scan. Every problem names the file, the line and
// the key: `.pvlint.yaml:7: rules.PVL201.severity: unknown severity "urgent"`.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/linter/suppress"
	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/rules"
)

// Names are the file names looked for at the root of a scan, in order.
var Names = []string{".pvlint.yaml", ".pvlint.yml"}

// Config is a parsed configuration file.
type Config struct {
	File string // as given or found; used in messages and suppression sources

	FailOn     *rules.Severity
	Rules      map[string]RuleConfig
	Disable    []string
	EnableOnly []string
	Exclude    []*suppress.Glob
	Ignores    []suppress.ConfigIgnore
	// NoInlineIgnore are rules that no comment or annotation may silence.
	NoInlineIgnore []string
	Helm           Helm
	Terraform      Terraform
	Scan           Scan
	// RuleFiles are custom rule files or directories (rules: [PATH...] or
	// rules.files), as written: relative to the working directory.
	RuleFiles []string
}

// RuleFiles reads only the custom rule files a configuration names, for
// loading the custom rules before the whole file is checked against the
// rule IDs they define. Errors are left to Load.
func RuleFiles(path, tree string) []string {
	data, err := fsgate.ReadNamed(nil, path)
	if err != nil {
		return nil
	}
	c, err := Parse(path, data, Options{Known: func(string) bool { return true }})
	if err != nil || c.confined(path, tree) != nil {
		return nil
	}
	return c.RuleFiles
}

// Scan holds the settings that mirror command-line flags, for a CI job that
// keeps its whole setup in the repository. A flag given on the command line
// wins over the file. Paths are as the flags take them: relative to the
// working directory.
type Scan struct {
	Baseline            string // --baseline
	Namespace           string // --namespace
	FailOnUnknown       *bool  // --fail-on-unknown
	NoInlineIgnores     *bool  // --no-inline-ignores
	FailOnUnusedIgnores *bool  // --fail-on-unused-ignores
	AllDirs             *bool  // --all-dirs
	MaxFileSize         *int64 // --max-file-size
	ChartTimeout        string // --chart-timeout, a Go duration ("90s")
}

// RuleConfig is one entry of rules:.
type RuleConfig struct {
	Enabled  *bool
	Severity *rules.Severity
}

// Helm holds the chart inputs. Values are in file order: "FILE" for every
// chart, "CHART_DIR=FILE" for one (as the --values flag takes them).
type Helm struct {
	Values      []string
	Set         []string
	SetString   []string
	ReleaseName string
	KubeVersion string
	APIVersions []string
}

// Terraform holds the module inputs.
type Terraform struct {
	VarFiles       []string            // for every root module
	ModuleVarFiles map[string][]string // by root module directory
}

// Options tune Load.
type Options struct {
	// Known reports whether a rule ID exists; nil accepts any PVLnnn.
	Known func(id string) bool
	// Tree is the scanned tree's root. A configuration file inside it is
	// the repository's (a pull request from a fork can change it), and
	// every path it names must stay inside the tree: Load refuses a file
	// that names one outside (../secrets.yaml, /proc/self/environ).
	Tree string
}

// Error is a problem in a configuration file.
type Error struct {
	File string
	Line int
	Key  string // dotted path of the key, e.g. rules.PVL201.severity
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Find returns the configuration file at root, or "" when there is none.
func Find(root string) string {
	for _, n := range Names {
		p := filepath.Join(root, n)
		// Anything by that name (a link, a pipe) is taken, so that Load
		// refuses it with an error instead of the scan going on silently
		// without the configuration.
		if _, err := os.Lstat(p); err == nil {
			return p
		}
	}
	return ""
}

// Load reads and checks a configuration file. name is how messages call it.
//
// A file Find found is read through the file gate (a repository's
// .pvlint.yaml is the pull request's to write): a link leading out of its
// directory, a device or a named pipe is an error, never read. A file the
// user named (--config) is theirs: read without blocking, within the limit.
func Load(path, name string, found bool, opt Options) (*Config, error) {
	var data []byte
	var err error
	if found {
		data, err = fsgate.ReadNamed(nil, path)
	} else {
		data, err = fsgate.ReadUserFile(path, 0)
	}
	if err != nil {
		return nil, readError{fsgate.Describe(err), err}
	}
	c, err := Parse(name, data, opt)
	if err != nil {
		return nil, err
	}
	if err := c.confined(path, opt.Tree); err != nil {
		return nil, err
	}
	return c, nil
}

// confined checks that a configuration file inside the scanned tree (at
// path) names no file outside it: custom rules, values files, variable
// files, module directories, the baseline. Relative paths are relative to
// the working directory, as the flags take them.
func (c *Config) confined(path, tree string) error {
	if tree == "" || !inside(tree, path) {
		return nil
	}
	check := func(key string, files ...string) error {
		for _, f := range files {
			if f != "" && !inside(tree, f) {
				return &Error{File: c.File, Key: key, Msg: fmt.Sprintf("%s is outside the scanned tree: the repository's configuration names only files inside it (name it on the command line instead)", f)}
			}
		}
		return nil
	}
	if err := check("rules", c.RuleFiles...); err != nil {
		return err
	}
	for _, v := range c.Helm.Values {
		dir, file, ok := strings.Cut(v, "=")
		if !ok {
			dir, file = "", v
		}
		if err := check("helm.values", dir, file); err != nil {
			return err
		}
	}
	if err := check("terraform.var-files", c.Terraform.VarFiles...); err != nil {
		return err
	}
	for _, dir := range slices.Sorted(maps.Keys(c.Terraform.ModuleVarFiles)) {
		if err := check("terraform.var-files", append([]string{dir}, c.Terraform.ModuleVarFiles[dir]...)...); err != nil {
			return err
		}
	}
	return check("baseline", c.Scan.Baseline)
}

// inside reports whether p (relative to the working directory, or
// absolute) is tree or below it, by its cleaned path: links are the file
// gate's business once the file is read through it.
func inside(tree, p string) bool {
	t, err1 := filepath.Abs(tree)
	a, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return false
	}
	_, ok := fsgate.Below(t, a)
	return ok
}

// readError is a configuration file that could not be read: the gate's
// wording, the cause kept for errors.Is.
type readError struct {
	msg string
	err error
}

func (e readError) Error() string { return e.msg }
func (e readError) Unwrap() error { return e.err }

// Parse reads a configuration from data; file names it in messages.
func Parse(file string, data []byte, opt Options) (*Config, error) {
	c := &Config{File: file, Rules: map[string]RuleConfig{}}
	d := &decoder{file: file, known: opt.Known}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // an empty file is an empty configuration
		}
		return nil, &Error{File: file, Line: yamlErrorLine(err), Msg: yamlErrorText(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		line := extra.Line
		if len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, &Error{File: file, Line: line, Msg: "more than one YAML document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil
	}
	err := d.mapping(root, "", func(key string, k, v *yaml.Node) error {
		switch key {
		case "fail-on":
			s, err := d.severity(v, key)
			c.FailOn = &s
			return err
		case "rules":
			// A list, or the key files: inside the mapping, names custom
			// rule files (pvlint Rules and ValidatingAdmissionPolicies).
			if v.Kind == yaml.SequenceNode {
				var err error
				c.RuleFiles, err = d.strings(v, key)
				return err
			}
			return d.mapping(v, key, func(id string, k, v *yaml.Node) error {
				path := key + "." + id
				if id == "files" {
					var err error
					c.RuleFiles, err = d.strings(v, path)
					return err
				}
				if err := d.ruleID(k, id, key); err != nil {
					return err
				}
				var rc RuleConfig
				err := d.mapping(v, path, func(field string, k, v *yaml.Node) error {
					switch field {
					case "enabled":
						b, err := d.boolean(v, path+"."+field)
						rc.Enabled = &b
						return err
					case "severity":
						s, err := d.severity(v, path+"."+field)
						rc.Severity = &s
						return err
					}
					return d.unknownKey(k, path, field, "enabled", "severity")
				})
				c.Rules[id] = rc
				return err
			})
		case "disable":
			var err error
			c.Disable, err = d.ruleList(v, key)
			return err
		case "enable-only":
			var err error
			c.EnableOnly, err = d.ruleList(v, key)
			return err
		case "no-inline-ignore":
			var err error
			c.NoInlineIgnore, err = d.ruleList(v, key)
			return err
		case "exclude":
			list, err := d.strings(v, key)
			if err != nil {
				return err
			}
			for i, p := range list {
				g, err := suppress.CompileGlob(p)
				if err != nil {
					return d.errorf(v.Content[i], fmt.Sprintf("%s[%d]", key, i), "%v", err)
				}
				c.Exclude = append(c.Exclude, g)
			}
			return nil
		case "ignores":
			return d.ignores(c, v, key)
		case "helm":
			return d.helm(&c.Helm, v, key)
		case "terraform":
			return d.terraform(&c.Terraform, v, key)
		case "baseline":
			var err error
			c.Scan.Baseline, err = d.str(v, key)
			return err
		case "namespace":
			var err error
			c.Scan.Namespace, err = d.str(v, key)
			return err
		case "fail-on-unknown", "no-inline-ignores", "fail-on-unused-ignores", "all-dirs":
			b, err := d.boolean(v, key)
			dst := map[string]**bool{"fail-on-unknown": &c.Scan.FailOnUnknown, "no-inline-ignores": &c.Scan.NoInlineIgnores,
				"fail-on-unused-ignores": &c.Scan.FailOnUnusedIgnores, "all-dirs": &c.Scan.AllDirs}[key]
			*dst = &b
			return err
		case "max-file-size":
			var n int64
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil || n <= 0 {
				return d.errorf(v, key, "expected a positive number of bytes, found %s", describe(v))
			}
			c.Scan.MaxFileSize = &n
			return nil
		case "chart-timeout":
			s, err := d.str(v, key)
			if err != nil {
				return err
			}
			if dur, perr := time.ParseDuration(s); perr != nil || dur <= 0 {
				return d.errorf(v, key, "expected a positive duration such as 90s or 2m, found %q", s)
			}
			c.Scan.ChartTimeout = s
			return nil
		}
		return d.unknownKey(k, "", key, "fail-on", "rules", "disable", "enable-only", "exclude", "ignores", "no-inline-ignore", "helm", "terraform",
			"baseline", "namespace", "fail-on-unknown", "no-inline-ignores", "fail-on-unused-ignores", "all-dirs", "max-file-size", "chart-timeout")
	})
	if err != nil {
		return nil, err
	}
	if len(c.EnableOnly) > 0 && len(c.Disable) > 0 {
		for _, id := range c.Disable {
			if !slices.Contains(c.EnableOnly, id) {
				continue
			}
			line := 0
			for _, kv := range pairs(root) {
				if kv[0].Value == "disable" {
					line = kv[0].Line
				}
			}
			return nil, &Error{File: file, Line: line, Key: "disable", Msg: fmt.Sprintf("%s is both in enable-only and in disable", id)}
		}
	}
	return c, nil
}

type decoder struct {
	file  string
	known func(string) bool
}

func (d *decoder) errorf(n *yaml.Node, key, format string, args ...any) error {
	return &Error{File: d.file, Line: n.Line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) unknownKey(k *yaml.Node, parent, key string, want ...string) error {
	full := key
	if parent != "" {
		full = parent + "." + key
	}
	return d.errorf(k, full, "unknown key (want %s)", orList(want))
}

func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func pairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

// mapping calls fn for each key of a mapping, refusing duplicates, aliases
// and merge keys (a configuration is read by people; keep it plain).
func (d *decoder) mapping(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "expected a mapping, found %s", describe(n))
	}
	seen := map[string]int{}
	for _, kv := range pairs(n) {
		k, v := kv[0], kv[1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return d.errorf(k, path, "expected a plain key")
		}
		full := k.Value
		if path != "" {
			full = path + "." + k.Value
		}
		if prev, dup := seen[k.Value]; dup {
			return d.errorf(k, full, "duplicate key (first at line %d)", prev)
		}
		seen[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			return d.errorf(v, full, "aliases are not supported here")
		}
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

func (d *decoder) str(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", d.errorf(n, path, "expected a string, found %s", describe(n))
	}
	return n.Value, nil
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, nil
		}
	}
	return false, d.errorf(n, path, "expected true or false, found %s", describe(n))
}

func (d *decoder) severity(n *yaml.Node, path string) (rules.Severity, error) {
	s, err := d.str(n, path)
	if err != nil {
		return 0, err
	}
	sev, err := rules.ParseSeverity(s)
	if err != nil {
		return 0, d.errorf(n, path, "%v", err)
	}
	return sev, nil
}

func (d *decoder) strings(n *yaml.Node, path string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, d.errorf(n, path, "expected a list, found %s", describe(n))
	}
	var out []string
	for i, it := range n.Content {
		s, err := d.str(it, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (d *decoder) ruleID(n *yaml.Node, id, path string) error {
	if !rules.ValidID(id) || (d.known != nil && !d.known(id)) {
		if strings.EqualFold(id, "all") || id == "*" {
			return d.errorf(n, path, `"all" is not allowed: name the rule IDs`)
		}
		return d.errorf(n, path, "unknown rule %q", id)
	}
	return nil
}

func (d *decoder) ruleList(n *yaml.Node, path string) ([]string, error) {
	ids, err := d.strings(n, path)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if err := d.ruleID(n.Content[i], id, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (d *decoder) ignores(c *Config, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return d.errorf(n, path, "expected a list, found %s", describe(n))
	}
	for i, it := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		ig := suppress.ConfigIgnore{File: d.file, Line: it.Line}
		err := d.mapping(it, p, func(key string, k, v *yaml.Node) error {
			var err error
			switch key {
			case "rules":
				ig.Rules, err = d.ruleList(v, p+".rules")
			case "paths":
				var list []string
				if list, err = d.strings(v, p+".paths"); err != nil {
					return err
				}
				for j, s := range list {
					g, gerr := suppress.CompileGlob(s)
					if gerr != nil {
						return d.errorf(v.Content[j], fmt.Sprintf("%s.paths[%d]", p, j), "%v", gerr)
					}
					ig.Paths = append(ig.Paths, g)
				}
			case "resource":
				var s string
				if s, err = d.str(v, p+".resource"); err != nil {
					return err
				}
				if ig.Resource, err = suppress.CompileGlob(s); err != nil {
					return d.errorf(v, p+".resource", "%v", err)
				}
			case "reason":
				ig.Reason, err = d.str(v, p+".reason")
				ig.Reason = strings.TrimSpace(ig.Reason)
			case "until":
				var s string
				if s, err = d.str(v, p+".until"); err != nil {
					return err
				}
				if ig.Until, err = suppress.ParseDate(s); err != nil {
					return d.errorf(v, p+".until", "%v", err)
				}
			default:
				return d.unknownKey(k, p, key, "rules", "paths", "resource", "reason", "until")
			}
			return err
		})
		if err != nil {
			return err
		}
		if it.Kind != yaml.MappingNode {
			return d.errorf(it, p, "expected a mapping, found %s", describe(it))
		}
		if len(ig.Rules) == 0 {
			return d.errorf(it, p+".rules", "an ignore names its rules (there is no \"all\": use exclude to leave paths out)")
		}
		c.Ignores = append(c.Ignores, ig)
	}
	return nil
}

// filesByDir reads either a list (for every chart or module) or a mapping
// from a directory to a list (for that one).
func (d *decoder) filesByDir(n *yaml.Node, path string) (all []string, byDir map[string][]string, dirs []string, err error) {
	if n.Kind == yaml.SequenceNode || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		all, err = d.strings(n, path)
		return all, nil, nil, err
	}
	byDir = map[string][]string{}
	err = d.mapping(n, path, func(dir string, k, v *yaml.Node) error {
		files, err := d.strings(v, path+"."+dir)
		if err != nil {
			return err
		}
		clean := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(dir)), "./"), "/")
		byDir[clean] = append(byDir[clean], files...)
		dirs = append(dirs, clean)
		return nil
	})
	if err != nil && n.Kind != yaml.MappingNode {
		err = d.errorf(n, path, "expected a list of files, or a mapping from a directory to a list of files; found %s", describe(n))
	}
	return all, byDir, dirs, err
}

func (d *decoder) helm(h *Helm, n *yaml.Node, path string) error {
	return d.mapping(n, path, func(key string, k, v *yaml.Node) error {
		p := path + "." + key
		var err error
		switch key {
		case "values":
			all, byDir, dirs, err := d.filesByDir(v, p)
			if err != nil {
				return err
			}
			h.Values = append(h.Values, all...)
			for _, dir := range dirs {
				for _, f := range byDir[dir] {
					h.Values = append(h.Values, dir+"="+f)
				}
				delete(byDir, dir) // a directory written twice keeps its first place
			}
		case "set":
			h.Set, err = d.strings(v, p)
		case "set-string":
			h.SetString, err = d.strings(v, p)
		case "release-name":
			h.ReleaseName, err = d.str(v, p)
		case "kube-version":
			h.KubeVersion, err = d.str(v, p)
		case "api-versions":
			h.APIVersions, err = d.strings(v, p)
		default:
			return d.unknownKey(k, path, key, "values", "set", "set-string", "release-name", "kube-version", "api-versions")
		}
		return err
	})
}

func (d *decoder) terraform(t *Terraform, n *yaml.Node, path string) error {
	return d.mapping(n, path, func(key string, k, v *yaml.Node) error {
		switch key {
		case "var-files":
			all, byDir, _, err := d.filesByDir(v, path+"."+key)
			t.VarFiles, t.ModuleVarFiles = all, byDir
			return err
		}
		return d.unknownKey(k, path, key, "var-files")
	})
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlErrorLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return n
	}
	return 0
}

func yamlErrorText(err error) string {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		return m[2]
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// Enabled returns the rules that run, in order, with their severity
// overridden: copies, so the caller's rules are left as they were.
func (c *Config) Enabled(all []*rules.Rule) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range all {
		on := len(c.EnableOnly) == 0 || slices.Contains(c.EnableOnly, r.ID)
		if slices.Contains(c.Disable, r.ID) {
			on = false
		}
		rc := c.Rules[r.ID]
		if rc.Enabled != nil {
			on = *rc.Enabled
		}
		if !on {
			continue
		}
		if rc.Severity != nil && *rc.Severity != r.Severity {
			cp := *r
			cp.Severity = *rc.Severity
			r = &cp
		}
		out = append(out, r)
	}
	return out
}

// Severities returns the severity overrides by rule ID.
func (c *Config) Severities() map[string]rules.Severity {
	out := map[string]rules.Severity{}
	for id, rc := range c.Rules {
		if rc.Severity != nil {
			out[id] = *rc.Severity
		}
	}
	return out
}

// Excluded reports whether a repository-relative path, or a directory
// above it, matches an exclude pattern.
func (c *Config) Excluded(rel string) bool {
	for _, g := range c.Exclude {
		if g.MatchUnder(rel) {
			return true
		}
	}
	return false
}

// ModuleDirs returns the directories of terraform.var-files, sorted.
func (t Terraform) ModuleDirs() []string {
	dirs := make([]string, 0, len(t.ModuleVarFiles))
	for d := range t.ModuleVarFiles {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs
}
