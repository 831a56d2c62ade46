package suppress

import (
	"fmt"
	"path"
	"strings"
)

// Glob matches slash-separated paths (and resource identities such as
// Deployment/prod/web): *, ? and [...] match within one segment as in
// path.Match, and a whole segment ** matches any number of segments,
// none included. Patterns are anchored at the repository root: write
// **/NAME to match at any depth.
type Glob struct {
	pattern string
	segs    []string
}

// CompileGlob checks a pattern. A leading "./" and a trailing "/" are
// dropped, so "charts/legacy/" and "./charts/legacy" mean the directory.
func CompileGlob(pattern string) (*Glob, error) {
	p := strings.TrimSpace(pattern)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, fmt.Errorf("empty pattern %q", pattern)
	}
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if s == "**" {
			continue
		}
		if _, err := path.Match(s, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %v", pattern, err)
		}
	}
	return &Glob{pattern: pattern, segs: segs}, nil
}

// MustGlob is CompileGlob for patterns known to be valid.
func MustGlob(pattern string) *Glob {
	g, err := CompileGlob(pattern)
	if err != nil {
		panic(err)
	}
	return g
}

func (g *Glob) String() string { return g.pattern }

// Match reports whether the whole of p matches.
func (g *Glob) Match(p string) bool {
	return matchSegs(g.segs, strings.Split(strings.TrimPrefix(p, "./"), "/"))
}

// MatchUnder reports whether p or one of its parent directories matches,
// so a directory pattern covers everything below it.
func (g *Glob) MatchUnder(p string) bool {
	segs := strings.Split(strings.TrimPrefix(p, "./"), "/")
	for n := len(segs); n > 0; n-- {
		if matchSegs(g.segs, segs[:n]) {
			return true
		}
	}
	return false
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(segs); i++ {
				if matchSegs(rest, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}
