// Package rulestest is the fixture harness for rules. It runs the real
// discovery, parsers and graph over a testdata folder, then the rules under
// test, and compares what they report with the expectations written in the
// fixtures themselves:
//
//	path: /etc          # want: PVL201@critical PVL202
//	# want+2: PVL104    (the expectation is for the line two below)
//	storageClassName: x # related: PVL103 (a related location of a PVL103 finding)
//
// HCL takes "// want:" as well. A JSON fixture has a sidecar NAME.json.want
// with "LINE: ID[@sev] ..." lines. Only expectations for the rules under
// test are checked, so fixtures can be shared between rule families.
//
// (The harness drives linter.Run: the one place, besides the command, that
// imports the linter, so rules are tested through the real pipeline.)
package rulestest

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

// Options tune a harness run.
type Options struct {
	Linter linter.Options // Paths, Rules and Root are set by Run
	// AllowErrors lets inputs fail (for fixtures that test error handling).
	AllowErrors bool
	// Undecided also compares undecided checks (written as ID@unknown).
	Undecided bool
}

// Run lints dir (relative to the test's package directory) with rs and
// checks every expectation. It returns the result for further assertions.
func Run(t testing.TB, dir string, rs []*rules.Rule, opt Options) *linter.Result {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	lo := opt.Linter
	lo.Root = wd
	lo.Paths = []string{dir}
	lo.Rules = rs
	res, err := linter.Run(lo)
	if err != nil {
		t.Fatalf("linter.Run: %v", err)
	}
	if !opt.AllowErrors {
		for _, e := range res.Errors {
			t.Errorf("input error: %s", e.Error())
		}
	}
	ids := map[string]bool{}
	for _, r := range rs {
		ids[r.ID] = true
	}
	want, related, err := Expectations(wd, dir)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		file string
		line int
		id   string
	}
	got := map[key][]*rules.Finding{}
	for _, f := range res.Findings {
		if f.Suppression != nil || (f.Undecided && !opt.Undecided) {
			continue
		}
		k := key{f.Loc.File, f.Loc.Line, f.RuleID}
		got[k] = append(got[k], f)
	}
	for _, w := range want {
		if !ids[w.ID] {
			continue
		}
		k := key{w.File, w.Line, w.ID}
		fs := got[k]
		if len(fs) == 0 {
			t.Errorf("%s:%d: no %s reported", w.File, w.Line, w.ID)
			continue
		}
		f := fs[0]
		got[k] = fs[1:]
		switch {
		case w.Severity == "unknown":
			if !f.Undecided {
				t.Errorf("%s:%d: %s reported as a finding, want undecided", w.File, w.Line, w.ID)
			}
		case w.Severity != "" && f.Severity.String() != w.Severity:
			t.Errorf("%s:%d: %s has severity %s, want %s (%s)", w.File, w.Line, w.ID, f.Severity, w.Severity, f.Message)
		}
	}
	var extra []string
	for k, fs := range got {
		for _, f := range fs {
			extra = append(extra, fmt.Sprintf("%s:%d: unexpected %s: %s", k.file, k.line, k.id, f.Message))
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Error(e)
	}
	for _, r := range related {
		if !ids[r.ID] {
			continue
		}
		ok := false
		for _, f := range res.Findings {
			if f.RuleID != r.ID {
				continue
			}
			for _, rl := range f.RelatedLocs {
				if rl.Loc.File == r.File && rl.Loc.Line == r.Line {
					ok = true
				}
			}
		}
		if !ok {
			t.Errorf("%s:%d: no %s finding has this line among its related locations", r.File, r.Line, r.ID)
		}
	}
	return res
}

// Expectation is one "want" or "related" marker.
type Expectation struct {
	File     string
	Line     int
	ID       string
	Severity string // "", a severity name, or "unknown"
}

var (
	wantRe    = regexp.MustCompile(`(?:#|//|\{\{/\*)\s*want(\+\d+)?:\s*([^#]*)`)
	relatedRe = regexp.MustCompile(`related:\s*((?:(?:PVL\d{3}|[A-Z]+\d+|VAP/[a-z0-9.-]+)\s*)+)`)
	tokenRe   = regexp.MustCompile(`^(PVL\d{3}|[A-Z]+\d+|VAP/[a-z0-9.-]+)(?:@(critical|high|medium|low|unknown))?$`)
)

// Expectations reads every marker under dir. Paths are relative to root,
// with forward slashes, as findings report them.
func Expectations(root, dir string) (want, related []Expectation, err error) {
	base := filepath.Join(root, dir)
	err = filepath.WalkDir(base, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(p, ".want") {
			w, err := sidecar(strings.TrimSuffix(rel, ".want"), p)
			want = append(want, w...)
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			if m := wantRe.FindStringSubmatch(text); m != nil {
				target := line
				if m[1] != "" {
					n, _ := strconv.Atoi(m[1][1:])
					target += n
				}
				body := m[2]
				if i := strings.Index(body, "related:"); i >= 0 {
					body = body[:i]
				}
				for _, tok := range strings.Fields(strings.TrimSuffix(strings.TrimSpace(body), "*/}}")) {
					t := tokenRe.FindStringSubmatch(tok)
					if t == nil {
						continue
					}
					want = append(want, Expectation{File: rel, Line: target, ID: t[1], Severity: t[2]})
				}
			}
			if m := relatedRe.FindStringSubmatch(text); m != nil {
				for _, id := range strings.Fields(m[1]) {
					related = append(related, Expectation{File: rel, Line: line, ID: id})
				}
			}
		}
		return sc.Err()
	})
	return want, related, err
}

func sidecar(file, p string) ([]Expectation, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		num, rest, ok := strings.Cut(l, ":")
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if !ok || err != nil {
			return nil, fmt.Errorf("%s: bad line %q (want LINE: ID)", p, l)
		}
		for _, tok := range strings.Fields(rest) {
			if t := tokenRe.FindStringSubmatch(tok); t != nil {
				out = append(out, Expectation{File: file, Line: n, ID: t[1], Severity: t[2]})
			}
		}
	}
	return out, nil
}
