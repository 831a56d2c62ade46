// Package fsgate is the one gate through which pvlint opens input files.
// A Gate is rooted at a scanned tree (Go's os.Root, so no path or symbolic
// link can lead outside it) and opens regular files only: links that leave
// the tree or loop, devices, named pipes and sockets are refused with an
// error naming the cause, and a file over the byte limit is refused before
// it is read. Files are opened without blocking (a named pipe never hangs
// the scan) and read through a bounded reader (a file that grows while it
// is read, or reports no size, still stops at the limit).
//
// Discovery, the manifest reader, Terraform's loader (files, variables
// files, file(), local modules), Helm's chart loading and Kustomize all read
// through a Gate; FS gives the same policy as an fs.FS.
package fsgate

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/pvlint/pvlint/parsers/limits"
)

// Errors a Gate gives (wrapped in *fs.PathError naming the path relative to
// the gate's root). Test them with errors.Is.
var (
	// ErrOutside: a symbolic link (or ..) leads outside the scanned tree.
	ErrOutside = errors.New("symbolic link points outside the scanned tree; not followed")
	// ErrLoop: a symbolic link loop or a chain too long to resolve.
	ErrLoop = errors.New("symbolic link loop (or too many levels of links); not followed")
	// ErrNotRegular is matched by every *NotRegularError.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is matched by every *TooLargeError.
	ErrTooLarge = errors.New("file over the byte limit")
)

// NotRegularError is a path that is a device, named pipe, socket or
// directory where a regular file was expected.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string {
	return "not a regular file (" + kind(e.Mode) + "); not read"
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "an irregular file"
}

// TooLargeError is a file over the gate's byte limit.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string { return limits.TooLarge(e.Size, e.Limit) }

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Cause is err without the path: the text to put after the file name in a
// report ("cannot read: " + Cause(err)).
func Cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Describe is the message for a read that failed, to put after the file
// name: the gate's own causes say what happened and that the file was not
// read; other failures are "cannot read: " and the system's cause.
func Describe(err error) string {
	if errors.Is(err, ErrOutside) || errors.Is(err, ErrLoop) || errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return Cause(err)
	}
	return "cannot read: " + Cause(err)
}

// Gate opens files inside one directory tree.
type Gate struct {
	root *os.Root
	dir  string
	real string // dir with its own links resolved
	max  int64
	// obs, when set, hears every path read through the gate (Observed).
	obs       func(op Op, rel string)
	obsPrefix string    // the path of a Sub gate's directory in the observed gate
	dirs      *dirCache // directories kept open (dirs.go), shared by Observed views
}

// Op is what an observer is told was done with a path.
type Op uint8

const (
	OpRead Op = iota // a file was opened for reading
	OpDir            // a directory was listed
	OpStat           // a path was looked at (Stat, Lstat, IsDir)
	OpLink           // a symbolic link was read
)

// Observed returns a view of the gate that calls fn with every path read
// through it (and through its Sub gates, with paths relative to this one),
// for a cache that must know what a render depended on. fn may be called
// from several goroutines. The view shares the gate's directory: close the
// gate, never the view.
func (g *Gate) Observed(fn func(op Op, rel string)) *Gate {
	c := *g
	c.obs, c.obsPrefix = fn, ""
	return &c
}

func (g *Gate) observe(op Op, rel string) {
	if g.obs != nil {
		g.obs(op, path.Join(g.obsPrefix, rel))
	}
}

