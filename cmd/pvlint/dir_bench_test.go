package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkDir runs the whole command, as `pvlint --quiet --format sarif -o
// FILE --fail-on none DIR` does, on the folder named by PVLINT_BENCH_DIR
// (skipped when unset), so that a corpus made by ../shared/bench/gen-corpus.py
// or internal/corpus can be profiled with -cpuprofile and -memprofile:
//
//	PVLINT_BENCH_DIR=/tmp/c10k/k8s go test -run '^$' -bench Dir -benchtime 5x -cpuprofile cpu.prof ./cmd/pvlint
func BenchmarkDir(b *testing.B) {
	dir := os.Getenv("PVLINT_BENCH_DIR")
	if dir == "" {
		b.Skip("PVLINT_BENCH_DIR is not set")
	}
	out := filepath.Join(b.TempDir(), "out.sarif")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var stderr strings.Builder
		if rc := run([]string{"--quiet", "--format", "sarif", "-o", out, "--fail-on", "none", dir}, strings.NewReader(""), io.Discard, &stderr); rc != 0 {
			b.Fatalf("exit %d: %s", rc, stderr.String())
		}
	}
}
