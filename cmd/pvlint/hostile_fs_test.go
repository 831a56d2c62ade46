package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
)

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(name, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostileFilesInTheTree: links out of the tree, links to devices and
// named pipes with a source file's name are each an error naming the file,
// the good manifest is still reported, exit 3, and nothing hangs.
func TestHostileFilesInTheTree(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte(hostPathPod), 0o644); err != nil {
		t.Fatal(err)
	}
	root := tree(t, map[string]string{"good/pod.yaml": hostPathPod})
	symlink(t, "/etc/passwd", filepath.Join(root, "leak.yaml"))
	symlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(root, "outside.yaml"))
	symlink(t, "/dev/zero", filepath.Join(root, "zero/zero.tf"))
	symlink(t, "/dev/zero", filepath.Join(root, "zero.yaml"))
	symlink(t, "..", filepath.Join(root, "good/up"))
	mkfifo(t, filepath.Join(root, "fifo/main.tf"))
	mkfifo(t, filepath.Join(root, "pipe.yaml"))

	code, out, errb := pvlint(t, root, "", "--format", "text", ".")
	if code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(out, "good/pod.yaml\n") || !strings.Contains(out, "PVL201") {
		t.Errorf("the good manifest is not reported:\n%s", out)
	}
	if strings.Contains(out+errb, "root:x:0") || strings.Contains(out, "secret.yaml") {
		t.Errorf("content from outside the tree reached the report:\n%s\n%s", out, errb)
	}
	for _, want := range []string{
		"leak.yaml: symbolic link points outside the scanned tree; not followed",
		"outside.yaml: symbolic link points outside the scanned tree; not followed",
		"zero/zero.tf: symbolic link points outside the scanned tree; not followed",
		"zero.yaml: symbolic link points outside the scanned tree; not followed",
		"fifo/main.tf: not a regular file (a named pipe); not read",
		"pipe.yaml: not a regular file (a named pipe); not read",
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errb)
		}
	}
}

// TestHostilePathsNamed: a named pipe or a device named on the command line
// is an error for that input (exit 3, no hang); the other inputs are still
// scanned.
func TestHostilePathsNamed(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	root := tree(t, map[string]string{"pod.yaml": hostPathPod})
	mkfifo(t, filepath.Join(root, "named.yaml"))
	outside := t.TempDir()
	mkfifo(t, filepath.Join(outside, "fifo.yaml"))
	symlink(t, "/dev/zero", filepath.Join(root, "dev.yaml"))

	code, out, errb := pvlint(t, root, "", "--format", "text",
		"/dev/zero", filepath.Join(outside, "fifo.yaml"), "named.yaml", "dev.yaml", "pod.yaml")
	if code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(out, "\npod.yaml\n") && !strings.HasPrefix(out, "pod.yaml\n") {
		t.Errorf("the good manifest is not reported:\n%s", out)
	}
	for _, want := range []string{
		"/dev/zero: not a regular file (a character device); not read",
		filepath.ToSlash(filepath.Join(outside, "fifo.yaml")) + ": not a regular file (a named pipe); not read",
		"named.yaml: not a regular file (a named pipe); not read",
		"dev.yaml: symbolic link points outside the scanned tree; not followed",
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errb)
		}
	}
}

const plainVolume = `resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
`

// TestHostileTerraform: every file the Terraform loader opens goes through
// the gate. A .tf linked out of the tree or to a device, a variables file
// linked out of it, a local module directory linked out of it, a named
// pipe called .tf and file() of a named pipe are each an error naming the
// file; the good volume is still reported; exit 3; nothing hangs.
func TestHostileTerraform(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "terraform.tfvars"), []byte("size = 99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "main.tf"), []byte(plainVolume), 0o644); err != nil {
		t.Fatal(err)
	}
	root := tree(t, map[string]string{
		"good/main.tf": plainVolume,
		"infra/main.tf": plainVolume + `
module "m" {
  source = "./link"
}
locals {
  piped = file("fifo.txt")
}
`,
		"vars/main.tf": plainVolume,
	})
	symlink(t, "/etc/passwd", filepath.Join(root, "infra/leak.tf"))
	symlink(t, "/dev/zero", filepath.Join(root, "infra/zero.tf"))
	symlink(t, outside, filepath.Join(root, "infra/link"))
	mkfifo(t, filepath.Join(root, "infra/pipe.tf"))
	mkfifo(t, filepath.Join(root, "infra/fifo.txt"))
	symlink(t, filepath.Join(outside, "terraform.tfvars"), filepath.Join(root, "vars/terraform.tfvars"))

	code, out, errb := pvlint(t, root, "", "--format", "text", ".")
	if code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(out, "good/main.tf\n") || !strings.Contains(out, "PVL401") {
		t.Errorf("the good module is not reported:\n%s", out)
	}
	if strings.Contains(out+errb, "root:x:0") {
		t.Errorf("/etc/passwd reached the report:\n%s\n%s", out, errb)
	}
	for _, want := range []string{
		"infra/leak.tf: symbolic link points outside the scanned tree; not followed",
		"infra/zero.tf: symbolic link points outside the scanned tree; not followed",
		"infra/pipe.tf: not a regular file (a named pipe); not read",
		`infra/main.tf:8:12: module "m": local module directory "infra/link": symbolic link points outside the scanned tree; not followed`,
		"infra/main.tf:11:11: file(): infra/fifo.txt: not a regular file (a named pipe); not read",
		"vars/terraform.tfvars: variables file: symbolic link points outside the scanned tree; not followed",
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errb)
		}
	}
}

