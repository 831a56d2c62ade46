// Command helmdiff compares pvlint's rendering of a chart with what a helm
// binary rendered for it, object by object:
//
//	helm template release-name CHART --namespace default --kube-version 1.34.0 | helmdiff CHART
//	helmdiff --dump CHART        # print pvlint's rendered objects, one JSON line each
//
// CHART is relative to the working directory (the scanned root). The
// values flags are pvlint's (and must match what helm was given). Exit
// status: 0 when both agree, 1 when they differ, 2 on a usage error or
// when pvlint cannot render the chart. scripts/helm-fidelity.sh runs it
// over a folder of charts.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pvlint/pvlint/internal/helmfidelity"
	"github.com/pvlint/pvlint/parsers/helm"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var opt helm.Options
	var values, set, setString list
	dump := flag.Bool("dump", false, "print pvlint's rendered objects as JSON lines instead of comparing")
	flag.Var(&values, "values", "values file (repeatable, in order)")
	flag.Var(&set, "set", "--set value (repeatable)")
	flag.Var(&setString, "set-string", "--set-string value (repeatable)")
	flag.StringVar(&opt.KubeVersion, "kube-version", "", "Kubernetes version for .Capabilities (default "+helm.DefaultKubeVersion+")")
	flag.StringVar(&opt.ReleaseName, "release-name", "", "release name (default release-name)")
	flag.StringVar(&opt.Namespace, "namespace", "", "release namespace (default default)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: helmdiff [flags] CHART_DIR < helm-template-output")
		os.Exit(2)
	}
	opt.Values, opt.Set, opt.SetString = values, set, setString
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	mine, errs := helmfidelity.Pvlint(root, flag.Arg(0), opt)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(os.Stderr, "pvlint:", e.Error())
		}
		os.Exit(2)
	}
	if *dump {
		enc := json.NewEncoder(os.Stdout)
		for _, o := range mine {
			if err := enc.Encode(o.Value); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
		return
	}
	stream, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	theirs, err := helmfidelity.Manifest(stream)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helm output:", err)
		os.Exit(2)
	}
	// Fields that differ between two pvlint renderings are random
	// (randAlphaNum passwords, their checksums): they cannot agree.
	again, _ := helmfidelity.Pvlint(root, flag.Arg(0), opt)
	unstable := helmfidelity.Unstable(mine, again)
	diffs := helmfidelity.DiffIgnoring(theirs, mine, "helm", "pvlint", unstable)
	for _, d := range diffs {
		fmt.Println(d)
	}
	if len(diffs) > 0 {
		os.Exit(1)
	}
	note := ""
	if len(unstable) > 0 {
		note = fmt.Sprintf(" (%d random fields not compared)", len(unstable))
	}
	fmt.Printf("%s: %d objects, the same in helm and pvlint%s\n", flag.Arg(0), len(mine), note)
}
