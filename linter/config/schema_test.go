package config

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/pvlint/pvlint/rules"
)

const schemaPath = "../../docs/pvlint-config.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://pvlint.dev/pvlint-config.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON turns YAML into the JSON value a schema validates: scalars are
// strings unless tagged otherwise, as the loader reads them (an unquoted
// date stays a string).
func asJSON(t *testing.T, src []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			return conv(n.Content[0])
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			l := []any{}
			for _, it := range n.Content {
				l = append(l, conv(it))
			}
			return l
		}
		switch n.Tag {
		case "!!null":
			return nil
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		return n.Value
	}
	data, err := json.Marshal(conv(&n))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// docExample is the complete example of docs/configuration.md.
func docExample(t *testing.T) []byte {
	t.Helper()
	md, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "```yaml\n# .pvlint.yaml\n"
	_, rest, ok := strings.Cut(string(md), start)
	if !ok {
		t.Fatalf("docs/configuration.md has no block starting %q", start)
	}
	body, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("unterminated example")
	}
	return []byte(body)
}

func realRule(id string) bool { return rules.ByID(id) != nil }

func TestDocExampleValidates(t *testing.T) {
	s := compileSchema(t)
	ex := docExample(t)
	if err := s.Validate(asJSON(t, ex)); err != nil {
		t.Errorf("the example in docs/configuration.md does not validate against the schema:\n%v", err)
	}
	if _, err := Parse(".pvlint.yaml", ex, Options{Known: realRule}); err != nil {
		t.Errorf("the example in docs/configuration.md does not load: %v", err)
	}
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(asJSON(t, full)); err != nil {
		t.Errorf("testdata/full.yaml does not validate against the schema:\n%v", err)
	}
}

// The schema and the loader refuse the same mistakes.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileSchema(t)
	for _, src := range []string{
		"fail_on: high\n",
		"fail-on: urgent\n",
		"rules: {PVL201: {sevrity: high}}\n",
		"rules: {pvl201: {enabled: false}}\n",
		"rules: {PVL201: {enabled: maybe}}\n",
		"disable: PVL201\n",
		"ignores: [{paths: [a]}]\n",
		"ignores: [{rules: []}]\n",
		"ignores: [{rules: [PVL201], until: 31/12/2026}]\n",
		"ignores: [{rules: [PVL201], path: [a]}]\n",
		"helm: {values: prod.yaml}\n",
		"helm: {release: x}\n",
		"terraform: {vars: {a: b}}\n",
		"max-file-size: 10MB\n",
		"max-file-size: 0\n",
		"chart-timeout: soon\n",
		"fail-on-unknown: maybe\n",
		"baseline: [a]\n",
	} {
		if err := s.Validate(asJSON(t, []byte(src))); err == nil {
			t.Errorf("the schema accepts %q", src)
		}
		if _, err := Parse(".pvlint.yaml", []byte(src), Options{Known: known}); err == nil {
			t.Errorf("the loader accepts %q", src)
		}
	}
}
