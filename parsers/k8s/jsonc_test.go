package k8s

import "testing"

func TestNotManifestJSONC(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      bool
	}{
		{"dev container", "{\n  \"image\": \"go\",\n  // an alias\n  \"postCreateCommand\": \"echo // not a comment\"\n}\n", true},
		{"tsconfig", "{\n  /* compiler */\n  \"compilerOptions\": {\"strict\": true,},\n  \"include\": [\"src\",],\n}\n", true},
		{"a top-level list", "[1, 2, // three\n 3]", true},
		{"a manifest with a comment", "{\n  \"apiVersion\": \"v1\", // core\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"c\"}\n}\n", false},
		{"no comment at all", "{\"a\": }", false},
		{"broken even without comments", "{\n  // x\n  \"a\": \n}\n", false},
		{"an unterminated comment", "{\"a\": 1 /* x", false},
		{"an unterminated string", "{\"a\": \"x // y}\n", false},
		{"a slash inside a string only", "{\"url\": \"http://x\", }", true},
		{"escaped quotes", "{\"a\": \"say \\\"//\\\"\" // c\n}", true},
	} {
		if got := NotManifestJSONC([]byte(c.src)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
