// Package sarifcheck validates SARIF output against the OASIS SARIF 2.1.0
// schema kept in the repository (schema/sarif-2.1.0.json, embedded; see
// schema/NOTICE.md for its origin and license). Tests of every package that
// writes SARIF use it, so a clone tests on its own and invalid SARIF cannot
// slip through CI.
package sarifcheck

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaJSON is the OASIS schema, byte for byte as published.
//
//go:embed schema/sarif-2.1.0.json
var schemaJSON []byte

// schemaURL is the schema's own id; the embedded copy is registered under it
// so nothing is fetched.
const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var (
	once   sync.Once
	schema *jsonschema.Schema
	errLd  error
)

// Validate checks data against sarif-2.1.0.json.
func Validate(data []byte) error {
	once.Do(func() {
		var doc any
		doc, errLd = jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if errLd != nil {
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if errLd = c.AddResource(schemaURL, doc); errLd != nil {
			return
		}
		schema, errLd = c.Compile(schemaURL)
	})
	if errLd != nil {
		return fmt.Errorf("loading the SARIF schema: %w", errLd)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("SARIF output is not JSON: %w", err)
	}
	if err := schema.Validate(doc); err != nil {
		return fmt.Errorf("SARIF output does not validate against sarif-2.1.0.json:\n%v", err)
	}
	return nil
}

// RepoRoot walks up from the working directory to the directory of go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