const chartYAML = "apiVersion: v2\nname: c\nversion: 0.1.0\n"

// TestHostileHelmFiles: a chart is read through the file gate, so a file
// linked to the runner's environment, a template linked out of the tree and
// a subchart linked to its own parent are refused before Helm sees them:
// an error naming each, the chart not rendered, a good chart still
// reported, exit 3, and no byte of the environment in any output.
func TestHostileHelmFiles(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	t.Setenv("PVLINT_TEST_SECRET", "s3cr3t-token-value")
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "t.yaml"), []byte(hostPathPod), 0o644); err != nil {
		t.Fatal(err)
	}
	root := tree(t, map[string]string{
		"good/Chart.yaml":         chartYAML,
		"good/templates/pod.yaml": hostPathPod,
		"bad/Chart.yaml":          chartYAML,
		"bad/templates/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Files.Get \"files/env\" | quote }}\n",
		"pipe/Chart.yaml":         chartYAML,
		"pipe/templates/pod.yaml": hostPathPod,
	})
	symlink(t, "/proc/self/environ", filepath.Join(root, "bad/files/env"))
	symlink(t, filepath.Join(outside, "t.yaml"), filepath.Join(root, "bad/templates/x.yaml"))
	symlink(t, "..", filepath.Join(root, "bad/charts/self"))
	mkfifo(t, filepath.Join(root, "pipe/templates/fifo.yaml"))

	code, out, errb := pvlint(t, root, "", "--format", "json", ".")
	if code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", code, out, errb)
	}
	if strings.Contains(out+errb, "s3cr3t-token-value") {
		t.Fatalf("the environment reached the output")
	}
	if !strings.Contains(out, `"good/templates/pod.yaml"`) {
		t.Errorf("the good chart is not reported:\n%s", out)
	}
	for _, want := range []string{
		"bad/files/env: chart bad: symbolic link points outside the scanned tree; not followed",
		"bad/templates/x.yaml: chart bad: symbolic link points outside the scanned tree; not followed",
		"bad/charts/self: chart bad: symbolic link to a directory that contains it (a loop); not followed",
		"pipe/templates/fifo.yaml: chart pipe: not a regular file (a named pipe); not read",
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errb)
		}
	}
	if strings.Contains(out, `"pipe/templates/pod.yaml"`) {
		t.Errorf("a chart with a refused file was rendered anyway")
	}
}

// TestMaxFileSizeEverywhere: --max-file-size bounds every input, not only
// manifests: a Terraform file, a variables file, a file() target and a
// chart file over it are each an error naming the file and the limit.
func TestMaxFileSizeEverywhere(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	pad := "# " + strings.Repeat("x", 600) + "\n"
	root := tree(t, map[string]string{
		"small.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
		"tf/big/main.tf":           pad + plainVolume,
		"tf/vars/main.tf":          "locals {\n  k = file(\"blob.txt\")\n}\n",
		"tf/vars/terraform.tfvars": pad + "x = 1\n",
		"tf/vars/blob.txt":         pad,
		"chart/Chart.yaml":         chartYAML,
		"chart/templates/cm.yaml":  pad + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
	})
	code, _, errb := pvlint(t, root, "", "--format", "json", "--max-file-size", "500", ".")
	if code != 3 {
		t.Errorf("exit %d, want 3\n%s", code, errb)
	}
	limit := "over the 500-byte limit (--max-file-size)"
	for _, want := range []string{
		"tf/big/main.tf: file is 728 bytes, " + limit,
		"tf/vars/terraform.tfvars: variables file: file is 609 bytes, " + limit,
		"tf/vars/main.tf:2:7: file(): tf/vars/blob.txt: file is 603 bytes, " + limit,
		"chart/templates/cm.yaml: chart chart: file is 654 bytes, " + limit,
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errb)
		}
	}
}

