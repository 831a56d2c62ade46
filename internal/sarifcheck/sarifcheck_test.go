package sarifcheck

import (
	"strings"
	"testing"
)

// The embedded schema accepts a minimal valid log and rejects an invalid
// one, without any file outside the package.
func TestValidate(t *testing.T) {
	ok := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"pvlint"}},"results":[]}]}`
	if err := Validate([]byte(ok)); err != nil {
		t.Fatalf("valid log rejected: %v", err)
	}
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"loud"}]}]}`
	err := Validate([]byte(bad))
	if err == nil || !strings.Contains(err.Error(), "does not validate") {
		t.Fatalf("invalid log: %v", err)
	}
	if err := Validate([]byte("{")); err == nil {
		t.Fatal("non-JSON accepted")
	}
}
