//go:build unix

package helm

import (
	"os"
	"syscall"
)

// workerProcAttr puts a worker in a process group of its own, so that a
// kill ends it and anything it started, and, on Linux, has it killed when
// pvlint dies.
func workerProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(a)
	return a
}

func killGroup(p *os.Process) {
	if p == nil {
		return
	}
	syscall.Kill(-p.Pid, syscall.SIGKILL)
	p.Kill()
}
