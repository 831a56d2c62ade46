//go:build !unix

package fsgate

import "io/fs"

// ID identifies a file; where the platform gives no identity, none.
type ID struct{}

// IDOf is fi's identity; ok is false where the platform gives none.
func IDOf(fs.FileInfo) (ID, bool) { return ID{}, false }
