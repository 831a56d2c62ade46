// Package actiontest runs the composite action's own shell steps
// (action.yml) on this machine, the way a runner would, with the steps that
// call other actions (cache, upload-sarif) left out. It checks what a
// workflow relies on: one scan, the report's folder created, the exit-code
// output set on every path, and config-from-base taking the policy files
// from the base commit.
package actiontest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
}

type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

var repoRoot = func() string { p, _ := filepath.Abs("../.."); return p }()

func loadAction(t *testing.T) action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// buildOnce builds pvlint for the simulated runner (the action's own build
// step needs the network for modules; the binary is what it would make).
var built string

func pvlintBinary(t *testing.T) string {
	t.Helper()
	if built != "" {
		return built
	}
	dir, err := os.MkdirTemp("", "pvlint-action-bin")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "pvlint")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pvlint")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	built = bin
	return bin
}

type runner struct {
	t         *testing.T
	a         action
	inputs    map[string]string
	outputs   map[string]map[string]string // step id → outputs
	env       []string
	workspace string
	temp      string
	baseSHA   string
	log       strings.Builder
	failed    string // name of the step that failed, with its exit status
	exitOf    map[string]int
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

func (r *runner) eval(s string) string {
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		e := strings.TrimSpace(expr.FindStringSubmatch(m)[1])
		switch {
		case strings.HasPrefix(e, "inputs."):
			return r.inputs[strings.TrimPrefix(e, "inputs.")]
		case strings.HasPrefix(e, "steps."):
			parts := strings.Split(e, ".") // steps.ID.outputs.NAME
			if len(parts) == 4 {
				return r.outputs[parts[1]][parts[3]]
			}
		case e == "github.event.pull_request.base.sha":
			return r.baseSHA
		case e == "github.token":
			return "test-token"
		}
		r.t.Fatalf("the simulation does not know the expression %q", e)
		return ""
	})
}

// run executes the action's steps in order. A step that calls another action
// is simulated: the cache restore hits (the binary is in place), the save
// and the SARIF upload are recorded as skipped.
func (r *runner) run() {
	bin := pvlintBinary(r.t)
	for _, s := range r.a.Runs.Steps {
		if s.Uses != "" {
			if s.ID == "restore" {
				dir := r.outputs["key"]["dir"]
				if err := os.MkdirAll(dir, 0o755); err != nil {
					r.t.Fatal(err)
				}
				data, err := os.ReadFile(bin)
				if err != nil {
					r.t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "pvlint"), data, 0o755); err != nil {
					r.t.Fatal(err)
				}
				r.outputs["restore"] = map[string]string{"cache-hit": "true"}
			}
			continue
		}
		if s.ID == "build" {
			continue // `if: cache-hit != 'true'`: the restore hit
		}
		if r.failed != "" && s.If != "${{ always() }}" {
			continue
		}
		out := filepath.Join(r.temp, "output-"+s.ID)
		os.WriteFile(out, nil, 0o644)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
		cmd.Dir = r.workspace
		cmd.Env = append(append([]string{}, r.env...), "GITHUB_OUTPUT="+out)
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+r.eval(v))
		}
		b, err := cmd.CombinedOutput()
		r.log.WriteString("## " + s.Name + "\n" + string(b))
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				r.t.Fatal(err)
			}
			code = ee.ExitCode()
		}
		r.exitOf[s.ID] = code
		outs := map[string]string{}
		data, _ := os.ReadFile(out)
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				outs[k] = v
			}
		}
		r.outputs[s.ID] = outs
		if code != 0 && r.failed == "" {
			r.failed = s.Name
		}
	}
}

func newRunner(t *testing.T, workspace string, inputs map[string]string) *runner {
	a := loadAction(t)
	r := &runner{t: t, a: a, inputs: map[string]string{}, outputs: map[string]map[string]string{},
		workspace: workspace, temp: t.TempDir(), exitOf: map[string]int{}}
	for k, v := range a.Inputs {
		r.inputs[k] = v.Default
	}
	r.inputs["token"] = "test-token"
	for k, v := range inputs {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("action.yml has no input %q", k)
		}
		r.inputs[k] = v
	}
	r.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"RUNNER_TEMP=" + r.temp, "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
		"GITHUB_ACTION_PATH=" + repoRoot, "GITHUB_WORKSPACE=" + workspace,
		"GITHUB_STEP_SUMMARY=" + filepath.Join(r.temp, "summary.md")}
	return r
}

const hostPathPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: c
      image: alpine
  volumes:
    - name: etc
      hostPath:
        path: /etc
`

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestActionScansOnceAndCreatesTheReportFolder(t *testing.T) {
	ws := t.TempDir()
	write(t, ws, map[string]string{"deploy/pod.yaml": hostPathPod})
	r := newRunner(t, ws, map[string]string{"path": "deploy", "sarif-file": "out/reports/pvlint.sarif"})
	r.run()
	if got := r.outputs["result"]["exit-code"]; got != "1" {
		t.Fatalf("exit-code = %q, want 1\n%s", got, r.log.String())
	}
	if r.exitOf["result"] != 1 {
		t.Errorf("the last step exits %d, want 1", r.exitOf["result"])
	}
	if st, err := os.Stat(filepath.Join(ws, "out/reports/pvlint.sarif")); err != nil || st.Size() == 0 {
		t.Errorf("the SARIF report was not written into the missing folder: %v", err)
	}
	if !strings.Contains(r.log.String(), "::error file=deploy/pod.yaml") {
		t.Errorf("no annotation for deploy/pod.yaml:\n%s", r.log.String())
	}
	if n := strings.Count(r.a.rawRuns(t), `"$PVLINT"`); n != 1 {
		t.Errorf("action.yml runs pvlint %d times, want once", n)
	}
	if sum, _ := os.ReadFile(filepath.Join(r.temp, "summary.md")); len(sum) == 0 {
		t.Error("no step summary")
	}
}

func (a action) rawRuns(t *testing.T) string {
	var b strings.Builder
	for _, s := range a.Runs.Steps {
		b.WriteString(s.Run)
	}
	return b.String()
}

func TestActionSetsExitCodeOnUsageError(t *testing.T) {
	ws := t.TempDir()
	write(t, ws, map[string]string{"pod.yaml": hostPathPod})
	r := newRunner(t, ws, map[string]string{"args": "--no-such-flag"})
	r.run()
	if got := r.outputs["result"]["exit-code"]; got != "2" {
		t.Fatalf("exit-code = %q, want 2\n%s", got, r.log.String())
	}
	if r.exitOf["result"] != 2 {
		t.Errorf("the last step exits %d, want 2", r.exitOf["result"])
	}
}

func TestActionPassesArgsAndBaseline(t *testing.T) {
	ws := t.TempDir()
	write(t, ws, map[string]string{"pod.yaml": hostPathPod})
	cmd := exec.Command(pvlintBinary(t), "--namespace", "prod", "--write-baseline", "base.json", ".")
	cmd.Dir = ws
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("--write-baseline: %v\n%s", err, out)
	}
	r := newRunner(t, ws, map[string]string{"baseline": "base.json", "args": "--namespace\nprod"})
	r.run()
	if got := r.outputs["result"]["exit-code"]; got != "0" {
		t.Fatalf("with the baseline: exit-code = %q, want 0\n%s", got, r.log.String())
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// A pull request that disables the rule in .pvlint.yaml and baselines its own
// finding passes on its own configuration and fails with config-from-base.
func TestActionConfigFromBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed")
	}
	ws := t.TempDir()
	git(t, ws, "init", "-q", "-b", "main")
	write(t, ws, map[string]string{".pvlint.yaml": "fail-on: high\n", "apps/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n"})
	git(t, ws, "add", "-A")
	git(t, ws, "commit", "-q", "-m", "base")
	base := git(t, ws, "rev-parse", "HEAD")
	write(t, ws, map[string]string{
		".pvlint.yaml":  "fail-on: high\ndisable: [PVL201, PVL202]\nbaseline: pr-baseline.json\n",
		"apps/pod.yaml": hostPathPod,
	})
	cmd := exec.Command(pvlintBinary(t), "--write-baseline", "pr-baseline.json", ".")
	cmd.Dir = ws
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("--write-baseline: %v\n%s", err, out)
	}
	git(t, ws, "add", "-A")
	git(t, ws, "commit", "-q", "-m", "pull request")

	own := newRunner(t, ws, nil)
	own.baseSHA = base
	own.run()
	if got := own.outputs["result"]["exit-code"]; got != "0" {
		t.Fatalf("on the pull request's configuration: exit-code = %q, want 0\n%s", got, own.log.String())
	}
	fromBase := newRunner(t, ws, map[string]string{"config-from-base": "true", "baseline": "pr-baseline.json"})
	fromBase.baseSHA = base
	fromBase.run()
	if got := fromBase.outputs["result"]["exit-code"]; got != "1" {
		t.Fatalf("config-from-base: exit-code = %q, want 1 (the base enables PVL201 and has no baseline)\n%s", got, fromBase.log.String())
	}
	if !strings.Contains(fromBase.log.String(), "pr-baseline.json is not in the base commit, so it is not used") {
		t.Errorf("no notice that the baseline is not in the base commit:\n%s", fromBase.log.String())
	}
}

// Every run: script of the action passes shellcheck, with each ${{ }}
// expression stood in for by a plain word (they only ever appear in env:).
// .ci/run installs shellcheck; without it this test fails rather than skip.
func TestActionScriptsPassShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck is not installed (apt-get install shellcheck; .ci/run does it)")
	}
	for _, s := range loadAction(t).Runs.Steps {
		if s.Run == "" {
			continue
		}
		if expr.MatchString(s.Run) {
			t.Errorf("step %q puts a ${{ }} expression inside its script; pass it through env:", s.Name)
		}
		cmd := exec.Command(sc, "-s", "bash", "-S", "warning", "-")
		cmd.Stdin = strings.NewReader(s.Run)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("shellcheck on step %q: %v\n%s", s.Name, err, out)
		}
	}
}

// Third-party actions are pinned by commit SHA, with the version in a comment
// (a tag can be moved; a SHA cannot).
func TestActionsArePinnedBySHA(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github/workflows/*.yml"))
	files = append(files, filepath.Join(repoRoot, "action.yml"))
	pinned := regexp.MustCompile(`^\s*-?\s*uses:\s*([^@\s]+)@([0-9a-f]{40})\s+#\s*v\d+(\.\d+)*\s*$`)
	uses := regexp.MustCompile(`^\s*-?\s*uses:\s*(\S+)`)
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := uses.FindStringSubmatch(line)
			if m == nil || strings.HasPrefix(m[1], "./") {
				continue
			}
			n++
			if !pinned.MatchString(line) {
				t.Errorf("%s:%d: %s is not pinned by a commit SHA with its version in a comment", filepath.Base(f), i+1, strings.TrimSpace(line))
			}
			if strings.HasPrefix(m[1], "github/codeql-action/") && !strings.Contains(line, "# v4") {
				t.Errorf("%s:%d: codeql-action must be v4 (v3 runs on a Node version runners drop)", filepath.Base(f), i+1)
			}
		}
	}
	if n < 4 {
		t.Errorf("found %d uses: lines, expected the action's and the workflows'", n)
	}
}

