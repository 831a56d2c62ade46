package rules

import (
	"fmt"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// awsRules are the checks of AWS resources declared in Terraform: EBS
// volumes, instance and template disks, snapshots, EFS, KMS keys and EKS.
func awsRules() []*Rule {
	return []*Rule{
		ebsVolumeUnencrypted,
		ebsVolumeAWSManagedKey,
		instanceDiskUnencrypted,
		ebsSnapshotExposed,
		efsUnencrypted,
		kmsKeyRotationOff,
		kmsKeyPolicyOpen,
		eksSecretsUnencrypted,
		ebsDefaultEncryptionOff,
	}
}

const (
	refEBSEncryption  = "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"
	refEBSByDefault   = "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"
	refTFEBSVolume    = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_volume"
	refTFEBSByDefault = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_encryption_by_default"
	refKMSRotation    = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"
	refKMSKeyPolicy   = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html"
	refTFKMSKey       = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key"
)

// ---------------------------------------------------------------------------
// PVL401

var ebsVolumeUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL401",
		Name:     "ebs-volume-unencrypted",
		Title:    "EBS volume is not encrypted at rest",
		Severity: High,
		Category: CatAWS,
		Description: "An `aws_ebs_volume` without `encrypted = true` is written to disk in the clear, and so is every " +
			"snapshot taken of it: anyone who can copy or share the snapshot, or attach the volume elsewhere, reads the data.\n\n" +
			"The argument defaults to false. The check is satisfied when the same root module turns on " +
			"`aws_ebs_encryption_by_default` (which encrypts every new volume of the account and Region). A volume " +
			"created from a snapshot without `encrypted` inherits the snapshot's encryption, which pvlint cannot see: " +
			"that case is reported as undecided.",
		Remediation: "Set `encrypted = true`, ideally with a customer-managed key:\n\n" +
			"```hcl\nresource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 100\n  encrypted         = true\n  kms_key_id        = aws_kms_key.ebs.arn\n}\n```\n\n" +
			"or turn on encryption by default for the account and Region:\n\n" +
			"```hcl\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n```\n\n" +
			"Existing volumes cannot be encrypted in place: snapshot them, copy the snapshot with encryption and create a new volume.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  description         = "EBS volumes"
  enable_key_rotation = true
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
}
`}},
		References: []string{refEBSEncryption, refEBSByDefault, refTFEBSVolume},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_ebs_volume") {
			report(p, ebsVolumeEncryptionIssues(p.Graph, r))
		}
	},
}

// ebsVolumeEncryptionIssues is PVL401 for one aws_ebs_volume.
func ebsVolumeEncryptionIssues(g *graph.Graph, r *graph.Resource) []issue {
	name := "EBS volume " + r.Title()
	return ebsEncryptionIssues(g, r, r.Root, name)
}

// ebsEncryptionIssues judges the `encrypted` argument of an EBS volume or
// block device (the block b of r), with encryption by default.
func ebsEncryptionIssues(g *graph.Graph, r *graph.Resource, b *graph.Node, name string) []issue {
	enc := b.Get("encrypted")
	t := enc.Bool()
	switch t {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.AtFrom(b, "encrypted"), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted at rest: `encrypted` is not known statically.", name)}}
	}
	def, by := ebsDefaultEncryption(g, r)
	if def == graph.True {
		return nil
	}
	if def == graph.Unsure {
		return []issue{{At: r.AtFrom(b, "encrypted"), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted at rest: whether %s turns on encryption by default is not known statically.", name, by.Title())}}
	}
	if t == graph.Unset && b.Has("snapshot_id") {
		return []issue{{At: r.AtFrom(b, "snapshot_id"), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted at rest: it inherits the encryption of its snapshot, which pvlint cannot see.", name)}}
	}
	how := "`encrypted` is not set"
	if t == graph.False {
		how = "`encrypted` is false"
	}
	return []issue{{At: r.AtFrom(b, "encrypted"), What: "is not encrypted at rest",
		Msg: fmt.Sprintf("%s is not encrypted at rest: %s and the module does not turn on EBS encryption by default.", name, how)}}
}

// ---------------------------------------------------------------------------
// PVL402

var ebsVolumeAWSManagedKey = &Rule{
	Meta: Meta{
		ID:       "PVL402",
		Name:     "ebs-volume-aws-managed-key",
		Title:    "EBS volume is encrypted with the AWS-managed key",
		Severity: Medium,
		Category: CatAWS,
		Description: "An encrypted `aws_ebs_volume` without `kms_key_id` uses the AWS-managed key `aws/ebs`. Its key policy " +
			"cannot be changed, so access to the data cannot be narrowed beyond IAM, the key cannot be disabled to " +
			"cut access in an incident, and snapshots encrypted with it cannot be shared with another account.\n\n" +
			"The check is satisfied when the root module sets a default customer-managed key with " +
			"`aws_ebs_default_kms_key`.",
		Remediation: "Encrypt with a customer-managed key:\n\n" +
			"```hcl\nresource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 100\n  encrypted         = true\n  kms_key_id        = aws_kms_key.ebs.arn\n}\n```\n\n" +
			"or make a customer-managed key the account default with `aws_ebs_default_kms_key { key_arn = aws_kms_key.ebs.arn }`.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  description         = "EBS volumes"
  enable_key_rotation = true
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.ebs.arn
}
`}},
		References: []string{refEBSEncryption, "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk", refTFEBSVolume},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_ebs_volume") {
			report(p, ebsVolumeKeyIssues(p.Graph, r))
		}
	},
}

