// Command peakrss runs a command and prints its wall time, user and system
// CPU time in seconds and its peak resident set size in kilobytes (from
// wait4's rusage), like GNU time's -f "%e %U %S %M", for machines without
// /usr/bin/time:
//
//	peakrss [-o FILE] -- COMMAND [ARG...]
//
// The command's standard output and error pass through; peakrss exits with
// the command's status.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	out := flag.String("o", "", "write the measurement to `FILE` instead of standard error")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss [-o FILE] -- COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(127)
	}
	var maxrss int64
	var user, sys float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxrss = ru.Maxrss // kilobytes on Linux
		user, sys = float64(ru.Utime.Nano())/1e9, float64(ru.Stime.Nano())/1e9
	}
	var w io.Writer = os.Stderr
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peakrss:", err)
			os.Exit(127)
		}
		defer f.Close()
		w = f
	}
	fmt.Fprintf(w, "%.3f %.3f %.3f %d\n", wall.Seconds(), user, sys, maxrss) // as GNU time -f "%e %U %S %M"
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		if f, ok := w.(*os.File); ok && f != os.Stderr {
			f.Close()
		}
		os.Exit(code)
	}
}
