package fsgate

import (
	"os"
	"path"
	"sync"
)

// Every os.Root operation on a path walks it from the root one component
// at a time, opening and closing each directory on the way: statting and
// then opening apps/base/overlays/prod/pvc.yaml costs a dozen system calls
// before the file is read, and a repository of small manifests spends more
// time there than parsing. The gate therefore keeps a few of the
// directories it has just used open, as os.Roots of their own (opened
// through the tree's root, so confined like it), and looks a file up in
// its directory's root: one system call. A lookup that fails there for any
// reason (a link that climbs out of that directory to elsewhere in the
// tree, a missing file) is done again from the tree's root, and so is any
// lookup whose last component is a link: os.Root follows at most 8 links
// an operation, and a directory's root would grant 8 more. A directory is
// statted before it is opened as a root, since os.Root opens it without
// O_DIRECTORY and a named pipe there would block the scan. The results and
// errors are the tree root's. (A directory kept open that is renamed away
// while the scan runs is still read where it went; the gate guards against
// what a tree holds, not against a tree changed while it is scanned.)

// dirsOpen is how many directories one gate keeps open: the manifest
// workers read files in sorted order, so the directories they are in are
// few at any time.
const dirsOpen = 16

type dirCache struct {
	mu   sync.Mutex
	tick uint64
	m    map[string]*openDir
}

type openDir struct {
	root *os.Root
	refs int
	used uint64
	gone bool // evicted: closed when the last user releases it
}

// inDir returns the root of rel's directory and rel's name in it, with a
// release function, or ok false when rel is at the top of the tree or the
// directory cannot be opened (the caller then uses the tree's root).
func (g *Gate) inDir(rel string) (r *os.Root, name string, release func(), ok bool) {
	dir, name := path.Split(path.Clean(rel))
	if dir == "" || g.dirs == nil || name == "" || name == "." || name == ".." {
		return nil, "", nil, false
	}
	dir = dir[:len(dir)-1]
	c := g.dirs
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	d := c.m[dir]
	if d == nil {
		if fi, err := g.root.Stat(native(dir)); err != nil || !fi.IsDir() {
			return nil, "", nil, false
		}
		sub, err := g.root.OpenRoot(native(dir))
		if err != nil {
			return nil, "", nil, false
		}
		if c.m == nil {
			c.m = map[string]*openDir{}
		}
		if len(c.m) >= dirsOpen {
			c.evict()
		}
		d = &openDir{root: sub}
		c.m[dir] = d
	}
	d.refs++
	d.used = c.tick
	return d.root, name, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		d.refs--
		if d.gone && d.refs == 0 {
			d.root.Close()
		}
	}, true
}

// evict drops the least recently used directory; one still in use is
// closed by its last user.
func (c *dirCache) evict() {
	var oldest string
	var at uint64
	for k, d := range c.m {
		if oldest == "" || d.used < at {
			oldest, at = k, d.used
		}
	}
	d := c.m[oldest]
	delete(c.m, oldest)
	d.gone = true
	if d.refs == 0 {
		d.root.Close()
	}
}

// close closes every directory kept open.
func (c *dirCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, d := range c.m {
		delete(c.m, k)
		d.gone = true
		if d.refs == 0 {
			d.root.Close()
		}
	}
}

// stat is root.Stat(rel), looked up in rel's directory when it can be;
// direct says it was, and that rel's last component is no link.
func (g *Gate) stat(rel string) (fi os.FileInfo, direct bool, err error) {
	if r, name, release, ok := g.inDir(rel); ok {
		fi, err := r.Lstat(name)
		release()
		if err == nil && fi.Mode()&os.ModeSymlink == 0 {
			return fi, true, nil
		}
	}
	fi, err = g.root.Stat(native(rel))
	return fi, false, err
}

// openFile is root.OpenFile(rel, flag, 0), opened in rel's directory when
// stat found it there (direct).
func (g *Gate) openFile(rel string, flag int, direct bool) (*os.File, error) {
	if !direct {
		return g.root.OpenFile(native(rel), flag, 0)
	}
	if r, name, release, ok := g.inDir(rel); ok {
		f, err := r.OpenFile(name, flag, 0)
		release()
		if err == nil {
			return f, nil
		}
	}
	return g.root.OpenFile(native(rel), flag, 0)
}