func ebsVolumeKeyIssues(g *graph.Graph, r *graph.Resource) []issue {
	switch r.Root.Get("encrypted").Bool() {
	case graph.True:
	case graph.Unset, graph.False:
		// Encrypted only through encryption by default, which uses the
		// default key too.
		if def, _ := ebsDefaultEncryption(g, r); def != graph.True {
			return nil
		}
	default:
		return nil
	}
	name := "EBS volume " + r.Title()
	switch keyRef(r, r.Root.Get("kms_key_id")) {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.At("kms_key_id"), Undecided: true,
			Msg: fmt.Sprintf("%s may be encrypted with the AWS-managed key: `kms_key_id` is not known statically.", name)}}
	}
	if ebsDefaultKMSKey(g, r) != nil {
		return nil
	}
	return []issue{{At: r.At("kms_key_id"),
		Msg: fmt.Sprintf("%s is encrypted with the AWS-managed key aws/ebs: set `kms_key_id` to a customer-managed key.", name)}}
}

// ---------------------------------------------------------------------------
// PVL403

var instanceDiskUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL403",
		Name:     "instance-disk-unencrypted",
		Title:    "EC2 instance or launch template disk is not encrypted at rest",
		Severity: High,
		Category: CatAWS,
		Description: "The root and data volumes of an `aws_instance` (and of an `aws_spot_instance_request`, which takes the same arguments), and the volumes that an `aws_launch_template` or " +
			"`aws_launch_configuration` creates for every node of an Auto Scaling group or EKS node group, are EBS " +
			"volumes: without `encrypted = true` they hold the node's data, container images and `emptyDir` and " +
			"hostPath volumes in the clear.\n\n" +
			"An instance or template that declares no root device takes the AMI's setting, which is unencrypted for " +
			"most public AMIs; it is reported at the resource. The check is satisfied when the root module turns on " +
			"`aws_ebs_encryption_by_default`. A device created from a snapshot without `encrypted` inherits the " +
			"snapshot's encryption and is reported as undecided.\n\n" +
			"An `aws_ami` registers the block devices every instance launched from it gets: an `ebs_block_device` " +
			"without `encrypted = true` and without a snapshot is created unencrypted; one created from an " +
			"`aws_ebs_snapshot` of a volume declared in the configuration takes that volume's encryption.",
		Remediation: "Encrypt every block device:\n\n" +
			"```hcl\nresource \"aws_instance\" \"node\" {\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = \"m6i.large\"\n\n  root_block_device {\n    encrypted  = true\n    kms_key_id = aws_kms_key.ebs.arn\n  }\n}\n\n" +
			"resource \"aws_launch_template\" \"nodes\" {\n  block_device_mappings {\n    device_name = \"/dev/xvda\"\n    ebs {\n      encrypted  = true\n      kms_key_id = aws_kms_key.ebs.arn\n    }\n  }\n}\n```\n\n" +
			"or turn on `aws_ebs_encryption_by_default` for the account and Region.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      encrypted   = false
    }
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      encrypted   = true
    }
  }
}
`}},
		References: []string{refEBSEncryption, refEBSByDefault,
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/instance#ebs-ephemeral-and-root-block-devices",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/launch_template#block-devices"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_instance", "aws_spot_instance_request", "aws_launch_configuration", "aws_launch_template") {
			report(p, instanceDiskIssues(p.Graph, r))
		}
		for _, r := range tfResources(p.Graph, "aws_ami") {
			report(p, amiDiskIssues(p.Graph, r))
		}
	},
}

func instanceDiskIssues(g *graph.Graph, r *graph.Resource) []issue {
	var out []issue
	owner := r.Title()
	if r.Kind == "aws_launch_template" {
		bdm := r.Root.Get("block_device_mappings")
		if unknownBlocks(bdm) {
			return []issue{{At: r.At("block_device_mappings"), Undecided: true,
				Msg: fmt.Sprintf("Disks of %s may not be encrypted at rest: `block_device_mappings` is not known statically.", owner)}}
		}
		maps := blocks(bdm)
		if len(maps) == 0 {
			return rootFromAMI(g, r, owner)
		}
		for _, m := range maps {
			ebs := m.Get("ebs")
			if unknownBlocks(ebs) {
				out = append(out, issue{At: r.AtFrom(m, "ebs"), Undecided: true,
					Msg: fmt.Sprintf("Disk %s of %s may not be encrypted at rest: its `ebs` block is not known statically.", deviceName(m), owner)})
				continue
			}
			for _, e := range blocks(ebs) {
				out = append(out, ebsEncryptionIssues(g, r, e, "Disk "+deviceName(m)+" of "+owner)...)
			}
		}
		return out
	}
	root := r.Root.Get("root_block_device")
	switch {
	case unknownBlocks(root):
		out = append(out, issue{At: r.At("root_block_device"), Undecided: true,
			Msg: fmt.Sprintf("Root volume of %s may not be encrypted at rest: `root_block_device` is not known statically.", owner)})
	case len(blocks(root)) == 0 && (len(blocks(r.Root.Get("launch_template"))) > 0 || unknownBlocks(r.Root.Get("launch_template"))):
		// The instance's launch template declares its disks; it is checked
		// itself. (A dynamic launch_template over an empty collection is
		// no template: the AMI decides.)
	case len(blocks(root)) == 0:
		out = append(out, rootFromAMI(g, r, owner)...)
	default:
		for _, b := range blocks(root) {
			out = append(out, ebsEncryptionIssues(g, r, b, "Root volume of "+owner)...)
		}
	}
	devs := r.Root.Get("ebs_block_device")
	if unknownBlocks(devs) {
		out = append(out, issue{At: r.At("ebs_block_device"), Undecided: true,
			Msg: fmt.Sprintf("Data volumes of %s may not be encrypted at rest: `ebs_block_device` is not known statically.", owner)})
	}
	for _, b := range blocks(devs) {
		out = append(out, ebsEncryptionIssues(g, r, b, "EBS volume "+deviceName(b)+" of "+owner)...)
	}
	return out
}

// amiDiskIssues checks the EBS block devices an AMI registers. A device
// from a snapshot has the snapshot's encryption: followed to the volume
// when the snapshot is declared here, else undecided.
func amiDiskIssues(g *graph.Graph, r *graph.Resource) []issue {
	devs := r.Root.Get("ebs_block_device")
	if unknownBlocks(devs) {
		return []issue{{At: r.At("ebs_block_device"), Undecided: true,
			Msg: fmt.Sprintf("Block devices of AMI %s may not be encrypted at rest: `ebs_block_device` is not known statically.", r.Title())}}
	}
	var out []issue
	for _, b := range blocks(devs) {
		name := "EBS device " + deviceName(b) + " of AMI " + r.Title()
		snapNode := b.Get("snapshot_id")
		if snapNode == nil || b.Get("encrypted").Bool() == graph.True {
			out = append(out, ebsEncryptionIssues(g, r, b, name)...)
			continue
		}
		if def, _ := ebsDefaultEncryption(g, r); def == graph.True {
			continue // volumes from unencrypted snapshots are encrypted at launch
		}
		snap := refTarget(r, snapNode, "aws_ebs_snapshot")
		var vol *graph.Resource
		if snap != nil {
			vol = refTarget(snap, snap.Root.Get("volume_id"), "aws_ebs_volume")
		}
		switch {
		case vol == nil:
			out = append(out, issue{At: r.AtFrom(b, "snapshot_id"), Undecided: true,
				Msg: fmt.Sprintf("%s may not be encrypted at rest: it has the encryption of its snapshot, which pvlint cannot see.", name)})
		case vol.Root.Get("encrypted").Bool() == graph.True:
		case vol.Root.Get("encrypted").Bool() == graph.Unsure:
			out = append(out, issue{At: r.AtFrom(b, "snapshot_id"), Undecided: true,
				Msg: fmt.Sprintf("%s may not be encrypted at rest: whether %s, behind its snapshot, is encrypted is not known statically.", name, vol.Title())})
		default:
			if def, _ := ebsDefaultEncryption(g, vol); def == graph.True {
				continue
			}
			out = append(out, issue{At: r.AtFrom(b, "snapshot_id"), What: "is not encrypted at rest",
				Msg: fmt.Sprintf("%s is not encrypted at rest: it is created from %s of %s, which is unencrypted.", name, snap.Title(), vol.Title())})
		}
	}
	return out
}

// rootFromAMI reports an instance or template that declares no root
// device: the AMI's snapshot decides, unless encryption by default is on.
func rootFromAMI(g *graph.Graph, r *graph.Resource, owner string) []issue {
	switch def, by := ebsDefaultEncryption(g, r); def {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.At(), Undecided: true,
			Msg: fmt.Sprintf("Root volume of %s may not be encrypted at rest: whether %s turns on encryption by default is not known statically.", owner, by.Title())}}
	}
	return []issue{{At: r.At(),
		Msg: fmt.Sprintf("Root volume of %s is not known to be encrypted at rest: no root device sets `encrypted = true`, so it takes the AMI's setting, and the module does not turn on EBS encryption by default.", owner)}}
}

func deviceName(b *graph.Node) string {
	if s, ok := str(b.Get("device_name")); ok {
		return s
	}
	return "(unnamed device)"
}

// ---------------------------------------------------------------------------
// PVL404

var ebsSnapshotExposed = &Rule{
	Meta: Meta{
		ID:       "PVL404",
		Name:     "ebs-snapshot-exposed",
		Title:    "EBS snapshot is unencrypted, lacks a customer key, or is public",
		Severity: High,
		Category: CatAWS,
		Description: "Snapshots are full copies of a volume's data that outlive it and travel between accounts and Regions.\n\n" +
			"- An `aws_ebs_snapshot_copy` (or an `aws_ami_copy`, which copies an AMI's snapshots) without " +
			"`encrypted = true` is encrypted only when its source is (or when the module turns on EBS encryption " +
			"by default); without `kms_key_id` it uses the AWS-managed key, which cannot be shared with another " +
			"account and whose policy cannot be narrowed (medium).\n" +
			"- An `aws_ami_launch_permission` with `group = \"all\"` makes an AMI public: anyone can launch it and read " +
			"the EBS snapshots behind it (critical).\n" +
			"- An `aws_ebs_snapshot_block_public_access` with `state = \"unblocked\"` allows snapshots of the Region to be " +
			"shared publicly.\n\n" +
			"`aws_snapshot_create_volume_permission` is not a public-sharing path: its `account_id` is sent as an " +
			"account ID, and the provider has no `group` argument, so `account_id = \"all\"` does not make a " +
			"snapshot public. Sharing with a named account is not reported.",
		Remediation: "Encrypt snapshot copies with a customer-managed key:\n\n" +
			"```hcl\nresource \"aws_ebs_snapshot_copy\" \"backup\" {\n  source_snapshot_id = aws_ebs_snapshot.data.id\n  source_region      = \"eu-west-1\"\n  encrypted          = true\n  kms_key_id         = aws_kms_key.backup.arn\n}\n```\n\n" +
			"share AMIs with named accounts or organizations (`account_id`, `organization_arn`) instead of `group = \"all\"`, " +
			"and block public sharing with `aws_ebs_snapshot_block_public_access { state = \"block-all-sharing\" }`.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_ebs_snapshot_copy" "backup" {
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "eu-west-1"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "backup" {
  description         = "snapshot copies"
  enable_key_rotation = true
}

resource "aws_ebs_snapshot_copy" "backup" {
  source_snapshot_id = "snap-0123456789abcdef0"
  source_region      = "eu-west-1"
  encrypted          = true
  kms_key_id         = aws_kms_key.backup.arn
}
`}},
		References: []string{
			"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
			"https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_snapshot_copy",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ami_launch_permission",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/snapshot_create_volume_permission",
		},
	},
	Check: func(p *Pass) {
		g := p.Graph
		for _, r := range tfResources(g, "aws_ebs_snapshot_copy") {
			report(p, snapshotCopyIssues(g, r, "Snapshot copy "+r.Title(), "its source snapshot is"))
		}
		for _, r := range tfResources(g, "aws_ami_copy") {
			report(p, snapshotCopyIssues(g, r, "AMI copy "+r.Title(), "the snapshots of its source AMI are"))
		}
		for _, r := range tfResources(g, "aws_ami_launch_permission") {
			n := r.Root.Get("group")
			if s, ok := n.Str(); ok && s == "all" {
				p.Report(r.At("group"), "%s makes an AMI public: anyone can launch it and read the EBS snapshots behind it.", r.Title()).With(Critical)
			} else if n.IsUnknown() {
				p.Undecided(r.At("group"), "%s may make an AMI public: `group` is not known statically.", r.Title())
			}
		}
		for _, r := range tfResources(g, "aws_ebs_snapshot_block_public_access") {
			n := r.Root.Get("state")
			if s, ok := n.Str(); ok && s == "unblocked" {
				p.Report(r.At("state"), "%s allows EBS snapshots of the Region to be shared publicly: `state` is \"unblocked\".", r.Title())
			} else if n.IsUnknown() {
				p.Undecided(r.At("state"), "%s may allow public EBS snapshots: `state` is not known statically.", r.Title())
			}
		}
	},
}

// snapshotCopyIssues checks a copy of snapshots (aws_ebs_snapshot_copy, and
// aws_ami_copy, which copies an AMI's snapshots).
func snapshotCopyIssues(g *graph.Graph, r *graph.Resource, name, source string) []issue {
	switch r.Root.Get("encrypted").Bool() {
	case graph.Unsure:
		return []issue{{At: r.At("encrypted"), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted: `encrypted` is not known statically.", name)}}
	case graph.Unset, graph.False:
		if def, _ := ebsDefaultEncryption(g, r); def == graph.True || sourceSnapshotEncrypted(g, r) {
			break // encrypted anyway; the key is still checked below
		}
		return []issue{{At: r.At("encrypted"),
			Msg: fmt.Sprintf("%s does not set `encrypted = true`: it is encrypted only if %s.", name, source)}}
	}
	switch keyRef(r, r.Root.Get("kms_key_id")) {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.At("kms_key_id"), Undecided: true,
			Msg: fmt.Sprintf("%s may use the AWS-managed key: `kms_key_id` is not known statically.", name)}}
	}
	return []issue{{At: r.At("kms_key_id"), Severity: Medium,
		Msg: fmt.Sprintf("%s is encrypted with the AWS-managed key aws/ebs: set `kms_key_id` to a customer-managed key.", name)}}
}

// sourceSnapshotEncrypted follows source_snapshot_id → aws_ebs_snapshot →
// volume_id → aws_ebs_volume and reports whether that volume is encrypted.
func sourceSnapshotEncrypted(g *graph.Graph, r *graph.Resource) bool {
	snap := refTarget(r, r.Root.Get("source_snapshot_id"), "aws_ebs_snapshot")
	if snap == nil {
		return false
	}
	vol := refTarget(snap, snap.Root.Get("volume_id"), "aws_ebs_volume")
	if vol == nil {
		return false
	}
	if vol.Root.Get("encrypted").Bool() == graph.True {
		return true
	}
	def, _ := ebsDefaultEncryption(g, vol)
	return def == graph.True
}

// refTarget returns the resource of type typ that field n of r refers to.
func refTarget(r *graph.Resource, n *graph.Node, typ string) *graph.Resource {
	if n == nil {
		return nil
	}
	for _, e := range r.Out {
		if e.To != nil && e.To.Kind == typ && e.At != nil && (e.At == n || contains(n, e.At)) {
			return e.To
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// PVL405

var efsUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL405",
		Name:     "efs-unencrypted",
		Title:    "EFS file system is not encrypted with a customer-managed key",
		Severity: Medium,
		Category: CatAWS,
		Description: "EFS file systems back ReadWriteMany volumes through the EFS CSI driver. An `aws_efs_file_system` " +
			"without `encrypted = true` stores every file in the clear (high); encryption can only be chosen at " +
			"creation. One that is encrypted without `kms_key_id` uses the AWS-managed key `aws/elasticfilesystem`, " +
			"whose policy cannot be narrowed and which cannot be disabled to cut access (medium).",
		Remediation: "Create the file system encrypted with a customer-managed key:\n\n" +
			"```hcl\nresource \"aws_efs_file_system\" \"shared\" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.efs.arn\n}\n```\n\n" +
			"An existing unencrypted file system must be replaced and its data copied (for example with AWS DataSync).",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "efs" {
  description         = "EFS"
  enable_key_rotation = true
}

resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
  kms_key_id     = aws_kms_key.efs.arn
}
`}},
		References: []string{"https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_efs_file_system") {
			report(p, efsIssues(r))
		}
	},
}

func efsIssues(r *graph.Resource) []issue {
	name := "EFS file system " + r.Title()
	switch r.Root.Get("encrypted").Bool() {
	case graph.Unsure:
		return []issue{{At: r.At("encrypted"), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted at rest: `encrypted` is not known statically.", name)}}
	case graph.Unset, graph.False:
		return []issue{{At: r.At("encrypted"), Severity: High, What: "is not encrypted at rest",
			Msg: fmt.Sprintf("%s is not encrypted at rest: set `encrypted = true` (only possible when it is created).", name)}}
	}
	switch keyRef(r, r.Root.Get("kms_key_id")) {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.At("kms_key_id"), Undecided: true,
			Msg: fmt.Sprintf("%s may use the AWS-managed key: `kms_key_id` is not known statically.", name)}}
	}
	return []issue{{At: r.At("kms_key_id"), What: "is encrypted with the AWS-managed key aws/elasticfilesystem",
		Msg: fmt.Sprintf("%s is encrypted with the AWS-managed key aws/elasticfilesystem: set `kms_key_id` to a customer-managed key.", name)}}
}

// ---------------------------------------------------------------------------
// PVL406

var kmsKeyRotationOff = &Rule{
	Meta: Meta{
		ID:       "PVL406",
		Name:     "kms-key-rotation-off",
		Title:    "KMS key has automatic rotation off",
		Severity: Medium,
		Category: CatAWS,
		Description: "A symmetric `aws_kms_key` without `enable_key_rotation = true` keeps the same key material for " +
			"ever, so a leaked or broken key protects every volume, snapshot and secret it ever encrypted. Automatic " +
			"rotation creates new material yearly (or on `rotation_period_in_days`) and keeps the old for decryption, " +
			"transparently to EBS, EFS and EKS.\n\n" +
			"Asymmetric and HMAC keys (`customer_master_key_spec` other than `SYMMETRIC_DEFAULT`) and keys in a custom " +
			"key store (`custom_key_store_id`) cannot rotate automatically and are not reported.",
		Remediation: "```hcl\nresource \"aws_kms_key\" \"ebs\" {\n  description         = \"EBS volumes\"\n  enable_key_rotation = true\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  description = "EBS volumes"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  description         = "EBS volumes"
  enable_key_rotation = true
}
`}},
		References: []string{refKMSRotation, refTFKMSKey},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_kms_key") {
			report(p, kmsRotationIssues(r))
		}
	},
}

func kmsRotationIssues(r *graph.Resource) []issue {
	name := "KMS key " + r.Title()
	spec := r.Root.Get("customer_master_key_spec")
	if s, ok := spec.Str(); ok && s != "" && s != "SYMMETRIC_DEFAULT" {
		return nil // asymmetric and HMAC keys cannot rotate
	}
	if _, ok := str(r.Root.Get("custom_key_store_id")); ok {
		return nil // keys in CloudHSM or external key stores cannot rotate automatically
	}
	rot := r.Root.Get("enable_key_rotation")
	t := rot.Bool()
	if t == graph.True {
		return nil
	}
	if t == graph.Unsure || spec.IsUnknown() || r.Root.Get("custom_key_store_id").IsUnknown() {
		return []issue{{At: r.At("enable_key_rotation"), Undecided: true,
			Msg: fmt.Sprintf("%s may have automatic rotation off: its rotation or key spec is not known statically.", name)}}
	}
	return []issue{{At: r.At("enable_key_rotation"), What: "has automatic key rotation off",
		Msg: fmt.Sprintf("%s has automatic rotation off: set `enable_key_rotation = true`.", name)}}
}

// ---------------------------------------------------------------------------
// PVL407

var kmsKeyPolicyOpen = &Rule{
	Meta: Meta{
		ID:       "PVL407",
		Name:     "kms-key-policy-open",
		Title:    "KMS key policy allows any principal",
		Severity: High,
		Category: CatAWS,
		Description: "A key policy statement with `\"Effect\": \"Allow\"` and `\"Principal\": \"*\"` (or `{\"AWS\": \"*\"}`, or a " +
			"`NotPrincipal`) and no `Condition` lets any AWS account that can reach the key use it within the actions " +
			"it lists, so the encryption of the volumes and snapshots it protects no longer limits who reads them.\n\n" +
			"The policy is read from `aws_kms_key.policy` and `aws_kms_key_policy.policy` (also the replica and " +
			"external key types), whether written as a JSON string or with `jsonencode(...)`. A policy that is not " +
			"known statically (for example from `data.aws_iam_policy_document`) is reported as undecided.",
		Remediation: "Name the principals, or restrict a wildcard with a condition such as `kms:CallerAccount` or " +
			"`kms:ViaService`:\n\n" +
			"```hcl\nresource \"aws_kms_key\" \"ebs\" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid       = \"Root\"\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::111122223333:root\" }\n      Action    = \"kms:*\"\n      Resource  = \"*\"\n    }]\n  })\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everyone"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "ebs" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = { "kms:CallerAccount" = "111122223333" }
      }
    }]
  })
}
`}},
		References: []string{refKMSKeyPolicy, "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
			refTFKMSKey, "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, kmsPolicyTypes...) {
			report(p, keyPolicyIssues(r))
		}
	},
}

var kmsPolicyTypes = []string{"aws_kms_key", "aws_kms_key_policy", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key"}

func keyPolicyIssues(r *graph.Resource) []issue {
	n := r.Root.Get("policy")
	if n == nil || n.Kind == graph.Null {
		return nil // the default key policy trusts the account only
	}
	name := "Key policy of " + r.Title()
	doc, ok := n.Str()
	if !ok {
		if n.HasUnknown() {
			return []issue{{At: r.At("policy"), Undecided: true,
				Msg: fmt.Sprintf("%s may allow any principal: the policy is not known statically.", name)}}
		}
		return nil
	}
	open, ok := openStatements(doc)
	if !ok || len(open) == 0 {
		return nil
	}
	var sids []string
	for _, s := range open {
		if s.Sid != "" {
			sids = append(sids, fmt.Sprintf("%q", s.Sid))
		}
	}
	which := ""
	if len(sids) > 0 {
		which = " (statement " + strings.Join(sids, ", ") + ")"
	}
	return []issue{{At: r.At("policy"), What: "has a key policy that allows any principal",
		Msg: fmt.Sprintf("%s allows any principal without a condition%s.", name, which)}}
}

// ---------------------------------------------------------------------------
// PVL408

var eksSecretsUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL408",
		Name:     "eks-secrets-unencrypted",
		Title:    "EKS cluster does not encrypt Secrets with a customer-managed KMS key",
		Severity: High,
		Category: CatAWS,
		Description: "Kubernetes Secrets (database passwords, CSI driver credentials, encryption passphrases of " +
			"volumes) are stored in etcd. An `aws_eks_cluster` without an `encryption_config` block whose " +
			"`resources` include `\"secrets\"` does not envelope-encrypt them with a key you control: you cannot " +
			"audit or revoke access to them through KMS, and backups of etcd hold them under AWS-owned keys only.",
		Remediation: "```hcl\nresource \"aws_eks_cluster\" \"main\" {\n  name     = \"main\"\n  role_arn = aws_iam_role.cluster.arn\n\n  vpc_config {\n    subnet_ids = var.subnet_ids\n  }\n\n  encryption_config {\n    resources = [\"secrets\"]\n    provider {\n      key_arn = aws_kms_key.eks.arn\n    }\n  }\n}\n```\n\n" +
			"Envelope encryption can be added to an existing cluster but not removed.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "eks" {
  description         = "EKS secrets"
  enable_key_rotation = true
}

resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.eks.arn
    }
  }
}
`}},
		References: []string{"https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#encryption_config"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_eks_cluster") {
			report(p, eksIssues(r))
		}
	},
}

func eksIssues(r *graph.Resource) []issue {
	name := "EKS cluster " + r.Title()
	ec := r.Root.Get("encryption_config")
	if unknownBlocks(ec) {
		return []issue{{At: r.At("encryption_config"), Undecided: true,
			Msg: fmt.Sprintf("%s may not encrypt Secrets with a KMS key: `encryption_config` is not known statically.", name)}}
	}
	unknown := false
	for _, b := range blocks(ec) {
		res := b.Get("resources")
		for _, s := range res.Strings() {
			if s == "secrets" {
				return nil
			}
		}
		if res.HasUnknown() {
			unknown = true
		}
	}
	if unknown {
		return []issue{{At: r.At("encryption_config"), Undecided: true,
			Msg: fmt.Sprintf("%s may not encrypt Secrets with a KMS key: the encrypted resources are not known statically.", name)}}
	}
	return []issue{{At: r.At("encryption_config"),
		Msg: fmt.Sprintf("%s does not encrypt Secrets with a customer-managed KMS key: add `encryption_config` with `resources = [\"secrets\"]`.", name)}}
}

// ---------------------------------------------------------------------------
// PVL409