// New opens a gate at dir (symbolic links in dir itself are followed: it is
// the tree the user chose) with a per-file byte limit (<= 0: the default).
func New(dir string, maxBytes int64) (*Gate, error) {
	if maxBytes <= 0 {
		maxBytes = limits.FileBytes
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	return &Gate{root: r, dir: abs, real: real, max: maxBytes, dirs: &dirCache{}}, nil
}

// Dir is the absolute directory of the tree.
func (g *Gate) Dir() string { return g.dir }

// MaxBytes is the per-file byte limit.
func (g *Gate) MaxBytes() int64 { return g.max }

// Close releases the tree's directory.
func (g *Gate) Close() error {
	g.dirs.close()
	return g.root.Close()
}

// native turns a slash path relative to the root into the platform's form.
func native(rel string) string {
	if rel == "" {
		return "."
	}
	return filepath.FromSlash(path.Clean(rel))
}

// wrap gives os.Root's errors the gate's causes, naming rel.
func wrap(op, rel string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	inner := err
	if errors.As(err, &pe) {
		inner = pe.Err
	}
	switch {
	case inner.Error() == "path escapes from parent": // os.Root's unexported errPathEscapes
		inner = ErrOutside
	case errors.Is(inner, syscall.ELOOP):
		inner = ErrLoop
	}
	return &fs.PathError{Op: op, Path: rel, Err: inner}
}

// Lstat describes rel without following a final symbolic link.
func (g *Gate) Lstat(rel string) (fs.FileInfo, error) {
	g.observe(OpStat, rel)
	fi, err := g.root.Lstat(native(rel))
	return fi, wrap("lstat", rel, err)
}

// Stat describes rel, following symbolic links that stay inside the tree.
func (g *Gate) Stat(rel string) (fs.FileInfo, error) {
	g.observe(OpStat, rel)
	_, fi, _, err := g.resolve(rel)
	return fi, err
}

// maxHops bounds the absolute links followed for one path (as the kernel's
// 40 for symbolic links).
const maxHops = 40

// resolve stats rel and returns the path to open it by, and whether it was
// found in its directory's own root as no link (so that opening it there
// follows no link either, see dirs.go). os.Root refuses
// every absolute link; a final absolute link whose target lies inside the
// tree (tools write such links) is followed by its path relative to the
// root, which os.Root then checks again like any other.
func (g *Gate) resolve(rel string) (string, fs.FileInfo, bool, error) {
	orig := rel
	for hop := 0; ; hop++ {
		fi, direct, err := g.stat(rel)
		if err == nil {
			return rel, fi, direct, nil
		}
		err = wrap("stat", orig, err)
		if !errors.Is(err, ErrOutside) {
			return "", nil, false, err
		}
		target, lerr := g.root.Readlink(native(rel))
		if lerr != nil || !filepath.IsAbs(target) {
			return "", nil, false, err
		}
		next, ok := g.within(target)
		if !ok {
			return "", nil, false, err
		}
		if hop == maxHops {
			return "", nil, false, &fs.PathError{Op: "stat", Path: orig, Err: ErrLoop}
		}
		rel = next
	}
}

// Rel is the absolute path p relative to the tree (a slash path), when p
// is inside it; the tree's directory is matched as given and resolved.
func (g *Gate) Rel(p string) (string, bool) { return g.within(p) }

// within is the absolute path p relative to the tree, when it is inside.
func (g *Gate) within(p string) (string, bool) {
	for _, base := range []string{g.dir, g.real} {
		if r, ok := Below(base, p); ok {
			return r, true
		}
	}
	return "", false
}

// Below is p relative to dir as a slash path, when p is dir or below it,
// by the cleaned paths alone (links are the gate's business once a file is
// read through it). Both are absolute, or both relative to one directory.
func Below(dir, p string) (string, bool) {
	r, err := filepath.Rel(dir, filepath.Clean(p))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// IsDir reports whether rel is a directory inside the tree (links followed).
func (g *Gate) IsDir(rel string) bool {
	fi, err := g.Stat(rel)
	return err == nil && fi.IsDir()
}

// File is an open regular file of a gate, read through a bounded reader.
type File struct {
	f    *os.File
	info fs.FileInfo
	lr   io.LimitedReader
	rel  string
	max  int64
}

func (f *File) Read(p []byte) (int, error) {
	n, err := f.lr.Read(p)
	if err == io.EOF && f.lr.N <= 0 {
		// The limit was reached: more bytes may follow (a file that grew
		// or reported no size). One more byte decides.
		var b [1]byte
		if m, _ := f.f.Read(b[:]); m > 0 {
			return n, &fs.PathError{Op: "read", Path: f.rel, Err: &TooLargeError{Size: f.max + 1, Limit: f.max}}
		}
	}
	return n, err
}

// Seek repositions the file; the byte budget restarts from the new offset.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	off, err := f.f.Seek(offset, whence)
	if err == nil {
		f.lr.N = f.max - off
	}
	return off, err
}

// Stat describes the open file (fstat).
func (f *File) Stat() (fs.FileInfo, error) { return f.info, nil }

// Size is the file's size when it was opened.
func (f *File) Size() int64 { return f.info.Size() }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// checkRegular refuses anything but a regular file within the limit.
func (g *Gate) checkRegular(rel string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "open", Path: rel, Err: &NotRegularError{Mode: fi.Mode()}}
	}
	if fi.Size() > g.max {
		return &fs.PathError{Op: "open", Path: rel, Err: &TooLargeError{Size: fi.Size(), Limit: g.max}}
	}
	return nil
}

