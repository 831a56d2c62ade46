package report

import (
	"strconv"
	"unicode/utf8"
)

// jsonAppender writes indented JSON straight into a byte slice: the same
// bytes as encoding/json's Encoder with SetIndent(prefix, "  ") and
// SetEscapeHTML(false) gives for a value of the same shape, without
// reflection, intermediate values or re-indenting. The streamed parts of
// the reports (SARIF results, JSON findings) are written with it: they are
// most of a large report, and encoding/json spent as much CPU on them as the
// scan did on everything but parsing. The document around them is still
// encoded by encoding/json, and the tests compare every byte with it.
//
// The caller writes the members in the order of the struct fields that the
// format documents, and leaves out what an omitempty tag would.
type jsonAppender struct {
	b      []byte
	prefix string // what starts every line of the value after its first
	depth  int    // open objects and arrays
	first  bool   // nothing written yet in the innermost object or array
	// lines is a line break, prefix and the indent of the deepest line so
	// far: a new line at depth d is its first 1+len(prefix)+2d bytes.
	lines []byte

	// For the writers: scratch space, and the URI of the file named last.
	scratch           []byte
	lastFile, lastURI string
}

// start begins a new value at depth 0 after prefix, which starts its
// every other line.
func (a *jsonAppender) start(prefix string) {
	if a.prefix != prefix || len(a.lines) == 0 {
		a.prefix = prefix
		a.lines = append(append(a.lines[:0], '\n'), prefix...)
	}
	a.depth, a.first = 0, false
}

func (a *jsonAppender) newline() {
	n := 1 + len(a.prefix) + 2*a.depth
	for len(a.lines) < n {
		a.lines = append(a.lines, ' ')
	}
	a.b = append(a.b, a.lines[:n]...)
}

// next starts an array element or an object member on its own line.
func (a *jsonAppender) next() {
	if !a.first {
		a.b = append(a.b, ',')
	}
	a.first = false
	a.newline()
}

// key starts an object member. name is one of the format's member names,
// which need no escaping.
func (a *jsonAppender) key(name string) {
	a.next()
	a.b = append(a.b, '"')
	a.b = append(a.b, name...)
	a.b = append(a.b, `": `...)
}

func (a *jsonAppender) open(c byte) {
	a.b = append(a.b, c)
	a.depth++
	a.first = true
}

// close ends an object or array; an empty one stays on one line ({} or []).
func (a *jsonAppender) close(c byte) {
	a.depth--
	if !a.first {
		a.newline()
	}
	a.first = false
	a.b = append(a.b, c)
}

func (a *jsonAppender) beginObject() { a.open('{') }
func (a *jsonAppender) endObject()   { a.close('}') }
func (a *jsonAppender) beginArray()  { a.open('[') }
func (a *jsonAppender) endArray()    { a.close(']') }

// raw writes a literal value: null, [], {} or a number written by hand.
func (a *jsonAppender) raw(s string) { a.b = append(a.b, s...) }

func (a *jsonAppender) str(s string) { a.b = appendJSONString(a.b, s, false) }

// htmlSafeStr writes s with <, > and & escaped as well, as json.Marshal
// writes them: go-sarif encodes property bags with json.Marshal, and the
// outer encoder keeps those escapes.
func (a *jsonAppender) htmlSafeStr(s string) { a.b = appendJSONString(a.b, s, true) }

func (a *jsonAppender) int(n int) { a.b = strconv.AppendInt(a.b, int64(n), 10) }

func (a *jsonAppender) bool(v bool) { a.b = strconv.AppendBool(a.b, v) }

// Member shorthands.

func (a *jsonAppender) strMember(name, s string) {
	a.key(name)
	a.str(s)
}

func (a *jsonAppender) intMember(name string, n int) {
	a.key(name)
	a.int(n)
}

func (a *jsonAppender) rawMember(name, s string) {
	a.key(name)
	a.raw(s)
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the ASCII bytes a JSON string holds as they are: printable
// ones except " and \. jsonHTMLPlain leaves out <, > and & as well.
var jsonPlain, jsonHTMLPlain = func() (plain, html [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\'
		html[c] = plain[c] && c != '<' && c != '>' && c != '&'
	}
	return
}()

// appendJSONString is the one JSON string escaper of the reports: it appends
// s quoted exactly as encoding/json writes a string, with escapeHTML as
// SetEscapeHTML. " and \ get a backslash; \b, \f, \n, \r and \t their short
// escapes; other control characters \u00XX; U+2028 and U+2029 are always
// escaped (\u2028, \u2029); each byte of invalid UTF-8 becomes \ufffd; with
// escapeHTML, <, > and & become \u003c, \u003e and \u0026. DEL and every
// other valid character are written as they are. FuzzJSONString checks it
// against encoding/json.
func appendJSONString[S string | []byte](dst []byte, s S, escapeHTML bool) []byte {
	plain := &jsonPlain
	if escapeHTML {
		plain = &jsonHTMLPlain
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// Decode from at most 4 bytes: a short conversion of a []byte
		// stays on the stack.
		r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
