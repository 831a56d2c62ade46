// Package limits is the one table of what a single input may cost pvlint:
// bytes, nodes, nesting, instances, output, time. Every parser reads its
// bounds here and words the error with the entry's message, so a limit is
// changed, documented and tested in one place. It imports nothing.
package limits

import (
	"fmt"
	"time"
)

// The limits. Each has an entry in Table with the error it gives.
const (
	// FileBytes is the default per-file byte limit (--max-file-size), for
	// every file any parser opens: manifests, Terraform files, variables
	// files, file(), chart files and archives.
	FileBytes int64 = 256 << 20
	// DocumentBytes bounds one YAML document before it is decoded: yaml.v3
	// builds a document's whole node tree first, at up to 120 bytes of
	// memory per byte of input (a flow sequence of one-digit numbers). The
	// API server refuses objects a fraction of this size (etcd stores at
	// most 1.5 MiB), so only a hostile or generated file reaches it.
	DocumentBytes = 4 << 20
	// DocumentNodes bounds the nodes one YAML document may have once its
	// aliases and merge keys are expanded (alias bombs). The API server's
	// 3 MiB request limit, at 3 bytes a node at the least, keeps real
	// objects below it.
	DocumentNodes = 1_000_000
	// AliasNodesPerByte bounds the nodes a YAML document's aliases and
	// merge keys may add, per byte of the document: an 18 KB file of 50
	// documents, each under DocumentNodes through its aliases, built 25
	// million nodes (3.8 GB). A document reusing an anchor a few times adds
	// a fraction of a node per byte.
	AliasNodesPerByte = 1
	// Depth bounds nesting: YAML documents, HCL expressions and .tf.json
	// arrays (checked by a byte scan before parsing), converted values.
	Depth = 256
	// ValueElements bounds the elements Terraform for expressions iterate
	// over in one root module (a 200-byte nest of three for expressions
	// over range(1000) would build a billion), and setproduct's result.
	// Ordinary modules iterate over hundreds.
	ValueElements = 250_000
	// SetElements bounds the elements given to functions that unify element
	// types (toset, distinct, setunion...): go-cty's unification is costly.
	SetElements = 10_000
	// TextBytes bounds the text one root module's templates and functions
	// build ("${a}${b}", format, join, replace...): thirty doublings of a
	// 16-byte local would be 16 GiB. Modules build kilobytes (a file() read
	// is bounded by FileBytes on its own and not counted).
	TextBytes = 16 << 20
	// NumberExponent bounds the binary exponent of a number a Terraform
	// function is given: printing 1e10000000 takes seconds per call.
	// Ordinary numbers are below 2^100.
	NumberExponent = 4096
	// Instances bounds the resource and module instances of one scan
	// across every module and nested module (count, for_each, and single
	// blocks), so that nested counts cannot multiply into millions of
	// resources and findings. About 10 KB of memory each; the benchmark
	// corpus at 4x has 17,000.
	Instances = 50_000
	// InstanceValues bounds the values the resource instances of a scan
	// hold: each instance counts the expressions written in its block. Five
	// blocks of count = 9999 with 500 literal tags each held 25 million
	// values (6 GB). The benchmark corpus's 4,203 resources hold about
	// 100,000.
	InstanceValues = 2_000_000
	// ModuleEval bounds the evaluation of one Terraform root module with its
	// nested modules.
	ModuleEval = 60 * time.Second
	// ScanModuleTime bounds the evaluation time of all the root modules of
	// a scan together: 300 modules that each run to ModuleEval would take
	// five hours. The largest module repositories evaluate in seconds.
	ScanModuleTime = 5 * time.Minute
	// ScanChartTime bounds the template engine's time summed over every
	// chart of a scan (charts and Kustomize helmCharts): each chart has
	// --chart-timeout, and a repository of 500 charts that loop would
	// otherwise run 500 timeouts. The charts of the largest chart
	// repositories render in well under a minute.
	ScanChartTime = 5 * time.Minute
	// ChartOutputBytes bounds what one chart may render in total.
	ChartOutputBytes int64 = 64 << 20
	// ChartBytes bounds one chart's files with its subchart archives
	// unpacked, recursively, and its file:// dependencies: Helm's
	// per-archive limit (archive.MaxDecompressedChartSize), for the whole
	// chart, since twenty 92 KB subchart archives of 95 MB each took
	// pvlint to 4.3 GB.
	ChartBytes int64 = 100 << 20
	// ChartObjects bounds the objects (YAML documents, and the items of a
	// kind: List) one chart's render may produce: each costs pvlint a few
	// KB once parsed and mapped back to its template, so 300,000 small
	// documents well within ChartOutputBytes took 1.2 GB. Real charts
	// render hundreds (kube-prometheus-stack with its subcharts: a few
	// hundred; the largest operator bundles a few thousand).
	ChartObjects = 20_000
	// ChartListElements bounds the lists a chart's template functions may
	// build (until, untilStep, seq, list ops).
	ChartListElements = 1_000_000
	// ChartRenderMemory bounds the memory of the worker process that
	// renders one chart (Helm's engine cannot be bounded within a process):
	// room for ChartOutputBytes of output built and sent back from a chart
	// with tens of MB of files, while pvlint and one worker per core stay
	// under 1 GB together. Real charts take a few tens of MB.
	ChartRenderMemory int64 = 256 << 20
	// ChartRenderStack bounds the goroutine stack of a chart's render (Go's
	// default is 1 GB): Helm's include limit of 1,000 nested calls takes a
	// few MB; a tpl recursion with no end has no limit of Helm's.
	ChartRenderStack int64 = 64 << 20
	// FindingsPerRule bounds the findings one rule may report for one
	// resource shape before a notice replaces the rest.
	FindingsPerRule = 1_000
	// KustomizeIncludes bounds how many times one root kustomization's
	// render may accumulate kustomizations: Kustomize accumulates each
	// once per include path (resources, bases and components entries)
	// that leads to it, so a diamond of 15 levels of two tiny files each
	// accumulates its bottom 16,384 times (and the levels above as often
	// again) and runs for minutes; it cannot be cancelled. The bound is on
	// the sum over the kustomizations, the work itself: an aggregate of a
	// thousand apps that each include three shared components is 4,000.
	KustomizeIncludes = 4096
	// CustomRuleCost bounds the CEL cost (the cost units of CEL's cost
	// tracker, as the API server counts them) that one custom rule or
	// admission policy may spend in one scan, over all its objects: the API
	// server bounds each expression (1,000,000) and each object
	// (10,000,000) but not their sum, and a rule of the scanned
	// repository's own configuration that spends the per-expression limit
	// on every object takes half a second each. Legitimate rules cost tens
	// to hundreds of units per object: this allows 100,000 objects of 200.
	CustomRuleCost = 20_000_000
	// CustomRulesCost bounds the CEL cost of all the custom rules and
	// policies of one scan together, shared equally among them (each gets
	// the smaller of CustomRuleCost and its share): a configuration could
	// otherwise name many costly rules, each under its own budget. A cost
	// unit takes about half a microsecond, so this is half a minute of one
	// core at the very worst; ordinary rule sets never come near it.
	CustomRulesCost = 60_000_000
	// MessageBytes bounds the message of an error or a notice: one can
	// quote its input (an include that recurses, a failing template).
	MessageBytes = 2048
)

