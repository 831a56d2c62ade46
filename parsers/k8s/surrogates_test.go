package k8s

import (
	"testing"
)

// TestJSONSurrogatePairs: a JSON manifest with an emoji written as a
// surrogate pair parses as kubectl reads it, with every position kept; a
// lone surrogate becomes U+FFFD; YAML keeps refusing the escape (kubectl's
// YAML path refuses it too).
func TestJSONSurrogatePairs(t *testing.T) {
	const src = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bell"},
 "data": {"title": "\ud83d\udd14 on call", "lone": "\udd14", "\uD83D\uDE00": "x", "after": "y"}}
`
	rs, _, err := ParseBytes("cm.json", []byte(src), Options{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v, %d resources", err, len(rs))
	}
	data := rs[0].Root.Get("data")
	if got := data.Get("title").Value(); got != "\U0001F514 on call" {
		t.Errorf("title %q", got)
	}
	if got := data.Get("lone").Value(); got != "\uFFFD" {
		t.Errorf("lone %q", got)
	}
	if got := data.Get("\U0001F600").Value(); got != "x" {
		t.Errorf("key: %q", got)
	}
	if p := data.Get("after").Pos(); p.Line != 2 || p.Col != 92 {
		t.Errorf("after at %d:%d, want 2:92 (as written)", p.Line, p.Col)
	}
	// A "{" stream that is YAML flow, not JSON, is left alone: a
	// single-quoted '"' must not turn the rewrite inside out (it hid a
	// hostPath key), nor a string over two lines move the columns.
	for name, src := range map[string]string{
		"quote": "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"annotations\": {\"a\": '\"'}},\n \"spec\": {\"volumes\": [{\"name\": \"v\", \"x\": '\\ud83d\\ude00', \"hostPath\": {\"path\": \"/etc\"}}]}}\n",
		"lines": "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"annotations\": {\"a\": \"\\ud83d\\ude00\n x\"}}, \"spec\": {\"volumes\": [{\"name\": \"v\", \"hostPath\": {\"path\": \"/etc\"}}]}}\n",
	} {
		if got := jsonSurrogates([]byte(src)); string(got) != src {
			t.Errorf("%s: rewritten to %q", name, got)
		}
	}
	if _, _, err := ParseBytes("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {t: \"\\ud83d\\udd14\"}\n"), Options{}); err == nil {
		t.Error("a YAML file with a surrogate escape parsed")
	}
}
