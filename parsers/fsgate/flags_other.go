//go:build !unix

package fsgate

const (
	openFlags = 0
	dirFlag   = 0
)
