package terraform

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/internal/watchdog"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/limits"
)

const goodVolume = `resource "aws_ebs_volume" "good" {
  availability_zone = "eu-west-1a"
  size              = 10
}
`

func errorText(res parsers.Result) string {
	var b strings.Builder
	for _, e := range res.Errors {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

// hostile runs one hostile module beside a good one and checks the error
// and that the good module is still evaluated.
func hostile(t *testing.T, files map[string]string, want ...string) parsers.Result {
	t.Helper()
	files["good/main.tf"] = goodVolume
	var dirs []string
	seen := map[string]bool{}
	for name := range files {
		d := name[:strings.LastIndex(name, "/")]
		if !seen[d] && !strings.Contains(d, "/modules") {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	res := parseFiles(t, files, dirs...)
	errs := errorText(res)
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("errors lack %q:\n%s", w, errs)
		}
	}
	if byAddress(res)["aws_ebs_volume.good"] == nil {
		t.Errorf("the good module was not evaluated")
	}
	return res
}

func TestNestingIsBoundedBeforeParsing(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	const n = 100_000
	hostile(t, map[string]string{
		"parens/main.tf":        "locals {\n  x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n}\n",
		"brackets/main.tf":      "locals {\n  x = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n",
		"json/main.tf.json":     `{"locals": {"x": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}`,
		"vars/main.tf":          goodVolume,
		"vars/terraform.tfvars": "x = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n",
	},
		"parens/main.tf:2:",
		"brackets/main.tf:2:",
		"json/main.tf.json:1:",
		"vars/terraform.tfvars:1:",
		limits.TooDeep(limits.Depth)+"; not parsed",
	)
	// Ordinary nesting is not refused.
	res := parseFiles(t, map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n}\n" + goodVolume})
	if len(res.Errors) > 0 {
		t.Errorf("100 levels refused: %s", errorText(res))
	}
}

func TestNestedForIsBounded(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	// 200 bytes, a billion elements.
	hostile(t, map[string]string{"bomb/main.tf": `locals {
  a = range(1000)
  b = [for x in local.a : [for y in local.a : [for z in local.a : z]]]
}
resource "aws_ebs_volume" "x" {
  availability_zone = "eu-west-1a"
  size              = length(local.b)
}
`}, "bomb/main.tf:3:", fmt.Sprintf("for expressions iterate over more than %d elements in this module", limits.ValueElements))
}

func TestInstancesAcrossModulesAreBounded(t *testing.T) {
	watchdog.Start(t, 120*time.Second)
	res := hostile(t, map[string]string{
		"root/main.tf": `
module "a" {
  source = "../modules/disks"
  count  = 9999
}
module "b" {
  source = "../modules/disks"
  count  = 9999
}
module "c" {
  source = "../modules/disks"
  count  = 9999
}
`,
		"modules/disks/main.tf": `resource "aws_ebs_volume" "d" {
  count             = 9999
  availability_zone = "eu-west-1a"
  size              = 1
}
`}, fmt.Sprintf("more than %d resource instances across the modules", limits.Instances))
	if n := len(res.Resources); n > limits.Instances {
		t.Errorf("%d resources, over the scan's bound", n)
	}
}

func TestSetFunctionsAreBoundedBeforeUnification(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	var b strings.Builder
	b.WriteString("locals {\n  names = [")
	for i := range 100_000 {
		fmt.Fprintf(&b, "%q,", fmt.Sprint("n", i))
	}
	b.WriteString("]\n  set = toset(local.names)\n}\n")
	b.WriteString(`resource "aws_ebs_volume" "x" {
  availability_zone = "eu-west-1a"
  size              = length(local.set)
}
`)
	hostile(t, map[string]string{"set/main.tf": b.String()}, "set/main.tf:3:", fmt.Sprintf("toset(): toset over more than %d elements", limits.SetElements))
}

func TestCountAndFunctionErrorsAreErrors(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	hostile(t, map[string]string{
		"neg/main.tf": `resource "aws_ebs_volume" "x" {
  count             = -5
  availability_zone = "eu-west-1a"
}
`,
		"range/main.tf": `locals {
  many = range(2000)
}
resource "aws_ebs_volume" "x" {
  availability_zone = "eu-west-1a"
  size              = length(local.many)
}
`},
		"neg/main.tf:2:23: count is -5: Terraform refuses a negative count (Invalid count argument)",
		"range/main.tf:2:10: range(): more than 1024 values were generated",
	)
}

// manyLocals is a module of n locals: enough expressions for evaluation
// to check its deadline.
func manyLocals(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n")
	for i := range n {
		fmt.Fprintf(&b, "  l%d = %d\n", i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

func TestEvaluationHasADeadline(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	old := moduleEval
	moduleEval = time.Nanosecond
	t.Cleanup(func() { moduleEval = old })
	locals := manyLocals(2000)
	res := parseFiles(t, map[string]string{"main.tf": locals})
	if errs := errorText(res); !strings.Contains(errs, "evaluation did not finish within 1ns; not scanned") {
		t.Errorf("errors: %s", errs)
	}
}

// The root modules of a scan share limits.ScanModuleTime: once it is
// spent, the module being evaluated stops and the rest are not evaluated,
// each with an error naming the bound, while each module alone is well
// within moduleEval.
func TestModulesShareTheScanTime(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	oldM, oldS := moduleEval, scanModuleTime
	moduleEval, scanModuleTime = time.Minute, time.Nanosecond
	t.Cleanup(func() { moduleEval, scanModuleTime = oldM, oldS })
	locals := manyLocals(2000)
	res := parseFiles(t, map[string]string{"a/main.tf": locals, "b/main.tf": locals, "c/main.tf": locals}, "a", "b", "c")
	want := limits.ModulesTimeSpent(time.Nanosecond)
	if errs := errorText(res); strings.Count(errs, want) != 3 || strings.Contains(errs, "did not finish") {
		t.Errorf("errors: %s", errs)
	}
}

// Text that templates and functions build is bounded per root module: a
// chain of doubling locals (30 doublings of 16 bytes would be 16 GiB)
// stops at the bound with an error at the template, as does a function
// building text. The module's other values still evaluate.
func TestBuiltTextIsBounded(t *testing.T) {
	watchdog.Start(t, 60*time.Second)
	defer func(n int64) { textLimit = n }(textLimit)
	textLimit = 1 << 20
	var b strings.Builder
	b.WriteString("locals {\n  s0 = \"0123456789abcdef\"\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "  s%d = \"${local.s%d}${local.s%d}\"\n", i, i-1, i-1)
	}
	b.WriteString("}\nresource \"aws_ebs_volume\" \"x\" {\n  availability_zone = local.s30\n  size = 1\n}\n")
	res := hostile(t, map[string]string{
		"double/main.tf": b.String(),
		"fn/main.tf":     "locals {\n  s = join(\"\", [for i in range(100) : format(\"%20000s\", \"x\")])\n}\n" + goodVolume,
	}, "double/main.tf:", "fn/main.tf:2:", limits.TooMuchText(1<<20))
	if n := strings.Count(errorText(res), limits.TooMuchText(1<<20)); n > 3 {
		t.Errorf("%d errors for the bound, want one per module:\n%s", n, errorText(res))
	}
	// Ordinary text is not refused.
	ok := parseFiles(t, map[string]string{"main.tf": "locals {\n  s = \"${upper(\"a\")}-${join(\",\", [\"b\", \"c\"])}\"\n}\n" + goodVolume})
	if len(ok.Errors) > 0 {
		t.Errorf("ordinary templates refused: %s", errorText(ok))
	}
}

// A function is never given a number it would take seconds to print
// (tostring(1e10000000) took 24 s): the call is an error at once.
func TestHugeNumbersAreRefused(t *testing.T) {
	watchdog.Start(t, 30*time.Second)
	hostile(t, map[string]string{"num/main.tf": `locals {
  a = tostring(1e10000000)
  b = format("%d", 1e-10000000)
}
resource "aws_ebs_volume" "x" {
  availability_zone = local.a
  size              = 1
}
`}, "num/main.tf:2:", "num/main.tf:3:", limits.NumberTooLarge(limits.NumberExponent))
}
