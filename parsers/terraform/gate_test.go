package terraform

import (
	"testing"

	"github.com/pvlint/pvlint/parsers/fsgate"
)

// gateAt is the file gate of a test tree, closed with the test.
func gateAt(t testing.TB, dir string) *fsgate.Gate {
	t.Helper()
	g, err := fsgate.New(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}
