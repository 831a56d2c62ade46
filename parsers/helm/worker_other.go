//go:build !unix

package helm

import (
	"os"
	"syscall"
)

// Without Unix pipes passed as extra files a worker cannot be started
// (os/exec refuses ExtraFiles): charts are rendered in process.
func workerProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(p *os.Process) {
	if p != nil {
		p.Kill()
	}
}
