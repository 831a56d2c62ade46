package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
)

// kubectl reads a stream that starts with "{" with a JSON decoder, and JSON
// writes a character outside the Basic Multilingual Plane (an emoji in a
// dashboard title) as a UTF-16 surrogate pair, "\ud83d\udd14". YAML has no
// surrogates: yaml.v3 refuses the escape, and such a file would fail the
// scan although kubectl applies it. jsonSurrogates rewrites each pair as the
// one YAML escape of its character, "\U0001F514", and a lone surrogate as
// U+FFFD (what Go's JSON decoder makes of one). The escape is two bytes
// shorter, so two blanks follow the string's closing quote: every node
// keeps its line and column.

// jsonSurrogates returns data rewritten, or data itself when it does not
// start with "{", holds no surrogate escape, or is not JSON: a "{" stream
// may be YAML flow (Kustomize and Argo CD read it as YAML), where a
// single-quoted '"' or a string going on over lines would make the
// rewrite change text outside JSON's strings, or the columns after them.
func jsonSurrogates(data []byte) []byte {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != '{' || !hasSurrogateEscape(data) || !jsonStream(data) {
		return data
	}
	out := make([]byte, 0, len(data))
	inString := false
	pad := 0 // blanks owed after the current string's closing quote
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case !inString:
			out = append(out, c)
			inString = c == '"'
		case c == '"':
			out = append(out, c)
			for ; pad > 0; pad-- {
				out = append(out, ' ')
			}
			inString = false
		case c == '\\' && i+1 < len(data):
			u1, ok := hex4(data, i)
			if !ok || !utf16.IsSurrogate(rune(u1)) {
				out = append(out, c, data[i+1])
				i++
				continue
			}
			if u2, ok := hex4(data, i+6); ok && u1 < 0xdc00 && u2 >= 0xdc00 && u2 < 0xe000 {
				out = fmt.Appendf(out, `\U%08X`, utf16.DecodeRune(rune(u1), rune(u2)))
				pad += 2
				i += 11
				continue
			}
			out = append(out, `\uFFFD`...)
			i += 5
		default:
			out = append(out, c)
		}
	}
	return out
}

// jsonStream reports whether data is a stream of JSON values, as kubectl's
// JSON decoder reads it.
func jsonStream(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return errors.Is(err, io.EOF)
		}
	}
}

// hex4 reads the \uXXXX escape at data[i:], if it is one.
func hex4(data []byte, i int) (uint64, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 16)
	return v, err == nil
}

// hasSurrogateEscape reports whether data holds a \uD800–\uDFFF escape.
func hasSurrogateEscape(data []byte) bool {
	for i := bytes.Index(data, []byte(`\u`)); i >= 0; {
		if v, ok := hex4(data, i); ok && utf16.IsSurrogate(rune(v)) {
			return true
		}
		j := bytes.Index(data[i+2:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += 2 + j
	}
	return false
}
