package limits

import "testing"

// Every limit has a row with a value and an error of its own; the
// behaviour of each is tested where it is enforced (fsgate, k8s,
// terraform, helm, linter).
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Table {
		if e.Name == "" || e.Value == "" || e.Error == "" {
			t.Errorf("incomplete entry %+v", e)
		}
		if seen[e.Error] {
			t.Errorf("%s: error %q shared with another limit", e.Name, e.Error)
		}
		seen[e.Error] = true
	}
}
