package rules

import (
	"fmt"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// cloudStorageRules join Kubernetes storage objects to the cloud resources
// declared in Terraform behind them.
func cloudStorageRules() []*Rule {
	return []*Rule{weakCloudBacking}
}

// ---------------------------------------------------------------------------
// PVL107

var weakCloudBacking = &Rule{
	Meta: Meta{
		ID:       "PVL107",
		Name:     "weak-cloud-backing",
		Title:    "Volume protection rests on a weak cloud resource declared in Terraform",
		Severity: High,
		Category: CatEncryption,
		Graph:    true,
		Description: "A StorageClass or PersistentVolume can look right on its own and still rest on a weak cloud " +
			"resource. pvlint follows the links from Kubernetes objects to the Terraform that declares what they use:\n\n" +
			"- a StorageClass whose `kmsKeyId` names an `aws_kms_key` (by ARN or key ID, or through an " +
			"`aws_kms_alias`) that has automatic rotation off (PVL406), is disabled (`is_enabled = false`, so no " +
			"volume of the class can be created or attached), or has a key policy that allows any principal (PVL407);\n" +
			"- a PersistentVolume whose CSI `volumeHandle` names a disk that is not encrypted, or not with a " +
			"customer-managed key (PVL401, PVL405, PVL421, PVL441);\n" +
			"- an EFS StorageClass (`efs.csi.aws.com`) whose `fileSystemId` names an `aws_efs_file_system` (by ID, or " +
			"by reference in `kubernetes_storage_class_v1`) that is unencrypted or on the AWS-managed key (PVL405).\n\n" +
			"The finding is reported on the Kubernetes object, where the reviewer of a manifest change looks, with " +
			"every Terraform hop as a related location. Its severity is that of the weakness behind it.",
		Remediation: "Fix the Terraform resource named in the finding: turn on `enable_key_rotation`, enable the " +
			"key, narrow its policy, or encrypt the disk (see the rule of each weakness). Or point the StorageClass " +
			"`kmsKeyId` (Helm: the value that sets it) at a sound key:\n\n" +
			"```yaml\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3-encrypted\nprovisioner: ebs.csi.aws.com\nparameters:\n  type: gp3\n  encrypted: \"true\"\n  kmsKeyId: alias/eks-pv\n```\n\n" +
			"```hcl\nresource \"aws_kms_key\" \"pv\" {\n  description         = \"EKS persistent volumes\"\n  enable_key_rotation = true\n}\n\nresource \"aws_kms_alias\" \"pv\" {\n  name          = \"alias/eks-pv\"\n  target_key_id = aws_kms_key.pv.key_id\n}\n```",
		// Each example is one input, so the StorageClass is declared with the
		// Terraform Kubernetes provider next to its key; the same link works
		// from a StorageClass in YAML (see the fixtures).
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "pv" {
  description = "EKS persistent volumes"
}

resource "aws_kms_alias" "pv" {
  name          = "alias/eks-pv"
  target_key_id = aws_kms_key.pv.key_id
}

resource "kubernetes_storage_class_v1" "encrypted" {
  metadata {
    name = "gp3-encrypted"
  }
  storage_provisioner = "ebs.csi.aws.com"
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = "alias/eks-pv"
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "pv" {
  description         = "EKS persistent volumes"
  enable_key_rotation = true
}

resource "aws_kms_alias" "pv" {
  name          = "alias/eks-pv"
  target_key_id = aws_kms_key.pv.key_id
}

resource "kubernetes_storage_class_v1" "encrypted" {
  metadata {
    name = "gp3-encrypted"
  }
  storage_provisioner = "ebs.csi.aws.com"
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = "alias/eks-pv"
  }
}
`}},
		References: []string{
			"https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md",
			refKMSRotation, refKMSKeyPolicy,
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#csi",
		},
	},
	Check: func(p *Pass) {
		for _, sc := range p.Graph.OfKind("StorageClass") {
			if sc.IsKubernetes() {
				classOnWeakKey(p, sc)
				volumeOnWeakDisk(p, sc) // EFS classes: the file system they provision on
			}
		}
		for _, pv := range p.Graph.OfKind("PersistentVolume") {
			if pv.IsKubernetes() {
				volumeOnWeakDisk(p, pv)
			}
		}
	},
}

// classOnWeakKey reports a StorageClass whose kmsKeyId resolves to a weak
// aws_kms_key, directly or through an alias.
func classOnWeakKey(p *Pass, sc *graph.Resource) {
	for _, e := range sc.OutOf(graph.UsesKey) {
		if e.To == nil {
			continue
		}
		var alias, key *graph.Resource
		switch e.To.Kind {
		case "aws_kms_key":
			key = e.To
		case "aws_kms_alias":
			alias = e.To
			for _, ae := range alias.OutOf(graph.AliasOf) {
				if ae.To != nil {
					key = ae.To
					break
				}
			}
		}
		if key == nil {
			continue
		}
		issues := weakKeyIssues(p.Graph, key)
		if len(issues) == 0 {
			continue
		}
		var whats []string
		sev := None
		for _, is := range issues {
			whats = append(whats, is.What)
			sev = max(sev, is.Severity)
		}
		hops := key.Title()
		if alias != nil {
			hops = fmt.Sprintf("alias %s (%q) → key %s", alias.Title(), e.Name, key.Title())
		} else {
			hops = "key " + hops
		}
		f := p.Report(kmsKeyIDLoc(sc, e.At), "%s encrypts its volumes with KMS %s, which %s.", sc.Title(), hops, joinAnd(whats)).With(min(sev, p.Rule.Severity))
		if alias != nil {
			f.Related(alias.At("name"), "alias %s", alias.Title())
		}
		for _, is := range issues {
			f.Related(is.At, "%s %s", key.Title(), is.What)
		}
	}
}

// kmsKeyIDLoc locates the kmsKeyId parameter of a class: the edge's field,
// narrowed to the parameter when the reference sits on the whole parameters
// map (the Terraform Kubernetes provider's `parameters = {...}`).
func kmsKeyIDLoc(sc *graph.Resource, at *graph.Node) graph.Loc {
	for _, name := range []string{"kmsKeyId", "kmskeyid", "kmsKeyID"} {
		if n := sc.Root.Path("parameters", name); n != nil && at != nil && contains(at, n) {
			return sc.AtNode(n)
		}
	}
	return sc.AtNode(at)
}

// weakKeyIssues returns the decided weaknesses of an aws_kms_key: rotation
// off, disabled, and an open key policy (its own or an aws_kms_key_policy's).
func weakKeyIssues(g *graph.Graph, key *graph.Resource) []issue {
	var out []issue
	for _, is := range kmsRotationIssues(key) {
		if !is.Undecided {
			is.Severity = kmsKeyRotationOff.Severity
			out = append(out, is)
		}
	}
	if key.Root.Get("is_enabled").Bool() == graph.False {
		out = append(out, issue{At: key.At("is_enabled"), What: "is disabled", Severity: High})
	}
	policies := []*graph.Resource{key}
	for _, e := range key.In {
		if e.From.Kind == "aws_kms_key_policy" {
			policies = append(policies, e.From)
		}
	}
	for _, pr := range policies {
		for _, is := range keyPolicyIssues(pr) {
			if !is.Undecided {
				is.Severity = kmsKeyPolicyOpen.Severity
				if pr != key {
					is.What = "has a key policy (" + pr.Title() + ") that allows any principal"
				}
				out = append(out, is)
			}
		}
	}
	return out
}

// volumeOnWeakDisk reports a PersistentVolume whose CSI volumeHandle names a
// disk declared in Terraform that another rule finds weak.
func volumeOnWeakDisk(p *Pass, pv *graph.Resource) {
	for _, e := range pv.OutOf(graph.BackedBy) {
		d := e.To
		if d == nil {
			continue
		}
		var issues []issue
		var from *Rule
		switch d.Kind {
		case "aws_ebs_volume":
			issues, from = ebsVolumeEncryptionIssues(p.Graph, d), ebsVolumeUnencrypted
		case "aws_efs_file_system":
			issues, from = efsIssues(d), efsUnencrypted
		case "google_compute_disk", "google_compute_region_disk":
			issues, from = gcpDiskIssues(d), gcpDiskNoCMEK
		case "azurerm_managed_disk":
			issues, from = azureDiskIssues(d), azureDiskNoCMK
		}
		for _, is := range issues {
			if is.Undecided || is.What == "" {
				continue
			}
			sev := min(severityOf(is, from), p.Rule.Severity)
			f := p.Report(pv.AtNode(e.At), "%s is backed by %s, which %s (%s).", pv.Title(), diskKind(d)+" "+d.Title(), is.What, from.ID).With(sev)
			f.Related(is.At, "%s %s", d.Title(), is.What)
		}
	}
}

func diskKind(d *graph.Resource) string {
	switch {
	case d.Kind == "aws_efs_file_system":
		return "EFS file system"
	case strings.HasPrefix(d.Kind, "azurerm_"):
		return "managed disk"
	case strings.HasPrefix(d.Kind, "aws_"):
		return "EBS volume"
	}
	return "disk"
}
