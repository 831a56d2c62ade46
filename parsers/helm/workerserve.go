package helm

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"

	"github.com/pvlint/pvlint/parsers/limits"
)

// The worker side of worker.go.
//
// Worker mode is entered from an init function of this package, not from
// main: every executable that can render a chart links this package, so
// pvlint's binary and the test binary of every package that renders charts
// (helm, kustomize, linter, cmd/pvlint) all work as their own workers, and
// nothing else of the program (flags, TestMain, a scan of the working
// directory) runs in a worker.
func init() {
	if v, ok := os.LookupEnv(workerEnv); ok {
		os.Exit(serveRenders(v))
	}
}

// serveRenders answers render requests on fd 3 with answers on fd 4 until
// fd 3 closes.
func serveRenders(protocol string) int {
	if protocol != workerProtocol {
		fmt.Fprintf(os.Stderr, "pvlint: render worker protocol %q, want %q\n", protocol, workerProtocol)
		return 2
	}
	in, out := os.NewFile(3, "requests"), os.NewFile(4, "answers")
	if _, err := in.Stat(); err != nil {
		fmt.Fprintln(os.Stderr, "pvlint: a render worker is started by pvlint only")
		return 2
	}
	// A recursion with no end overflows this stack quickly instead of
	// growing to Go's 1 GB default; the runtime then ends the process (no
	// recover can), and the parent reads "stack exceeds" in its stderr.
	debug.SetMaxStack(int(limits.ChartRenderStack))
	// The collector works harder from three quarters of the bound; the
	// guard ends the worker at the bound.
	debug.SetMemoryLimit(limits.ChartRenderMemory / 4 * 3)
	// A fresh worker's heap is small, so at Go's default the collector runs
	// every few MB of a render; the memory limit above bounds the heap
	// anyway, so collect less often.
	debug.SetGCPercent(400)
	go guardMemory(limits.ChartRenderMemory)
	// Helm logs through slog and log; the parent logs what its own run of
	// the same loading and values processing says, once.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	log.SetOutput(io.Discard)
	if _, err := out.Write([]byte{workerReady}); err != nil {
		return 2
	}
	for {
		req, err := readFrame(in, maxRequest)
		if err == io.EOF {
			return 0
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "pvlint: render worker:", err)
			return 2
		}
		if err := writeFrame(out, serveRender(req)); err != nil {
			return 2
		}
	}
}

// serveRender renders one request as renderer.renderTemplates would in
// process.
func serveRender(req []byte) []byte {
	ch, top, err := prepareRender(req)
	if err != nil {
		return encodeResponse(nil, fmt.Errorf("rendering failed: internal error: render worker: %v", err))
	}
	files, err := renderBounded(ch, top, &renderBudget{})
	return encodeResponse(files, err)
}

// prepareRender repeats what renderer.run does before rendering, from the
// request of renderer.workerRequest: the parent did the same, with the same
// result, before it sent the request.
func prepareRender(req []byte) (*chart.Chart, common.Values, error) {
	r := &wireReader{buf: req}
	rootFiles := r.bufferedFiles()
	n := r.count()
	deps := make([]depLoad, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		parent := int(r.uvarint())
		deps = append(deps, depLoad{parent: parent, files: r.bufferedFiles()})
	}
	vals, _ := r.value().(map[string]any)
	name, namespace, kubeVersion := r.str(), r.str(), r.str()
	apis := r.strs()
	if r.err == nil && len(r.buf) > 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	ch, err := loader.LoadFiles(rootFiles)
	if err != nil {
		return nil, nil, err
	}
	charts := []*chart.Chart{ch}
	for _, d := range deps {
		if d.parent >= len(charts) {
			return nil, nil, errWire
		}
		sub, err := loader.LoadFiles(d.files)
		if err != nil {
			return nil, nil, err
		}
		charts[d.parent].AddDependency(sub)
		charts = append(charts, sub)
	}
	if vals == nil {
		vals = map[string]any{}
	}
	kv, err := common.ParseKubeVersion(kubeVersion)
	if err != nil {
		return nil, nil, err
	}
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		return nil, nil, err
	}
	top, err := commonutil.ToRenderValuesWithSchemaValidation(ch, vals, releaseOptions(name, namespace), pinnedCapabilities(*kv, apis), true)
	return ch, top, err
}

// guardMemory ends the worker once the memory it has from the system goes
// over max (checked every 10 ms: an allocation bomb gets at most a few tens
// of MB past it).
func guardMemory(max int64) {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	for range time.Tick(10 * time.Millisecond) {
		metrics.Read(samples)
		if used := int64(samples[0].Value.Uint64() - samples[1].Value.Uint64()); used > max {
			fmt.Fprintf(os.Stderr, "pvlint: render worker: %d bytes in use, over %d\n", used, max)
			os.Exit(workerExitMemory)
		}
	}
}
