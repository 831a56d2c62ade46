package helm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml3 "go.yaml.in/yaml/v3"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
)

// userValues merges the values given on the command line the way
// `helm template` does: --values files in order, then --set, --set-string
// and --set-file. The chart's values.yaml is coalesced under them later.
func (r *renderer) userValues(ch *chart.Chart, archive bool) (map[string]any, bool) {
	if !archive {
		// The chart as loaded through the file gate, not the disk: a
		// values.yaml the gate refused (a link out of the tree) or that
		// .helmignore leaves out is not the chart's.
		if hasRawFile(ch, "values.yaml") {
			r.valuesFiles = append(r.valuesFiles, path.Join(r.chartPath, "values.yaml"))
			data := rawFile(ch, "values.yaml")
			r.boolKeys(path.Join(r.chartPath, "values.yaml"), data)
			r.sources = append(r.sources, &valueSource{file: path.Join(r.chartPath, "values.yaml"), data: data})
		}
	}
	base := map[string]any{}
	for _, entry := range r.opt.Values {
		file, applies := r.valuesFor(entry)
		if !applies {
			continue
		}
		shown := r.display(file)
		var data []byte
		var err error
		if r.opt.ValuesInTree {
			data, err = r.treeFile(shown)
		} else {
			data, err = fsgate.ReadNamed(r.opt.Files, r.resolve(file))
		}
		if err != nil {
			r.errorf(shown, 0, "chart %s: values file: %s", r.chartPath, fsgate.Describe(err))
			return nil, false
		}
		cur := map[string]any{}
		if err := yaml.Unmarshal(data, &cur); err != nil {
			line, msg := yamlErrLine(err)
			r.errorf(shown, line, "chart %s: values file is not valid YAML: %s", r.chartPath, msg)
			return nil, false
		}
		base = mergeMaps(base, cur)
		r.valuesFiles = append(r.valuesFiles, shown)
		r.boolKeys(shown, data)
		if !filepath.IsAbs(shown) && !strings.HasPrefix(shown, "../") { // findings stay inside the scanned tree
			r.sources = append(r.sources, &valueSource{file: shown, data: data})
		} else {
			r.sources = append(r.sources, &valueSource{vals: cur, name: shown})
		}
	}
	for _, in := range r.opt.Inline {
		base = mergeMaps(base, copyValues(in.Values))
		r.valuesFiles = append(r.valuesFiles, in.Name)
		r.sources = append(r.sources, &valueSource{vals: in.Values, name: in.Name})
	}
	r.setSources()
	for _, v := range r.opt.Set {
		if err := strvals.ParseInto(v, base); err != nil {
			r.errorf(r.chartPath, 0, "chart %s: --set %s: %s", r.chartPath, v, err)
			return nil, false
		}
	}
	for _, v := range r.opt.SetString {
		if err := strvals.ParseIntoString(v, base); err != nil {
			r.errorf(r.chartPath, 0, "chart %s: --set-string %s: %s", r.chartPath, v, err)
			return nil, false
		}
	}
	for _, v := range r.opt.SetFile {
		reader := func(rs []rune) (any, error) {
			b, err := fsgate.ReadNamed(r.opt.Files, r.resolve(string(rs)))
			if err != nil {
				return nil, errors.New(string(rs) + ": " + fsgate.Describe(err))
			}
			return string(b), nil
		}
		if err := strvals.ParseIntoFile(v, base, reader); err != nil {
			r.errorf(r.chartPath, 0, "chart %s: --set-file %s: %s", r.chartPath, v, err)
			return nil, false
		}
	}
	return base, true
}

// yaml11Bools are the plain scalars YAML 1.1 reads as booleans and YAML
// 1.2 as strings, other than true and false.
var yaml11Bools = map[string]string{
	"y": "true", "Y": "true", "yes": "true", "Yes": "true", "YES": "true", "on": "true", "On": "true", "ON": "true",
	"n": "false", "N": "false", "no": "false", "No": "false", "NO": "false", "off": "false", "Off": "false", "OFF": "false",
}

var boolKeyRe = regexp.MustCompile(`(?m)^[ \t-]*(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF)[ \t]*:(?:[ \t]|$)`)

// boolKeys gives a notice for every unquoted key of a values file that
// Helm reads as a boolean. Helm parses values as YAML 1.1 (sigs.k8s.io/yaml),
// where `n: 3` is the key false, so templates see .Values.false and never
// .Values.n: `range until (int .Values.n)` renders nothing, in Helm as in
// pvlint. pvlint renders what Helm renders, and says why.
func (r *renderer) boolKeys(file string, data []byte) {
	if !boolKeyRe.Match(data) {
		return
	}
	var doc yaml3.Node
	if yaml3.Unmarshal(data, &doc) != nil {
		return
	}
	var walk func(n *yaml3.Node, prefix string)
	walk = func(n *yaml3.Node, prefix string) {
		switch n.Kind {
		case yaml3.DocumentNode, yaml3.SequenceNode:
			for _, c := range n.Content {
				walk(c, prefix)
			}
		case yaml3.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				name := joinPath(prefix, k.Value)
				if b, ok := yaml11Bools[k.Value]; ok && k.Style == 0 && k.Tag == "!!str" {
					r.res.Notices = append(r.res.Notices, parsers.Notice{File: file, Msg: fmt.Sprintf(
						"line %d: Helm reads the key %s as the boolean %s (YAML 1.1), so templates see .Values.%s, never .Values.%s; quote it (%q: ...) to keep the name",
						k.Line, k.Value, b, joinPath(prefix, b), name, k.Value)})
				}
				walk(n.Content[i+1], name)
			}
		}
	}
	walk(&doc, "")
}

