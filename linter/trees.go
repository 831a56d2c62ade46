package linter

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/parsers/fsgate"
)

// tree is a directory tree scanned through one gate: the root, or a path
// named on the command line outside it.
type tree struct {
	gate *fsgate.Gate
	// display is "" for the root tree (paths are shown relative to it) and
	// the absolute slash path of the tree's directory otherwise.
	display string
}

// show is how rel, a path inside the tree, appears in reports.
func (t *tree) show(rel string) string {
	if t.display == "" {
		return rel
	}
	if rel == "." {
		return t.display
	}
	return path.Join(t.display, rel)
}

// trees are the gates of one scan.
type trees struct {
	max     int64
	root    *tree
	outside map[string]*tree // by display
}

func openTrees(root string, max int64) (*trees, error) {
	g, err := fsgate.New(root, max)
	if err != nil {
		return nil, err
	}
	return &trees{max: max, root: &tree{gate: g}, outside: map[string]*tree{}}, nil
}

// at returns the tree of the absolute directory dir outside the root.
func (ts *trees) at(dir string) (*tree, error) {
	display := filepath.ToSlash(filepath.Clean(dir))
	if t := ts.outside[display]; t != nil {
		return t, nil
	}
	g, err := fsgate.New(dir, ts.max)
	if err != nil {
		return nil, err
	}
	t := &tree{gate: g, display: display}
	ts.outside[display] = t
	return t, nil
}

// locate finds the tree of a reported path and the path inside it: a
// relative path is in the root; an absolute one in the outside tree with
// the longest matching directory.
func (ts *trees) locate(shown string) (*tree, string) {
	if !strings.HasPrefix(shown, "/") {
		return ts.root, shown
	}
	var best *tree
	for d, t := range ts.outside {
		if (shown == d || strings.HasPrefix(shown, strings.TrimSuffix(d, "/")+"/")) && (best == nil || len(d) > len(best.display)) {
			best = t
		}
	}
	if best == nil {
		return nil, shown
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(shown, best.display), "/")
	if rel == "" {
		rel = "."
	}
	return best, rel
}

// list is the outside trees in display order.
func (ts *trees) list() []*tree {
	var out []*tree
	for _, t := range ts.outside {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].display < out[j].display })
	return out
}

func (ts *trees) close() {
	ts.root.gate.Close()
	for _, t := range ts.outside {
		t.gate.Close()
	}
}