// TestHostileConfiguration: the repository's .pvlint.yaml is read through
// the gate: a link out of the tree or a named pipe is a configuration
// error (exit 2) naming the cause, never read and never skipped silently.
// An explicit --config /dev/null still means "no configuration".
func TestHostileConfiguration(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	root := tree(t, map[string]string{"pod.yaml": hostPathPod})
	symlink(t, "/etc/passwd", filepath.Join(root, ".pvlint.yaml"))
	code, out, errb := pvlint(t, root, "", ".")
	if code != 2 || !strings.Contains(errb, ".pvlint.yaml: symbolic link points outside the scanned tree; not followed") || strings.Contains(out+errb, "root:x:0") {
		t.Errorf("linked configuration: exit %d\n%s", code, errb)
	}
	os.Remove(filepath.Join(root, ".pvlint.yaml"))
	mkfifo(t, filepath.Join(root, ".pvlint.yaml"))
	code, _, errb = pvlint(t, root, "", ".")
	if code != 2 || !strings.Contains(errb, ".pvlint.yaml: not a regular file (a named pipe); not read") {
		t.Errorf("piped configuration: exit %d\n%s", code, errb)
	}
	if code, _, errb = pvlint(t, root, "", "--config", "/dev/null", "pod.yaml"); code == 2 {
		t.Errorf("--config /dev/null: exit %d\n%s", code, errb)
	}
}

// TestRepositoryNamesNothingOutside: a pull request controls the
// repository's .pvlint.yaml and its kustomizations, so neither may make
// pvlint read a file outside the scanned tree. A configuration naming one
// is refused (exit 2, naming the key) before anything is read; a
// kustomization's helmCharts valuesFile out of the tree is an error of that
// kustomization. The outside file's content never reaches the report.
func TestRepositoryNamesNothingOutside(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	parent := t.TempDir()
	secret := filepath.Join(parent, "secret.yaml")
	if err := os.WriteFile(secret, []byte("name: CANARY_OUTSIDE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, cfg string }{
		{"helm.values", "helm:\n  values: [../secret.yaml]\n"},
		{"helm.values", "helm:\n  values:\n    chart: [" + secret + "]\n"},
		{"terraform.var-files", "terraform:\n  var-files: [../secret.yaml]\n"},
		{"rules", "rules: [../secret.yaml]\n"},
		{"baseline", "baseline: ../secret.yaml\n"},
	} {
		root := filepath.Join(parent, "repo")
		os.RemoveAll(root)
		for name, body := range map[string]string{
			".pvlint.yaml":            c.cfg,
			"pod.yaml":                hostPathPod,
			"chart/Chart.yaml":        "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
			"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | default \"x\" }}\n",
		} {
			if err := writeFile(filepath.Join(root, name), body); err != nil {
				t.Fatal(err)
			}
		}
		code, out, errb := pvlint(t, root, "", "--format", "json", ".")
		if code != 2 || !strings.Contains(errb, ".pvlint.yaml: "+c.key+": ") || !strings.Contains(errb, "is outside the scanned tree") || strings.Contains(out+errb, "CANARY") {
			t.Errorf("%s: exit %d\n%s", c.cfg, code, errb)
		}
	}

	root := filepath.Join(parent, "kust")
	for name, body := range map[string]string{
		"kustomization.yaml":         "helmCharts:\n- name: c\n  valuesFile: ../secret.yaml\n",
		"charts/c/Chart.yaml":        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"charts/c/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | default \"x\" }}\n",
	} {
		if err := writeFile(filepath.Join(root, name), body); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errb := pvlint(t, root, "", "--format", "json", ".")
	if code != 3 || !strings.Contains(errb, "../secret.yaml is outside the scanned tree; not read") || strings.Contains(out+errb, "CANARY") {
		t.Errorf("kustomization valuesFile out of the tree: exit %d\n%s\n%s", code, errb, out)
	}
}
