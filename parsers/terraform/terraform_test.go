package terraform

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
)

func testRoot(t testing.TB) string {
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func byAddress(res parsers.Result) map[string]*graph.Resource {
	out := map[string]*graph.Resource{}
	for _, r := range res.Resources {
		out[r.Origin().Address] = r
	}
	return out
}

func mustGet(t *testing.T, m map[string]*graph.Resource, addr string) *graph.Resource {
	t.Helper()
	r := m[addr]
	if r == nil {
		var have []string
		for k := range m {
			have = append(have, k)
		}
		t.Fatalf("no resource %s; have %v", addr, have)
	}
	return r
}

func str(t *testing.T, r *graph.Resource, path ...string) string {
	t.Helper()
	n := r.Root.Path(path...)
	if n == nil {
		t.Fatalf("%s: no %v", r.Origin().Address, path)
	}
	if n.Kind != graph.Scalar {
		t.Fatalf("%s: %v is kind %d (%q), not a scalar", r.Origin().Address, path, n.Kind, n.Value())
	}
	return n.Value()
}

func noErrors(t *testing.T, res parsers.Result) {
	t.Helper()
	for _, e := range res.Errors {
		t.Errorf("unexpected error: %v", e)
	}
}

func TestVariables(t *testing.T) {
	res := Parse(gateAt(t, testRoot(t)), []string{"vars"}, Options{
		VarFiles: []string{filepath.Join("testdata", "vars", "cli.tfvars")},
		Vars:     []string{"from_cli=first", "from_cli=cli", "undeclared=x"},
	})
	noErrors(t, res)
	v := mustGet(t, byAddress(res), "aws_ebs_volume.v")
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"encrypted"}, "true"},
		{[]string{"tags", "tfvars"}, "tfvars"},
		{[]string{"tags", "auto"}, "b-auto"}, // b.auto.tfvars.json after a.auto.tfvars
		{[]string{"tags", "varfile"}, "varfile"},
		{[]string{"tags", "cli"}, "cli"}, // --var wins, the last one
		{[]string{"size"}, "2"},
	} {
		if got := str(t, v, tc.path...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.path, got, tc.want)
		}
	}
	if n := v.Root.Get("encrypted"); n.Tag != graph.TagBool {
		t.Errorf("encrypted tag = %v, want bool (type = bool converts the default)", n.Tag)
	}
	if n := v.Root.Path("tags", "nothing"); n == nil || n.Kind != graph.Unknown || n.Value() != "var.nothing" {
		t.Errorf("variable without a value: %+v, want Unknown var.nothing", n)
	}
	if n := v.Root.Path("tags", "cli"); n.Pos().Line != 21 || n.KeyPos().Line != 21 {
		t.Errorf("tags.cli at %+v / %+v, want line 21 where it is written", n.Pos(), n.KeyPos())
	}
}

