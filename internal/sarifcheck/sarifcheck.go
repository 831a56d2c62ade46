// Package sarifcheck validates SARIF output against the OASIS SARIF 2.1.0
// schema kept in ../shared/schemas beside the repository. Tests of every
// package that writes SARIF use it; a missing schema is an error, never a
// skip, so invalid SARIF cannot slip through CI.
package sarifcheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once   sync.Once
	schema *jsonschema.Schema
	errLd  error
)

// Validate checks data against sarif-2.1.0.json.
func Validate(data []byte) error {
	once.Do(func() {
		var root string
		root, errLd = RepoRoot()
		if errLd != nil {
			return
		}
		path := filepath.Join(root, "..", "shared", "schemas", "sarif-2.1.0.json")
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		schema, errLd = c.Compile(path)
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
