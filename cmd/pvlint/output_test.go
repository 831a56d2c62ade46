package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

// TestOutputNeverReplacesWhatIsNotARegularFile: -o writes devices and pipes
// in place, follows a link to its target, and renames only over regular
// files. /dev/null stays a device even when the tests run as root.
func TestOutputNeverReplacesWhatIsNotARegularFile(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	root := tree(t, map[string]string{"pod.yaml": hostPathPod})

	before, err := os.Stat("/dev/null")
	if err != nil {
		t.Skip("no /dev/null")
	}
	code, _, errb := pvlint(t, root, "", "--format", "json", "-o", "/dev/null", ".")
	if code != 1 {
		t.Errorf("-o /dev/null: exit %d (%s)", code, errb)
	}
	after, err := os.Stat("/dev/null")
	if err != nil || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
		t.Fatalf("/dev/null is no longer the same character device: %v %v", after.Mode(), err)
	}
	if m, _ := filepath.Glob("/dev/.null.*"); len(m) > 0 {
		t.Errorf("temporary files left in /dev: %v", m)
	}

	// A named pipe: written in place to whoever reads it; still a pipe.
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	mkfifo(t, fifo)
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if code, _, errb := pvlint(t, root, "", "--format", "json", "-o", fifo, "."); code != 1 {
		t.Errorf("-o fifo: exit %d (%s)", code, errb)
	}
	if s := <-got; !strings.Contains(s, `"PVL201"`) {
		t.Errorf("the pipe's reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v %v", fi.Mode(), err)
	}

	// A symbolic link: the target is written (atomically), the link stays.
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	symlink(t, "real.json", link)
	if code, _, errb := pvlint(t, root, "", "--format", "json", "-o", link, "."); code != 1 {
		t.Errorf("-o link: exit %d (%s)", code, errb)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	b, _ := os.ReadFile(target)
	if !strings.Contains(string(b), `"PVL201"`) {
		t.Errorf("the link's target holds %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("the target's mode became %v; the file's own mode is kept", fi.Mode().Perm())
	}

	// A regular file already there (the previous run's report) is replaced
	// whole, and neither it nor the temporary file is left beside it.
	prev := filepath.Join(dir, "prev.json")
	if err := os.WriteFile(prev, []byte(strings.Repeat("old report\n", 100000)), 0o640); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if code, _, errb := pvlint(t, root, "", "--format", "json", "-o", prev, "."); code != 1 {
			t.Errorf("-o existing file: exit %d (%s)", code, errb)
		}
	}
	if b, _ := os.ReadFile(prev); !strings.Contains(string(b), `"PVL201"`) || strings.Contains(string(b), "old report") {
		t.Errorf("the existing report was not replaced whole: %.200q", b)
	}
	if fi, _ := os.Stat(prev); fi.Mode().Perm() != 0o640 {
		t.Errorf("the existing report's mode became %v", fi.Mode().Perm())
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left beside the reports: %v", m)
	}

	// A dangling link is written through to its target.
	dangling := filepath.Join(dir, "later.json")
	symlink(t, "sub-later.json", dangling)
	if code, _, _ := pvlint(t, root, "", "--format", "json", "-o", dangling, "."); code != 1 {
		t.Errorf("-o dangling link: exit %d", code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sub-later.json")); !strings.Contains(string(b), `"PVL201"`) {
		t.Errorf("the dangling link's target holds %q", b)
	}

	// A directory is an error, and is left alone.
	if code, _, errb := pvlint(t, root, "", "-o", dir, "."); code != 2 || !strings.Contains(errb, "is a directory") {
		t.Errorf("-o directory: exit %d (%s)", code, errb)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		t.Errorf("the directory is gone: %v", err)
	}
}