var ebsDefaultEncryptionOff = &Rule{
	Meta: Meta{
		ID:       "PVL409",
		Name:     "ebs-default-encryption-off",
		Title:    "EBS encryption by default is turned off",
		Severity: High,
		Category: CatAWS,
		Description: "`aws_ebs_encryption_by_default` with `enabled = false` turns off the account and Region setting " +
			"that encrypts every new EBS volume and snapshot copy, including the volumes the EBS CSI driver creates " +
			"for PersistentVolumeClaims whose StorageClass does not ask for encryption. Removing the resource leaves " +
			"the setting as it was; declaring it disabled switches it off.",
		Remediation: "```hcl\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n\n" +
			"resource \"aws_ebs_default_kms_key\" \"this\" {\n  key_arn = aws_kms_key.ebs.arn\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}
`}},
		References: []string{refEBSByDefault, refTFEBSByDefault},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_ebs_encryption_by_default") {
			switch r.Root.Get("enabled").Bool() {
			case graph.False:
				p.Report(r.At("enabled"), "%s turns EBS encryption by default off for the account and Region.", r.Title())
			case graph.Unsure:
				p.Undecided(r.At("enabled"), "%s may turn EBS encryption by default off: `enabled` is not known statically.", r.Title())
			}
		}
	},
}
