package helm

import (
	"regexp"
	"strconv"
	"strings"
)

// A template's skeleton is the YAML structure its own text spells out, with
// every {{ }} action set aside: which keys and list items are written on
// which line under which parents, and where values are inserted. Rendered
// nodes are matched against it to find the template line of each key.

// action is one {{ }} of a template.
type action struct {
	start, end int // byte offsets of "{{" and just past "}}"
	line, col  int // 1-based position of "{{"
	kind       actionKind
	text       string // the inner text, trim markers and spaces removed
}

type actionKind uint8

const (
	actOutput  actionKind = iota // writes text: {{ .Values.x }}, include, toYaml, template
	actOpen                      // if, with, range, define, block
	actElse                      // else, else if
	actEnd                       // end
	actSilent                    // comments, assignments, break, continue
	actComment                   // {{/* */}}
)

var assignRe = regexp.MustCompile(`^\$[\w]*\s*(,\s*\$[\w]*\s*)?:?=`)

// scanActions finds every {{ }} in src, skipping quoted strings inside
// actions so that "}}" in a string does not end them.
func scanActions(src string) []action {
	var out []action
	line, lineStart, scanned := 1, 0, 0
	pos := func(off int) (int, int) {
		for ; scanned < off; scanned++ {
			if src[scanned] == '\n' {
				line++
				lineStart = scanned + 1
			}
		}
		return line, off - lineStart + 1
	}
	i := 0
	for i < len(src) {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			break
		}
		s := j + i
		p := s + 2
		if p < len(src) && src[p] == '-' && p+1 < len(src) && isSpace(src[p+1]) {
			p++
		}
		inner := strings.TrimLeft(src[p:min(len(src), p+8)], " \t\r\n")
		end := len(src)
		comment := strings.HasPrefix(inner, "/*")
		if comment {
			if k := strings.Index(src[p:], "*/"); k >= 0 {
				if e := strings.Index(src[p+k:], "}}"); e >= 0 {
					end = p + k + e + 2
				}
			}
		} else {
			end = actionEnd(src, p)
		}
		a := action{start: s, end: end}
		a.line, a.col = pos(s)
		body := src[s+2 : max(s+2, end-2)]
		if end-2 < s+2 || !strings.HasSuffix(src[s:end], "}}") {
			body = src[s+2 : end]
		}
		body = strings.TrimPrefix(body, "-")
		body = strings.TrimSuffix(body, "-")
		a.text = strings.TrimSpace(body)
		a.kind = classify(a.text, comment)
		out = append(out, a)
		i = end
	}
	return out
}

