// Package browsertest opens pvlint's HTML report in a real browser
// (headless Chromium from Debian's packages; .ci/run installs it) and checks
// what a reviewer relies on: the findings are there, the filters work, a
// chain is drawn, the page runs without script errors or CSP refusals and
// asks the network for nothing. It saves a screenshot as a test artifact
// (in $PVLINT_TEST_ARTIFACTS, else a temporary directory).
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/report"
	"github.com/pvlint/pvlint/rules"
)

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium is needed for the HTML report test: apt-get install chromium (.ci/run installs it)")
	return ""
}

type page struct {
	dom, console string
	requests     []string
}

// open loads url in a fresh headless Chromium and returns the DOM after the
// scripts ran, the console log and the network requests the page made.
func open(t *testing.T, url string, extra ...string) page {
	t.Helper()
	dir := t.TempDir()
	netlog := filepath.Join(dir, "net.json")
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--log-net-log=" + netlog, "--virtual-time-budget=5000"}, extra...)
	args = append(args, url)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	p := page{dom: out.String()}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			p.console += line + "\n"
		}
	}
	data, _ := os.ReadFile(netlog)
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`"url":"([^"]+)"`).FindAllStringSubmatch(string(data), -1) {
		u := m[1]
		if !seen[u] && !chromiumOwn(u) {
			seen[u] = true
			p.requests = append(p.requests, u)
		}
	}
	return p
}

// chromiumOwn tells the browser's own background traffic (time, sign-in and
// suggestion services, which start whatever the page is) from the page's.
var ownHosts = regexp.MustCompile(`^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com|googleusercontent\.com)(/|:|$)`)

func chromiumOwn(u string) bool {
	return ownHosts.MatchString(u) || strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:") ||
		strings.HasPrefix(u, "chrome") || strings.HasPrefix(u, "about:")
}

func demoReport(t *testing.T) (string, *report.Report) {
	t.Helper()
	root, err := filepath.Abs("../../testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	res, err := linter.Run(linter.Options{Root: root, Paths: []string{root}, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	rep := &report.Report{Version: "test", Findings: res.Findings, Errors: res.Errors, Notices: res.Notices,
		Stats:       report.Stats{Files: res.Files, Resources: len(res.Graph.Resources), Charts: res.Charts, Modules: res.Modules},
		DocsBaseURL: "https://github.com/pvlint/pvlint/blob/main/docs/rules/", Graph: res.Graph}
	for _, r := range rules.All() {
		rep.Rules = append(rep.Rules, r.Meta)
	}
	w, err := report.New("html", false)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := w.Write(&b, rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, rep
}

func attr(t *testing.T, dom, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<body[^>]*\s` + name + `="([^"]*)"`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("<body> has no %s attribute: the report's script did not run\n%.2000s", name, dom)
	}
	return m[1]
}

// The checks would be worth nothing if the browser hid script errors or
// requests: a control page with both must trip them.
func TestBrowserChecksCatchErrorsAndRequests(t *testing.T) {
	dir := t.TempDir()
	ctl := filepath.Join(dir, "control.html")
	os.WriteFile(ctl, []byte(`<!DOCTYPE html><html><body><script>notDefined();</script><img src="http://198.51.100.7/x.png"></body></html>`), 0o644)
	p := open(t, "file://"+ctl, "--dump-dom")
	if !strings.Contains(p.console, "Uncaught") {
		t.Errorf("the console log misses the control page's script error:\n%s", p.console)
	}
	if len(p.requests) == 0 || !strings.Contains(strings.Join(p.requests, " "), "198.51.100.7") {
		t.Errorf("the network log misses the control page's request: %v", p.requests)
	}
}

func TestHTMLReportInChromium(t *testing.T) {
	path, rep := demoReport(t)
	crit, total := 0, 0
	for _, f := range rep.Findings {
		if f.Suppression == nil && !f.Undecided {
			total++
			if f.Severity == rules.Critical {
				crit++
			}
		}
	}
	if crit == 0 {
		t.Fatal("the demo has no critical finding to filter on")
	}

	// Unfiltered: every finding is listed and the script ran.
	p := open(t, "file://"+path, "--dump-dom")
	if got := attr(t, p.dom, "data-ready"); got != "1" {
		t.Fatalf("data-ready = %q", got)
	}
	if got := attr(t, p.dom, "data-shown"); got != strconv.Itoa(total) {
		t.Errorf("%s findings shown, want all %d", got, total)
	}
	if n := strings.Count(p.dom, `class="finding `); n < total {
		t.Errorf("%d findings in the DOM, want at least %d", n, total)
	}
	if !strings.Contains(p.dom, `<figure class="chain"`) || !strings.Contains(p.dom, "aws_kms_key.eks_pv") {
		t.Error("no drawn chain reaching the Terraform KMS key (PVL107)")
	}
	if !strings.Contains(p.dom, `<svg class="map"`) {
		t.Error("no storage map")
	}
	if strings.Contains(p.console, "Uncaught") || strings.Contains(p.console, "Refused to") {
		t.Errorf("script errors or Content Security Policy refusals:\n%s", p.console)
	}
	if len(p.requests) > 0 {
		t.Errorf("the report made network requests: %v", p.requests)
	}

	// Filtered through the URL fragment: only the critical findings show.
	p = open(t, "file://"+path+"#severity=critical", "--dump-dom")
	if got := attr(t, p.dom, "data-shown"); got != strconv.Itoa(crit) {
		t.Errorf("with #severity=critical %s findings shown, want %d", got, crit)
	}
	visible := regexp.MustCompile(`<li class="finding sev-(\w+)[^"]*"[^>]*>`)
	for _, m := range visible.FindAllStringSubmatch(p.dom, -1) {
		hidden := strings.Contains(m[0], " hidden")
		if (m[1] == "critical") == hidden {
			t.Errorf("severity filter: %s finding hidden=%v", m[1], hidden)
		}
	}
	p = open(t, "file://"+path+"#rule=PVL107", "--dump-dom")
	if got := attr(t, p.dom, "data-shown"); got != "1" {
		t.Errorf("with #rule=PVL107 %s findings shown, want 1", got)
	}

	// The screenshot, as a reviewer first sees the report.
	art := os.Getenv("PVLINT_TEST_ARTIFACTS")
	if art == "" {
		art = t.TempDir()
	}
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}
	shot, _ := filepath.Abs(filepath.Join(art, "html-report.png"))
	open(t, "file://"+path, "--window-size=1280,1800", "--screenshot="+shot)
	data, err := os.ReadFile(shot)
	if err != nil || len(data) < 10_000 || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Fatalf("no screenshot at %s (%d bytes): %v", shot, len(data), err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(data))
}