// Open opens the regular file rel for reading. The type is checked before
// opening (so no device is ever opened) and again on the open file (so a
// file swapped in between is caught); the open never blocks.
func (g *Gate) Open(rel string) (*File, error) {
	g.observe(OpRead, rel)
	at, fi, direct, err := g.resolve(rel)
	if err != nil {
		return nil, err
	}
	if err := g.checkRegular(rel, fi); err != nil {
		return nil, err
	}
	f, err := g.openFile(at, os.O_RDONLY|openFlags, direct)
	if err != nil {
		return nil, wrap("open", rel, err)
	}
	fi, err = f.Stat()
	if err == nil {
		err = g.checkRegular(rel, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	file := &File{f: f, info: fi, rel: rel, max: g.max}
	file.lr = io.LimitedReader{R: f, N: g.max}
	return file, nil
}

// ReadFile reads the regular file rel whole.
func (g *Gate) ReadFile(rel string) ([]byte, error) {
	f, err := g.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadAll()
}

// ReadAll reads the rest of the file, within the limit.
func (f *File) ReadAll() ([]byte, error) {
	buf := make([]byte, 0, f.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// ReadDir lists the directory rel, sorted by name. Entries are not
// followed: a symbolic link is listed as one (fs.ModeSymlink).
func (g *Gate) ReadDir(rel string) ([]fs.DirEntry, error) {
	g.observe(OpDir, rel)
	d, err := g.openDir(rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	es, err := d.ReadDir(-1)
	sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
	return es, wrap("readdir", rel, err)
}

func (g *Gate) openDir(rel string) (*os.File, error) {
	at, fi, _, err := g.resolve(rel)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: rel, Err: syscall.ENOTDIR}
	}
	d, err := g.root.OpenFile(native(at), os.O_RDONLY|openFlags|dirFlag, 0)
	return d, wrap("open", rel, err)
}

// Readlink returns the target of the symbolic link rel.
func (g *Gate) Readlink(rel string) (string, error) {
	g.observe(OpLink, rel)
	t, err := g.root.Readlink(native(rel))
	return t, wrap("readlink", rel, err)
}

// Sub is a gate for the directory rel inside this one, with the same limit
// (the subtree is all it can reach).
func (g *Gate) Sub(rel string) (*Gate, error) {
	if !g.IsDir(rel) {
		if _, err := g.Stat(rel); err != nil {
			return nil, err
		}
		return nil, &fs.PathError{Op: "open", Path: rel, Err: syscall.ENOTDIR}
	}
	r, err := g.root.OpenRoot(native(rel))
	if err != nil {
		return nil, wrap("open", rel, err)
	}
	dir := filepath.Join(g.dir, native(rel))
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	return &Gate{root: r, dir: dir, real: real, max: g.max, obs: g.obs, obsPrefix: path.Join(g.obsPrefix, rel)}, nil // no directories kept open: a Sub gate is seldom closed
}

// String names the gate for debugging.
func (g *Gate) String() string { return fmt.Sprintf("fsgate(%s, %d bytes)", g.dir, g.max) }

// ReadNamed reads a file the user named on the command line (--var-file,
// --values), a path from the working directory or absolute. Inside g's
// tree it is read through g (the tree's policy holds: a pull request can
// turn a named file into a link); elsewhere through a gate at its own
// directory. Either way it must be a regular file within the limit.
func ReadNamed(g *Gate, name string) ([]byte, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	if g != nil {
		if rel, ok := g.Rel(abs); ok {
			b, err := g.ReadFile(rel)
			return b, renamed(err, name)
		}
	}
	max := limits.FileBytes
	if g != nil {
		max = g.max
	}
	return ReadNamedLimit(name, max)
}

// ReadNamedLimit is ReadNamed outside any tree, with its own byte limit.
func ReadNamedLimit(name string, max int64) ([]byte, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	dir, err := New(filepath.Dir(abs), max)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	b, err := dir.ReadFile(filepath.Base(abs))
	return b, renamed(err, name)
}

// renamed makes a gate error name the path as the user gave it.
func renamed(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

// ReadUserFile reads a file the user named for pvlint's own settings
// (--config, --baseline): their choice, so a device such as /dev/null is
// read like a file, but the open never blocks (a named pipe without a
// writer reads as empty) and the read stops at max bytes (/dev/zero is an
// error, not an endless read). Errors keep fs.ErrNotExist.
func ReadUserFile(name string, max int64) ([]byte, error) {
	if max <= 0 {
		max = limits.FileBytes
	}
	f, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &NotRegularError{Mode: fi.Mode()}}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		if errors.Is(err, syscall.EAGAIN) {
			return nil, nil // a pipe with a writer that has not written: nothing yet
		}
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Size: max + 1, Limit: max}}
	}
	return b, nil
}