// actionEnd returns the offset just past the "}}" closing the action whose
// body starts at p, or len(src).
func actionEnd(src string, p int) int {
	var quote byte
	for k := p; k < len(src); k++ {
		c := src[k]
		switch {
		case quote != 0:
			if c == '\\' && quote != '`' {
				k++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`' || c == '\'':
			quote = c
		case c == '}' && k+1 < len(src) && src[k+1] == '}':
			return k + 2
		}
	}
	return len(src)
}

func classify(text string, comment bool) actionKind {
	if comment {
		return actComment
	}
	word := text
	if i := strings.IndexAny(word, " \t\r\n("); i >= 0 {
		word = word[:i]
	}
	switch word {
	case "if", "with", "range", "define", "block":
		return actOpen
	case "else":
		return actElse
	case "end":
		return actEnd
	case "break", "continue", "":
		return actSilent
	}
	if assignRe.MatchString(text) {
		return actSilent
	}
	return actOutput
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// entryKind says what a skeleton entry is.
type entryKind uint8

const (
	entDoc    entryKind = iota // a document of the template
	entKey                     // key: (a mapping entry)
	entItem                    // - (a list item)
	entInsert                  // a line that only inserts text: {{- toYaml .Values.x | nindent 8 }}
)

// entry is a node of a template skeleton.
type entry struct {
	kind      entryKind
	key       string  // entKey: the key as written, unquoted
	wild      bool    // entKey: the key itself is templated
	line, col int     // key, dash, or "{{" position (1-based)
	indent    int     // column-1 of the key or dash; for inserts, the indent of the inserted text
	ctl       []frame // the control blocks open around the entry, outermost first

	value    string // a literal inline value (unquoted), "" when none
	valCol   int    // column of the inline value (or of its "{{")
	valIns   bool   // the inline value comes from an action
	block    bool   // the value is on the following lines
	flow     bool   // the value is a flow collection written on the line
	text     bool   // the value is a block scalar (| or >) on the following lines
	children []*entry
	action   string // entInsert: the inserting action's text
	flowText string // a flow collection's text as written (actions masked)
	// flowLits caches flowText read as a list of literal scalars.
	flowLits   []string
	flowParsed bool

	// entDoc
	first, last int             // first and last content line
	kindEnt     *entry          // the kind: key of the document, if written
	paths       map[string]bool // key paths written (collectPaths)
	open        map[string]bool // paths under which inserted text can write keys
	kindLit     string          // the literal kind, "" when templated or absent
	nameLit     string          // the literal metadata.name, "" when templated or absent
	repeatable  bool            // may render several objects: inside a range, or inserting text at the top
}

// frame is a control block (if, with, range, block) open around an entry.
type frame struct {
	id     int      // index of the opening action
	word   string   // if, with, range, block
	conds  []string // the opener's expression, then each else branch's ("" for a plain else)
	branch int      // which branch the entry is in: 0 for the opener's, 1 after the first else...
	rebind bool     // an enclosing with or range has rebound the dot
}

// skeleton is a parsed template.
type skeleton struct {
	docs     []*entry
	byKind   map[string][]int // documents by their literal kind, in order
	openKind []int            // documents whose kind is templated or not written
	actions  []action
	lines    []string // the template's lines with actions blanked out (see mask)
}

var indentRe = regexp.MustCompile(`\bn?indent\s+(\d+)`)

// mask returns src with every action blanked: an output action keeps a
// '\x01' at its "{{" and spaces elsewhere; other actions become spaces.
// Newlines survive, so lines and columns do not move.
func mask(src string, acts []action) []byte {
	b := []byte(src)
	for _, a := range acts {
		for k := a.start; k < a.end && k < len(b); k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
		if a.kind == actOutput {
			b[a.start] = '\x01'
		}
	}
	return b
}

// parseSkeleton builds the skeleton of a template. It never fails: text it
// does not understand is skipped.
func parseSkeleton(src string) *skeleton {
	acts := scanActions(src)
	masked := string(mask(src, acts))
	sk := &skeleton{actions: acts, lines: strings.Split(masked, "\n")}

	// Per-line state from the actions: range depth and whether the line is
	// inside a define (helpers do not emit text where they are written).
	var stack []frame
	ai := 0
	doc := &entry{kind: entDoc, indent: -1}
	sk.docs = append(sk.docs, doc)
	stackE := []*entry{doc}
	var prev *entry   // the previous content entry
	blockScalar := -2 // indent of a key whose block scalar is being skipped
	defines := 0

	for li, text := range sk.lines {
		lineNo := li + 1
		// Apply the actions that start before this line.
		for ai < len(acts) && acts[ai].line < lineNo {
			a := acts[ai]
			ai++
			switch a.kind {
			case actOpen:
				stack = pushFrame(stack, ai-1, a)
				if firstWord(a.text) == "define" {
					defines++
				}
			case actElse:
				stack = elseFrame(stack, a)
			case actEnd:
				if n := len(stack); n > 0 {
					if stack[n-1].word == "define" {
						defines--
					}
					stack = stack[:n-1]
				}
			}
		}
		if defines > 0 {
			continue
		}
		indent := leadingSpaces(text)
		rest := strings.TrimRight(text[indent:], " \t\r")
		if rest == "" {
			continue
		}
		onlyIns := strings.Trim(rest, "\x01 \t") == ""
		effIndent := indent
		if onlyIns {
			if m := lineIndentArg(acts, ai, lineNo); m >= 0 {
				effIndent = m
			}
		}
		if blockScalar > -2 {
			if effIndent > blockScalar {
				continue
			}
			blockScalar = -2
		}
		if rest[0] == '#' {
			continue
		}
		if indent == 0 && (rest == "---" || strings.HasPrefix(rest, "--- ") || rest == "...") {
			doc = &entry{kind: entDoc, indent: -1}
			sk.docs = append(sk.docs, doc)
			stackE = []*entry{doc}
			prev = nil
			continue
		}
		if doc.first == 0 {
			doc.first = lineNo
		}
		doc.last = lineNo

		if onlyIns {
			e := &entry{kind: entInsert, line: lineNo, col: indent + strings.IndexByte(rest, '\x01') + 1, indent: effIndent}
			e.ctl = frameStack(stack, acts, ai, lineNo, e.col)
			for k := ai; k < len(acts) && acts[k].line == lineNo; k++ {
				if acts[k].col == e.col {
					e.action = acts[k].text
					break
				}
			}
			// Without an explicit indent, text inserted right after an open
			// key belongs to it.
			attach := prev != nil && prev.kind == entKey && prev.block && effIndent <= prev.indent && lineIndentArg(acts, ai, lineNo) < 0
			if !attach {
				stackE = popTo(stackE, effIndent, true)
			} else {
				for len(stackE) > 1 && stackE[len(stackE)-1] != prev {
					stackE = stackE[:len(stackE)-1]
				}
			}
			parent := stackE[len(stackE)-1]
			parent.children = append(parent.children, e)
			continue
		}

		col := indent
		for {
			if rest == "-" || strings.HasPrefix(rest, "- ") {
				it := &entry{kind: entItem, line: lineNo, col: col + 1, indent: col}
				it.ctl = frameStack(stack, acts, ai, lineNo, it.col)
				stackE = popTo(stackE, col, true)
				parent := stackE[len(stackE)-1]
				parent.children = append(parent.children, it)
				stackE = append(stackE, it)
				prev = it
				after := strings.TrimLeft(rest[1:], " ")
				if after == "" {
					break
				}
				col += len(rest) - len(after)
				rest = after
				if strings.Trim(rest, "\x01 ") == "" {
					it.valIns, it.valCol = true, col+1
					break
				}
				continue
			}
			key, value, vcol, ok := splitKey(rest)
			if !ok {
				// A scalar: a list item's value, or a continuation line.
				if prev != nil && prev.kind == entItem && prev.line == lineNo {
					prev.value, prev.valCol = unquote(stripComment(rest)), col+1
					prev.valIns = strings.ContainsRune(rest, '\x01')
					prev.flow = strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "[")
					if rest[0] == '|' || rest[0] == '>' {
						prev.value, prev.text = "", true
						blockScalar = prev.indent
					}
				}
				break
			}
			e := &entry{kind: entKey, key: unquote(key), line: lineNo, col: col + 1, indent: col}
			e.ctl = frameStack(stack, acts, ai, lineNo, e.col)
			if strings.ContainsRune(key, '\x01') {
				e.wild = true
			}
			value = stripComment(value)
			switch {
			case value == "":
				e.block = true
			case strings.ContainsRune(value, '\x01'):
				e.valIns, e.valCol = true, col+vcol+strings.IndexByte(value, '\x01')+1
			case value[0] == '|' || value[0] == '>':
				blockScalar = col
				e.valCol, e.text = col+vcol+1, true
			case value[0] == '{' || value[0] == '[':
				e.flow, e.valCol, e.flowText = true, col+vcol+1, value
			case value[0] == '&' || value[0] == '!':
				// An anchor or tag before a block value.
				if !strings.Contains(value, " ") {
					e.block = true
				} else {
					e.value, e.valCol = unquote(value[strings.IndexByte(value, ' ')+1:]), col+vcol+1
				}
			default:
				e.value, e.valCol = unquote(value), col+vcol+1
			}
			stackE = popTo(stackE, col, false)
			parent := stackE[len(stackE)-1]
			parent.children = append(parent.children, e)
			stackE = append(stackE, e)
			prev = e
			if parent == doc && e.key == "kind" && doc.kindEnt == nil {
				doc.kindEnt = e
			}
			break
		}
	}
	sk.index()
	return sk
}

// index records what pickDoc compares: each document's literal kind and
// name, whether it can repeat, and the documents by kind.
func (sk *skeleton) index() {
	sk.byKind = map[string][]int{}
	for i, d := range sk.docs {
		d.paths, d.open = map[string]bool{}, map[string]bool{}
		collectPaths(d, "", d.paths, d.open)
		if d.first == 0 {
			continue
		}
		if k := d.kindEnt; k != nil && !k.valIns && k.value != "" {
			d.kindLit = k.value
			sk.byKind[k.value] = append(sk.byKind[k.value], i)
		} else {
			sk.openKind = append(sk.openKind, i)
		}
		for _, c := range d.children {
			if c.kind == entInsert {
				d.repeatable = true
			}
			for _, f := range c.ctl {
				if f.word == "range" {
					d.repeatable = true
				}
			}
			if c.kind == entKey && c.key == "metadata" && !c.wild {
				for _, n := range c.children {
					if n.kind == entKey && n.key == "name" && !n.wild && !n.valIns && n.value != "" && len(n.ctl) == len(c.ctl) {
						d.nameLit = n.value
					}
				}
			}
		}
	}
}

// pushFrame opens the block of action a (the i-th of the template).
func pushFrame(stack []frame, i int, a action) []frame {
	w := firstWord(a.text)
	f := frame{id: i, word: w, conds: []string{strings.TrimSpace(strings.TrimPrefix(a.text, w))}}
	if n := len(stack); n > 0 {
		top := stack[n-1]
		f.rebind = top.rebind || (top.word == "with" || top.word == "range" || top.word == "block") && top.branch == 0
	}
	return append(stack, f)
}

// elseFrame moves the innermost block to its next branch.
func elseFrame(stack []frame, a action) []frame {
	n := len(stack)
	if n == 0 {
		return stack
	}
	top := stack[n-1]
	cond := strings.TrimSpace(strings.TrimPrefix(a.text, "else"))
	if w := firstWord(cond); w == "if" || w == "with" {
		cond = strings.TrimSpace(strings.TrimPrefix(cond, w))
	}
	top.conds = append(top.conds[:len(top.conds):len(top.conds)], cond)
	top.branch++
	stack[n-1] = top
	return stack
}

// frameStack returns a copy of the blocks open at column col of line: the
// stack at the line's start, then the actions of the line written before col.
func frameStack(stack []frame, acts []action, ai, line, col int) []frame {
	out := append([]frame(nil), stack...)
	for k := ai; k < len(acts) && acts[k].line == line && acts[k].col < col; k++ {
		switch acts[k].kind {
		case actOpen:
			out = pushFrame(out, k, acts[k])
		case actElse:
			out = elseFrame(out, acts[k])
		case actEnd:
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		}
	}
	return out
}

// popTo pops the entries that cannot hold a line written at indent. A list
// item may sit at the same indent as its open key (a compact list).
func popTo(stack []*entry, indent int, item bool) []*entry {
	for len(stack) > 1 {
		top := stack[len(stack)-1]
		if top.indent < indent {
			break
		}
		if item && top.indent == indent && top.kind == entKey && top.block && !hasKeyChild(top) {
			break
		}
		stack = stack[:len(stack)-1]
	}
	return stack
}

func hasKeyChild(e *entry) bool {
	for _, c := range e.children {
		if c.kind == entKey {
			return true
		}
	}
	return false
}

// lineIndentArg returns N from "indent N" or "nindent N" in an output
// action on line, or -1. ai is the index of the first action on the line.
func lineIndentArg(acts []action, ai, line int) int {
	for k := ai; k < len(acts) && acts[k].line == line; k++ {
		if acts[k].kind != actOutput {
			continue
		}
		if m := indentRe.FindAllStringSubmatch(acts[k].text, -1); m != nil {
			n, err := strconv.Atoi(m[len(m)-1][1])
			if err == nil {
				return n
			}
		}
	}
	return -1
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t\r\n("); i >= 0 {
		return s[:i]
	}
	return s
}

func leadingSpaces(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

// splitKey splits "key: value" (the key possibly quoted or templated) and
// returns the value's offset in s.
func splitKey(s string) (key, value string, vcol int, ok bool) {
	if s == "" || s[0] == '{' || s[0] == '[' || s[0] == '#' || s[0] == '|' || s[0] == '>' {
		return "", "", 0, false
	}
	end := -1
	if s[0] == '"' || s[0] == '\'' {
		q := s[0]
		for k := 1; k < len(s); k++ {
			if s[k] == '\\' && q == '"' {
				k++
				continue
			}
			if s[k] == q {
				end = k + 1
				break
			}
		}
		if end < 0 || end >= len(s) || s[end] != ':' {
			return "", "", 0, false
		}
	} else {
		for k := 0; k < len(s); k++ {
			if s[k] == ':' && (k+1 == len(s) || s[k+1] == ' ' || s[k+1] == '\t') {
				end = k
				break
			}
			if s[k] == ' ' && k+1 < len(s) && s[k+1] == '#' {
				return "", "", 0, false
			}
		}
		if end <= 0 {
			return "", "", 0, false
		}
	}
	key = strings.TrimSpace(s[:end])
	rest := s[end+1:]
	value = strings.TrimLeft(rest, " \t")
	vcol = end + 1 + len(rest) - len(value)
	return key, strings.TrimRight(value, " \t"), vcol, true
}

// stripComment removes a trailing " # comment" outside quotes.
func stripComment(v string) string {
	if i := commentIndex(v); i >= 0 {
		return strings.TrimRight(v[:i], " \t")
	}
	return v
}

// commentIndex returns the index of the '#' starting a YAML comment in s,
// or -1. Quotes and actions (already masked) are skipped.
func commentIndex(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && (i == 0 || s[i-1] == ' ' || s[i-1] == ':' || s[i-1] == '-' || s[i-1] == '['):
			quote = c
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return i
		}
	}
	return -1
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		if s[0] == '"' {
			if u, err := strconv.Unquote(s); err == nil {
				return u
			}
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// collectPaths records the key paths a document writes, list items folded
// into "[]", to pick the template document a rendered object came from;
// open gets the paths under which inserted text (an include, toYaml, a
// templated key or value) can write keys the template does not spell out.
func collectPaths(e *entry, prefix string, out, open map[string]bool) {
	for _, c := range e.children {
		switch c.kind {
		case entKey:
			p := prefix + "." + c.key
			if c.wild {
				open[prefix] = true
				continue
			}
			out[p] = true
			if c.valIns || c.flow || c.text {
				open[p] = true
			}
			collectPaths(c, p, out, open)
		case entItem:
			p := prefix + "[]"
			if c.valIns || c.flow || c.text {
				open[p] = true
			}
			collectPaths(c, p, out, open)
		case entInsert:
			open[prefix] = true
		}
	}
}

// explains says whether document d can have written rendered key path p:
// the template writes it, or text inserted above it can.
func (d *entry) explains(p string) bool {
	if d.paths[p] {
		return true
	}
	for {
		if d.open[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}
