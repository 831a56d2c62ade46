package kustomize

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/pvlint/pvlint/linter/graph"
)

// Files is how the Kustomize renderer reads the scanned tree: regular files
// and directories inside the scanned root only, named by slash paths
// relative to it. It is the seam to pvlint's one file-access gate.
type Files interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// cachedFiles remembers file contents and file information for one scan:
// bases shared by many overlays are read once, and an include edge that
// many roots follow is looked up once.
type cachedFiles struct {
	Files
	mu    sync.Mutex
	files map[string]cached
	stats map[string]cachedStat
}

type cached struct {
	data []byte
	err  error
}

type cachedStat struct {
	fi  fs.FileInfo
	err error
}

func newCache(f Files) *cachedFiles {
	return &cachedFiles{Files: f, files: map[string]cached{}, stats: map[string]cachedStat{}}
}

func (c *cachedFiles) Stat(name string) (fs.FileInfo, error) {
	c.mu.Lock()
	e, ok := c.stats[name]
	c.mu.Unlock()
	if ok {
		return e.fi, e.err
	}
	fi, err := c.Files.Stat(name)
	c.mu.Lock()
	c.stats[name] = cachedStat{fi, err}
	c.mu.Unlock()
	return fi, err
}

func (c *cachedFiles) ReadFile(name string) ([]byte, error) {
	c.mu.Lock()
	e, ok := c.files[name]
	c.mu.Unlock()
	if ok {
		return e.data, e.err
	}
	data, err := c.Files.ReadFile(name)
	c.mu.Lock()
	c.files[name] = cached{data, err}
	c.mu.Unlock()
	return data, err
}

// mount is where the scanned root appears to Kustomize. Paths that clean to
// anything outside it have left the scanned tree.
const mount = "/pvlint-scan"

// errOutside is the cause given for a path that leaves the scanned tree.
var errOutside = errors.New("outside the scanned tree; pvlint does not read it")

// vfs is the filesys.FileSystem Kustomize renders from: read-only, over
// Files, with the in-memory versions of the files pvlint rewrites for the
// render (kustomization files with origin annotations on, remote
// references and helmCharts taken out; rendered Helm charts). Nothing is
// ever written into the user's tree: every write fails.
type vfs struct {
	files Files
	// rewrite, when set, is given every file read and may return a
	// replacement (for kustomization files).
	rewrite func(rel string, data []byte) ([]byte, error)

	mu       sync.Mutex
	virtual  map[string][]byte // extra files, by repo-relative path
	read     map[string]bool   // every file Kustomize read
	rewrites map[string][]byte // results of rewrite, so a file reads the same twice

	helm         map[string][]*graph.Resource // rendered chart files: the chart's objects in order
	helmComments []graph.Comment
}

func newVFS(files Files) *vfs {
	return &vfs{files: files, virtual: map[string][]byte{}, read: map[string]bool{}, rewrites: map[string][]byte{}}
}

var _ filesys.FileSystem = (*vfs)(nil)

// rel turns a Kustomize path into a repo-relative slash path.
func (v *vfs) rel(p string) (string, error) {
	p = filepath.ToSlash(p)
	if !path.IsAbs(p) {
		p = path.Join(mount, p)
	}
	p = path.Clean(p)
	if p == mount {
		return ".", nil
	}
	if !strings.HasPrefix(p, mount+"/") {
		return "", &fs.PathError{Op: "open", Path: p, Err: errOutside}
	}
	return strings.TrimPrefix(p, mount+"/"), nil
}

func abs(rel string) string {
	if rel == "." || rel == "" {
		return mount
	}
	return mount + "/" + rel
}

func (v *vfs) addVirtual(rel string, data []byte) {
	v.mu.Lock()
	v.virtual[rel] = data
	v.mu.Unlock()
}

func (v *vfs) readRel(rel string) ([]byte, error) {
	v.mu.Lock()
	if d, ok := v.virtual[rel]; ok {
		v.mu.Unlock()
		return d, nil
	}
	if d, ok := v.rewrites[rel]; ok {
		v.mu.Unlock()
		return d, nil
	}
	v.mu.Unlock()
	data, err := v.files.ReadFile(rel)
	if err != nil {
		return nil, err
	}
	if v.rewrite != nil {
		if data, err = v.rewrite(rel, data); err != nil {
			return nil, err
		}
	}
	v.mu.Lock()
	v.read[rel] = true
	v.rewrites[rel] = data
	v.mu.Unlock()
	return data, nil
}

