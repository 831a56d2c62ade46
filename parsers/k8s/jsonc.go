package k8s

import (
	"bytes"
	"encoding/json"
)

// Application repositories hold JSON files with comments (JSONC): dev
// container definitions, tsconfig.json, editor settings. They are neither
// YAML nor JSON, so parsing one as a manifest fails; but kubectl cannot
// read them either, so they can never be applied to a cluster, and failing
// the scan on them (exit 3) would fail every pull request of such a
// repository. NotManifestJSONC tells them apart from a broken manifest.

// NotManifestJSONC reports whether data, which failed to parse, is JSON
// with comments or trailing commas (valid JSON once they are removed) whose
// top level is not a Kubernetes object (apiVersion and kind). A file that
// is a Kubernetes object written with comments is not: kubectl would refuse
// it, and its author means it to be applied, so its parse error stands.
func NotManifestJSONC(data []byte) bool {
	plain, changed := stripJSONC(data)
	var top any
	if !changed || json.Unmarshal(plain, &top) != nil {
		return false
	}
	obj, ok := top.(map[string]any)
	return !ok || obj["apiVersion"] == nil || obj["kind"] == nil
}

// stripJSONC removes // and /* */ comments outside strings and commas
// before a closing bracket, and reports whether it removed any.
func stripJSONC(data []byte) ([]byte, bool) {
	out := make([]byte, 0, len(data))
	changed := false
	lastComma := -1 // index in out of a comma not yet followed by a value
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"':
			lastComma = -1
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(data) {
				return nil, false // an unterminated string: not JSON
			}
			out = append(out, data[i:j+1]...)
			i = j
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			changed = true
			for i < len(data) && data[i] != '\n' {
				i++
			}
			if i < len(data) {
				out = append(out, '\n')
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			changed = true
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				return nil, false
			}
			i += 2 + end + 1
			out = append(out, ' ')
		case c == ',':
			lastComma = len(out)
			out = append(out, c)
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
				changed = true
			}
			lastComma = -1
			out = append(out, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			out = append(out, c)
		default:
			lastComma = -1
			out = append(out, c)
		}
	}
	return out, changed
}