// Entry is one row of the table: a limit, its value as text and the error
// an input over it gives (the file name is put in front by the caller).
type Entry struct {
	Name  string
	Value string
	Error string
}

// Table lists every limit, for the documentation and for the test that
// exercises each one.
var Table = []Entry{
	{"FileBytes", fmt.Sprint(FileBytes), TooLarge(FileBytes+1, FileBytes)},
	{"DocumentBytes", fmt.Sprint(DocumentBytes), DocumentTooLarge(DocumentBytes)},
	{"DocumentNodes", fmt.Sprint(DocumentNodes), TooManyNodes(DocumentNodes, false)},
	{"DocumentNodes (aliases)", fmt.Sprint(DocumentNodes), TooManyNodes(DocumentNodes, true)},
	{"AliasNodesPerByte", fmt.Sprint(AliasNodesPerByte), TooManyAliasNodes(1000)},
	{"Depth", fmt.Sprint(Depth), TooDeep(Depth)},
	{"ValueElements", fmt.Sprint(ValueElements), ForIterations(ValueElements)},
	{"SetElements", fmt.Sprint(SetElements), TooManySetElements("toset", SetElements)},
	{"TextBytes", fmt.Sprint(TextBytes), TooMuchText(TextBytes)},
	{"NumberExponent", fmt.Sprint(NumberExponent), NumberTooLarge(NumberExponent)},
	{"Instances", fmt.Sprint(Instances), TooManyInstances(Instances)},
	{"InstanceValues", fmt.Sprint(InstanceValues), TooManyInstanceValues(InstanceValues)},
	{"ModuleEval", ModuleEval.String(), TimedOut(ModuleEval)},
	{"ScanModuleTime", ScanModuleTime.String(), ModulesTimeSpent(ScanModuleTime)},
	{"ScanChartTime", ScanChartTime.String(), ChartTimeSpent(ScanChartTime)},
	{"ChartOutputBytes", fmt.Sprint(ChartOutputBytes), ChartOutputTooLarge(ChartOutputBytes)},
	{"ChartObjects", fmt.Sprint(ChartObjects), ChartTooManyObjects(ChartObjects)},
	{"ChartBytes", fmt.Sprint(ChartBytes), ChartFilesTooLarge(ChartBytes)},
	{"ChartListElements", fmt.Sprint(ChartListElements), ChartListTooLong(ChartListElements)},
	{"ChartRenderMemory", fmt.Sprint(ChartRenderMemory), ChartRenderMemoryExceeded(ChartRenderMemory)},
	{"ChartRenderStack", fmt.Sprint(ChartRenderStack), ChartRenderTooDeep(ChartRenderStack)},
	{"FindingsPerRule", fmt.Sprint(FindingsPerRule), FindingsCapped(FindingsPerRule)},
	{"KustomizeIncludes", fmt.Sprint(KustomizeIncludes), IncludedTooOften(KustomizeIncludes)},
	{"CustomRuleCost", fmt.Sprint(CustomRuleCost), RuleBudgetSpent(CustomRuleCost, 1)},
	{"MessageBytes", fmt.Sprint(MessageBytes), "(a longer message is cut and ends in \"… (truncated)\")"},
}

