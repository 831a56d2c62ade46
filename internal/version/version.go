// Package version is the one place pvlint's version is written. The
// command prints it (--version, and in every report) with the commit it was
// built from, read from the Go build information.
package version

import (
	"runtime/debug"
	"strings"
)

// Base is the version of this source tree: the release being prepared,
// with "-dev" until it is tagged. No release is published yet; when one is,
// its tag (v0.1.0) and Base (0.1.0) agree, and the next change sets Base to
// the following "-dev".
const Base = "0.1.0-dev"

// Info is what a binary knows about its own build.
type Info struct {
	Version  string // Base, or the module version when built by go install MODULE@VERSION
	Commit   string // VCS revision from the build info; "" when unknown (go build -buildvcs=false, go install @version)
	Modified bool   // built from a work tree with uncommitted changes
}

// Read returns the running binary's Info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi)
}

func fromBuildInfo(bi *debug.BuildInfo) Info {
	in := Info{Version: Base}
	if bi == nil {
		return in
	}
	// go install github.com/pvlint/pvlint/cmd/pvlint@v1.2.3 stamps the
	// module version; a build inside a checkout says "(devel)" (or, since
	// Go 1.24, a pseudo-version derived from VCS, which Base replaces:
	// the source tree's own version is the one in this file).
	if v := bi.Main.Version; v != "" && v != "(devel)" && !isPseudo(v) && !strings.HasSuffix(v, "+dirty") {
		in.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// isPseudo reports whether v is a Go pseudo-version (vX.Y.Z-yyyymmddhhmmss-abcdefabcdef,
// or the pre-release form ...-0.yyyymmddhhmmss-abcdefabcdef).
func isPseudo(v string) bool {
	v = strings.TrimSuffix(v, "+dirty")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 {
		return false
	}
	j := strings.LastIndexAny(v[:i], "-.")
	if j < 0 || i-j-1 != 14 {
		return false
	}
	for _, c := range v[j+1:i] + v[i+1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// String is the version with the commit: "0.1.0-dev (commit 0123456789ab)",
// "0.1.0-dev (commit 0123456789ab, modified)", or "v0.1.0" alone when no
// commit is known.
func (in Info) String() string {
	if in.Commit == "" {
		return in.Version
	}
	c := in.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if in.Modified {
		c += ", modified"
	}
	return in.Version + " (commit " + c + ")"
}
