package fsgate

import (
	"io/fs"
	"os"
	"path"
)

// FS is the gate as an fs.FS (also fs.ReadFileFS, fs.ReadDirFS, fs.StatFS
// and fs.ReadLinkFS), for libraries that read through one: Helm's chart
// loading, a Kustomize file system. Names are slash paths relative to the
// root, as fs.ValidPath wants them. The policy is the gate's: opening a
// device, pipe, socket, an outside link or a file over the limit fails.
func (g *Gate) FS() fs.FS { return gateFS{g} }

type gateFS struct{ g *Gate }

func check(op, name string) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return nil
}

func (s gateFS) Open(name string) (fs.File, error) {
	if err := check("open", name); err != nil {
		return nil, err
	}
	fi, err := s.g.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		d, err := s.g.openDir(name)
		if err != nil {
			return nil, err
		}
		return dirFile{d}, nil
	}
	return s.g.Open(name)
}

// dirFile sorts ReadDir(-1), as fs.ReadDirFile users expect.
type dirFile struct{ *os.File }

func (d dirFile) ReadDir(n int) ([]fs.DirEntry, error) { return d.File.ReadDir(n) }

func (s gateFS) ReadFile(name string) ([]byte, error) {
	if err := check("readfile", name); err != nil {
		return nil, err
	}
	return s.g.ReadFile(name)
}

func (s gateFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := check("readdir", name); err != nil {
		return nil, err
	}
	return s.g.ReadDir(name)
}

func (s gateFS) Stat(name string) (fs.FileInfo, error) {
	if err := check("stat", name); err != nil {
		return nil, err
	}
	return s.g.Stat(name)
}

func (s gateFS) Lstat(name string) (fs.FileInfo, error) {
	if err := check("lstat", name); err != nil {
		return nil, err
	}
	return s.g.Lstat(name)
}

func (s gateFS) ReadLink(name string) (string, error) {
	if err := check("readlink", name); err != nil {
		return "", err
	}
	return s.g.Readlink(name)
}

func (s gateFS) Sub(dir string) (fs.FS, error) {
	if err := check("sub", dir); err != nil {
		return nil, err
	}
	if dir == "." {
		return s, nil
	}
	sub, err := s.g.Sub(path.Clean(dir))
	if err != nil {
		return nil, err
	}
	return gateFS{sub}, nil
}