// TooLarge is the error of a file over the byte limit.
func TooLarge(size, limit int64) string {
	return fmt.Sprintf("file is %d bytes, over the %d-byte limit (--max-file-size)", size, limit)
}

// DocumentTooLarge is the error of a YAML document over DocumentBytes.
func DocumentTooLarge(limit int) string {
	return fmt.Sprintf("YAML document is larger than %s, the most one document may have; it was not decoded (the API server accepts objects of at most a few MiB)", byteSize(limit))
}

// TooManyNodes is the error of a document with more than DocumentNodes
// nodes, through its aliases and merge keys or without any.
func TooManyNodes(limit int, throughAliases bool) string {
	if throughAliases {
		return fmt.Sprintf("document expands to more than %d nodes through its aliases and merge keys (a YAML alias bomb?)", limit)
	}
	return fmt.Sprintf("document has more than %d nodes (keys, values and items), the most one document may have", limit)
}

// ChartFilesTooLarge is the error of a chart whose files, with its
// subchart archives unpacked, are over ChartBytes.
func ChartFilesTooLarge(limit int64) string {
	return fmt.Sprintf("the chart's files, with its subchart archives unpacked, are larger than Helm's %d-byte chart limit (archive.MaxDecompressedChartSize, for the whole chart); not loaded", limit)
}

// TooManyAliasNodes is the error of a document of size bytes whose
// aliases and merge keys add more than AliasNodesPerByte nodes per byte.
func TooManyAliasNodes(size int) string {
	return fmt.Sprintf("document expands to more than %d nodes through its aliases and merge keys, %d per byte of its %d bytes (a YAML alias bomb?)", size*AliasNodesPerByte, AliasNodesPerByte, size)
}

// byteSize formats a limit for messages: "4 MiB", "512 KiB", "100 bytes".
func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// TooDeep is the error of input nested past Depth.
func TooDeep(limit int) string { return fmt.Sprintf("nesting deeper than %d", limit) }

// ForIterations is the error of a module whose for expressions iterate
// over more than ValueElements elements.
func ForIterations(limit int) string {
	return fmt.Sprintf("for expressions iterate over more than %d elements in this module; the value is unknown", limit)
}

// TooMuchText is the error of a module whose templates and functions
// build more than TextBytes of text.
func TooMuchText(limit int64) string {
	return fmt.Sprintf("templates and functions build more than %s of text in this module; the value is unknown", byteSize(int(limit)))
}

