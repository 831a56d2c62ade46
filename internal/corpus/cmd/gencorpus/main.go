// Command gencorpus writes the benchmark corpus into a directory:
//
//	go run ./internal/corpus/cmd/gencorpus [-scale N] [-only k8s|terraform|helm] [-k8s-files N] [-k8s-docs N] DIR
//
// DIR/k8s holds 50,000×N Kubernetes documents in 2,000×N files,
// DIR/terraform 500×N root modules and DIR/charts 20×N Helm charts. The
// output is the same bytes on every run.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pvlint/pvlint/internal/corpus"
)

func main() {
	scale := flag.Int("scale", 1, "multiply every corpus by `N`")
	only := flag.String("only", "", "write only one corpus: k8s, terraform or helm")
	k8sFiles := flag.Int("k8s-files", 0, "Kubernetes files (default 2,000×scale); 1 writes one large multi-document file")
	k8sDocs := flag.Int("k8s-docs", 0, "Kubernetes documents (default 50,000×scale; 77,000 in one file is about 100 MB)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-scale N] [-only k8s|terraform|helm] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *scale < 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)
	run := func(what string, gen func() (corpus.Stats, error)) {
		if *only != "" && *only != what {
			return
		}
		s, err := gen()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
		fmt.Printf("%-9s %7d files %8d objects %6.1f MB", what, s.Files, s.Documents, float64(s.Bytes)/1e6)
		if s.Dirs > 0 {
			fmt.Printf(" %5d dirs", s.Dirs)
		}
		fmt.Println()
	}
	n := *scale
	run("k8s", func() (corpus.Stats, error) {
		files, docs := 2000*n, 50000*n
		if *k8sFiles > 0 {
			files = *k8sFiles
		}
		if *k8sDocs > 0 {
			docs = *k8sDocs
		}
		return corpus.K8s(dir, corpus.K8sConfig{Files: files, Documents: docs})
	})
	run("terraform", func() (corpus.Stats, error) {
		return corpus.Terraform(dir, corpus.TerraformConfig{Modules: 500 * n})
	})
	run("helm", func() (corpus.Stats, error) {
		return corpus.Helm(dir, corpus.HelmConfig{Charts: 20 * n})
	})
}