func TestBasic(t *testing.T) {
	res := Parse(gateAt(t, testRoot(t)), []string{"basic"}, Options{})
	noErrors(t, res)
	m := byAddress(res)

	v := mustGet(t, m, "aws_ebs_volume.v")
	if v.File != "basic/main.tf" || v.Start.Line != 19 || v.KindPos != (graph.Pos{Line: 19, Col: 1}) || v.End.Line != 27 {
		t.Errorf("position: %s %+v %+v %+v", v.File, v.Start, v.KindPos, v.End)
	}
	if v.Source != graph.SourceTerraform || v.Kind != "aws_ebs_volume" || v.Name != "aws_ebs_volume.v" || v.APIVersion != "" || v.Origin().Module != "basic" {
		t.Errorf("identity: %+v", v)
	}
	if got := str(t, v, "encrypted"); got != "true" || v.Root.Get("encrypted").Bool() != graph.True {
		t.Errorf(`encrypted = %q, want "true"`, got)
	}
	if got := str(t, v, "tags", "Name"); got != "p-data" {
		t.Errorf("locals out of order: Name = %q", got)
	}
	if got := str(t, v, "tags", "Keys"); got != "A,B" {
		t.Errorf("Keys = %q", got)
	}
	kms := v.Root.Get("kms_key_id")
	if kms.Kind != graph.Unknown || kms.Value() != "aws_kms_key.k.arn" || kms.KeyPos() != (graph.Pos{Line: 22, Col: 3}) || kms.Pos() != (graph.Pos{Line: 22, Col: 23}) {
		t.Errorf("kms_key_id = %+v", kms)
	}
	wantRef := graph.Ref{Path: []string{"kms_key_id"}, To: graph.TerraformKey("basic", "aws_kms_key.k")}
	if !reflect.DeepEqual(v.Refs(), []graph.Ref{wantRef}) {
		t.Errorf("refs = %+v, want %+v", v.Refs(), wantRef)
	}
	alias := mustGet(t, m, "aws_kms_alias.a")
	if len(alias.Refs()) != 1 || alias.Refs()[0].To != graph.TerraformKey("basic", "aws_kms_key.k") {
		t.Errorf("alias refs = %+v", alias.Refs())
	}

	for i, enc := range []string{"true", "false"} {
		c := mustGet(t, m, fmt.Sprintf("aws_ebs_volume.counted[%d]", i))
		if got := str(t, c, "encrypted"); got != enc {
			t.Errorf("counted[%d].encrypted = %q", i, got)
		}
		if got := str(t, c, "availability_zone"); got != fmt.Sprintf("zone-%d", i) {
			t.Errorf("counted[%d].availability_zone = %q", i, got)
		}
		if got := str(t, c, "size"); got != "8" {
			t.Errorf("try fallback: %q", got)
		}
	}
	for k, zone := range map[string]string{"a": "eu-west-1a", "b": "eu-west-1b"} {
		e := mustGet(t, m, `aws_ebs_volume.each["`+k+`"]`)
		if got := str(t, e, "availability_zone"); got != zone {
			t.Errorf("each[%s] zone = %q", k, got)
		}
		if got := str(t, e, "tags", "key"); got != k {
			t.Errorf("each.key = %q", got)
		}
		if len(e.Refs()) != 1 || e.Refs()[0].To != graph.TerraformKey("basic", "aws_ebs_volume.counted[1]") {
			t.Errorf("indexed ref = %+v", e.Refs())
		}
	}
	u := mustGet(t, m, "aws_ebs_volume.unknown[*]")
	if n := u.Root.Get("availability_zone"); n.Kind != graph.Unknown {
		t.Errorf("unknown count.index: %+v", n)
	}

	lt := mustGet(t, m, "aws_launch_template.t")
	bdm := lt.Root.Get("block_device_mappings")
	if len(bdm.List()) != 2 || bdm.KeyPos().Line != 50 {
		t.Fatalf("dynamic block: kind %d, %d items at %+v", bdm.Kind, len(bdm.Children()), bdm.KeyPos())
	}
	if got := str(t, lt, "block_device_mappings", "1", "device_name"); got != "/dev/sdb" {
		t.Errorf("device_name = %q", got)
	}
	if got := str(t, lt, "block_device_mappings", "0", "ebs", "0", "encrypted"); got != "true" {
		t.Errorf("nested ebs.encrypted = %q", got)
	}
	if n := lt.Root.Get("tag_specifications"); n == nil || n.Kind != graph.Unknown {
		t.Errorf("unknown dynamic: %+v", n)
	}
	if _, ok := m["data.aws_availability_zones.all"]; ok {
		t.Error("data source emitted as a resource")
	}

	want := []graph.Comment{
		{File: "basic/main.tf", Line: 18, Col: 1, Text: "pvlint:ignore PVL101 reason"},
		{File: "basic/main.tf", Line: 49, Col: 14, Text: "pvlint:ignore PVL999"},
	}
	if !reflect.DeepEqual(res.Comments, want) {
		t.Errorf("comments = %+v", res.Comments)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want []string // substrings of the errors, in order
	}{
		{"cycle", []string{"cycle/main.tf:2:3: cycle between local values in cycle/main.tf: local.a → local.b → local.a"}},
		{"selfcall", []string{`selfcall/main.tf:1:1: module "me" calls itself: module.me (selfcall)`}},
		{"badfunc", []string{`badfunc/main.tf:3:23: unknown function "nosuchfunc"`}},
		{"invalid", []string{"invalid/main.tf:3:10:"}},
		{"nowhere", []string{"nowhere: module directory does not exist"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			res := Parse(gateAt(t, testRoot(t)), []string{tc.dir}, Options{})
			var got []string
			for _, e := range res.Errors {
				got = append(got, e.Error())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors = %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("error %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
	// The cycle leaves the rest evaluated.
	res := Parse(gateAt(t, testRoot(t)), []string{"cycle"}, Options{})
	v := mustGet(t, byAddress(res), "aws_ebs_volume.v")
	if str(t, v, "availability_zone") != "fine" || v.Root.Get("size").Kind != graph.Unknown {
		t.Errorf("cycle: %+v", v.Root)
	}
}

func TestModules(t *testing.T) {
	res := Parse(gateAt(t, testRoot(t)), []string{"calls/root", "calls/modules/ebs", "calls/modules/loop_a", "calls/modules/loop_b"}, Options{})
	m := byAddress(res)
	db := mustGet(t, m, "module.db.aws_ebs_volume.data")
	if db.File != "calls/modules/ebs/main.tf" || db.Name != "aws_ebs_volume.data" || db.Origin().Module != "calls/root" {
		t.Errorf("module resource: %s %s %s", db.File, db.Name, db.Origin().Module)
	}
	if got := str(t, db, "encrypted"); got != "false" {
		t.Errorf("encrypted = %q, want the caller's false", got)
	}
	// The value the caller passed is located at the caller's argument,
	// where the user edits it.
	if n := db.Root.Get("encrypted"); n.File() != "calls/root/main.tf" || n.KeyPos().Line != 3 {
		t.Errorf("encrypted located at %s %+v, want the caller's argument calls/root/main.tf:3", n.File(), n.KeyPos())
	}
	if !reflect.DeepEqual(db.Origin().CallChain, []string{"module.db (calls/root/main.tf:1)"}) {
		t.Errorf("call chain = %q", db.Origin().CallChain)
	}
	if len(db.Refs()) != 1 || db.Refs()[0].To != graph.TerraformKey("calls/root", "module.db.aws_kms_key.k") {
		t.Errorf("module refs = %+v", db.Refs())
	}
	for _, k := range []string{"x", "y"} {
		r := mustGet(t, m, `module.many["`+k+`"].aws_ebs_volume.data`)
		if str(t, r, "availability_zone") != k || str(t, r, "encrypted") != "true" {
			t.Errorf("many[%s]: %+v", k, r.Root)
		}
		if r.Origin().CallChain[0] != `module.many["`+k+`"] (calls/root/main.tf:7)` {
			t.Errorf("chain = %q", r.Origin().CallChain)
		}
	}
	use := mustGet(t, m, "aws_ebs_volume.uses_output")
	if got := str(t, use, "availability_zone"); got != "eu-west-1a" {
		t.Errorf("module output = %q", got)
	}
	if n := use.Root.Path("tags", "vpc"); n.Kind != graph.Unknown {
		t.Errorf("remote output: %+v", n)
	}
	if len(use.Refs()) != 2 || use.Refs()[1].To != graph.TerraformKey("calls/root", "module.db.aws_kms_key.k") {
		t.Errorf("refs through outputs = %+v", use.Refs())
	}
	// calls/modules/ebs is called by a scanned directory and is also a root
	// of its own, with its defaults.
	own := mustGet(t, m, "aws_ebs_volume.data")
	if own.Origin().Module != "calls/modules/ebs" || len(own.Origin().CallChain) != 0 {
		t.Errorf("called module as its own root: %+v", own.Origin())
	}
	if len(res.Notices) != 1 || !strings.Contains(res.Notices[0].Msg, `module "vpc": remote source "terraform-aws-modules/vpc/aws"`) {
		t.Errorf("notices = %+v", res.Notices)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	want := []string{
		`calls/modules/loop_a/main.tf:1:1: module "b" calls itself: module.a → module.b (calls/modules/loop_b)`,
		`calls/modules/loop_b/main.tf:1:1: module "a" calls itself: module.b → module.a (calls/modules/loop_a)`,
		`calls/root/main.tf:25:12: module "missing": local module directory "calls/root/nope" does not exist`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors = %q", errs)
	}
	for i := range want {
		if !strings.Contains(errs[i], want[i]) {
			t.Errorf("error %q, want %q", errs[i], want[i])
		}
	}
}

func TestJSON(t *testing.T) {
	res := Parse(gateAt(t, testRoot(t)), []string{"jsonmod"}, Options{})
	noErrors(t, res)
	j := mustGet(t, byAddress(res), "aws_ebs_volume.j[0]")
	if str(t, j, "encrypted") != "true" || j.Root.Has("count") {
		t.Errorf("json: %+v", j.Root)
	}
}

func TestKubernetes(t *testing.T) {
	res := Parse(gateAt(t, testRoot(t)), []string{"kube"}, Options{})
	noErrors(t, res)
	m := byAddress(res)
	type check struct {
		path []string
		want string
		line int
	}
	for _, tc := range []struct {
		addr, apiVersion, kind, ns, name string
		checks                           []check
	}{
		{"kubernetes_storage_class_v1.gp3", "storage.k8s.io/v1", "StorageClass", "", "gp3", []check{
			{[]string{"provisioner"}, "ebs.csi.aws.com", 8},
			{[]string{"parameters", "encrypted"}, "false", 12},
			{[]string{"parameters", "kms_key_id"}, "x", 13},
			{[]string{"reclaimPolicy"}, "Delete", 9},
			{[]string{"allowVolumeExpansion"}, "true", 10},
			{[]string{"metadata", "annotations", "storageclass.kubernetes.io/is-default-class"}, "true", 5},
			{[]string{"kind"}, "StorageClass", 1},
		}},
		{"kubernetes_persistent_volume_claim.data", "v1", "PersistentVolumeClaim", "db", "data", []check{
			{[]string{"spec", "storageClassName"}, "gp3", 24},
			{[]string{"spec", "accessModes", "0"}, "ReadWriteOnce", 23},
			{[]string{"spec", "resources", "requests", "storage"}, "10Gi", 27},
		}},
		{"kubernetes_stateful_set.pg", "apps/v1", "StatefulSet", "db", "pg", []check{
			{[]string{"spec", "template", "spec", "serviceAccountName"}, "pg", 46},
			{[]string{"spec", "template", "metadata", "labels", "app_name"}, "pg", 43},
			{[]string{"spec", "template", "spec", "containers", "0", "securityContext", "privileged"}, "true", 51},
			{[]string{"spec", "template", "spec", "containers", "0", "securityContext", "runAsNonRoot"}, "false", 52},
			{[]string{"spec", "template", "spec", "containers", "0", "securityContext", "capabilities", "add", "0"}, "SYS_ADMIN", 54},
			{[]string{"spec", "template", "spec", "containers", "0", "volumeMounts", "0", "mountPath"}, "/var/lib/postgresql", 59},
			{[]string{"spec", "template", "spec", "containers", "0", "volumeMounts", "0", "readOnly"}, "false", 60},
			{[]string{"spec", "template", "spec", "volumes", "0", "hostPath", "path"}, "/etc", 66},
			{[]string{"spec", "volumeClaimTemplates", "0", "metadata", "name"}, "data", 73},
			{[]string{"spec", "volumeClaimTemplates", "0", "spec", "storageClassName"}, "gp3", 77},
		}},
		{"kubernetes_cluster_role_binding.admin", "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "pg-admin", []check{
			{[]string{"roleRef", "apiGroup"}, "rbac.authorization.k8s.io", 88},
			{[]string{"roleRef", "name"}, "cluster-admin", 90},
			{[]string{"subjects", "0", "kind"}, "ServiceAccount", 93},
			{[]string{"subjects", "0", "namespace"}, "db", 95},
		}},
		{"kubernetes_manifest.sc", "storage.k8s.io/v1", "StorageClass", "", "manifest-sc", []check{
			{[]string{"provisioner"}, "ebs.csi.aws.com", 106},
			{[]string{"parameters", "encrypted"}, "true", 108},
		}},
		{"kubernetes_persistent_volume_v1.pv", "v1", "PersistentVolume", "", "pv", []check{
			{[]string{"spec", "hostPath", "path"}, "/data", 123},
			{[]string{"spec", "persistentVolumeReclaimPolicy"}, "Retain", 120},
			{[]string{"spec", "capacity", "storage"}, "1Gi", 118},
		}},
		{"kubernetes_cluster_role.r", "rbac.authorization.k8s.io/v1", "ClusterRole", "", "r", []check{
			{[]string{"rules", "0", "apiGroups", "0"}, "", 134},
			{[]string{"rules", "0", "resourceNames", "0"}, "x", 136},
			{[]string{"rules", "0", "verbs", "0"}, "get", 137},
		}},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			r := mustGet(t, m, tc.addr)
			if r.APIVersion != tc.apiVersion || r.Kind != tc.kind || r.Namespace != tc.ns || r.Name != tc.name || !r.IsKubernetes() {
				t.Errorf("identity = %s %s %s/%s", r.APIVersion, r.Kind, r.Namespace, r.Name)
			}
			for _, c := range tc.checks {
				if got := str(t, r, c.path...); got != c.want {
					t.Errorf("%v = %q, want %q", c.path, got, c.want)
				}
				n := r.Root.Path(c.path...)
				line := n.KeyPos().Line
				if line == 0 {
					line = n.Pos().Line
				}
				if line != c.line {
					t.Errorf("%v at line %d, want %d", c.path, line, c.line)
				}
			}
		})
	}
	pvc := mustGet(t, m, "kubernetes_persistent_volume_claim.data")
	if pvc.Root.Has("waitUntilBound") || pvc.Root.Has("wait_until_bound") {
		t.Error("provider-only argument kept")
	}
	if len(pvc.Refs()) != 1 || !reflect.DeepEqual(pvc.Refs()[0].Path, []string{"spec", "storageClassName"}) {
		t.Errorf("kube refs = %+v", pvc.Refs())
	}
	// The graph links the converted objects like YAML ones.
	g := graph.Build(res.Resources, res.Comments, graph.Options{})
	sts := g.Kube("StatefulSet", "db", "pg")
	if sts == nil || len(sts.OutOf(graph.ClaimTemplateClass)) != 1 || sts.OutOf(graph.ClaimTemplateClass)[0].To == nil {
		t.Errorf("statefulset class edge missing")
	}
	if crb := g.Kube("ClusterRoleBinding", "", "pg-admin"); crb == nil || len(crb.OutOf(graph.BindsSubject)) != 1 {
		t.Errorf("binding subject edge missing")
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"storage_class_name": "storageClassName", "read_only": "readOnly", "name": "name",
		"run_as_non_root": "runAsNonRoot", "se_linux_options": "seLinuxOptions",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct {
		name   string
		block  bool
		key    string
		single bool
	}{
		{"container", true, "containers", false}, {"volume_claim_template", true, "volumeClaimTemplates", false},
		{"metadata", true, "metadata", true}, {"security_context", true, "securityContext", true},
		{"storage_provisioner", false, "provisioner", true}, {"host_pid", false, "hostPID", true},
		{"rule", true, "rules", false}, {"subject", true, "subjects", false}, {"role_ref", true, "roleRef", true},
	} {
		if k, s := kubeNamer(tc.name, tc.block); k != tc.key || s != tc.single {
			t.Errorf("kubeNamer(%q) = %q %v, want %q %v", tc.name, k, s, tc.key, tc.single)
		}
	}
}

// TestParallelDeterministic checks that the worker pool returns the same
// result in the same order every time.
func TestParallelDeterministic(t *testing.T) {
	dirs := []string{"basic", "kube", "vars", "calls/root", "cycle", "badfunc"}
	first := Parse(gateAt(t, testRoot(t)), dirs, Options{})
	for range 3 {
		again := Parse(gateAt(t, testRoot(t)), dirs, Options{})
		if !graph.DeepEqual(first, again) {
			t.Fatal("results differ between runs")
		}
	}
}

// FuzzParse evaluates one fuzzed module per input through the file gate,
// in one directory per fuzzing process that every input overwrites (no
// directory per input): the first byte picks the file name (main.tf,
// main.tf.json, or main.tf with a terraform.tfvars from the rest after a
// NUL), with the default limits. A per-input watchdog turns a hang into a
// failure naming the input.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"basic/main.tf", "kube/main.tf", "cycle/main.tf", "vars/main.tf", "calls/modules/ebs/main.tf"} {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{0}, b...))
	}
	f.Add([]byte("\x00" + `locals { x = [for i in range(10) : i] }
resource "a" "b" { count = local.x[3]
  dynamic "d" { for_each = local.x
    content { v = d.value } } }
module "m" { source = "./" }`))
	// Size-scaled seeds: the shapes of the hostile inputs, smaller.
	f.Add([]byte("\x00locals { x = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300) + " }"))
	f.Add([]byte("\x01{\"locals\": {\"x\": " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}}"))
	f.Add([]byte("\x00locals {\n a = range(100)\n b = [for x in local.a : [for y in local.a : [for z in local.a : z]]]\n}\nresource \"aws_ebs_volume\" \"v\" { size = length(local.b) }"))
	f.Add([]byte("\x00resource \"aws_ebs_volume\" \"v\" { count = -5 }\nlocals { r = range(5000) \n s = toset([for i in range(1000) : \"${i}\"]) }"))
	f.Add([]byte("\x00module \"m\" {\n source = \"./\"\n count = 9999\n}\nresource \"aws_ebs_volume\" \"v\" { count = 9999 }"))
	f.Add([]byte("\x02variable \"x\" {}\nlocals { y = var.x }\x00x = " + strings.Repeat("[", 300) + strings.Repeat("]", 300)))
	dir := f.TempDir()
	g := gateAt(f, dir)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		mode, src := in[0]%3, in[1:]
		os.Remove(filepath.Join(dir, "main.tf"))
		os.Remove(filepath.Join(dir, "main.tf.json"))
		os.Remove(filepath.Join(dir, "terraform.tfvars"))
		name, vars := "main.tf", []byte(nil)
		switch mode {
		case 1:
			name = "main.tf.json"
		case 2:
			if i := bytes.IndexByte(src, 0); i >= 0 {
				src, vars = src[:i], src[i+1:]
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
		if vars != nil {
			if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), vars, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		stop := time.AfterFunc(30*time.Second, func() { panic(fmt.Sprintf("Parse ran for 30 s on %q", in)) })
		defer stop.Stop()
		Parse(g, []string{"."}, Options{})
	})
}

// genModules writes n root modules, each calling a shared local module with
// count, locals, dynamic blocks and references.
func genModules(tb testing.TB, n int) (string, []string) {
	root := tb.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("modules/disk/main.tf", `variable "n" { type = number }
variable "enc" { default = true }
resource "aws_kms_key" "k" { enable_key_rotation = true }
resource "aws_ebs_volume" "d" {
  count = var.n
  availability_zone = "z${count.index}"
  encrypted = var.enc
  kms_key_id = aws_kms_key.k.arn
  tags = merge({ a = "b" }, { i = tostring(count.index) })
}
output "ids" { value = aws_ebs_volume.d[*].id }
`)
	dirs := []string{"modules/disk"}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "locals {\n  name = \"svc%d\"\n  zones = [for z in range(4) : \"%s-${z}\"]\n}\n", i, "zone")
		for j := range 5 {
			fmt.Fprintf(&b, `module "disk%d" {
  source = "../modules/disk"
  n      = %d
  enc    = %v
}
resource "aws_launch_template" "t%d" {
  name = "${local.name}-%d"
  dynamic "block_device_mappings" {
    for_each = local.zones
    content {
      device_name = block_device_mappings.value
      ebs { encrypted = %v }
    }
  }
}
`, j, j%3+1, j%2 == 0, j, j, j%2 == 1)
		}
		dir := fmt.Sprintf("svc%03d", i)
		write(dir+"/main.tf", b.String())
		dirs = append(dirs, dir)
	}
	return root, dirs
}

func BenchmarkParse(b *testing.B) {
	root, dirs := genModules(b, 40)
	g := gateAt(b, root)
	b.ResetTimer()
	for b.Loop() {
		res := Parse(g, dirs, Options{})
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors[0])
		}
	}
}
