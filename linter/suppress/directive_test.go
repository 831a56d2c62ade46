package suppress

import (
	"reflect"
	"strings"
	"testing"
)

func knownIDs(id string) bool {
	switch id {
	case "PVL101", "PVL201", "PVL202":
		return true
	}
	return false
}

func TestParseDirective(t *testing.T) {
	tests := []struct {
		text string
		want Directive
	}{
		{"pvlint:ignore PVL201", Directive{Rules: []string{"PVL201"}}},
		{"# pvlint:ignore PVL201", Directive{Rules: []string{"PVL201"}}},
		{"// pvlint:ignore PVL201 legacy node agent", Directive{Rules: []string{"PVL201"}, Reason: "legacy node agent"}},
		{"pvlint:ignore PVL201,PVL202 until=2026-03-31 reads /var/log", Directive{Rules: []string{"PVL201", "PVL202"}, Until: "2026-03-31", Reason: "reads /var/log"}},
		{"pvlint:ignore PVL201, PVL202 -- waiting for the CSI migration", Directive{Rules: []string{"PVL201", "PVL202"}, Reason: "waiting for the CSI migration"}},
		{"pvlint:ignore pvl201 , PVL202: reason", Directive{Rules: []string{"PVL201", "PVL202"}, Reason: "reason"}},
		{"pvlint:ignore PVL201 reason=\"quoted reason\"", Directive{Rules: []string{"PVL201"}, Reason: "quoted reason"}},
		{"pvlint:ignore PVL201 legacy until=2026-01-02", Directive{Rules: []string{"PVL201"}, Until: "2026-01-02", Reason: "legacy"}},
		{"pvlint:ignore-file PVL101 generated file", Directive{File: true, Rules: []string{"PVL101"}, Reason: "generated file"}},
		{"pvlint:ignore\tPVL201", Directive{Rules: []string{"PVL201"}}},
		// What a Helm template or HCL block comment may leave behind.
		{"{{/* pvlint:ignore PVL201 chart default */}}", Directive{Rules: []string{"PVL201"}, Reason: "chart default"}},
		{"pvlint:ignore PVL201 chart default */ -}}", Directive{Rules: []string{"PVL201"}, Reason: "chart default"}},
		{"/* pvlint:ignore PVL201 */", Directive{Rules: []string{"PVL201"}}},
	}
	for _, tt := range tests {
		got, err := ParseDirective(tt.text, knownIDs)
		if err != nil {
			t.Errorf("ParseDirective(%q): %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseDirective(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestParseDirectiveErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"pvlint:ignore", "needs rule IDs"},
		{"pvlint:ignore legacy volume", "needs rule IDs"},
		{"pvlint:ignore all", `"all" is not allowed`},
		{"pvlint:ignore *", `"all" is not allowed`},
		{"pvlint:ignore PVL201,all", `"all" is not allowed`},
		{"pvlint:ignore PVL999", "unknown rule PVL999"},
		{"pvlint:ignore PVL201,PVL999 reason", "unknown rule PVL999"},
		{"pvlint:ignore PVL20", "unknown rule PVL20"},
		{"pvlint:ignore PVL201, reason", `expected a rule ID after ","`},
		{"pvlint:ignore PVL201 until=2026-13-01", `bad date "2026-13-01"`},
		{"pvlint:ignore PVL201 until=tomorrow", `bad date "tomorrow"`},
		{"pvlint:disable PVL201", "unknown directive pvlint:disable"},
		{"pvlint:ignore-next-line PVL201", "unknown directive pvlint:ignore-next-line"},
	}
	for _, tt := range tests {
		_, err := ParseDirective(tt.text, knownIDs)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDirective(%q) error = %v, want %q", tt.text, err, tt.want)
		}
	}
}

func TestParseDirectiveProse(t *testing.T) {
	for _, text := range []string{"see the pvlint: docs", "TODO pvlint:ignore PVL201", "want: PVL201 pvlint:x"} {
		if _, err := ParseDirective(text, knownIDs); err != ErrNotDirective {
			t.Errorf("ParseDirective(%q) error = %v, want ErrNotDirective", text, err)
		}
	}
}

func TestParseRuleIDs(t *testing.T) {
	got, err := ParseRuleIDs(" PVL201, pvl202 ", knownIDs)
	if err != nil || !reflect.DeepEqual(got, []string{"PVL201", "PVL202"}) {
		t.Errorf("ParseRuleIDs = %v, %v", got, err)
	}
	for _, s := range []string{"", "all", "PVL201,PVL777", "hostpath"} {
		if _, err := ParseRuleIDs(s, knownIDs); err == nil {
			t.Errorf("ParseRuleIDs(%q): no error", s)
		}
	}
}
