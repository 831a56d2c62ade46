package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
)

// module is one directory of .tf / .tf.json files, parsed once and shared by
// every instance that evaluates it (the declarations are read-only).
type module struct {
	dir       string // relative to the scan root, forward slashes ("." for the root)
	exists    bool
	files     map[string][]byte // relative path → source, for expression text
	variables []*variableDecl
	locals    []*localDecl
	outputs   []*outputDecl
	resources []*resourceDecl
	calls     []*callDecl
	settings  []*settingsDecl // backend and encryption blocks of terraform {}

	localByName map[string]*localDecl
	varByName   map[string]*variableDecl
	outByName   map[string]bool
	resByAddr   map[string]*resourceDecl // "type.name"
	resTypes    map[string]bool
	callByName  map[string]*callDecl

	// partial is set when a file could not be read or parsed, or was
	// skipped (override files): declarations may be missing, so references
	// to undeclared names are not reported (they would only repeat the
	// error).
	partial bool

	errs     []parsers.Error
	notices  []parsers.Notice
	comments []graph.Comment
}

type variableDecl struct {
	name     string
	def      hcl.Expression // nil when there is no default
	typ      cty.Type
	defaults *typeexpr.Defaults
	rng      hcl.Range
	// notNull is nullable = false: a null from the caller takes the
	// default. Terraform's default is nullable = true, where a caller's
	// null overrides the default.
	notNull bool
}

type localDecl struct {
	name string
	expr hcl.Expression
	rng  hcl.Range
}

type outputDecl struct {
	name string
	expr hcl.Expression
}

type resourceDecl struct {
	typ, name string
	block     *hcl.Block
	count     hcl.Expression
	forEach   hcl.Expression
	enabled   hcl.Expression // OpenTofu's lifecycle { enabled = ... }
	weight    int64          // the values each instance holds, about (weigh)
}

type callDecl struct {
	name      string
	source    string
	block     *hcl.Block
	srcRange  hcl.Range
	args      []*hcl.Attribute // the inputs, in source order
	count     hcl.Expression
	forEach   hcl.Expression
	enabled   hcl.Expression // OpenTofu's lifecycle { enabled = ... }
	localDir  string         // resolved directory of a usable local module; "" otherwise
	remote    bool
	unusable  bool // a local source that is missing or escapes the root (already reported)
	callerDir string
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"}, {Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}}, {Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}}, {Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}}, {Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "ephemeral", LabelNames: []string{"type", "name"}}, {Type: "check", LabelNames: []string{"name"}},
	{Type: "moved"}, {Type: "import"}, {Type: "removed"},
}}

// lifecycleEnabled is the expression of OpenTofu's lifecycle { enabled }
// in a resource or module block, or nil.
func lifecycleEnabled(body hcl.Body) hcl.Expression {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	for _, b := range sb.Blocks {
		if b.Type == "lifecycle" {
			if a := b.Body.Attributes["enabled"]; a != nil {
				return a.Expr
			}
		}
	}
	return nil
}

// knownBlocks are the top-level block types of Terraform and OpenTofu that
// pvlint reads or knowingly leaves alone; any other is a notice, never a
// failed file.
var knownBlocks = func() map[string]bool {
	out := map[string]bool{}
	for _, b := range fileSchema.Blocks {
		out[b.Type] = true
	}
	return out
}()

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}, {Name: "type"}, {Name: "nullable"}}}

// loader parses each module directory once, even when many root modules and
// workers call it.
type loader struct {
	gate      *fsgate.Gate      // the scanned tree: every file is read through it
	instances *instanceBudget   // resource and module instances of the scan (bounds.go)
	time      *parsers.ScanTime // evaluation time the root modules share (limits.ScanModuleTime)
	mu        sync.Mutex
	mods      map[string]*loadEntry
	// uninstalled collects, under mu, the remote module calls that no
	// .terraform/modules holds, with the roots that reached them.
	uninstalled map[uninstalledCall][]string
}

type loadEntry struct {
	once sync.Once
	mod  *module
}

func (l *loader) load(dir string) *module {
	l.mu.Lock()
	e := l.mods[dir]
	if e == nil {
		e = &loadEntry{}
		l.mods[dir] = e
	}
	l.mu.Unlock()
	e.once.Do(func() { e.mod = l.read(dir) })
	return e.mod
}