// valuesFor reads a --values entry: "CHARTDIR=FILE" applies to one chart,
// FILE to all. A file whose name holds "=" is taken whole when it exists.
func (r *renderer) valuesFor(entry string) (file string, applies bool) {
	dir, f, scoped := ScopedValues(r.root, entry)
	if !scoped {
		return entry, true
	}
	return f, dir == r.chartPath
}

// ScopedValues reads a --values entry: "CHARTDIR=FILE" applies to the chart
// at CHARTDIR (returned cleaned, slash-separated, relative to root), a
// plain FILE to every chart. A file whose name holds "=" and exists under
// root is taken whole.
func ScopedValues(root, entry string) (chartDir, file string, scoped bool) {
	dir, f, ok := strings.Cut(entry, "=")
	if !ok || dir == "" {
		return "", entry, false
	}
	whole := entry
	if !filepath.IsAbs(whole) {
		whole = filepath.Join(root, filepath.FromSlash(entry))
	}
	if _, err := os.Stat(whole); err == nil {
		return "", entry, false
	}
	return path.Clean(filepath.ToSlash(dir)), f, true
}

func (r *renderer) resolve(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(r.root, filepath.FromSlash(file))
}

// treeFile reads rel, a path a file of the scanned tree named, through
// the tree's gate: one out of the tree is refused, never read.
func (r *renderer) treeFile(rel string) ([]byte, error) {
	if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") || r.opt.Files == nil {
		return nil, fmt.Errorf("%s is outside the scanned tree; not read", rel)
	}
	return r.opt.Files.ReadFile(rel)
}

// display names a file relative to root when it is under it.
func (r *renderer) display(file string) string {
	abs := r.resolve(file)
	if rel, err := filepath.Rel(r.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

// mergeMaps merges b into a copy of a, maps recursively (Helm's
// cli/values.mergeMaps).
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

var yamlLineRe = regexp.MustCompile(`line (\d+): `)

func yamlErrLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLineRe.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		return n, msg[:m[0]] + msg[m[1]:]
	}
	return 0, msg
}

// validateSchemas enforces values.schema.json of the chart and of every
// subchart that receives values, like chartutil.ValidateAgainstSchema but
// without fetching remote $refs.
func (r *renderer) validateSchemas(ch *chart.Chart, vals common.Values, chartPath string, archive bool) bool {
	ok := true
	var walk func(c *chart.Chart, v map[string]any, loc chartLoc)
	walk = func(c *chart.Chart, v map[string]any, loc chartLoc) {
		file := path.Join(loc.dir, "values.schema.json")
		if loc.virtual {
			file = loc.dir
			if !strings.HasSuffix(file, ".tgz") {
				file = path.Join(loc.dir, "values.schema.json")
			}
		}
		if c.Schema != nil {
			if err := validateSchema(c.Schema, v); err != nil {
				if strings.Contains(err.Error(), offlineMarker) { // the schema library does not wrap loader errors
					r.res.Notices = append(r.res.Notices, parsers.Notice{File: file, Msg: "values schema not enforced: " + err.Error()})
				} else {
					r.errorf(file, 0, "chart %s: values don't meet the schema of chart %s: %s", r.chartPath, c.Name(), err)
					ok = false
				}
			}
		}
		for _, d := range c.Dependencies() {
			raw, exists := v[d.Name()]
			if !exists || raw == nil {
				continue
			}
			sub, isMap := raw.(map[string]any)
			if !isMap {
				r.errorf(file, 0, "chart %s: values for subchart %s: expected a map, got %T", r.chartPath, d.Name(), raw)
				ok = false
				continue
			}
			walk(d, sub, r.subchartLoc(c, d, loc))
		}
	}
	walk(ch, vals, chartLoc{dir: chartPath, virtual: archive})
	return ok
}

// offlineError is a schema $ref pvlint does not fetch.
type offlineError struct{ url string }

func (e *offlineError) Error() string { return "remote $ref " + e.url + offlineMarker }

const offlineMarker = " is not fetched (pvlint works offline)"

type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	if strings.HasPrefix(url, "urn:") {
		return jsonschema.UnmarshalJSON(strings.NewReader("true")) // Helm's permissive default
	}
	return nil, &offlineError{url}
}

func validateSchema(schema []byte, vals map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unable to validate schema: %v", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return fmt.Errorf("values.schema.json is not valid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(offlineLoader{})
	if err := c.AddResource("file:///values.schema.json", doc); err != nil {
		return err
	}
	sch, err := c.Compile("file:///values.schema.json")
	if err != nil {
		return err
	}
	if err := sch.Validate(map[string]any(vals)); err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonschema validation failed with 'file:///values.schema.json#'\n")
		return errors.New(strings.TrimSpace(strings.ReplaceAll(msg, "\n", "; ")))
	}
	return nil
}

// copyValues deep-copies a values tree, so that merging never changes the
// caller's maps.
func copyValues(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case map[string]any:
			out[k] = copyValues(t)
		case []any:
			l := make([]any, len(t))
			copy(l, t)
			out[k] = l
		default:
			out[k] = v
		}
	}
	return out
}
