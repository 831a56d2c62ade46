package helm

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"helm.sh/helm/v4/pkg/chart/common"

	"github.com/pvlint/pvlint/parsers/limits"
)

// renderBudget bounds one chart's render. Helm's engine has no limits of its
// own: `range until 1000000000` builds a list of a billion integers and
// `repeat 2000000000` a 2 GB string before anything could look at the
// output. The engine takes template functions of ours
// (Engine.CustomTemplateFuncs), so pvlint gives it:
//
//   - sprig's list and string builders, checked before they allocate
//     (until, untilStep, seq: limits.ChartListElements elements; repeat,
//     indent, nindent, the rand* strings and randBytes:
//     limits.ChartOutputBytes);
//   - sprig's clock, random and key-generating functions replaced by
//     deterministic ones (determinism.go);
//   - every other sprig function wrapped with a check of the render's stop
//     flag, set when the chart times out or goes over a bound, so an
//     abandoned render stops at its next function call instead of keeping
//     a core busy until the process exits.
//
// A render's total output is checked against limits.ChartOutputBytes when
// it returns. Functions Helm binds itself (include, tpl, required, fail,
// lookup) are left to Helm (include is bounded by Helm's own recursion
// limit); env, expandenv and getHostByName stay removed or disabled, as
// Helm has them.
type renderBudget struct {
	stop atomic.Bool
	why  atomic.Value // string: the bound that stopped the render
	// rand is the render's PRNG (determinism.go); nil: a fixed seed.
	rand *renderRand
}

var errStopped = errors.New("rendering stopped: the chart went over its time or size bound")

// halt stops the render with the reason to report.
func (b *renderBudget) halt(why string) error {
	b.why.CompareAndSwap(nil, why)
	b.stop.Store(true)
	return errors.New(why)
}

// reason is the bound that stopped the render, or "".
func (b *renderBudget) reason() string {
	s, _ := b.why.Load().(string)
	return s
}

// helmBound are the functions Helm binds per render or removes; they are
// not replaced.
var helmBound = map[string]bool{"include": true, "tpl": true, "required": true, "fail": true, "lookup": true,
	"env": true, "expandenv": true, "getHostByName": true}

// helmOwn are the functions Helm defines over sprig's of the same name
// (pkg/engine/funcs.go, funcMap's extra map, in Helm 4.3.1): sprig's
// wrapped copy would replace Helm's, and they differ. Helm's fromJson
// returns {"Error": ...} for text that is not JSON where sprig's returns
// nil (vault-helm's helpers take the length of the result).
// TestBoundedBuildersMatchHelm renders each with both engines.
var helmOwn = map[string]bool{"toJson": true, "mustToJson": true, "fromJson": true, "fromJsonArray": true,
	"toYaml": true, "mustToYaml": true, "toYamlPretty": true, "fromYaml": true, "fromYamlArray": true,
	"toToml": true, "mustToToml": true, "fromToml": true}