// A pull request can commit a link where the report is written: the link
// is removed and the report written in its place, never through it; a
// report directory that leads out of the workspace through a link is
// refused (exit code 2) and nothing outside is written.
func TestActionNeverWritesThroughTheCheckoutsLinks(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	write(t, ws, map[string]string{"deploy/pod.yaml": hostPathPod})
	if err := os.Symlink(victim, filepath.Join(ws, "pvlint.sarif")); err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, ws, map[string]string{"path": "deploy"})
	r.run()
	if got := r.outputs["result"]["exit-code"]; got != "1" {
		t.Fatalf("exit-code = %q, want 1\n%s", got, r.log.String())
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the report was written through the link: %.80q", b)
	}
	if fi, err := os.Lstat(filepath.Join(ws, "pvlint.sarif")); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		t.Errorf("no report in the link's place: %v", err)
	}

	ws = t.TempDir()
	write(t, ws, map[string]string{"deploy/pod.yaml": hostPathPod})
	if err := os.Symlink(outside, filepath.Join(ws, "reports")); err != nil {
		t.Fatal(err)
	}
	r = newRunner(t, ws, map[string]string{"path": "deploy", "sarif-file": "reports/pvlint.sarif"})
	r.run()
	if got := r.outputs["result"]["exit-code"]; got != "2" {
		t.Errorf("exit-code = %q, want 2\n%s", got, r.log.String())
	}
	if _, err := os.Stat(filepath.Join(outside, "pvlint.sarif")); err == nil {
		t.Error("the report was written out of the workspace through the linked directory")
	}
}
