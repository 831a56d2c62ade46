package suppress

import (
	"errors"
	"fmt"
	"github.com/pvlint/pvlint/rules"
	"regexp"
	"strings"
	"time"
)

// Directive is a parsed inline ignore:
//
//	# pvlint:ignore PVL201[,PVL202] [until=YYYY-MM-DD] [reason text]
//	# pvlint:ignore-file PVL201 ...
type Directive struct {
	File   bool     // pvlint:ignore-file: the whole file
	Rules  []string // explicit rule IDs, never "all"
	Until  string   // last day the ignore holds (YYYY-MM-DD); "" for no end
	Reason string
}

// ErrNotDirective is returned for a comment that mentions "pvlint:" but
// does not start with it (prose such as "see the pvlint: docs").
var ErrNotDirective = errors.New("not a pvlint directive")

var (
	ruleLikeRE = regexp.MustCompile(`(?i)^(pvl\d*|[a-z]+\d+|vap/[a-z0-9.-]+)$`) // built-in, custom, admission policy
	// Closers of a Helm template comment or an HCL block comment that a
	// parser may leave at the end of the text.
	closerRE = regexp.MustCompile(`\s*(-?\*/)?\s*-?\}\}\s*$|\s*\*/\s*$`)
)

// ParseDirective reads a comment's text (with or without its marker).
// known reports whether a rule ID exists; nil accepts any PVLnnn.
func ParseDirective(text string, known func(string) bool) (Directive, error) {
	var d Directive
	s := strings.TrimLeft(strings.TrimSpace(text), "#/*{- \t")
	if !strings.HasPrefix(s, "pvlint:") {
		return d, ErrNotDirective
	}
	s = closerRE.ReplaceAllString(s[len("pvlint:"):], "")
	name, rest, _ := strings.Cut(s, " ")
	if i := strings.IndexAny(name, "\t"); i >= 0 {
		name, rest = name[:i], name[i+1:]+" "+rest
	}
	switch name {
	case "ignore":
	case "ignore-file":
		d.File = true
	default:
		return d, fmt.Errorf("unknown directive pvlint:%s (want pvlint:ignore or pvlint:ignore-file)", name)
	}
	ids, rest, err := parseRuleList(rest, "pvlint:"+name)
	if err != nil {
		return d, err
	}
	if err := checkRules(ids, known); err != nil {
		return d, err
	}
	d.Rules = ids
	var reason []string
	for _, f := range strings.Fields(rest) {
		if len(f) > 6 && strings.EqualFold(f[:6], "until=") && d.Until == "" {
			u, err := ParseDate(f[6:])
			if err != nil {
				return d, err
			}
			d.Until = u
			continue
		}
		reason = append(reason, f)
	}
	d.Reason = cleanReason(strings.Join(reason, " "))
	return d, nil
}

// parseRuleList reads "PVL201,PVL202" or "PVL201, PVL202" from the start
// of s and returns the rest.
func parseRuleList(s, directive string) ([]string, string, error) {
	var ids []string
	for {
		s = strings.TrimLeft(s, " \t")
		end := strings.IndexAny(s, " \t,:")
		if end < 0 {
			end = len(s)
		}
		tok := s[:end]
		switch {
		case tok == "" && len(ids) == 0, tok != "" && !ruleLikeRE.MatchString(tok) && len(ids) == 0:
			if isAll(tok) {
				return nil, "", errAll
			}
			return nil, "", fmt.Errorf("%s needs rule IDs first, e.g. %s PVL201 reason", directive, directive)
		case tok == "" || !ruleLikeRE.MatchString(tok):
			if isAll(tok) {
				return nil, "", errAll
			}
			return nil, "", fmt.Errorf("expected a rule ID after %q, found %q", ",", tok)
		}
		if len(tok) > 4 && strings.EqualFold(tok[:4], "vap/") {
			ids = append(ids, "VAP/"+tok[4:]) // a policy's name keeps its case
		} else {
			ids = append(ids, strings.ToUpper(tok))
		}
		s = s[end:]
		t := strings.TrimLeft(s, " \t")
		if strings.HasPrefix(t, ",") {
			s = t[1:]
			continue
		}
		return ids, s, nil
	}
}

var errAll = errors.New(`"all" is not allowed: name the rule IDs, so that a rule added later is never silenced unseen`)

func isAll(s string) bool {
	return strings.EqualFold(s, "all") || s == "*"
}

func checkRules(ids []string, known func(string) bool) error {
	for _, id := range ids {
		if !rules.ValidID(id) || (known != nil && !known(id)) {
			return fmt.Errorf("unknown rule %s", id)
		}
	}
	return nil
}

// ParseRuleIDs reads an annotation's comma- or space-separated rule list.
func ParseRuleIDs(s string, known func(string) bool) ([]string, error) {
	var ids []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if isAll(f) {
			return nil, errAll
		}
		ids = append(ids, strings.ToUpper(f))
	}
	if len(ids) == 0 {
		return nil, errors.New("no rule IDs")
	}
	if err := checkRules(ids, known); err != nil {
		return nil, err
	}
	return ids, nil
}

// ParseDate checks an until date and returns it in canonical form.
func ParseDate(s string) (string, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("bad date %q in until (want YYYY-MM-DD)", s)
	}
	return t.Format(time.DateOnly), nil
}

// cleanReason drops separators people put before a reason: "-- ", ": ",
// "reason=" and quotes.
func cleanReason(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"--", "—", "–", ":", "-"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "reason=") {
		s = s[7:]
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return strings.TrimSpace(s)
}
