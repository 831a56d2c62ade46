package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The Go runtime's soft memory limit: near it the garbage collector works
// harder instead of letting the heap grow, so a large scan trades speed for
// memory rather than being killed by the kernel or the CI runner. By
// default it is three quarters of the memory the process may use (the
// cgroup limit of a container, else the machine's memory); --max-memory
// sets it, and GOMEMLIMIT in the environment wins over both, as the Go
// runtime documents.

// memoryBudget returns the limit to set in bytes (0: leave the runtime's).
func memoryBudget(flag string, env func(string) string, read func(string) ([]byte, error)) (int64, error) {
	if flag != "" {
		n, err := parseBytes(flag)
		if err != nil {
			return 0, fmt.Errorf("--max-memory: %w", err)
		}
		return n, nil
	}
	if env("GOMEMLIMIT") != "" {
		return 0, nil
	}
	avail := availableMemory(read)
	if avail <= 0 {
		return 0, nil
	}
	return avail / 4 * 3, nil
}

// availableMemory is the cgroup (v2, then v1) memory limit, else MemTotal
// from /proc/meminfo; 0 when neither says.
func availableMemory(read func(string) ([]byte, error)) int64 {
	var total int64
	if data, err := read("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		data, err := read(p)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(data))
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			return n // "max" (v2) or a huge number (v1) mean no limit
		}
	}
	return total
}

// parseBytes reads 512MiB, 2GiB, 1.5G, 800M or a plain number of bytes.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			mult, t = u.mult, strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v*mult < 16<<20 {
		return 0, fmt.Errorf("%q: want a size of at least 16MiB, such as 512MiB or 2GiB", s)
	}
	return int64(v * mult), nil
}

func setMemoryLimit(flag string) error {
	n, err := memoryBudget(flag, os.Getenv, os.ReadFile)
	if err != nil {
		return err
	}
	if n > 0 {
		debug.SetMemoryLimit(n)
	}
	return nil
}
