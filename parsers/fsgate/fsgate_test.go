//go:build unix

package fsgate

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

// hostileTree builds, at test time, the links and pipes that cannot be
// committed: a tree inside dir/root and a secret outside it.
func hostileTree(t *testing.T) (root, outside string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "root")
	outside = filepath.Join(dir, "outside")
	for _, d := range []string{root, outside, filepath.Join(root, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "ok.yaml"), "a: 1\n")
	write(filepath.Join(root, "sub", "b.tf"), "locals {}\n")
	write(filepath.Join(root, "big.yaml"), strings.Repeat("x", 100))
	write(filepath.Join(outside, "secret"), "TOKEN=1\n")
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	link("ok.yaml", "inside.yaml")
	link("../outside/secret", "rel-out.yaml")
	link(filepath.Join(outside, "secret"), "abs-out.yaml")
	link("/dev/zero", "zero.tf")
	link("loop2.yaml", "loop1.yaml")
	link("loop1.yaml", "loop2.yaml")
	link("..", "up")
	link(filepath.Join(root, "sub", "b.tf"), "abs-in.tf")
	link(filepath.Join(root, "abs-loop2"), "abs-loop1")
	link(filepath.Join(root, "abs-loop1"), "abs-loop2")
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.tf"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, outside
}

func TestGatePolicy(t *testing.T) {
	watchdog.Start(t, 20*time.Second)
	root, _ := hostileTree(t)
	g, err := New(root, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	cases := []struct {
		rel  string
		want error
		msg  string
	}{
		{"ok.yaml", nil, ""},
		{"inside.yaml", nil, ""},
		{"sub/b.tf", nil, ""},
		{"abs-in.tf", nil, ""},
		{"abs-loop1", ErrLoop, "symbolic link loop"},
		{"rel-out.yaml", ErrOutside, "points outside the scanned tree"},
		{"abs-out.yaml", ErrOutside, "points outside the scanned tree"},
		{"zero.tf", ErrOutside, "points outside the scanned tree"},
		{"up/root/ok.yaml", ErrOutside, "points outside the scanned tree"},
		{"../outside/secret", ErrOutside, "points outside the scanned tree"},
		{"loop1.yaml", ErrLoop, "symbolic link loop"},
		{"fifo.tf", ErrNotRegular, "not a regular file (a named pipe)"},
		{"sub", ErrNotRegular, "not a regular file (a directory)"},
		{"big.yaml", ErrTooLarge, "file is 100 bytes, over the 50-byte limit (--max-file-size)"},
		{"missing.yaml", fs.ErrNotExist, "no such file"},
	}
	for _, c := range cases {
		b, err := g.ReadFile(c.rel)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.rel, err)
			} else if len(b) == 0 {
				t.Errorf("%s: read nothing", c.rel)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.rel, err, c.want)
			continue
		}
		if !strings.Contains(Cause(err), c.msg) || !strings.Contains(err.Error(), c.rel) {
			t.Errorf("%s: message %q (cause %q), want it to name the file and %q", c.rel, err, Cause(err), c.msg)
		}
	}
	// The same policy through the fs.FS view and ReadDir/Stat.
	fsys := g.FS()
	if _, err := fs.ReadFile(fsys, "fifo.tf"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FS fifo: %v", err)
	}
	if _, err := fs.ReadFile(fsys, "rel-out.yaml"); !errors.Is(err, ErrOutside) {
		t.Errorf("FS outside: %v", err)
	}
	if _, err := fsys.Open("/etc/passwd"); err == nil {
		t.Error("FS opened an absolute path")
	}
	if _, err := g.ReadDir("up"); !errors.Is(err, ErrOutside) {
		t.Errorf("ReadDir through a link to the parent: %v", err)
	}
	es, err := g.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var links int
	for _, e := range es {
		if e.Type()&fs.ModeSymlink != 0 {
			links++
		}
	}
	if links != 10 {
		t.Errorf("ReadDir: %d symbolic links listed as links, want 10", links)
	}
}

// A file that holds more bytes than it said when opened stops at the limit.
func TestBoundedReader(t *testing.T) {
	root, _ := hostileTree(t)
	g, err := New(root, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := os.WriteFile(filepath.Join(root, "grow"), []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := g.Open("grow")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.WriteFile(filepath.Join(root, "grow"), []byte(strings.Repeat("y", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(f)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("read of a grown file: %v", err)
	}
}

func TestFSConformance(t *testing.T) {
	dir := t.TempDir()
	for p, s := range map[string]string{"a.yaml": "a", "d/b.tf": "b", "d/e/c.json": "{}"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g, err := New(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := fstest.TestFS(g.FS(), "a.yaml", "d/b.tf", "d/e/c.json"); err != nil {
		t.Fatal(err)
	}
}
