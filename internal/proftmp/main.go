package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

func main() {
	f, _ := os.Create(os.Args[2])
	pprof.StartCPUProfile(f)
	res, err := linter.Run(linter.Options{Root: os.Args[1], Paths: []string{"."}, Rules: rules.All()})
	pprof.StopCPUProfile()
	fmt.Println(len(res.Findings), err)
}