// ReadFiles returns the repo-relative paths Kustomize read, sorted.
func (v *vfs) readFiles() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, 0, len(v.read))
	for f := range v.read {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func (v *vfs) ReadFile(p string) ([]byte, error) {
	rel, err := v.rel(p)
	if err != nil {
		return nil, err
	}
	return v.readRel(rel)
}

func (v *vfs) Open(p string) (filesys.File, error) {
	data, err := v.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), name: path.Base(p), size: int64(len(data))}, nil
}

func (v *vfs) stat(rel string) (fs.FileInfo, error) {
	v.mu.Lock()
	d, ok := v.virtual[rel]
	v.mu.Unlock()
	if ok {
		return memInfo{name: path.Base(rel), size: int64(len(d))}, nil
	}
	return v.files.Stat(rel)
}

func (v *vfs) IsDir(p string) bool {
	rel, err := v.rel(p)
	if err != nil {
		return false
	}
	st, err := v.stat(rel)
	return err == nil && st.IsDir()
}

func (v *vfs) Exists(p string) bool {
	rel, err := v.rel(p)
	if err != nil {
		return false
	}
	_, err = v.stat(rel)
	return err == nil
}

func (v *vfs) ReadDir(p string) ([]string, error) {
	rel, err := v.rel(p)
	if err != nil {
		return nil, err
	}
	ents, err := v.files.ReadDir(rel)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	v.mu.Lock()
	for f := range v.virtual {
		if path.Dir(f) == rel {
			names = append(names, path.Base(f))
		}
	}
	v.mu.Unlock()
	sort.Strings(names)
	return names, nil
}

func (v *vfs) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	rel, err := v.rel(p)
	if err != nil {
		return "", "", err
	}
	st, err := v.stat(rel)
	if err != nil {
		return "", "", err
	}
	if st.IsDir() {
		return filesys.ConfirmedDir(abs(rel)), "", nil
	}
	return filesys.ConfirmedDir(abs(path.Dir(rel))), path.Base(rel), nil
}

func (v *vfs) Glob(pattern string) ([]string, error) {
	rel, err := v.rel(pattern)
	if err != nil {
		return nil, err
	}
	dir, base := path.Dir(rel), path.Base(rel)
	names, err := v.ReadDir(abs(dir))
	if err != nil {
		return nil, nil
	}
	var out []string
	for _, n := range names {
		if ok, _ := path.Match(base, n); ok {
			out = append(out, abs(path.Join(dir, n)))
		}
	}
	return out, nil
}

func (v *vfs) Walk(p string, fn filepath.WalkFunc) error {
	rel, err := v.rel(p)
	if err != nil {
		return fn(p, nil, err)
	}
	return v.walk(rel, fn)
}

func (v *vfs) walk(rel string, fn filepath.WalkFunc) error {
	st, err := v.stat(rel)
	if err != nil {
		return fn(abs(rel), nil, err)
	}
	if err := fn(abs(rel), st, nil); err != nil {
		if errors.Is(err, filepath.SkipDir) && st.IsDir() {
			return nil
		}
		return err
	}
	if !st.IsDir() {
		return nil
	}
	names, err := v.ReadDir(abs(rel))
	if err != nil {
		return fn(abs(rel), st, err)
	}
	for _, n := range names {
		if err := v.walk(path.Join(rel, n), fn); err != nil {
			return err
		}
	}
	return nil
}

var errReadOnly = errors.New("pvlint never writes into the scanned tree")

func (v *vfs) Create(p string) (filesys.File, error) {
	return nil, &fs.PathError{Op: "create", Path: p, Err: errReadOnly}
}
func (v *vfs) Mkdir(p string) error    { return &fs.PathError{Op: "mkdir", Path: p, Err: errReadOnly} }
func (v *vfs) MkdirAll(p string) error { return &fs.PathError{Op: "mkdir", Path: p, Err: errReadOnly} }
func (v *vfs) RemoveAll(p string) error {
	return &fs.PathError{Op: "remove", Path: p, Err: errReadOnly}
}
func (v *vfs) WriteFile(p string, _ []byte) error {
	return &fs.PathError{Op: "write", Path: p, Err: errReadOnly}
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Write([]byte) (int, error)  { return 0, errReadOnly }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (os.FileInfo, error) { return memInfo{name: f.name, size: f.size}, nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
