//go:build unix

package fsgate

import (
	"io/fs"
	"syscall"
)

// ID identifies a file whatever the path it was reached by (device and
// inode), so a file reached through a link is taken once.
type ID struct{ dev, ino uint64 }

// IDOf is fi's identity; ok is false where the platform gives none.
func IDOf(fi fs.FileInfo) (id ID, ok bool) {
	if st, isStat := fi.Sys().(*syscall.Stat_t); isStat {
		return ID{uint64(st.Dev), uint64(st.Ino)}, true
	}
	return ID{}, false
}