// NumberTooLarge is the error of a function given a number whose binary
// exponent is beyond NumberExponent.
func NumberTooLarge(limit int) string {
	return fmt.Sprintf("a number beyond 2^%d; the value is unknown", limit)
}

// TooManySetElements is the error of fn called with more than SetElements.
func TooManySetElements(fn string, limit int) string {
	return fmt.Sprintf("%s over more than %d elements", fn, limit)
}

// TooManyInstances is the error of a scan whose modules declare more than
// Instances resource instances.
func TooManyInstances(limit int) string {
	return fmt.Sprintf("more than %d resource instances across the modules (count and for_each); the rest were not evaluated", limit)
}

// TooManyInstanceValues is the error of a scan whose resource instances
// hold more than InstanceValues values.
func TooManyInstanceValues(limit int) string {
	return fmt.Sprintf("the resource instances across the modules hold more than %d values (count and for_each times the expressions of each block); the rest were not evaluated", limit)
}

// TimedOut is the error of an evaluation past its deadline.
func TimedOut(d time.Duration) string {
	return fmt.Sprintf("evaluation did not finish within %s; not scanned", d)
}

// ModulesTimeSpent is the error of a root module left unevaluated, or
// stopped, once the modules of the scan have had ScanModuleTime.
func ModulesTimeSpent(d time.Duration) string {
	return fmt.Sprintf("the Terraform modules of this scan have had %s of evaluation in all, the most a scan may spend; not scanned", d)
}

// ChartTimeSpent is the error of a chart left unrendered, or stopped, once
// the charts of the scan have had ScanChartTime.
func ChartTimeSpent(d time.Duration) string {
	return fmt.Sprintf("the charts of this scan have had %s of template engine time in all, the most a scan may spend (charts that loop, or that run to --chart-timeout?); not scanned", d)
}

// ChartOutputTooLarge is the error of a chart that renders past ChartOutputBytes.
func ChartOutputTooLarge(limit int64) string {
	return fmt.Sprintf("chart renders more than %d bytes; not scanned", limit)
}

// ChartTooManyObjects is the error of a chart that renders more than
// ChartObjects objects.
func ChartTooManyObjects(limit int) string {
	return fmt.Sprintf("chart renders more than %d objects (YAML documents), the most one chart may render; not scanned", limit)
}

// ChartListTooLong is the error of a template function asked for a list past ChartListElements.
func ChartListTooLong(limit int) string {
	return fmt.Sprintf("a template function was asked for more than %d elements", limit)
}

// ChartRenderMemoryExceeded is the error of a chart whose render needs
// more than ChartRenderMemory.
func ChartRenderMemoryExceeded(limit int64) string {
	return fmt.Sprintf("rendering needed more than %s of memory (a template that builds a huge output, or a tpl recursion with no end?)", byteSize(int(limit)))
}

// ChartRenderTooDeep is the error of a chart whose render nests deeper than
// ChartRenderStack allows.
func ChartRenderTooDeep(limit int64) string {
	return fmt.Sprintf("rendering nested deeper than its %s stack allows (a template or tpl recursion with no end?)", byteSize(int(limit)))
}

// FindingsCapped is the notice given once when a rule reaches FindingsPerRule.
func FindingsCapped(limit int) string {
	return fmt.Sprintf("more than %d findings of one rule for one resource shape; the rest are not listed", limit)
}

// IncludedTooOften is the error of a root kustomization whose render would
// accumulate kustomizations more than KustomizeIncludes times.
func IncludedTooOften(limit int) string {
	return fmt.Sprintf("Kustomize would accumulate each kustomization once per path, more than the %d accumulations one render may make (a diamond of bases?)", limit)
}

// RuleBudgetSpent is the error of a custom rule that spent its CEL cost
// budget (CustomRuleCost, or its share of CustomRulesCost) with objects
// still to check.
func RuleBudgetSpent(limit uint64, left int) string {
	return fmt.Sprintf("the rule spent its CEL cost budget for the scan (%d; a custom rule may spend at most %d over all its objects, and the custom rules of a scan %d together) and was not evaluated on the %d objects left, this one first (make its expressions cheaper)", limit, uint64(CustomRuleCost), uint64(CustomRulesCost), left)
}
