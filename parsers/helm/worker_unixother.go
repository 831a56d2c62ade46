//go:build unix && !linux

package helm

import "syscall"

// Only Linux has a parent-death signal; elsewhere a worker exits when its
// request pipe closes, which happens when pvlint exits.
func setParentDeathSignal(*syscall.SysProcAttr) {}
