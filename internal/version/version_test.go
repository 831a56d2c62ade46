package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := func(rev, mod string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: mod}}
	}
	for _, c := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, Base},
		{"go build in a checkout", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123456789abcdef0123456789abcdef01234567", "false")},
			Base + " (commit 0123456789ab)"},
		{"uncommitted changes", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123456789abcdef", "true")},
			Base + " (commit 0123456789ab, modified)"},
		{"pseudo-version from VCS", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201084044-0123456789ab+dirty"}, Settings: vcs("0123456789abcdef", "true")},
			Base + " (commit 0123456789ab, modified)"},
		{"pre-release pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261201084044-0123456789ab"}},
			Base},
		{"-buildvcs=false", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, Base},
		{"go install @v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
	} {
		if got := fromBuildInfo(c.bi).String(); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