// all returns every module loaded so far, sorted by directory.
func (l *loader) all() []*module {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*module
	for _, e := range l.mods {
		if e.mod != nil {
			out = append(out, e.mod)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// IsConfigFile reports the files of a module: Terraform's .tf and .tf.json
// and OpenTofu's .tofu and .tofu.json.
func IsConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") ||
		strings.HasSuffix(name, ".tofu") || strings.HasSuffix(name, ".tofu.json")
}

func isConfigFile(name string) bool { return IsConfigFile(name) }

// IsTestFile reports Terraform and OpenTofu test and query files: they
// describe runs against real providers and are not part of the module.
func IsTestFile(name string) bool {
	for _, suf := range []string{".tftest.hcl", ".tftest.json", ".tofutest.hcl", ".tofutest.json", ".tfquery.hcl", ".tfquery.json"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// configBase is a config file's name without its extension.
func configBase(name string) string {
	for _, ext := range []string{".tofu.json", ".tf.json", ".tofu", ".tf"} {
		if strings.HasSuffix(name, ext) {
			return strings.TrimSuffix(name, ext)
		}
	}
	return name
}

// isOverride reports Terraform override files (override.tf, *_override.tf
// and their JSON and OpenTofu forms): they are merged into the blocks they
// override, after every other file (overrides.go).
func isOverride(name string) bool {
	base := configBase(name)
	return base == "override" || strings.HasSuffix(base, "_override")
}

// shadowedBy is the OpenTofu file that hides name in the same directory
// ("" when none does): OpenTofu reads NAME.tofu instead of NAME.tf, and
// NAME.tofu.json instead of NAME.tf.json.
func shadowedBy(name string, present map[string]bool) string {
	var twin string
	switch {
	case strings.HasSuffix(name, ".tf"):
		twin = strings.TrimSuffix(name, ".tf") + ".tofu"
	case strings.HasSuffix(name, ".tf.json"):
		twin = strings.TrimSuffix(name, ".tf.json") + ".tofu.json"
	}
	if twin != "" && present[twin] {
		return twin
	}
	return ""
}

type parsedFile struct {
	rel  string
	file *hcl.File
}

func (l *loader) read(dir string) *module {
	m := &module{dir: dir, files: map[string][]byte{}, localByName: map[string]*localDecl{},
		varByName: map[string]*variableDecl{}, outByName: map[string]bool{},
		resByAddr: map[string]*resourceDecl{}, resTypes: map[string]bool{}, callByName: map[string]*callDecl{}}
	entries, err := l.gate.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			m.exists = true
			m.errs = append(m.errs, parsers.Error{File: dir, Msg: "cannot read module directory: " + fsgate.Cause(err)})
		}
		return m
	}
	m.exists = true
	present := map[string]bool{}
	for _, de := range entries {
		if !de.IsDir() && isConfigFile(de.Name()) {
			present[de.Name()] = true
		}
	}
	p := hclparse.NewParser()
	var primary, overrides []parsedFile
	for _, de := range entries { // sorted by name, as os.ReadDir returns them
		name := de.Name()
		if de.IsDir() || !isConfigFile(name) {
			continue
		}
		rel := path.Join(dir, name)
		if twin := shadowedBy(name, present); twin != "" {
			m.notices = append(m.notices, parsers.Notice{File: rel, Msg: "hidden by " + twin + ", which OpenTofu reads instead; not linted"})
			continue
		}
		f := m.parseFile(p, l.gate, rel)
		if f == nil || f.Body == nil {
			continue
		}
		if isOverride(name) {
			overrides = append(overrides, parsedFile{rel, f})
		} else {
			primary = append(primary, parsedFile{rel, f})
		}
	}
	for _, o := range overrides {
		m.applyOverride(o, primary)
	}
	for _, f := range primary {
		m.readFile(f.rel, f.file.Body)
	}
	m.resolveCalls(l.gate)
	return m
}

// parseFile reads and parses one file of the module; nil when it cannot be
// read (the error is recorded and the module is partial).
func (m *module) parseFile(p *hclparse.Parser, g *fsgate.Gate, rel string) *hcl.File {
	// Through the gate: a link out of the tree, a device or a named pipe
	// called main.tf is an error for that file, never read.
	src, err := g.ReadFile(rel)
	if err != nil {
		m.errs = append(m.errs, parsers.Error{File: rel, Msg: fsgate.Describe(err)})
		m.partial = true
		return nil
	}
	if e := checkNesting(rel, src); e != nil {
		m.errs = append(m.errs, *e)
		m.partial = true
		return nil
	}
	m.files[rel] = src
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(rel, ".json") {
		f, diags = p.ParseJSON(src, rel)
	} else {
		f, diags = p.ParseHCL(src, rel)
		m.comments = append(m.comments, scanComments(rel, src)...)
		if f != nil {
			if body, ok := f.Body.(*hclsyntax.Body); ok {
				meterExprs(body)
			}
		}
	}
	m.errs = append(m.errs, diagErrors(rel, diags)...)
	if diags.HasErrors() {
		m.partial = true
	}
	return f
}

func (m *module) readFile(rel string, body hcl.Body) {
	content, _, diags := body.PartialContent(fileSchema)
	m.errs = append(m.errs, diagErrors(rel, diags)...)
	if diags.HasErrors() {
		m.partial = true
	}
	if content == nil {
		return
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, b := range sb.Blocks {
			if !knownBlocks[b.Type] {
				m.notices = append(m.notices, parsers.Notice{File: rel,
					Msg: fmt.Sprintf("block type %q (line %d) is not known to pvlint; not evaluated", b.Type, b.TypeRange.Start.Line)})
			}
		}
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			m.readVariable(rel, b)
		case "locals":
			for _, a := range attributes(b.Body) {
				if _, dup := m.localByName[a.Name]; dup {
					m.errs = append(m.errs, rangeError(a.NameRange, "duplicate local value "+quote(a.Name)))
					continue
				}
				d := &localDecl{name: a.Name, expr: a.Expr, rng: a.NameRange}
				m.locals = append(m.locals, d)
				m.localByName[a.Name] = d
			}
		case "output":
			if m.outByName[b.Labels[0]] {
				m.errs = append(m.errs, rangeError(b.DefRange, "duplicate output "+quote(b.Labels[0])))
				continue
			}
			m.outByName[b.Labels[0]] = true
			if a := attributeNamed(b.Body, "value"); a != nil {
				m.outputs = append(m.outputs, &outputDecl{name: b.Labels[0], expr: a.Expr})
			}
		case "resource":
			d := &resourceDecl{typ: b.Labels[0], name: b.Labels[1], block: b, weight: weigh(b)}
			d.count = exprNamed(b.Body, "count")
			d.forEach = exprNamed(b.Body, "for_each")
			d.enabled = lifecycleEnabled(b.Body)
			key := d.typ + "." + d.name
			if _, dup := m.resByAddr[key]; dup {
				m.errs = append(m.errs, rangeError(b.DefRange, "duplicate resource "+key))
				continue
			}
			m.resources = append(m.resources, d)
			m.resByAddr[key] = d
			m.resTypes[d.typ] = true
		case "module":
			m.readCall(rel, b)
		case "terraform":
			m.readSettings(b)
		}
	}
}

func (m *module) readVariable(rel string, b *hcl.Block) {
	if m.varByName[b.Labels[0]] != nil {
		m.errs = append(m.errs, rangeError(b.DefRange, "duplicate variable "+quote(b.Labels[0])))
		return
	}
	d := &variableDecl{name: b.Labels[0], typ: cty.DynamicPseudoType, rng: b.DefRange}
	content, _, diags := b.Body.PartialContent(variableSchema)
	m.errs = append(m.errs, diagErrors(rel, diags)...)
	if a := content.Attributes["default"]; a != nil {
		d.def = a.Expr
	}
	if a := content.Attributes["nullable"]; a != nil {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.Bool && v.IsKnown() && !v.IsNull() {
			d.notNull = v.False()
		}
	}
	if a := content.Attributes["type"]; a != nil {
		ty, defs, diags := variableType(a.Expr)
		if diags.HasErrors() {
			m.errs = append(m.errs, diagErrors(rel, diags)...)
		} else {
			d.typ, d.defaults = ty, defs
		}
	}
	m.variables = append(m.variables, d)
	m.varByName[d.name] = d
}

// variableType decodes a variable's type constraint as Terraform does: the
// bare keywords list and map, kept from Terraform 0.11, mean list(any) and
// map(any) (Terraform and OpenTofu accept them; HCL's typeexpr alone
// refuses them, which made whole modules of older repositories errors).
func variableType(expr hcl.Expression) (cty.Type, *typeexpr.Defaults, hcl.Diagnostics) {
	switch hcl.ExprAsKeyword(expr) {
	case "list":
		return cty.List(cty.DynamicPseudoType), nil, nil
	case "map":
		return cty.Map(cty.DynamicPseudoType), nil, nil
	}
	return typeexpr.TypeConstraintWithDefaults(expr)
}

func (m *module) readCall(rel string, b *hcl.Block) {
	c := &callDecl{name: b.Labels[0], block: b, callerDir: m.dir, enabled: lifecycleEnabled(b.Body)}
	for _, a := range attributes(b.Body) {
		switch a.Name {
		case "source":
			c.srcRange = a.Expr.Range()
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
				m.errs = append(m.errs, rangeError(a.Expr.Range(), "module "+quote(c.name)+": source must be a literal string"))
				c.unusable = true
				continue
			}
			c.source = v.AsString()
		case "count":
			c.count = a.Expr
		case "for_each":
			c.forEach = a.Expr
		case "version", "providers", "depends_on":
		default:
			c.args = append(c.args, a)
		}
	}
	if c.source == "" && !c.unusable {
		m.errs = append(m.errs, rangeError(b.DefRange, "module "+quote(c.name)+": no source"))
		c.unusable = true
	}
	if _, dup := m.callByName[c.name]; dup {
		m.errs = append(m.errs, rangeError(b.DefRange, "duplicate module call "+quote(c.name)))
		return
	}
	m.calls = append(m.calls, c)
	m.callByName[c.name] = c
}

