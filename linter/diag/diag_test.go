package diag

import "testing"

func TestErrorString(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Col: 7, Msg: "bad"}, "a.yaml:3:7: bad"},
		{Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{Error{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%#v: got %q, want %q", c.e, got, c.want)
		}
	}
	if got := (Notice{File: "d", Msg: "m"}).String(); got != "d: m" {
		t.Errorf("notice: %q", got)
	}
}
