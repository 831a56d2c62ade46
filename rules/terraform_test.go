package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

// The Terraform families: AWS (PVL401-409), GCP (PVL421-424), Azure
// (PVL441-443) and the cross-source PVL107.
var terraformRuleIDs = []string{
	"PVL107",
	"PVL401", "PVL402", "PVL403", "PVL404", "PVL405", "PVL406", "PVL407", "PVL408", "PVL409",
	"PVL421", "PVL422", "PVL423", "PVL424",
	"PVL441", "PVL442", "PVL443",
}

func terraformRules(t testing.TB) []*rules.Rule {
	var out []*rules.Rule
	for _, id := range terraformRuleIDs {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		out = append(out, r)
	}
	return out
}

// TestTerraformFixtures runs every fixture folder under testdata/terraform
// (each a Terraform module, some with Kubernetes YAML) through the real
// pipeline.
func TestTerraformFixtures(t *testing.T) {
	rulestest.Run(t, "testdata/terraform", terraformRules(t), rulestest.Options{Undecided: true})
}

// ---------------------------------------------------------------------------
// Unit tests on hand-built graphs: the parser's output shape, without the
// parser.

type tb struct{ line int }

// m builds a map node from key/value pairs. Values: string (a scalar),
// bool, int, *graph.Node, or []*graph.Node (a list).
func (b *tb) m(kv ...any) *graph.Node {
	b.line++
	n := graph.NewMap(graph.Pos{Line: b.line, Col: 1})
	for i := 0; i+1 < len(kv); i += 2 {
		b.line++
		pos := graph.Pos{Line: b.line, Col: 3}
		var v *graph.Node
		switch x := kv[i+1].(type) {
		case string:
			v = graph.NewScalar(x, graph.TagString, pos)
		case bool:
			v = graph.NewScalar(fmt.Sprint(x), graph.TagBool, pos)
		case int:
			v = graph.NewScalar(fmt.Sprint(x), graph.TagInt, pos)
		case *graph.Node:
			v = x
		case []*graph.Node:
			v = graph.NewList(pos)
			v.SetChildren(x)
		default:
			panic(fmt.Sprintf("bad value %T", x))
		}
		n.Set(kv[i].(string), pos, v)
	}
	return n
}

// blk is a nested block: always a list of maps.
func (b *tb) blk(maps ...*graph.Node) *graph.Node {
	l := graph.NewList(graph.Pos{Line: b.line, Col: 3})
	l.SetChildren(maps)
	return l
}

func unknown(what string) *graph.Node { return graph.NewUnknown(what, graph.Pos{}) }

func tfRes(module, typ, name string, root *graph.Node, refs ...graph.Ref) *graph.Resource {
	return &graph.Resource{
		Source: graph.SourceTerraform, Kind: typ, Name: typ + "." + name,
		File: module + "/main.tf", Root: root, KindPos: graph.Pos{Line: root.Pos().Line, Col: 1},
		Start:     graph.Pos{Line: root.Pos().Line, Col: 1},
		Terraform: &graph.Terraform{Refs: refs},
		From:      &graph.Origin{Module: module, Address: typ + "." + name},
	}
}

func ref(module, to string, path ...string) graph.Ref {
	return graph.Ref{Path: path, To: graph.TerraformKey(module, to)}
}

