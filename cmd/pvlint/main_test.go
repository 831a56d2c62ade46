package main

import (
	"os"
	"testing"
)

// The tests never write to the user's cache directory (--pre-commit keeps
// rendered charts there).
func TestMain(m *testing.M) {
	runAsChild()
	dir, err := os.MkdirTemp("", "pvlint-test-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