func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// resolveCalls classifies each call: a local directory inside the root, or a
// remote source (read when `terraform init` installed it).
func (m *module) resolveCalls(g *fsgate.Gate) {
	for _, c := range m.calls {
		if c.unusable {
			continue
		}
		if !isLocalSource(c.source) {
			c.remote = true // read from .terraform/modules when installed (installed.go)
			continue
		}
		dir := path.Clean(path.Join(m.dir, c.source))
		if dir == ".." || strings.HasPrefix(dir, "../") {
			m.errs = append(m.errs, rangeError(c.srcRange, "module "+quote(c.name)+": local source "+quote(c.source)+" is outside the scanned root"))
			c.unusable = true
			continue
		}
		if info, err := g.Stat(dir); err != nil || !info.IsDir() {
			msg := "local module directory " + quote(dir) + " does not exist"
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				msg = "local module directory " + quote(dir) + ": " + fsgate.Describe(err)
			}
			m.errs = append(m.errs, rangeError(c.srcRange, "module "+quote(c.name)+": "+msg))
			c.unusable = true
			continue
		}
		c.localDir = dir
	}
}

// attributes returns a body's attributes in source order, without a schema:
// native syntax bodies are read directly (they may also hold blocks), JSON
// bodies through JustAttributes.
func attributes(body hcl.Body) []*hcl.Attribute {
	var out []*hcl.Attribute
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, a := range sb.Attributes {
			out = append(out, a.AsHCLAttribute())
		}
	} else {
		attrs, _ := body.JustAttributes()
		for _, a := range attrs {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start.Byte < out[j].Range.Start.Byte })
	return out
}

