package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultKubeVersion is the Kubernetes version a scan targets when none is
// given (--kube-version): a current release. Helm renders charts for it and
// version-dependent rules (PVL205) judge by it.
const DefaultKubeVersion = "v1.34.0"

// KubeVersion is a Kubernetes release: major, minor, patch.
type KubeVersion struct{ Major, Minor, Patch int }

// ParseKubeVersion reads "v1.21.4", "1.21.4" or "1.21" (patch 0); a
// pre-release or build suffix ("1.29.3-eks-1", "v1.30.0+k3s1") is ignored.
func ParseKubeVersion(s string) (KubeVersion, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(t, "-+"); i >= 0 {
		t = t[:i]
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return KubeVersion{}, fmt.Errorf("%q is not a Kubernetes version (want v1.MINOR or v1.MINOR.PATCH)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return KubeVersion{}, fmt.Errorf("%q is not a Kubernetes version (want v1.MINOR or v1.MINOR.PATCH)", s)
		}
		n[i] = v
	}
	return KubeVersion{n[0], n[1], n[2]}, nil
}

// Less reports whether v is an older release than o.
func (v KubeVersion) Less(o KubeVersion) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

func (v KubeVersion) String() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }
