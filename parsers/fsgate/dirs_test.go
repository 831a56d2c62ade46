//go:build unix

package fsgate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

// TestGatePolicyInDirectories: files below the top are looked up in their
// directory's own root (dirs.go); the policy and the errors are the tree
// root's, including links that climb out of their directory to elsewhere
// in the tree (allowed) or out of the tree (refused).
func TestGatePolicyInDirectories(t *testing.T) {
	watchdog.Start(t, 20*time.Second)
	root, outside := hostileTree(t)
	deep := filepath.Join(root, "sub", "deep")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "c.yaml"), []byte("c: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	link("../ok.yaml", "sub/up-in.yaml")
	link("../../sub/b.tf", "sub/deep/up-in.tf")
	link("../../outside/secret", "sub/up-out.yaml")
	link(filepath.Join(outside, "secret"), "sub/abs-out.yaml")
	link(filepath.Join(root, "ok.yaml"), "sub/abs-in.yaml")
	link("/dev/zero", "sub/zero.tf")
	link("sub", "lsub")
	g, err := New(root, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for range 2 { // the second round finds the directories open
		for _, c := range []struct {
			rel  string
			want error
		}{
			{"sub/b.tf", nil},
			{"sub/deep/c.yaml", nil},
			{"lsub/b.tf", nil},
			{"lsub/deep/c.yaml", nil},
			{"sub/up-in.yaml", nil},
			{"sub/deep/up-in.tf", nil},
			{"sub/abs-in.yaml", nil},
			{"sub/./deep/../b.tf", nil},
			{"sub/up-out.yaml", ErrOutside},
			{"sub/abs-out.yaml", ErrOutside},
			{"sub/zero.tf", ErrOutside},
			{"up/root/sub/b.tf", ErrOutside},
			{"sub/../../outside/secret", ErrOutside},
			{"sub/deep", ErrNotRegular},
			{"sub/missing.yaml", fs.ErrNotExist},
			{"nodir/missing.yaml", fs.ErrNotExist},
		} {
			b, err := g.ReadFile(c.rel)
			switch {
			case c.want == nil && (err != nil || len(b) == 0):
				t.Errorf("%s: read %d bytes, %v", c.rel, len(b), err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("%s: got %v, want %v", c.rel, err, c.want)
			case c.want != nil && !strings.Contains(err.Error(), c.rel):
				t.Errorf("%s: %v does not name the file", c.rel, err)
			}
			fi, serr := g.Stat(c.rel)
			if (c.want == nil || errors.Is(c.want, ErrNotRegular)) != (serr == nil) || serr == nil && fi == nil {
				t.Errorf("Stat %s: %v", c.rel, serr)
			}
		}
	}
}

// TestDirectoryLookupsKeepTheRootsLimits: a named pipe where a directory of
// the path should be never blocks (os.Root would open it as a directory
// root without O_DIRECTORY), and links spent on the directory and on the
// file count together, as the tree root counts them (8 in all).
func TestDirectoryLookupsKeepTheRootsLimits(t *testing.T) {
	watchdog.Start(t, 20*time.Second)
	root, _ := hostileTree(t)
	if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	chain := func(name, target string, n int) {
		for i := n; i > 0; i-- {
			next := target
			if i < n {
				next = fmt.Sprintf("%s%d", filepath.Base(name), i+1) // beside the link
			}
			if err := os.Symlink(next, filepath.Join(root, filepath.FromSlash(fmt.Sprintf("%s%d", name, i)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	chain("d", "sub", 5)      // d1 -> d2 -> ... -> d5 -> sub
	chain("sub/f", "b.tf", 5) // sub/f1 -> ... -> sub/f5 -> b.tf
	chain("sub/g", "b.tf", 2) // two links: within the budget with d's five
	g, err := New(root, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for range 2 {
		if _, err := g.ReadFile("pipe/x.yaml"); err == nil {
			t.Error("pipe/x.yaml: read through a named pipe")
		}
		if _, err := g.Stat("pipe/x.yaml"); err == nil {
			t.Error("pipe/x.yaml: statted through a named pipe")
		}
		if _, err := g.ReadFile("d1/f1"); !errors.Is(err, ErrLoop) {
			t.Errorf("d1/f1 (10 links): %v, want a link loop as the tree root says", err)
		}
		if _, err := g.Stat("d1/f1"); !errors.Is(err, ErrLoop) {
			t.Errorf("Stat d1/f1 (10 links): %v, want a link loop", err)
		}
		if b, err := g.ReadFile("d1/g1"); err != nil || len(b) == 0 {
			t.Errorf("d1/g1 (7 links): %q, %v", b, err)
		}
		if b, err := g.ReadFile("sub/f1"); err != nil || len(b) == 0 {
			t.Errorf("sub/f1 (5 links): %q, %v", b, err)
		}
	}
}

// TestOpenDirectoriesStayBounded reads files of many more directories than
// the gate keeps open, from several goroutines at once (evictions while a
// directory is in use), then checks that Close leaves no descriptor open.
func TestOpenDirectoriesStayBounded(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	dir := t.TempDir()
	const dirs, files = 3 * dirsOpen, 4
	for d := range dirs {
		for f := range files {
			p := filepath.Join(dir, fmt.Sprintf("d%02d", d), "x", fmt.Sprintf("f%d.yaml", f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := openFDs(t)
	g, err := New(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for round := range 20 {
				for i := range dirs * files {
					k := (i*7 + w*13 + round) % (dirs * files)
					rel := fmt.Sprintf("d%02d/x/f%d.yaml", k/files, k%files)
					b, err := g.ReadFile(rel)
					if err != nil || !strings.HasSuffix(string(b), filepath.FromSlash(rel)) {
						t.Errorf("%s: %q, %v", rel, b, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if n := len(g.dirs.m); n > dirsOpen {
		t.Errorf("%d directories open, want at most %d", n, dirsOpen)
	}
	g.Close()
	if before >= 0 {
		if after := openFDs(t); after > before {
			t.Errorf("%d descriptors open after Close, %d before", after, before)
		}
	}
}

// openFDs counts this process's open descriptors (-1 where /proc is not).
func openFDs(t *testing.T) int {
	if runtime.GOOS != "linux" {
		return -1
	}
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(es)
}