// funcs is the FuncMap for Engine.CustomTemplateFuncs.
func (b *renderBudget) funcs() template.FuncMap {
	out := template.FuncMap{}
	sp := sprig.TxtFuncMap()
	if b.rand == nil {
		b.rand = newRenderRand(nil)
	}
	det := deterministicFuncs(sp, b.rand)
	for name, fn := range sp {
		if helmBound[name] || helmOwn[name] {
			continue
		}
		if d, ok := det[name]; ok {
			fn = d
		}
		out[name] = b.checked(fn)
	}
	until := sp["until"].(func(int) []int)
	untilStep := sp["untilStep"].(func(int, int, int) []int)
	seq := sp["seq"].(func(...int) string)
	indent := sp["indent"].(func(int, string) string)
	nindent := sp["nindent"].(func(int, string) string)
	maxList := int64(limits.ChartListElements)
	maxBytes := limits.ChartOutputBytes
	list := func(name string, n int64) error {
		if b.stop.Load() {
			return errStopped
		}
		if n > maxList {
			return b.halt(fmt.Sprintf("%s: %s", name, limits.ChartListTooLong(limits.ChartListElements)))
		}
		return nil
	}
	size := func(name string, n int64) error {
		if b.stop.Load() {
			return errStopped
		}
		if n > maxBytes || n < 0 {
			return b.halt(fmt.Sprintf("%s: a string of more than %d bytes was asked for; %s", name, maxBytes, limits.ChartOutputTooLarge(maxBytes)))
		}
		return nil
	}
	out["until"] = func(n int) ([]int, error) {
		if err := list("until", steps(0, int64(n), sign(n))); err != nil {
			return nil, err
		}
		return until(n), nil
	}
	out["untilStep"] = func(start, stop, step int) ([]int, error) {
		if err := list("untilStep", steps(int64(start), int64(stop), int64(step))); err != nil {
			return nil, err
		}
		return untilStep(start, stop, step), nil
	}
	out["seq"] = func(params ...int) (string, error) {
		var n int64
		switch len(params) {
		case 1:
			n = abs64(int64(params[0])) + 1
		case 2:
			n = abs64(int64(params[1])-int64(params[0])) + 1
		case 3:
			if params[1] != 0 {
				n = abs64(int64(params[2])-int64(params[0]))/abs64(int64(params[1])) + 1
			}
		}
		if err := list("seq", n); err != nil {
			return "", err
		}
		return seq(params...), nil
	}
	out["repeat"] = func(count int, str string) (string, error) {
		if err := size("repeat", int64(count)*int64(len(str))); err != nil {
			return "", err
		}
		if count < 0 {
			return "", errors.New("repeat: negative count")
		}
		return strings.Repeat(str, count), nil
	}
	padded := func(name string, spaces int, v string) error {
		if spaces < 0 {
			return nil
		}
		return size(name, int64(spaces)*int64(strings.Count(v, "\n")+1)+int64(len(v)))
	}
	out["indent"] = func(spaces int, v string) (string, error) {
		if err := padded("indent", spaces, v); err != nil {
			return "", err
		}
		return indent(spaces, v), nil
	}
	out["nindent"] = func(spaces int, v string) (string, error) {
		if err := padded("nindent", spaces, v); err != nil {
			return "", err
		}
		return nindent(spaces, v), nil
	}
	for _, name := range []string{"randAlphaNum", "randAlpha", "randAscii", "randNumeric"} {
		fn := det[name].(func(int) string)
		out[name] = func(count int) (string, error) {
			if err := size(name, int64(count)); err != nil {
				return "", err
			}
			return fn(count), nil
		}
	}
	randBytes := det["randBytes"].(func(int) (string, error))
	out["randBytes"] = func(count int) (string, error) {
		if err := size("randBytes", (int64(count)+2)/3*4); err != nil { // its base64 text
			return "", err
		}
		return randBytes(count)
	}
	return out
}

