//go:build unix

package fsgate

import "syscall"

// openFlags: never block on open (a named pipe without a writer) and never
// take a terminal as the controlling one.
const (
	openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
	dirFlag   = syscall.O_DIRECTORY
)
