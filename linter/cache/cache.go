// Package cache keeps the parsed result of expensive units (a rendered Helm
// chart) between runs (--cache DIR), so that a pull request that touches one
// chart of twenty re-renders only that chart.
//
// An entry is found by a key over everything the caller knows affects the
// unit (pvlint's own build, the options, the unit's path, inputs read from
// outside the tree) and holds what the render read through the file gate
// (every file, directory listing, stat and link, as the gate's observer
// heard it) with a digest of their contents. An entry is used only when the
// same paths digest the same way now: a changed, added or removed file the
// render looked at is a miss. Results are byte-identical with and without
// the cache; a damaged or foreign entry is a miss, never an error.
//
// The cache is pvlint's own state, never input: a directory inside a
// scanned tree is refused by the caller (a pull request could commit
// entries that claim its charts render clean).
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
)

// format changes whenever an entry's layout does.
const format = "pvlint-cache-3"

// Cache is a directory of entries.
type Cache struct {
	dir   string
	build string // identifies the pvlint binary

	mu           sync.Mutex
	hits, misses int
}

// Stats counts the lookups of this run that found an entry and those that
// did not.
func (c *Cache) Stats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func (c *Cache) count(hit bool) {
	c.mu.Lock()
	if hit {
		c.hits++
	} else {
		c.misses++
	}
	c.mu.Unlock()
}

// Open uses dir (created when missing) for a binary identified by build.
func Open(dir, build string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	return &Cache{dir: dir, build: build}, nil
}

// BuildID identifies the running binary: the SHA-256 of its executable, so
// that any change to pvlint's code (a development build has no version to
// go by) uses new entries.
func BuildID() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Key hashes parts into an entry key; parts are length-prefixed so that no
// two lists of parts share a key.
func (c *Cache) Key(parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{format, c.build}, parts...) {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Recorder collects what a unit read through a gate (Observed).
type Recorder struct {
	mu   sync.Mutex
	deps map[dep]bool
}

type dep struct {
	Op  fsgate.Op
	Rel string
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{deps: map[dep]bool{}} }

// Observe is the gate observer (fsgate.Gate.Observed).
func (r *Recorder) Observe(op fsgate.Op, rel string) {
	r.mu.Lock()
	r.deps[dep{op, rel}] = true
	r.mu.Unlock()
}

func (r *Recorder) list() []dep {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]dep, 0, len(r.deps))
	for d := range r.deps {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b dep) int {
		if a.Rel != b.Rel {
			return strings.Compare(a.Rel, b.Rel)
		}
		return int(a.Op) - int(b.Op)
	})
	return out
}

// digest is what the paths hold now, read through g as the render read
// them: contents for files, names and types for directories, type and size
// for stats, targets for links, and the error when there is one.
func digest(g *fsgate.Gate, deps []dep) string {
	h := sha256.New()
	for _, d := range deps {
		fmt.Fprintf(h, "%d %q ", d.Op, d.Rel)
		switch d.Op {
		case fsgate.OpRead:
			b, err := g.ReadFile(d.Rel)
			if err != nil {
				fmt.Fprintf(h, "error %q\n", errText(err))
				continue
			}
			sum := sha256.Sum256(b)
			fmt.Fprintf(h, "%x\n", sum)
		case fsgate.OpDir:
			es, err := g.ReadDir(d.Rel)
			if err != nil {
				fmt.Fprintf(h, "error %q\n", errText(err))
				continue
			}
			for _, e := range es {
				fmt.Fprintf(h, "%q:%v ", e.Name(), e.Type())
			}
			h.Write([]byte("\n"))
		case fsgate.OpStat:
			fi, err := g.Stat(d.Rel)
			if err != nil {
				fmt.Fprintf(h, "error %q\n", errText(err))
				continue
			}
			fmt.Fprintf(h, "%v %d\n", fi.Mode().Type(), fi.Size())
		case fsgate.OpLink:
			t, err := g.Readlink(d.Rel)
			fmt.Fprintf(h, "%q %q\n", t, errText(err))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// entry is what a file of the cache holds.
type entry struct {
	Format string
	Deps   []dep
	Digest string
	Result parsers.Result
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".gob") }

// Get returns the result stored under key if what it depended on is
// unchanged in g.
func (c *Cache) Get(key string, g *fsgate.Gate) (parsers.Result, bool) {
	r, ok := c.get(key, g)
	c.count(ok)
	return r, ok
}

func (c *Cache) get(key string, g *fsgate.Gate) (parsers.Result, bool) {
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return parsers.Result{}, false
	}
	var e entry
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&e); err != nil || e.Format != format {
		return parsers.Result{}, false
	}
	if digest(g, e.Deps) != e.Digest {
		return parsers.Result{}, false
	}
	return e.Result, true
}

// Put stores res under key with what rec heard the render read through g.
// A failure to write is not an error of the scan: the next run renders
// again.
func (c *Cache) Put(key string, g *fsgate.Gate, rec *Recorder, res parsers.Result) {
	deps := rec.list()
	e := entry{Format: format, Deps: deps, Digest: digest(g, deps), Result: res}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&e); err != nil {
		return
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".entry-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b.Bytes())
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}
