package helm

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/sprig/v3"
	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/pvlint/pvlint/internal/watchdog"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

// renderTemplate renders a one-template chart in a temporary directory.
func renderTemplate(t *testing.T, tpl string, opt Options) parsers.Result {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c/Chart.yaml":          "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/templates/x.yaml":    tpl,
		"c/templates/good.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n",
	})
	return Render(dir, "c", opt)
}

func errs(res parsers.Result) string {
	var b strings.Builder
	for _, e := range res.Errors {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

// Each allocating sprig call fails the chart alone, quickly, naming the
// template line and the bound.
func TestSprigBuildersAreBounded(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	for _, c := range []struct{ tpl, want string }{
		{"{{ range until 1000000000 }}x{{ end }}", "until: " + limits.ChartListTooLong(limits.ChartListElements)},
		{"{{ range untilStep 0 2000000000 1 }}x{{ end }}", "untilStep: " + limits.ChartListTooLong(limits.ChartListElements)},
		{"{{ seq 1 2000000000 }}", "seq: " + limits.ChartListTooLong(limits.ChartListElements)},
		{`{{ repeat 2000000000 "x" }}`, "repeat: a string of more than"},
		{`{{ "x" | indent 2000000000 }}`, "indent: a string of more than"},
		{`{{ randAlpha 2000000000 }}`, "randAlpha: a string of more than"},
		{`{{ range until 70 }}{{ repeat 1048576 "x" }}{{ end }}`, limits.ChartOutputTooLarge(limits.ChartOutputBytes)},
	} {
		res := renderTemplate(t, "data: {{ `` }}\n"+c.tpl+"\n", Options{Timeout: 30 * time.Second})
		e := errs(res)
		// 70 MiB of output: the output bound stops it, unless the render
		// worker's memory bound (which also counts the output buffer's
		// growth and the garbage the collector has not yet reclaimed)
		// trips first on a loaded machine; either is a bounded failure.
		if strings.Contains(c.want, "renders more") && strings.Contains(e, limits.ChartRenderMemoryExceeded(limits.ChartRenderMemory)) {
			c.want = limits.ChartRenderMemoryExceeded(limits.ChartRenderMemory)
		}
		if !strings.Contains(e, c.want) || !strings.Contains(e, "c/templates/x.yaml") && !strings.Contains(c.want, "renders more") && !strings.Contains(c.want, "of memory") {
			t.Errorf("%s: errors %q, want %q naming the template", c.tpl, e, c.want)
		}
		if len(res.Resources) != 0 {
			t.Errorf("%s: the chart was scanned anyway", c.tpl)
		}
	}
	// Within the bounds the functions are Helm's own.
	res := renderTemplate(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ seq 3 | replace \" \" \"-\" }}-{{ len (until 5) }}-{{ repeat 2 \"ab\" }}\n", Options{})
	if len(res.Errors) > 0 || find(t, res, "ConfigMap", "1-2-3-5-abab") == nil {
		t.Errorf("ordinary use: %s", errs(res))
	}
}

// A chart that times out stops using a core: the abandoned render ends at
// its next template function call.
func TestTimedOutRenderStops(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	before := runtime.NumGoroutine()
	res := renderTemplate(t, "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n", Options{Timeout: 300 * time.Millisecond})
	if e := errs(res); !strings.Contains(e, "did not render within 300ms") {
		t.Fatalf("errors %q", e)
	}
	for i := 0; ; i++ {
		if runtime.NumGoroutine() <= before {
			return
		}
		if i == 100 {
			t.Fatalf("the abandoned render still runs: %d goroutines, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A values string that reaches itself through tpl allocated until the
// process died; it is refused before rendering. tpl of values that do not
// loop renders as Helm does.
func TestSelfRecursiveTplIsRefused(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"loop/Chart.yaml":       "apiVersion: v2\nname: loop\nversion: 0.1.0\n",
		"loop/values.yaml":      "a: '{{ tpl .Values.b . }}'\nb: '{{ tpl $.Values.a . }}'\n",
		"loop/templates/x.yaml": "data: {{ tpl .Values.a . }}\n",
		"ok/Chart.yaml":         "apiVersion: v2\nname: ok\nversion: 0.1.0\n",
		"ok/values.yaml":        "name: '{{ tpl .Values.base . }}-x'\nbase: '{{ .Release.Name }}'\n",
		"ok/templates/x.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ tpl .Values.name . }}\n",
	})
	res := Render(dir, "loop", Options{Timeout: 30 * time.Second})
	if e := errs(res); !strings.Contains(e, "chart loop: value a renders itself through tpl (a → b → a), a recursion with no end") {
		t.Errorf("errors %q", e)
	}
	res = Render(dir, "ok", Options{})
	if len(res.Errors) > 0 || find(t, res, "ConfigMap", "release-name-x") == nil {
		t.Errorf("ordinary tpl: %s", errs(res))
	}
}

// The bounded builders take exactly the arguments sprig's own take: with
// values of every type a chart can get them in (an int64 from --set, a
// float64 from a values file, a string, and the int that int, int64 or atoi
// make of them), pvlint's engine renders what Helm's stock engine renders,
// or fails where it fails.
func TestBoundedBuildersMatchHelm(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	exprs := []string{
		"{{ range until (int .Values.count) }}x{{ end }}",
		"{{ range until (int .Values.float) }}x{{ end }}",
		"{{ range until (int .Values.str) }}x{{ end }}",
		"{{ range until (atoi .Values.str) }}x{{ end }}",
		"{{ range until (int64 .Values.count | int) }}x{{ end }}",
		"{{ range until .Values.count }}x{{ end }}",
		"{{ range until .Values.float }}x{{ end }}",
		"{{ range until .Values.str }}x{{ end }}",
		"{{ range until 3 }}x{{ end }}",
		"{{ until -3 }}",
		"{{ range untilStep 0 (int .Values.count) 1 }}x{{ end }}",
		"{{ untilStep (int .Values.float) 0 -1 }}",
		"{{ untilStep 0 .Values.count 1 }}",
		"{{ seq (int .Values.count) }}",
		"{{ seq 1 (int .Values.float) }}",
		"{{ seq 5 -2 (int .Values.neg) }}",
		"{{ seq .Values.count }}",
		"{{ seq }}",
		"{{ repeat (int .Values.count) \"ab\" }}",
		"{{ repeat .Values.count \"ab\" }}",
		"{{ repeat (int .Values.str) .Values.str }}",
		"{{ \"a\\nb\" | indent (int .Values.float) }}",
		"{{ \"a\\nb\" | nindent (int .Values.count) }}",
		"{{ \"a\" | indent .Values.count }}",
		"{{ randAlpha (int .Values.count) | len }}",
		"{{ randNumeric .Values.float }}",
		// Helm's own JSON functions, which sprig defines too: Helm's
		// fromJson returns {Error: ...} for text that is not JSON (vault-helm
		// relies on it), sprig's nil.
		"{{ fromJson .Values.hcl | len }}",
		"{{ fromJson .Values.hcl }}",
		"{{ fromJson \"{\\\"a\\\": [1, 2]}\" | toJson }}",
		"{{ .Values | mustToJson }}",
		"{{ .Values.str | toJson }}",
		"{{ fromJsonArray \"[1, 2]\" | len }}",
		"{{ dict \"a\" 1 | toYaml }}",
	}
	var tpl strings.Builder
	for i, e := range exprs {
		fmt.Fprintf(&tpl, "{{ define \"e%d\" }}%s{{ end }}", i, e)
	}
	files := []*archive.BufferedFile{
		{Name: "Chart.yaml", Data: []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n")},
		{Name: "values.yaml", Data: []byte("float: 3\nstr: \"4\"\nhcl: 'storage \"raft\" {}'\n")},
		{Name: "templates/_e.tpl", Data: []byte(tpl.String())},
	}
	for i := range exprs {
		files = append(files, &archive.BufferedFile{Name: fmt.Sprintf("templates/e%d.yaml", i), Data: []byte(fmt.Sprintf("{{ include \"e%d\" . }}", i))})
	}
	ch, err := loader.LoadFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]any{}
	for _, s := range []string{"count=3", "neg=-2"} { // --set gives int64
		if err := strvals.ParseInto(s, set); err != nil {
			t.Fatal(err)
		}
	}
	kv, _ := common.ParseKubeVersion(DefaultKubeVersion)
	top, err := commonutil.ToRenderValues(ch, set, common.ReleaseOptions{Name: "r", Namespace: "default"}, pinnedCapabilities(*kv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if v := top["Values"].(common.Values); fmt.Sprintf("%T %T %T", v["count"], v["float"], v["str"]) != "int64 float64 string" {
		t.Fatalf("value types %T %T %T", v["count"], v["float"], v["str"])
	}
	// One template per expression, so that one failing expression does not
	// hide the others: render each alone with both engines.
	for i, e := range exprs {
		name := fmt.Sprintf("c/templates/e%d.yaml", i)
		one := *ch
		one.Templates = nil
		for _, f := range ch.Templates {
			if f.Name == "templates/_e.tpl" || "c/"+f.Name == name {
				one.Templates = append(one.Templates, f)
			}
		}
		helmOut, helmErr := engine.Engine{}.Render(&one, top)
		ours, ourErr := engine.Engine{CustomTemplateFuncs: (&renderBudget{}).funcs()}.Render(&one, top)
		if (helmErr == nil) != (ourErr == nil) {
			t.Errorf("%s: Helm's error %v, pvlint's %v", e, helmErr, ourErr)
			continue
		}
		if helmErr != nil {
			continue
		}
		h, o := helmOut[name], ours[name]
		if strings.Contains(e, "rand") { // random text: compare the lengths
			h, o = fmt.Sprint(len(h)), fmt.Sprint(len(o))
		}
		if h != o {
			t.Errorf("%s: Helm renders %q, pvlint %q", e, h, o)
		}
		if want, ok := reported[e]; ok && o != want {
			t.Errorf("%s: renders %q, want %q", e, o, want)
		}
	}
}

// The reported cases (issue 12): a count converted with int renders.
var reported = map[string]string{
	"{{ range until (int .Values.count) }}x{{ end }}": "xxx",
	"{{ range until (int .Values.float) }}x{{ end }}": "xxx",
	"{{ range until (atoi .Values.str) }}x{{ end }}":  "xxxx",
	"{{ repeat (int .Values.count) \"ab\" }}":         "ababab",
	"{{ seq 5 -2 (int .Values.neg) }}":                "5 3 1 -1",
}

// The reported `range until (int .Values.n)` with `n: 3`: YAML 1.1, which
// Helm reads values in, takes the key n for false. Helm's own loader and
// engine render nothing for it, as pvlint does; pvlint says why, at the
// key's line, and a key of another name renders.
func TestBooleanValuesKeys(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c/Chart.yaml":       "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/values.yaml":      "count: 3\nn: 3\nlimits:\n  \"on\": 1\n  off: 2\n",
		"c/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  n: \"{{ range until (int .Values.n) }}x{{ end }}\"\n  count: \"{{ range until (int .Values.count) }}x{{ end }}\"\n  off: \"{{ .Values.limits.false }}\"\n",
	})
	res := Render(dir, "c", Options{})
	if len(res.Errors) > 0 {
		t.Fatal(errs(res))
	}
	cm := find(t, res, "ConfigMap", "x")
	got := map[string]string{}
	for _, k := range []string{"n", "count", "off"} {
		got[k], _ = cm.Root.Path("data", k).Str()
	}
	ch, err := loader.Load(filepath.Join(dir, "c"))
	if err != nil {
		t.Fatal(err)
	}
	kv, _ := common.ParseKubeVersion(DefaultKubeVersion)
	top, err := commonutil.ToRenderValues(ch, map[string]any{}, common.ReleaseOptions{Name: "r"}, pinnedCapabilities(*kv, nil))
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Engine{}.Render(ch, top)
	if err != nil {
		t.Fatal(err)
	}
	helm := out["c/templates/x.yaml"]
	for k, v := range got {
		if !strings.Contains(helm, fmt.Sprintf("%s: %q", k, v)) {
			t.Errorf("data.%s: pvlint %q, Helm renders\n%s", k, v, helm)
		}
	}
	if got["n"] != "" || got["count"] != "xxx" || got["off"] != "2" {
		t.Errorf("rendered %v", got)
	}
	var notes []string
	for _, n := range res.Notices {
		notes = append(notes, n.File+": "+n.Msg)
	}
	want := []string{
		"c/values.yaml: line 2: Helm reads the key n as the boolean false (YAML 1.1), so templates see .Values.false, never .Values.n; quote it (\"n\": ...) to keep the name",
		"c/values.yaml: line 5: Helm reads the key off as the boolean false (YAML 1.1), so templates see .Values.limits.false, never .Values.limits.off; quote it (\"off\": ...) to keep the name",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notices\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
}

// Every sprig function keeps its type when wrapped (text/template reads
// arity, variadics and the error result from it; the bounded builders add
// an error result only) and stops once the render is stopped.
func TestCheckedKeepsTypes(t *testing.T) {
	b := &renderBudget{}
	wrapped := b.funcs()
	for name, fn := range sprig.TxtFuncMap() {
		if helmBound[name] || helmOwn[name] {
			if wrapped[name] != nil {
				t.Errorf("%s is Helm's own: it must not be replaced", name)
			}
			continue
		}
		got, want := reflect.TypeOf(wrapped[name]), reflect.TypeOf(fn)
		if got == want {
			continue
		}
		// The certificate generators (determinism.go) return and take a
		// certificate of ours, with the fields of sprig's unexported one.
		like := func(a, b reflect.Type) bool { return a == b || isCertificate(a) && isCertificate(b) }
		same := got.NumIn() == want.NumIn() && got.IsVariadic() == want.IsVariadic() && got.NumOut() == want.NumOut()
		for i := 0; same && i < got.NumOut(); i++ {
			same = like(got.Out(i), want.Out(i))
		}
		// The bounded builders take the same arguments and add an error.
		if !same {
			same = got.NumIn() == want.NumIn() && got.IsVariadic() == want.IsVariadic() && got.NumOut() == 2 && got.Out(0) == want.Out(0)
		}
		for i := 0; same && i < got.NumIn(); i++ {
			same = like(got.In(i), want.In(i))
		}
		if !same {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	b.halt("test")
	for _, name := range []string{"upper", "quote", "default", "dict", "trunc", "semverCompare", "toString", "b64enc"} {
		v := reflect.ValueOf(wrapped[name])
		args := make([]reflect.Value, v.Type().NumIn())
		for i := range args {
			args[i] = reflect.Zero(v.Type().In(i))
		}
		func() {
			defer func() {
				if p := recover(); p != errStopped {
					t.Errorf("%s after a stop: %v, want errStopped", name, p)
				}
			}()
			if v.Type().IsVariadic() {
				v.CallSlice(args)
			} else {
				v.Call(args)
			}
		}()
	}
}

// The charts of a scan share limits.ScanChartTime: a chart that loops
// stops when the scan's time is spent, before its own timeout, and a chart
// after it is not rendered; each says so.
func TestScanChartTime(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	st := parsers.NewScanTime(400 * time.Millisecond)
	loop := "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n"
	start := time.Now()
	res := renderTemplate(t, loop, Options{Timeout: 30 * time.Second, ScanTime: st})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the looping chart ran %v", d)
	}
	want := limits.ChartTimeSpent(limits.ScanChartTime)
	if e := errs(res); !strings.Contains(e, want) {
		t.Errorf("looping chart: errors %q, want %q", e, want)
	}
	res = renderTemplate(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", Options{Timeout: 30 * time.Second, ScanTime: st})
	if e := errs(res); !strings.Contains(e, want) || len(res.Resources) != 0 {
		t.Errorf("chart after the scan's time: errors %q, %d resources", e, len(res.Resources))
	}
	// With time left, a chart renders and is charged for it.
	st = parsers.NewScanTime(time.Minute)
	res = renderTemplate(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", Options{ScanTime: st})
	if len(res.Errors) > 0 || len(res.Resources) != 2 {
		t.Errorf("chart with time left: %d resources, errors %q", len(res.Resources), errs(res))
	}
	if d, byScan, spent := st.Take(0); spent || !byScan || d >= time.Minute {
		t.Errorf("after one chart: %v left (by scan %v, spent %v)", d, byScan, spent)
	}
}

// An execution error that Helm 4 reformats ("x.yaml:6:22\n  executing
// ...") is placed at its template line and column, as Go's "template:"
// form and Helm's "at (...)" forms are.
func TestExecutionErrorLine(t *testing.T) {
	res := renderTemplate(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: {{ range $k, $v := \"text\" }}{{ $k }}{{ end }}\n", Options{})
	if len(res.Errors) != 1 {
		t.Fatalf("errors %q", errs(res))
	}
	if e := res.Errors[0]; e.File != "c/templates/x.yaml" || e.Line != 6 || e.Col == 0 {
		t.Errorf("error at %s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
}
