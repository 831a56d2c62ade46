package helm

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

func watchdog(t *testing.T, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	name := t.Name()
	go func() {
		<-ctx.Done()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			panic("no bound held within " + d.String() + ": " + name)
		}
	}()
}

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
	watchdog(t, 60*time.Second)
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
		if e := errs(res); !strings.Contains(e, c.want) || !strings.Contains(e, "c/templates/x.yaml") && !strings.Contains(c.want, "renders more") {
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
	watchdog(t, 60*time.Second)
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
	watchdog(t, 60*time.Second)
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
