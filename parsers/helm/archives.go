package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"path"
	"strings"

	"helm.sh/helm/v4/pkg/chart/loader/archive"

	"github.com/pvlint/pvlint/parsers/limits"
)

// One size budget for a whole chart. Helm bounds each archive it unpacks
// by archive.MaxDecompressedChartSize (100 MiB), and a chart directory's
// files by the same amount, but a parent loads every subchart archive of
// its charts/ (and theirs, recursively) each with a budget of its own: 20
// archives of 92 KB, each holding a 95 MB file, took pvlint to 4.3 GB. So
// one chart — its files, its packaged subcharts unpacked, recursively, and
// its file:// dependencies — gets one budget of chartBudget bytes, and
// every archive Helm's loader would unpack is first measured by streaming
// it (gzip and tar, counting what they give and stopping at the budget;
// nothing is kept), before Helm expands it. An archive's packed bytes
// count as well as its contents (both are in memory once Helm has loaded
// it), so the measure is on the safe side; real charts are far below it
// (kube-prometheus-stack with its subcharts: a few MB).

// chartBudget is limits.ChartBytes, Helm's archive.MaxDecompressedChartSize
// (TestChartBytesIsHelms); a variable for tests.
var chartBudget = limits.ChartBytes

var errOverBudget = errors.New("over the chart's size budget")

// overBudget is the error of a chart past chartBudget; where is the file
// (or the archive, and the path inside it) that went past it.
func overBudget(where string) string {
	return where + ": " + limits.ChartFilesTooLarge(chartBudget)
}

// spend takes n bytes from the chart's budget and says whether it held.
func (r *renderer) spend(n int64) bool {
	if !r.budgetSet {
		r.budget, r.budgetSet = chartBudget, true
	}
	r.budget -= n
	return r.budget >= 0
}

// loadsAsArchive says whether Helm's loader (loader.LoadFiles) unpacks the
// file of a chart named n as a subchart archive: charts/x.tgz, and
// charts/sub/charts/y.tgz inside a subchart folder, but not names starting
// with "_" or "." (Helm skips those).
func loadsAsArchive(n string) bool {
	for {
		rest, ok := strings.CutPrefix(n, "charts/")
		if !ok {
			return false
		}
		name, tail, more := strings.Cut(rest, "/")
		if name == "" || strings.IndexAny(name, "_.") == 0 {
			return false
		}
		if path.Ext(name) == ".tgz" {
			return !more // charts/x.tgz/... Helm refuses itself
		}
		if !more {
			return false
		}
		n = tail
	}
}

// measureArchives measures every subchart archive among a chart's files
// (already counted themselves), reporting the first over the budget. dir
// is where the files are: the chart's directory, or an archive.
func (r *renderer) measureArchives(files []*archive.BufferedFile, dir string) bool {
	for _, f := range files {
		if !loadsAsArchive(f.Name) {
			continue
		}
		where := path.Join(dir, f.Name)
		if inside := r.measureArchive(bytes.NewReader(f.Data), where); inside != "" {
			r.errorf(where, 0, "chart %s: %s", r.chartPath, overBudget(inside))
			return false
		}
	}
	return true
}

// measureArchive streams the archive rd (named where) and every subchart
// archive inside it, taking what they unpack to from the budget. It
// returns where the budget ran out, or "": an archive that is not one (bad
// gzip or tar) is left to Helm's loader, which says so.
func (r *renderer) measureArchive(rd io.Reader, where string) string {
	gz, err := gzip.NewReader(rd)
	if err != nil {
		return spentAt(err, where)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		hd, err := tr.Next()
		if err != nil {
			return spentAt(err, where) // io.EOF, or for Helm to report
		}
		if hd.FileInfo().IsDir() || hd.Typeflag == tar.TypeXGlobalHeader || hd.Typeflag == tar.TypeXHeader {
			continue
		}
		// As Helm names it: without the archive's top folder.
		name := strings.ReplaceAll(hd.Name, "\\", "/")
		_, name, _ = strings.Cut(name, "/")
		entry := &budgetReader{r: tr, spend: r.spend}
		if loadsAsArchive(path.Clean(name)) {
			if inside := r.measureArchive(entry, where+"/"+name); inside != "" {
				return inside
			}
		}
		if _, err := io.Copy(io.Discard, entry); err != nil {
			return spentAt(err, where+"/"+name)
		}
	}
}

// spentAt is where, when err is the budget running out; else "".
func spentAt(err error, where string) string {
	if errors.Is(err, errOverBudget) {
		return where
	}
	return ""
}

// budgetReader takes what it reads from the chart's budget and fails once
// the budget is spent.
type budgetReader struct {
	r     io.Reader
	spend func(int64) bool
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if !b.spend(int64(n)) {
		return n, errOverBudget
	}
	return n, err
}