// run checks rule id over rs and returns "FIELDPATH" per finding, with
// "@sev" when the severity differs from the rule's and "?" for undecided.
func run(t *testing.T, id string, rs ...*graph.Resource) []string {
	t.Helper()
	r := rules.ByID(id)
	g := graph.Build(rs, nil, graph.Options{})
	p := rules.NewPass(g, r)
	r.Check(p)
	var out []string
	for _, f := range p.Findings() {
		s := f.Resource.Title() + ":" + f.Loc.FieldPath
		if f.Severity != r.Severity {
			s += "@" + f.Severity.String()
		}
		if f.Undecided {
			s += "?"
		}
		if strings.Contains(f.Message, "SGVsbG8") {
			t.Errorf("%s echoes a secret: %s", id, f.Message)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestEBSVolumeUnit(t *testing.T) {
	b := &tb{}
	plain := tfRes("a", "aws_ebs_volume", "plain", b.m("size", 10))
	off := tfRes("a", "aws_ebs_volume", "off", b.m("encrypted", false))
	on := tfRes("a", "aws_ebs_volume", "on", b.m("encrypted", "true"))
	cmk := tfRes("a", "aws_ebs_volume", "cmk", b.m("encrypted", true, "kms_key_id", unknown("aws_kms_key.k.arn")), ref("a", "aws_kms_key.k", "kms_key_id"))
	key := tfRes("a", "aws_kms_key", "k", b.m("enable_key_rotation", true))
	unk := tfRes("a", "aws_ebs_volume", "unk", b.m("encrypted", unknown("var.x")))
	fromSnap := tfRes("a", "aws_ebs_volume", "snap", b.m("snapshot_id", "snap-1"))
	varKey := tfRes("a", "aws_ebs_volume", "varkey", b.m("encrypted", true, "kms_key_id", unknown("var.key")))

	expect(t, run(t, "PVL401", plain, off, on, cmk, key, unk, fromSnap, varKey),
		"aws_ebs_volume.plain:encrypted", "aws_ebs_volume.off:encrypted", "aws_ebs_volume.unk:encrypted?", "aws_ebs_volume.snap:snapshot_id?")
	expect(t, run(t, "PVL402", plain, off, on, cmk, key, unk, fromSnap, varKey),
		"aws_ebs_volume.on:kms_key_id", "aws_ebs_volume.varkey:kms_key_id?")

	// Encryption by default in the same root module satisfies PVL401 (and
	// leaves the default key to PVL402); in another module it does not.
	b2 := &tb{}
	v := tfRes("a", "aws_ebs_volume", "plain", b2.m("size", 10))
	other := tfRes("b", "aws_ebs_volume", "plain", b2.m("size", 10))
	def := tfRes("a", "aws_ebs_encryption_by_default", "this", b2.m())
	expect(t, run(t, "PVL401", v, other, def), "aws_ebs_volume.plain:encrypted")
	expect(t, run(t, "PVL402", v, other, def), "aws_ebs_volume.plain:kms_key_id")
	dk := tfRes("a", "aws_ebs_default_kms_key", "this", b2.m("key_arn", "arn:aws:kms:eu-west-1:111122223333:key/abc"))
	expect(t, run(t, "PVL402", v, other, def, dk))

	b3 := &tb{}
	defOff := tfRes("a", "aws_ebs_encryption_by_default", "this", b3.m("enabled", false))
	v3 := tfRes("a", "aws_ebs_volume", "plain", b3.m("size", 10))
	expect(t, run(t, "PVL401", v3, defOff), "aws_ebs_volume.plain:encrypted")
	expect(t, run(t, "PVL409", v3, defOff), "aws_ebs_encryption_by_default.this:enabled")
}

func TestInstanceDisksUnit(t *testing.T) {
	b := &tb{}
	noRoot := tfRes("a", "aws_instance", "noroot", b.m("ami", "ami-1"))
	fromTemplate := tfRes("a", "aws_instance", "fromlt", b.m("launch_template", b.blk(b.m("id", "lt-1"))))
	mixed := tfRes("a", "aws_instance", "mixed", b.m(
		"root_block_device", b.blk(b.m("encrypted", true)),
		"ebs_block_device", b.blk(b.m("device_name", "/dev/sdb", "encrypted", true), b.m("device_name", "/dev/sdc")),
	))
	lt := tfRes("a", "aws_launch_template", "lt", b.m(
		"block_device_mappings", b.blk(
			b.m("device_name", "/dev/xvda", "ebs", b.blk(b.m("encrypted", "false"))),
			b.m("device_name", "/dev/xvdb", "ebs", b.blk(b.m("encrypted", "true"))),
			b.m("device_name", "/dev/sdc", "virtual_name", "ephemeral0"),
		)))
	lc := tfRes("a", "aws_launch_configuration", "lc", b.m("root_block_device", b.blk(b.m("encrypted", unknown("var.enc")))))
	expect(t, run(t, "PVL403", noRoot, fromTemplate, mixed, lt, lc),
		"aws_instance.noroot:",
		"aws_instance.mixed:ebs_block_device.1.encrypted",
		"aws_launch_template.lt:block_device_mappings.0.ebs.0.encrypted",
		"aws_launch_configuration.lc:root_block_device.0.encrypted?")
	def := tfRes("a", "aws_ebs_encryption_by_default", "this", b.m("enabled", true))
	expect(t, run(t, "PVL403", noRoot, mixed, lt, lc, def), "aws_launch_configuration.lc:root_block_device.0.encrypted?")
}

func TestSnapshotsUnit(t *testing.T) {
	b := &tb{}
	bare := tfRes("a", "aws_ebs_snapshot_copy", "bare", b.m("source_snapshot_id", "snap-1"))
	noKey := tfRes("a", "aws_ebs_snapshot_copy", "nokey", b.m("source_snapshot_id", "snap-1", "encrypted", true))
	good := tfRes("a", "aws_ebs_snapshot_copy", "good", b.m("encrypted", true, "kms_key_id", "arn:aws:kms:eu-west-1:1:key/x"))
	public := tfRes("a", "aws_ami_launch_permission", "pub", b.m("image_id", "ami-1", "group", "all"))
	account := tfRes("a", "aws_ami_launch_permission", "acct", b.m("image_id", "ami-1", "account_id", "111122223333"))
	perm := tfRes("a", "aws_snapshot_create_volume_permission", "all", b.m("snapshot_id", "snap-1", "account_id", "all"))
	bpa := tfRes("a", "aws_ebs_snapshot_block_public_access", "bpa", b.m("state", "unblocked"))
	expect(t, run(t, "PVL404", bare, noKey, good, public, account, perm, bpa),
		"aws_ebs_snapshot_copy.bare:encrypted", "aws_ebs_snapshot_copy.nokey:kms_key_id@medium",
		"aws_ami_launch_permission.pub:group@critical", "aws_ebs_snapshot_block_public_access.bpa:state")

	// A copy of a snapshot of an encrypted volume is encrypted.
	b2 := &tb{}
	vol := tfRes("a", "aws_ebs_volume", "v", b2.m("encrypted", true))
	snap := tfRes("a", "aws_ebs_snapshot", "s", b2.m("volume_id", unknown("aws_ebs_volume.v.id")), ref("a", "aws_ebs_volume.v", "volume_id"))
	cp := tfRes("a", "aws_ebs_snapshot_copy", "c", b2.m("source_snapshot_id", unknown("aws_ebs_snapshot.s.id"), "kms_key_id", "arn:aws:kms:eu-west-1:1:key/x"),
		ref("a", "aws_ebs_snapshot.s", "source_snapshot_id"))
	expect(t, run(t, "PVL404", vol, snap, cp))
}

func TestEFSAndKMSUnit(t *testing.T) {
	b := &tb{}
	efs1 := tfRes("a", "aws_efs_file_system", "plain", b.m("creation_token", "x"))
	efs2 := tfRes("a", "aws_efs_file_system", "awskey", b.m("encrypted", true))
	efs3 := tfRes("a", "aws_efs_file_system", "cmk", b.m("encrypted", true, "kms_key_id", "arn:aws:kms:eu-west-1:1:key/x"))
	expect(t, run(t, "PVL405", efs1, efs2, efs3), "aws_efs_file_system.plain:encrypted@high", "aws_efs_file_system.awskey:kms_key_id")

	k1 := tfRes("a", "aws_kms_key", "norot", b.m("description", "x"))
	k2 := tfRes("a", "aws_kms_key", "rot", b.m("enable_key_rotation", true))
	k3 := tfRes("a", "aws_kms_key", "rsa", b.m("customer_master_key_spec", "RSA_2048", "key_usage", "SIGN_VERIFY"))
	k4 := tfRes("a", "aws_kms_key", "hsm", b.m("custom_key_store_id", "cks-1"))
	k5 := tfRes("a", "aws_kms_key", "sym", b.m("customer_master_key_spec", "SYMMETRIC_DEFAULT", "enable_key_rotation", false))
	expect(t, run(t, "PVL406", k1, k2, k3, k4, k5), "aws_kms_key.norot:enable_key_rotation", "aws_kms_key.sym:enable_key_rotation")

	open := `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:*","Resource":"*"},{"Sid":"All","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"kms:Decrypt","Resource":"*"}]}`
	star := `{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}}`
	cond := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"1"}}}]}`
	deny := `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}`
	p1 := tfRes("a", "aws_kms_key", "open", b.m("policy", open))
	p2 := tfRes("a", "aws_kms_key_policy", "star", b.m("key_id", "abc", "policy", star))
	p3 := tfRes("a", "aws_kms_key", "cond", b.m("policy", cond))
	p4 := tfRes("a", "aws_kms_key", "deny", b.m("policy", deny))
	p5 := tfRes("a", "aws_kms_key", "doc", b.m("policy", unknown("data.aws_iam_policy_document.x.json")))
	expect(t, run(t, "PVL407", p1, p2, p3, p4, p5),
		"aws_kms_key.open:policy", "aws_kms_key_policy.star:policy", "aws_kms_key.doc:policy?")
}

func TestEKSUnit(t *testing.T) {
	b := &tb{}
	none := tfRes("a", "aws_eks_cluster", "none", b.m("name", "x"))
	other := tfRes("a", "aws_eks_cluster", "other", b.m("encryption_config", b.blk(b.m("resources", []*graph.Node{graph.NewScalar("configmaps", 0, graph.Pos{})}))))
	ok := tfRes("a", "aws_eks_cluster", "ok", b.m("encryption_config", b.blk(b.m("resources", []*graph.Node{graph.NewScalar("secrets", 0, graph.Pos{})}))))
	expect(t, run(t, "PVL408", none, other, ok), "aws_eks_cluster.none:encryption_config", "aws_eks_cluster.other:encryption_config")
}

func TestGCPUnit(t *testing.T) {
	b := &tb{}
	d1 := tfRes("g", "google_compute_disk", "plain", b.m("name", "d"))
	d2 := tfRes("g", "google_compute_disk", "cmek", b.m("disk_encryption_key", b.blk(b.m("kms_key_self_link", unknown("google_kms_crypto_key.k.id")))),
		ref("g", "google_kms_crypto_key.k", "disk_encryption_key", "0", "kms_key_self_link"))
	key := tfRes("g", "google_kms_crypto_key", "k", b.m("rotation_period", "7776000s"))
	d3 := tfRes("g", "google_compute_region_disk", "raw", b.m("disk_encryption_key", b.blk(b.m("raw_key", "SGVsbG8gd29ybGQgc2VjcmV0IGtleSAxMjM0NTY3OA=="))))
	d4 := tfRes("g", "google_compute_region_disk", "name", b.m("disk_encryption_key", b.blk(b.m("kms_key_name", "projects/p/locations/l/keyRings/r/cryptoKeys/k"))))
	vm := tfRes("g", "google_compute_instance", "vm", b.m("boot_disk", b.blk(b.m("initialize_params", b.blk(b.m("image", "debian-12")))),
		"attached_disk", b.blk(b.m("source", "projects/p/zones/z/disks/d", "disk_encryption_key_raw", "SGVsbG8gd29ybGQgc2VjcmV0IGtleSAxMjM0NTY3OA=="))))
	vm2 := tfRes("g", "google_compute_instance", "existing", b.m("boot_disk", b.blk(b.m("source", "projects/p/zones/z/disks/boot"))))
	np := tfRes("g", "google_container_node_pool", "np", b.m("node_config", b.blk(b.m("machine_type", "e2-standard-4"))))
	np2 := tfRes("g", "google_container_node_pool", "np2", b.m("node_config", b.blk(b.m("boot_disk_kms_key", "projects/p/locations/l/keyRings/r/cryptoKeys/k"))))
	c1 := tfRes("g", "google_container_cluster", "removed", b.m("remove_default_node_pool", true, "initial_node_count", 1))
	c2 := tfRes("g", "google_container_cluster", "default", b.m("initial_node_count", 1))
	c3 := tfRes("g", "google_container_cluster", "autopilot", b.m("enable_autopilot", true))
	expect(t, run(t, "PVL421", d1, d2, key, d3, d4, vm, vm2, np, np2, c1, c2, c3),
		"google_compute_disk.plain:disk_encryption_key",
		"google_compute_instance.vm:boot_disk.0.kms_key_self_link",
		"google_container_node_pool.np:node_config.0.boot_disk_kms_key",
		"google_container_cluster.default:node_config",
		"google_container_cluster.autopilot:cluster_autoscaling")
	expect(t, run(t, "PVL422", d1, d2, key, d3, d4, vm, vm2),
		"google_compute_region_disk.raw:disk_encryption_key.0.raw_key",
		"google_compute_instance.vm:attached_disk.0.disk_encryption_key_raw")
	expect(t, run(t, "PVL423", c1, c2, tfRes("g", "google_container_cluster", "enc", b.m("database_encryption", b.blk(b.m("state", "ENCRYPTED", "key_name", "k")))),
		tfRes("g", "google_container_cluster", "dec", b.m("database_encryption", b.blk(b.m("state", "DECRYPTED"))))),
		"google_container_cluster.removed:database_encryption", "google_container_cluster.default:database_encryption",
		"google_container_cluster.dec:database_encryption.0.state")
	expect(t, run(t, "PVL424",
		tfRes("g", "google_kms_crypto_key", "ok", b.m("rotation_period", "7776000s")),
		tfRes("g", "google_kms_crypto_key", "long", b.m("rotation_period", "31536000s")),
		tfRes("g", "google_kms_crypto_key", "none", b.m("name", "k")),
		tfRes("g", "google_kms_crypto_key", "sign", b.m("purpose", "ASYMMETRIC_SIGN")),
		tfRes("g", "google_kms_crypto_key", "var", b.m("rotation_period", unknown("var.p")))),
		"google_kms_crypto_key.long:rotation_period", "google_kms_crypto_key.none:rotation_period", "google_kms_crypto_key.var:rotation_period?")
}

func TestAzureUnit(t *testing.T) {
	b := &tb{}
	d1 := tfRes("z", "azurerm_managed_disk", "plain", b.m("name", "d"))
	d2 := tfRes("z", "azurerm_managed_disk", "des", b.m("disk_encryption_set_id", unknown("azurerm_disk_encryption_set.s.id")), ref("z", "azurerm_disk_encryption_set.s", "disk_encryption_set_id"))
	d3 := tfRes("z", "azurerm_managed_disk", "ade", b.m("encryption_settings", b.blk(b.m("disk_encryption_key", b.blk(b.m("secret_url", "u"))))))
	vault := tfRes("z", "azurerm_key_vault", "kv", b.m("name", "kv"))
	vault2 := tfRes("z", "azurerm_key_vault", "kv2", b.m("name", "kv2", "purge_protection_enabled", true))
	k := tfRes("z", "azurerm_key_vault_key", "k", b.m("key_vault_id", unknown("azurerm_key_vault.kv.id")), ref("z", "azurerm_key_vault.kv", "key_vault_id"))
	des := tfRes("z", "azurerm_disk_encryption_set", "s", b.m("key_vault_key_id", unknown("azurerm_key_vault_key.k.id")), ref("z", "azurerm_key_vault_key.k", "key_vault_key_id"))
	expect(t, run(t, "PVL441", d1, d2, d3, des, k, vault), "azurerm_managed_disk.plain:disk_encryption_set_id")
	expect(t, run(t, "PVL443", vault, vault2, k, des), "azurerm_key_vault.kv:purge_protection_enabled")
	// Without a disk encryption set, vaults are not about disks.
	expect(t, run(t, "PVL443", tfRes("y", "azurerm_key_vault", "kv", b.m("name", "kv"))))

	aks := tfRes("z", "azurerm_kubernetes_cluster", "aks", b.m("default_node_pool", b.blk(b.m("name", "system", "enable_host_encryption", false))))
	aks2 := tfRes("z", "azurerm_kubernetes_cluster", "aks2", b.m("disk_encryption_set_id", "/subscriptions/x/des", "default_node_pool", b.blk(b.m("name", "system", "host_encryption_enabled", true))))
	np := tfRes("z", "azurerm_kubernetes_cluster_node_pool", "np", b.m("name", "w"))
	expect(t, run(t, "PVL442", aks, aks2, np),
		"azurerm_kubernetes_cluster.aks:disk_encryption_set_id", "azurerm_kubernetes_cluster.aks:default_node_pool.0.enable_host_encryption",
		"azurerm_kubernetes_cluster_node_pool.np:host_encryption_enabled")
}

func TestWeakCloudBackingUnit(t *testing.T) {
	b := &tb{}
	key := tfRes("a", "aws_kms_key", "pv", b.m("description", "pv"))
	alias := tfRes("a", "aws_kms_alias", "pv", b.m("name", "alias/eks-pv", "target_key_id", unknown("aws_kms_key.pv.key_id")), ref("a", "aws_kms_key.pv", "target_key_id"))
	goodKey := tfRes("a", "aws_kms_key", "good", b.m("enable_key_rotation", true, "key_id", "1234abcd-12ab-34cd-56ef-1234567890ab"))
	offKey := tfRes("a", "aws_kms_key", "off", b.m("enable_key_rotation", true, "is_enabled", false, "key_id", "0000abcd-12ab-34cd-56ef-1234567890ab"))
	sc := func(name, kms string) *graph.Resource {
		return &graph.Resource{Source: graph.SourceYAML, APIVersion: "storage.k8s.io/v1", Kind: "StorageClass", Name: name, File: "sc.yaml",
			Root: b.m("kind", "StorageClass", "parameters", b.m("kmsKeyId", kms))}
	}
	vol := tfRes("a", "aws_ebs_volume", "v", b.m("volume_id", "vol-0abc"))
	pv := &graph.Resource{Source: graph.SourceYAML, APIVersion: "v1", Kind: "PersistentVolume", Name: "pv", File: "pv.yaml",
		Root: b.m("kind", "PersistentVolume", "spec", b.m("csi", b.m("driver", "ebs.csi.aws.com", "volumeHandle", "vol-0abc")))}
	got := run(t, "PVL107", key, alias, goodKey, offKey, vol, pv,
		sc("viaalias", "alias/eks-pv"),
		sc("arn", "arn:aws:kms:eu-west-1:111122223333:alias/eks-pv"),
		sc("good", "1234abcd-12ab-34cd-56ef-1234567890ab"),
		sc("off", "arn:aws:kms:eu-west-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"),
		sc("unknown", "alias/elsewhere"))
	expect(t, got,
		`StorageClass "viaalias":parameters.kmsKeyId@medium`,
		`StorageClass "arn":parameters.kmsKeyId@medium`,
		`StorageClass "off":parameters.kmsKeyId`,
		`PersistentVolume "pv":spec.csi.volumeHandle`)
}

// A module with an error (here a duplicate resource) is still linted: the
// error names the file and line, and every other resource is reported.
func TestTerraformErrorsDegrade(t *testing.T) {
	res := rulestest.Run(t, "testdata/terraform-errors", terraformRules(t), rulestest.Options{AllowErrors: true})
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	want := []string{"testdata/terraform-errors/duplicate/main.tf:8:1: duplicate resource aws_kms_key.k"}
	if !slices.Equal(errs, want) {
		t.Errorf("errors = %q, want %q", errs, want)
	}
}

// A key passed through a module argument or inside a map is a reference
// that links the volume to its key (PVL402 is decided), and a PV's
// volume_handle naming a volume's computed ID backs the PV by it.
func TestTerraformReferenceEdges(t *testing.T) {
	res := rulestest.Run(t, "testdata/terraform/references", terraformRules(t), rulestest.Options{Undecided: true})
	byAddr := map[string]*graph.Resource{}
	for _, r := range res.Graph.Resources {
		byAddr[r.Origin().Address] = r
	}
	for _, addr := range []string{"module.direct.aws_ebs_volume.this", "module.mapped.aws_ebs_volume.this", `aws_ebs_volume.each["a"]`} {
		r := byAddr[addr]
		if r == nil {
			t.Fatalf("no %s", addr)
		}
		linked := false
		for _, e := range r.OutOf(graph.UsesKey) {
			if e.To != nil && e.To.Origin().Address == "aws_kms_key.this" && e.At == r.Root.Get("kms_key_id") {
				linked = true
			}
		}
		if !linked {
			t.Errorf("%s: kms_key_id is not linked to aws_kms_key.this: %v", addr, r.OutOf(graph.UsesKey))
		}
	}
	for _, f := range res.Findings {
		if f.RuleID == "PVL402" && (f.Resource.Origin().Address != "aws_ebs_volume.this" || strings.Contains(f.Message, "instances")) {
			t.Errorf("PVL402 on %s: %s", f.Resource.Origin().Address, f.Message)
		}
	}
	var pv *graph.Resource
	for _, r := range res.Graph.OfKind("PersistentVolume") {
		pv = r
	}
	if pv == nil || len(pv.OutOf(graph.BackedBy)) != 1 || pv.OutOf(graph.BackedBy)[0].To.Origin().Address != "aws_ebs_volume.data" {
		t.Errorf("PV not backed by aws_ebs_volume.data: %+v", pv)
	}
}

// TestNullFromCallerNamesTheInput: a finding about an argument that a
// module caller's value leaves null is at the caller's line, and says which
// expression of the module turned null there (the caller writes the
// module's input, not the resource's argument).
func TestNullFromCallerNamesTheInput(t *testing.T) {
	res := rulestest.Run(t, "testdata/terraform/module-repo", rules.All(), rulestest.Options{})
	const want = "In the module, `kms_key_id = each.value.kms_key_id`, which is null with this caller's inputs."
	n := 0
	for _, f := range res.Findings {
		if f.RuleID != "PVL402" {
			continue
		}
		fromCaller := strings.HasPrefix(f.Loc.File, "testdata/terraform/module-repo/examples/")
		if fromCaller != strings.Contains(f.Message, want) {
			t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
		}
		if fromCaller {
			n++
		}
	}
	if n == 0 {
		t.Error("no PVL402 finding at a caller's line")
	}
}

// A caller's null overrides a variable's default unless the variable says
// nullable = false (Terraform's rule); an override file's null is the
// module's own, not a caller's, and gets no caller sentence.
func TestNullableAndOverrideNulls(t *testing.T) {
	res := rulestest.Run(t, "testdata/terraform/nullable", rules.All(), rulestest.Options{})
	for _, f := range res.Findings {
		override := strings.Contains(f.Loc.File, "/override/")
		if override == strings.Contains(f.Message, "this caller's inputs") {
			t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
		}
	}
}