// checked wraps a template function so that it fails once the render is
// stopped (text/template turns the panic of a function into an error that
// ends the execution). The signatures most sprig functions have are wrapped
// by plain closures: a reflect.MakeFunc wrapper costs a second reflective
// call, with its allocations, on every call a template makes.
func (b *renderBudget) checked(fn any) any {
	stop := func() {
		if b.stop.Load() {
			panic(errStopped)
		}
	}
	switch f := fn.(type) {
	case func(string) string:
		return func(s string) string { stop(); return f(s) }
	case func(any) string:
		return func(v any) string { stop(); return f(v) }
	case func(string, string) string:
		return func(a, c string) string { stop(); return f(a, c) }
	case func(int, string) string:
		return func(n int, s string) string { stop(); return f(n, s) }
	case func(string, string, string) string:
		return func(a, c, d string) string { stop(); return f(a, c, d) }
	case func(...any) string:
		return func(v ...any) string { stop(); return f(v...) }
	case func(any) any:
		return func(v any) any { stop(); return f(v) }
	case func(any, ...any) any:
		return func(v any, w ...any) any { stop(); return f(v, w...) }
	case func(any) bool:
		return func(v any) bool { stop(); return f(v) }
	case func(string, string) bool:
		return func(a, c string) bool { stop(); return f(a, c) }
	case func(map[string]any, string) bool:
		return func(m map[string]any, k string) bool { stop(); return f(m, k) }
	case func(...any) map[string]any:
		return func(v ...any) map[string]any { stop(); return f(v...) }
	case func(...any) []any:
		return func(v ...any) []any { stop(); return f(v...) }
	case func(any) []any:
		return func(v any) []any { stop(); return f(v) }
	case func(any) int64:
		return func(v any) int64 { stop(); return f(v) }
	case func(any) int:
		return func(v any) int { stop(); return f(v) }
	case func(any) (string, error):
		return func(v any) (string, error) { stop(); return f(v) }
	case func(string, string) (bool, error):
		return func(a, c string) (bool, error) { stop(); return f(a, c) }
	}
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func {
		return fn
	}
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		stop()
		if t.IsVariadic() {
			return v.CallSlice(args)
		}
		return v.Call(args)
	}).Interface()
}

// steps is how many elements untilStep(start, stop, step) makes.
func steps(start, stop, step int64) int64 {
	switch {
	case step > 0 && stop > start:
		return (stop - start + step - 1) / step
	case step < 0 && stop < start:
		return (start - stop - step - 1) / -step
	}
	return 0
}

func sign(n int) int64 {
	if n < 0 {
		return -1
	}
	return 1
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// tplRef finds the values a template string hands to tpl: `tpl .Values.a.b`
// or `tpl (index .Values "a" "b")` (also $.Values, in parentheses).
var tplRef = regexp.MustCompile(`\btpl\s+\(?\s*(?:\$?\.Values\.([A-Za-z0-9_.]+)|\(?\s*index\s+\$?\.Values((?:\s+"[^"\\]*")+))`)

// tplTarget is the values path of a tplRef match.
func tplTarget(m []string) string {
	if m[1] != "" {
		return m[1]
	}
	var keys []string
	for _, q := range strings.Fields(m[2]) {
		keys = append(keys, strings.Trim(q, `"`))
	}
	return strings.Join(keys, ".")
}

// tplCycle finds a values string that reaches itself through tpl (x:
// "{{ tpl .Values.x . }}", or x → y → x). Helm binds tpl itself and bounds
// only include's recursion, so such a chart allocates until the process
// dies; pvlint refuses it before rendering. It returns the cycle's paths,
// or nil. A cycle spelled another way (through a variable, a pipeline) is
// not seen here; it ends in the render worker's memory or stack bound
// (worker.go).
func tplCycle(values map[string]any) []string {
	refs := map[string][]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(joinPath(prefix, k), e)
			}
		case common.Values:
			walk(prefix, map[string]any(x))
		case string:
			for _, m := range tplRef.FindAllStringSubmatch(x, -1) {
				refs[prefix] = append(refs[prefix], tplTarget(m))
			}
		}
	}
	walk("", values)
	if len(refs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(refs))
	for k := range refs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	const (
		unseen = iota
		active
		finished
	)
	state := map[string]int{}
	var stack []string
	var visit func(p string) []string
	visit = func(p string) []string {
		switch state[p] {
		case active:
			for i, s := range stack {
				if s == p {
					return append(append([]string(nil), stack[i:]...), p)
				}
			}
		case finished:
			return nil
		}
		state[p] = active
		stack = append(stack, p)
		for _, next := range refs[p] {
			if c := visit(next); c != nil {
				return c
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = finished
		return nil
	}
	for _, k := range keys {
		if c := visit(k); c != nil {
			return c
		}
	}
	return nil
}

func joinPath(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