func attributeNamed(body hcl.Body, name string) *hcl.Attribute {
	if sb, ok := body.(*hclsyntax.Body); ok {
		if a := sb.Attributes[name]; a != nil {
			return a.AsHCLAttribute()
		}
		return nil
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if content == nil {
		return nil
	}
	return content.Attributes[name]
}

func exprNamed(body hcl.Body, name string) hcl.Expression {
	if a := attributeNamed(body, name); a != nil {
		return a.Expr
	}
	return nil
}

func diagErrors(file string, diags hcl.Diagnostics) []parsers.Error {
	var out []parsers.Error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		e := parsers.Error{File: file, Msg: msg}
		if d.Subject != nil {
			if d.Subject.Filename != "" {
				e.File = d.Subject.Filename
			}
			e.Line, e.Col = d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, e)
	}
	return out
}

func rangeError(r hcl.Range, msg string) parsers.Error {
	return parsers.Error{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column, Msg: msg}
}

func quote(s string) string { return `"` + s + `"` }

// cause strips the absolute path from an OS error: reports name files
// relative to the root.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// scanComments collects the comments that carry a pvlint directive. The
// lexer is used so that a "#" inside a string is not taken for a comment.
func scanComments(file string, src []byte) []graph.Comment {
	if !strings.Contains(string(src), "pvlint:") {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(src, file, hcl.InitialPos)
	var out []graph.Comment
	for _, t := range toks {
		if t.Type != hclsyntax.TokenComment {
			continue
		}
		text := strings.TrimRight(string(t.Bytes), "\r\n")
		if !strings.Contains(text, "pvlint:") || strings.Contains(text, "\n") {
			continue
		}
		switch {
		case strings.HasPrefix(text, "#"):
			text = text[1:]
		case strings.HasPrefix(text, "//"):
			text = text[2:]
		case strings.HasPrefix(text, "/*"):
			text = strings.TrimSuffix(text[2:], "*/")
		}
		out = append(out, graph.Comment{File: file, Line: t.Range.Start.Line, Col: t.Range.Start.Column, Text: strings.TrimSpace(text)})
	}
	return out
}
