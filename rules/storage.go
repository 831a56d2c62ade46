package rules

import (
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// storageRules checks StorageClasses, PersistentVolumes and the claims that
// resolve to them.
func storageRules() []*Rule {
	return []*Rule{
		storageClassUnencrypted,
		storageClassProviderKey,
		claimUnencryptedClass,
		persistentVolumeHostPath,
		persistentVolumeRecycle,
		persistentVolumeUnreserved,
	}
}

// --- PVL101 / PVL103: the encryption switch of a StorageClass ---

// encryptionSwitch is the StorageClass parameter that turns encryption at
// rest on for a driver that leaves it off by default.
type encryptionSwitch struct {
	param string
	// foldKey: the driver lower-cases parameter keys before reading them.
	foldKey bool
	// exactTrue: only the string "true" turns it on (the EBS CSI driver
	// compares with ==); otherwise the driver reads it with strconv.ParseBool.
	exactTrue bool
}

var (
	ebsSwitch       = &encryptionSwitch{param: "encrypted", foldKey: true, exactTrue: true}
	encryptedSwitch = &encryptionSwitch{param: "encrypted"} // Ceph RBD, CephFS, Longhorn
	secureSwitch    = &encryptionSwitch{param: "secure"}    // Portworx
)

// encryptionSwitchFor returns the switch of a provisioner, or nil when the
// driver always encrypts (GCE PD, Azure Disk and File), encrypts at another
// level (EFS: the file system), or is unknown.
// The in-tree names are migrated to their CSI drivers, which read the same
// parameters. Rook and OpenShift prefix the Ceph driver names with their
// namespace (rook-ceph.rbd.csi.ceph.com).
func encryptionSwitchFor(provisioner string) *encryptionSwitch {
	switch provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs":
		return ebsSwitch
	case "driver.longhorn.io", "kubernetes.io/rbd":
		return encryptedSwitch
	case "pxd.portworx.com", "kubernetes.io/portworx-volume":
		return secureSwitch
	}
	for _, d := range []string{"rbd.csi.ceph.com", "cephfs.csi.ceph.com"} {
		if provisioner == d || strings.HasSuffix(provisioner, "."+d) {
			return encryptedSwitch
		}
	}
	return nil
}

// on reports whether a set parameter value turns encryption on. A YAML
// boolean true counts: it is what the author meant, whatever the decoder
// later makes of it.
func (s *encryptionSwitch) on(v *graph.Node) bool {
	if v.Tag == graph.TagBool {
		return strings.EqualFold(v.Value, "true")
	}
	if s.exactTrue {
		return v.Value == "true"
	}
	b, err := strconv.ParseBool(v.Value)
	return err == nil && b
}

// encState is what a StorageClass says about encryption at rest.
type encState uint8

const (
	encNotApplicable encState = iota // the driver always encrypts, or it is not one pvlint knows
	encOn
	encOff
	encUndecided // an unknown value (an unevaluated expression) decides it
)

// classEncryption is the verdict on one StorageClass, shared by PVL101,
// PVL102 and PVL103.
type classEncryption struct {
	State       encState
	Provisioner string
	Param       string    // the switch parameter as written, or its usual name
	Value       string    // the value that leaves it off, "" when missing
	At          graph.Loc // the switch, or parameters (or its nearest parent) when missing
}

// storageClassEncryption is the PVL101 predicate: whether the class leaves
// encryption at rest off.
func storageClassEncryption(sc *graph.Resource) classEncryption {
	pn := sc.Root.Get("provisioner")
	if pn.HasUnknown() {
		return classEncryption{State: encUndecided, At: sc.At("provisioner")}
	}
	prov, _ := pn.Str()
	sw := encryptionSwitchFor(prov)
	if sw == nil {
		return classEncryption{State: encNotApplicable, Provisioner: prov}
	}
	out := classEncryption{Provisioner: prov, Param: sw.param, At: sc.At("parameters")}
	params := sc.Root.Get("parameters")
	if params.IsUnknown() {
		out.State = encUndecided
		return out
	}
	key, v := sw.param, params.Get(sw.param)
	if sw.foldKey {
		if k, n := paramFold(params, sw.param); n != nil {
			key, v = k, n
		}
	}
	switch {
	case v == nil || v.Kind == graph.Null:
		out.State = encOff
	case v.HasUnknown():
		out.State, out.Param, out.At = encUndecided, key, sc.At("parameters", key)
	case v.Kind == graph.Scalar && sw.on(v):
		out.State, out.Param, out.At = encOn, key, sc.At("parameters", key)
	default:
		out.State, out.Param, out.At = encOff, key, sc.At("parameters", key)
		out.Value = v.String()
	}
	return out
}

// classEncryptions computes the verdict for every StorageClass once per graph.
func classEncryptions(g *graph.Graph) map[*graph.Resource]classEncryption {
	return g.Memo("rules/classEncryption", func() any {
		m := map[*graph.Resource]classEncryption{}
		for _, sc := range g.OfKind("StorageClass") {
			if sc.IsKubernetes() {
				m[sc] = storageClassEncryption(sc)
			}
		}
		return m
	}).(map[*graph.Resource]classEncryption)
}

// why explains an off verdict after the first sentence of a message.
func (e classEncryption) why() string {
	if e.Value == "" {
		return "Parameter " + e.Param + " is not set, and the driver does not encrypt by default."
	}
	s := "Parameter " + e.Param + " is " + strconv.Quote(e.Value) + "."
	if sw := encryptionSwitchFor(e.Provisioner); sw != nil && sw.exactTrue && strings.EqualFold(e.Value, "true") {
		s += ` The driver accepts only the lower-case string "true".`
	}
	return s
}

// classLoc is where a graph finding points at the class: the switch or
// parameters when written, else the provisioner line.
func (e classEncryption) classLoc(sc *graph.Resource) graph.Loc {
	if e.At.Missing || e.At.Node == nil {
		return sc.At("provisioner")
	}
	return e.At
}

var storageClassUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL101",
		Name:     "storageclass-unencrypted",
		Title:    "StorageClass leaves encryption at rest off",
		Severity: High,
		Category: CatEncryption,
		Description: `Some storage drivers create volumes in clear unless the StorageClass asks for encryption:
the EBS CSI driver (` + "`ebs.csi.aws.com`" + `, and the in-tree ` + "`kubernetes.io/aws-ebs`" + ` that is migrated to it) without
` + "`encrypted: \"true\"`" + `, Longhorn (` + "`driver.longhorn.io`" + `) and Ceph RBD and CephFS (` + "`rbd.csi.ceph.com`" + `,
` + "`cephfs.csi.ceph.com`" + `, also with a Rook or OpenShift prefix) without ` + "`encrypted: \"true\"`" + `, and Portworx
(` + "`pxd.portworx.com`" + `) without ` + "`secure: \"true\"`" + `. Every volume provisioned from such a class holds its data,
its snapshots and, for cloud disks, its copies in the provider's backups unencrypted: anyone who gets hold of the
disk, a snapshot shared by mistake, or a decommissioned drive reads it.

StorageClass parameters are strings. The EBS CSI driver reads parameter keys without regard to case but turns
encryption on only for the exact value ` + "`\"true\"`" + ` (` + "`\"True\"`" + ` leaves it off); Ceph, Longhorn and Portworx read the
value as a Go boolean. A YAML boolean ` + "`true`" + ` is taken as on. Drivers that always encrypt at rest (GCE PD, Azure
Disk, Azure File) are not reported; PVL102 checks which key they use. The EFS CSI driver (` + "`efs.csi.aws.com`" + `)
provisions access points on an existing file system whose encryption is fixed when the file system is created: the
class cannot switch it, so it is checked where the file system is declared (PVL405 for ` + "`aws_efs_file_system`" + `). EBS volumes may still be encrypted by the
account-level "EBS encryption by default" setting, which a manifest cannot show: set the parameter so the class does
not depend on it.`,
		Remediation: `Turn encryption on in the class's parameters (a StorageClass's parameters cannot be changed: create a new
class, move claims to it, and delete the old one):

` + "```yaml" + `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3-encrypted
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
  encrypted: "true"
  kmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
` + "```" + `

Longhorn and Ceph take ` + "`encrypted: \"true\"`" + ` with their key secret or KMS settings; Portworx takes
` + "`secure: \"true\"`" + `. In a Helm chart, quote the value so that it renders as a string:
` + "`encrypted: {{ .Values.storageClass.encrypted | quote }}`" + `. With Terraform:

` + "```hcl" + `
resource "kubernetes_storage_class_v1" "gp3" {
  metadata { name = "gp3-encrypted" }
  storage_provisioner = "ebs.csi.aws.com"
  parameters = {
    type      = "gp3"
    encrypted = "true"
    kmsKeyId  = aws_kms_key.ebs.arn
  }
}
` + "```",
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
  encrypted: "false"
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
  encrypted: "true"
  kmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/storage-classes/",
			"https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md",
			"https://longhorn.io/docs/latest/advanced-resources/security/volume-encryption/",
			"https://github.com/ceph/ceph-csi/blob/devel/docs/deploy-rbd.md",
			"https://github.com/ceph/ceph-csi/blob/devel/docs/deploy-cephfs.md",
			"https://docs.portworx.com/portworx-enterprise/operations/key-management",
		},
	},
	Check: func(p *Pass) {
		encs := classEncryptions(p.Graph)
		for _, sc := range p.Graph.OfKind("StorageClass") {
			e, ok := encs[sc]
			if !ok {
				continue
			}
			switch e.State {
			case encOff:
				p.Report(e.At, "%s (%s) leaves encryption at rest off. %s", sc.Title(), e.Provisioner, e.why())
			case encUndecided:
				p.Undecided(e.At, "%s: whether encryption at rest is on depends on a value pvlint cannot evaluate.", sc.Title())
			}
		}
	},
}

// --- PVL102: provider-managed keys ---

// cmkParam is the parameter that names a customer-managed key for a driver
// that always encrypts (or, for EBS, once encryption is on). All three
// drivers read parameter keys without regard to case.
type cmkParam struct {
	param   string
	keyKind string // "the AWS managed key"
	// applies, when set, says whether the class's volumes can take a key at
	// all (FSx for Lustre: persistent deployment types only; Ceph: once
	// encrypted is on).
	applies func(params *graph.Node) bool
}

func cmkParamFor(provisioner string) *cmkParam {
	switch provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs":
		return &cmkParam{param: "kmsKeyId", keyKind: "the AWS managed key"}
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd":
		return &cmkParam{param: "disk-encryption-kms-key", keyKind: "a Google-managed key"}
	case "disk.csi.azure.com", "kubernetes.io/azure-disk":
		return &cmkParam{param: "diskEncryptionSetID", keyKind: "a platform-managed key"}
	case "filestore.csi.storage.gke.io":
		return &cmkParam{param: "instance-encryption-kms-key", keyKind: "a Google-managed key"}
	case "fsx.csi.aws.com":
		return &cmkParam{param: "kmsKeyId", keyKind: "the AWS managed key aws/fsx", applies: func(params *graph.Node) bool {
			_, dt := paramFold(params, "deploymentType")
			return strings.HasPrefix(strings.ToUpper(dt.String()), "PERSISTENT")
		}}
	}
	for _, d := range []string{"rbd.csi.ceph.com", "cephfs.csi.ceph.com"} {
		if provisioner == d || strings.HasSuffix(provisioner, "."+d) {
			return &cmkParam{param: "encryptionKMSID", keyKind: "a passphrase kept in the Ceph cluster's own volume metadata, next to the data", applies: func(params *graph.Node) bool {
				return params.Get("encrypted").Bool() == graph.True
			}}
		}
	}
	return nil
}

// awsManagedEBSKey reports whether a kmsKeyId names the AWS managed key for
// EBS, which is the provider's key whatever the parameter says.
func awsManagedEBSKey(v string) bool {
	return v == "alias/aws/ebs" || (strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":alias/aws/ebs"))
}

// usesKnownKey reports whether a UsesKey edge links the class to a key
// declared in the scan at node n (a Terraform reference such as
// aws_kms_key.ebs.arn, which is unknown until apply). Terraform records a
// reference on the attribute that holds it, so an edge at the parameters
// map counts for the key parameter inside it.
func usesKnownKey(sc *graph.Resource, n *graph.Node) bool {
	for _, e := range sc.OutOf(graph.UsesKey) {
		if e.To != nil && e.At != nil && containsNode(e.At, n) {
			return true
		}
	}
	return false
}

// containsNode reports whether n is root or lies below it.
func containsNode(root, n *graph.Node) bool {
	found := false
	root.Walk(func(_ []string, v *graph.Node) bool {
		if v == n {
			found = true
		}
		return !found
	})
	return found
}

var storageClassProviderKey = &Rule{
	Meta: Meta{
		ID:       "PVL102",
		Name:     "storageclass-provider-managed-key",
		Title:    "StorageClass encrypts with the provider's key, not a customer-managed one",
		Severity: Medium,
		Category: CatEncryption,
		Description: `EBS (once ` + "`encrypted: \"true\"`" + `), GCE Persistent Disk and Azure Disk encrypt every volume at rest, but
unless the StorageClass names a key the provider picks its own: the AWS managed key ` + "`aws/ebs`" + `, a Google-managed
key, or an Azure platform-managed key. You cannot restrict who may use those keys, disable or rotate them on your
schedule, audit their use separately from everything else in the account, or destroy them to make data
unrecoverable (crypto-shredding). Snapshots encrypted with the AWS managed key cannot be shared with another
account.

The class names a customer-managed key with ` + "`kmsKeyId`" + ` (EBS CSI), ` + "`disk-encryption-kms-key`" + ` (GCE PD CSI),
` + "`diskEncryptionSetID`" + ` (Azure Disk CSI, a Disk Encryption Set backed by a Key Vault key),
` + "`instance-encryption-kms-key`" + ` (Filestore CSI, ` + "`filestore.csi.storage.gke.io`" + `) or ` + "`kmsKeyId`" + ` (FSx for Lustre CSI,
` + "`fsx.csi.aws.com`" + `, for ` + "`PERSISTENT_*`" + ` deployment types; scratch file systems take no key); pvlint reads these keys without
regard to case. A Ceph RBD or CephFS class with ` + "`encrypted: \"true\"`" + ` and no ` + "`encryptionKMSID`" + ` keeps each volume's LUKS
or fscrypt passphrase in the Ceph cluster's own metadata, next to the data, and is reported too. Azure Files takes its key
from the storage account (PVL444); vSphere encrypts through a storage policy (` + "`storagepolicyname`" + `) whose content
the manifest does not show, and is not reported. A ` + "`kmsKeyId`" + ` of ` + "`alias/aws/ebs`" + ` is the AWS managed key and is reported too. A class
that PVL101 reports (encryption off) is not reported again here.`,
		Remediation: `Name a key you manage in a new class (parameters cannot be changed in place):

` + "```yaml" + `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: pd-cmek
provisioner: pd.csi.storage.gke.io
parameters:
  type: pd-balanced
  disk-encryption-kms-key: projects/acme/locations/europe-west1/keyRings/gke/cryptoKeys/pd
` + "```" + `

For EBS set ` + "`kmsKeyId`" + ` to a key ARN; for Azure Disk set
` + "`diskEncryptionSetID: /subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/diskEncryptionSets/…`" + `. In a Helm
chart expose the key as a value (` + "`kmsKeyId: {{ required \"storageClass.kmsKeyId\" .Values.storageClass.kmsKeyId | quote }}`" + `).
With Terraform, reference the key resource so the link is checked too:

` + "```hcl" + `
resource "kubernetes_storage_class_v1" "gp3" {
  metadata { name = "gp3-cmk" }
  storage_provisioner = "ebs.csi.aws.com"
  parameters = {
    encrypted = "true"
    kmsKeyId  = aws_kms_key.ebs.arn
  }
}
` + "```" + `

The provider must let the driver use the key: a key policy grant for the EBS CSI role, the Compute Engine service
agent as ` + "`roles/cloudkms.cryptoKeyEncrypterDecrypter`" + `, or the cluster identity on the Disk Encryption Set.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: managed-premium
provisioner: disk.csi.azure.com
parameters:
  skuName: Premium_LRS
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: managed-premium-cmk
provisioner: disk.csi.azure.com
parameters:
  skuName: Premium_LRS
  diskEncryptionSetID: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des
`}},
		References: []string{
			"https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md",
			"https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek",
			"https://github.com/kubernetes-sigs/azuredisk-csi-driver/blob/master/docs/driver-parameters.md",
			"https://learn.microsoft.com/en-us/azure/aks/azure-disk-customer-managed-keys",
			"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
			"https://github.com/kubernetes-sigs/gcp-filestore-csi-driver/blob/master/README.md",
			"https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/master/examples/kubernetes/dynamic_provisioning/README.md",
			"https://github.com/ceph/ceph-csi/blob/devel/docs/deploy-rbd.md",
		},
	},
	Check: func(p *Pass) {
		encs := classEncryptions(p.Graph)
		for _, sc := range p.Graph.OfKind("StorageClass") {
			if !sc.IsKubernetes() {
				continue
			}
			prov, ok := sc.Root.Get("provisioner").Str()
			cmk := cmkParamFor(prov)
			if !ok || cmk == nil {
				continue
			}
			if e := encs[sc]; e.State == encOff || e.State == encUndecided {
				continue // PVL101 reports it (or cannot tell)
			}
			params := sc.Root.Get("parameters")
			if params.IsUnknown() {
				p.Undecided(sc.At("parameters"), "%s: whether it names a customer-managed key depends on a value pvlint cannot evaluate.", sc.Title())
				continue
			}
			if cmk.applies != nil && !cmk.applies(params) {
				continue
			}
			key, v := paramFold(params, cmk.param)
			switch {
			case v == nil || v.Kind == graph.Null:
				p.Report(sc.At("parameters"), "%s (%s) encrypts with %s, not a customer-managed key. Set parameters.%s.", sc.Title(), prov, cmk.keyKind, cmk.param)
			case v.HasUnknown():
				if !usesKnownKey(sc, v) {
					p.Undecided(sc.At("parameters", key), "%s: parameters.%s is a value pvlint cannot evaluate.", sc.Title(), key)
				}
			case strings.TrimSpace(v.String()) == "":
				p.Report(sc.At("parameters", key), "%s (%s) encrypts with %s, not a customer-managed key: parameters.%s is empty.", sc.Title(), prov, cmk.keyKind, key)
			case cmk.param == "kmsKeyId" && awsManagedEBSKey(v.String()):
				p.Report(sc.At("parameters", key), "%s (%s) encrypts with the AWS managed key alias/aws/ebs, not a customer-managed key.", sc.Title(), prov)
			}
		}
	},
}

// --- PVL103: claims that resolve to an unencrypted class ---

var claimUnencryptedClass = &Rule{
	Meta: Meta{
		ID:       "PVL103",
		Name:     "claim-uses-unencrypted-class",
		Title:    "Claim provisions its volume from a StorageClass that leaves encryption at rest off",
		Severity: High,
		Category: CatEncryption,
		Graph:    true,
		Description: `A PersistentVolumeClaim, a StatefulSet ` + "`volumeClaimTemplates`" + ` entry or a pod's ephemeral volume gets its
disk from a StorageClass. When that class leaves encryption at rest off (PVL101), the application's data lands on
an unencrypted disk, whatever the workload does. This rule follows the claim to its class: the class it names, or
the class annotated ` + "`storageclass.kubernetes.io/is-default-class: \"true\"`" + ` when it names none
(` + "`storageClassName: \"\"`" + ` asks for no class and is not followed). A claim bound by ` + "`volumeName`" + ` to a
PersistentVolume of such a class is reported too.

Reporting the claim, and not only the class, shows which data is exposed and lets the team that owns the
application act (by choosing another class) when the class belongs to the platform team. Only classes in the
scanned files are followed.`,
		Remediation: `Point the claim at an encrypted class, or fix the class (see PVL101):

` + "```yaml" + `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pg-data
spec:
  storageClassName: gp3-encrypted
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
` + "```" + `

Charts usually expose the class as a value, for example ` + "`persistence.storageClass: gp3-encrypted`" + ` (Bitnami) or
` + "`primary.persistence.storageClass`" + `. A claim's class cannot be changed once created: migrate the data to a new claim
(a snapshot restored into the new class, or an application-level copy). With Terraform set
` + "`spec { storage_class_name = \"gp3-encrypted\" }`" + ` on ` + "`kubernetes_persistent_volume_claim_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp2-plain
provisioner: ebs.csi.aws.com
parameters:
  type: gp2
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pg-data
  namespace: data
spec:
  storageClassName: gp2-plain
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3-encrypted
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
  encrypted: "true"
  kmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pg-data
  namespace: data
spec:
  storageClassName: gp3-encrypted
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1",
			"https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass",
			"https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes",
			"https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates",
		},
	},
	Check: checkClaimUnencryptedClass,
}

func checkClaimUnencryptedClass(p *Pass) {
	encs := classEncryptions(p.Graph)
	for _, claim := range p.Graph.OfKind("PersistentVolumeClaim") {
		if !claim.IsKubernetes() {
			continue
		}
		reported := map[*graph.Resource]bool{}
		for _, e := range claim.OutOf(graph.UsesClass) {
			if e.To == nil {
				classNotScanned(p, claim.AtNode(e.At), claim.Title(), e)
				continue
			}
			loc := claim.AtNode(e.At)
			how := "uses"
			if e.DefaultClass {
				loc, how = claim.At("spec"), "names no class and gets the default"
			}
			if reportClaimClass(p, encs, loc, claim.Title()+" "+how, e.To) != nil {
				reported[e.To] = true
			}
		}
		for _, b := range claim.OutOf(graph.BindsVolume) {
			if b.To == nil {
				continue
			}
			for _, e := range b.To.OutOf(graph.UsesClass) {
				if e.To == nil || reported[e.To] {
					continue
				}
				if f := reportClaimClass(p, encs, claim.AtNode(b.At), claim.Title()+" binds "+b.To.Title()+" of", e.To); f != nil {
					f.Related(b.To.AtNode(e.At), "%s", b.To.Title())
				}
			}
		}
	}
	for _, r := range p.Graph.Workloads() {
		for _, e := range r.OutOf(graph.ClaimTemplateClass) {
			subject := r.Title() + " " + claimTemplateTitle(r, e.Via)
			if e.To == nil {
				classNotScanned(p, r.AtNode(e.At), subject, e)
				continue
			}
			loc := r.AtNode(e.At)
			how := " uses"
			if e.DefaultClass {
				loc, how = r.AtFrom(e.Via, "spec"), " names no class and gets the default"
			}
			reportClaimClass(p, encs, loc, subject+how, e.To)
		}
	}
}

// classNotScanned leaves the check undecided when a claim names a class
// that is not in the scanned files (it may live in the cluster, or in
// another repository): pvlint cannot tell whether it encrypts, and a scan
// must not look clean because of that. Listed with --verbose, in SARIF
// notifications, and a note under --fail-on-unknown. A claim that names no
// class while no default class is scanned is left alone: nearly every
// repository relies on the cluster's default.
func classNotScanned(p *Pass, loc graph.Loc, subject string, e *graph.Edge) {
	if e.DefaultClass || e.Name == "" || e.At.IsUnknown() {
		return
	}
	p.Undecided(loc, "%s uses StorageClass %q, which is not in the scanned files: whether it encrypts at rest could not be checked.", subject, e.Name)
}

// reportClaimClass reports subject (which ends in its verb) when sc leaves
// encryption at rest off, and returns the finding (nil when none, or when
// the check was undecided).
func reportClaimClass(p *Pass, encs map[*graph.Resource]classEncryption, loc graph.Loc, subject string, sc *graph.Resource) *Finding {
	enc, ok := encs[sc]
	if !ok {
		return nil
	}
	switch enc.State {
	case encOff:
		return p.Report(loc, "%s %s, which leaves encryption at rest off (%s).", subject, sc.Title(), enc.Provisioner).
			Related(enc.classLoc(sc), "%s", sc.Title())
	case encUndecided:
		p.Undecided(loc, "%s %s, whose encryption at rest depends on a value pvlint cannot evaluate.", subject, sc.Title()).
			Related(enc.At, "%s", sc.Title())
	}
	return nil
}

// claimTemplateTitle names a claim template of a workload: the StatefulSet
// template's name, or the pod volume that holds an ephemeral template.
func claimTemplateTitle(r *graph.Resource, tmpl *graph.Node) string {
	for _, t := range r.PodTemplates() {
		for _, v := range graph.Volumes(t.Spec) {
			if v.Node.Path("ephemeral", "volumeClaimTemplate") == tmpl {
				return "ephemeral volume \"" + v.Name + "\""
			}
		}
	}
	if name, ok := tmpl.Path("metadata", "name").Str(); ok {
		return "volume claim template \"" + name + "\""
	}
	return "ephemeral volume"
}

// --- PVL104..PVL106: PersistentVolume hygiene ---

var persistentVolumeHostPath = &Rule{
	Meta: Meta{
		ID:       "PVL104",
		Name:     "persistentvolume-node-local",
		Title:    "PersistentVolume is a directory on a node (hostPath, or local without node affinity)",
		Severity: High,
		Category: CatVolumes,
		Description: `A PersistentVolume backed by ` + "`hostPath`" + ` is a directory on whichever node the pod lands on. Any claim
that binds it gives its pods read and write access to that node's filesystem, outside any container boundary, with
no quota, no encryption and no isolation between tenants; data silently differs from node to node, and a path such
as ` + "`/`" + ` or ` + "`/var/lib/kubelet`" + ` hands over the node. The Kubernetes documentation reserves hostPath volumes for
single-node testing (high).

A ` + "`local`" + ` volume is meant to pin its pods to the node that holds the disk through ` + "`spec.nodeAffinity`" + `; without
it the scheduler may place the pod on a node where the path is something else entirely, and the API server rejects
the object (medium).`,
		Remediation: `Use a storage driver with dynamic provisioning (a StorageClass) instead of a hostPath volume. For node-local
disks, use a ` + "`local`" + ` volume with node affinity, or a local-volume provisioner that writes it for you:

` + "```yaml" + `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-ssd-node1
spec:
  capacity:
    storage: 100Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-ssd
  local:
    path: /mnt/disks/ssd1
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - key: kubernetes.io/hostname
              operator: In
              values: [node1]
` + "```" + `

With Terraform, use ` + "`persistent_volume_source { local { path = ... } }`" + ` with a ` + "`node_affinity`" + ` block on
` + "`kubernetes_persistent_volume_v1`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: data
spec:
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteOnce]
  claimRef:
    namespace: app
    name: data
  hostPath:
    path: /srv/data
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: data
spec:
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteOnce]
  claimRef:
    namespace: app
    name: data
  local:
    path: /mnt/disks/ssd1
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - key: kubernetes.io/hostname
              operator: In
              values: [node1]
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/concepts/storage/volumes/#local",
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity",
		},
	},
	Check: func(p *Pass) {
		for _, pv := range p.Graph.OfKind("PersistentVolume") {
			if !pv.IsKubernetes() {
				continue
			}
			spec := pv.Root.Get("spec")
			if hp := spec.Get("hostPath"); hp != nil && hp.Kind != graph.Null {
				path, _ := hp.Get("path").Str()
				p.Report(pv.At("spec", "hostPath"), "%s is backed by hostPath %q: its claims read and write a directory of whichever node runs them.", pv.Title(), path)
			}
			if l := spec.Get("local"); l != nil && l.Kind != graph.Null {
				na := spec.Get("nodeAffinity")
				switch {
				case na.HasUnknown():
					p.Undecided(pv.At("spec", "nodeAffinity"), "%s: its local volume's nodeAffinity is a value pvlint cannot evaluate.", pv.Title())
				case na == nil || na.Kind == graph.Null:
					p.Report(pv.At("spec", "local"), "%s is a local volume without spec.nodeAffinity: pods may be scheduled to a node where the path is not this disk.", pv.Title()).
						With(Medium)
				}
			}
		}
	},
}

var persistentVolumeRecycle = &Rule{
	Meta: Meta{
		ID:       "PVL105",
		Name:     "persistentvolume-recycle-policy",
		Title:    "PersistentVolume uses the deprecated Recycle reclaim policy",
		Severity: Medium,
		Category: CatVolumes,
		Description: `With ` + "`persistentVolumeReclaimPolicy: Recycle`" + ` the volume is scrubbed with ` + "`rm -rf /thevolume/*`" + ` when
its claim is deleted and then offered to the next claim, from any namespace. A basic delete does not remove data
from the disk: files still open, hidden files the glob misses on some images, snapshots and the blocks themselves
stay readable by the next tenant. The policy is deprecated; Kubernetes recommends dynamic provisioning instead.`,
		Remediation: `Use ` + "`Delete`" + ` (dynamically provisioned volumes) or ` + "`Retain`" + ` and clean up the backing storage yourself:

` + "```yaml" + `
spec:
  persistentVolumeReclaimPolicy: Retain
` + "```" + `

With Terraform set ` + "`persistent_volume_reclaim_policy = \"Retain\"`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: nfs-share
spec:
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Recycle
  claimRef:
    namespace: app
    name: share
  nfs:
    server: nfs.example.internal
    path: /exports/share
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: nfs-share
spec:
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  claimRef:
    namespace: app
    name: share
  nfs:
    server: nfs.example.internal
    path: /exports/share
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#recycle",
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaim-policy",
		},
	},
	Check: func(p *Pass) {
		for _, pv := range p.Graph.OfKind("PersistentVolume") {
			if !pv.IsKubernetes() {
				continue
			}
			n := pv.Root.Path("spec", "persistentVolumeReclaimPolicy")
			if n.HasUnknown() {
				p.Undecided(pv.At("spec", "persistentVolumeReclaimPolicy"), "%s: its reclaim policy is a value pvlint cannot evaluate.", pv.Title())
				continue
			}
			if v, ok := n.Str(); ok && v == "Recycle" {
				p.Report(pv.At("spec", "persistentVolumeReclaimPolicy"), "%s uses the deprecated Recycle reclaim policy: its data is scrubbed with rm -rf and the volume handed to the next claim.", pv.Title())
			}
		}
	},
}

var persistentVolumeUnreserved = &Rule{
	Meta: Meta{
		ID:       "PVL106",
		Name:     "persistentvolume-without-claimref",
		Title:    "Statically provisioned PersistentVolume is not reserved for a claim",
		Severity: Medium,
		Category: CatVolumes,
		Description: `PersistentVolumes are cluster-wide. A volume written by hand (an NFS export, an existing cloud disk, a
CSI volume handle) without ` + "`spec.claimRef`" + ` binds to the first claim, in any namespace, whose class, size,
access modes and selector it matches. Someone who can create claims in any namespace can race for it and mount the
data it holds. Pre-binding with ` + "`claimRef`" + ` (namespace and name) reserves the volume for the intended claim.

Volumes annotated ` + "`pv.kubernetes.io/provisioned-by`" + ` were created by a provisioner for a claim and are already
bound; they are not reported.`,
		Remediation: `Reserve the volume for its claim, and have the claim name the volume:

` + "```yaml" + `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: reports-nfs
spec:
  capacity:
    storage: 50Gi
  accessModes: [ReadWriteMany]
  storageClassName: ""
  claimRef:
    namespace: reporting
    name: reports
  nfs:
    server: nfs.example.internal
    path: /exports/reports
` + "```" + `

With Terraform, set ` + "`claim_ref { namespace = \"reporting\" name = \"reports\" }`" + ` in the
` + "`kubernetes_persistent_volume_v1`" + ` spec.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: reports-nfs
spec:
  capacity:
    storage: 50Gi
  accessModes: [ReadWriteMany]
  nfs:
    server: nfs.example.internal
    path: /exports/reports
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: reports-nfs
spec:
  capacity:
    storage: 50Gi
  accessModes: [ReadWriteMany]
  claimRef:
    namespace: reporting
    name: reports
  nfs:
    server: nfs.example.internal
    path: /exports/reports
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume",
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding",
		},
	},
	Check: func(p *Pass) {
		for _, pv := range p.Graph.OfKind("PersistentVolume") {
			if !pv.IsKubernetes() {
				continue
			}
			// No exemption for pv.kubernetes.io/provisioned-by: a volume
			// in the scanned files is one someone will apply, i.e. static.
			ref := pv.Root.Path("spec", "claimRef")
			switch {
			case ref.HasUnknown():
				p.Undecided(pv.At("spec", "claimRef"), "%s: its claimRef is a value pvlint cannot evaluate.", pv.Title())
			case ref == nil || ref.Kind == graph.Null:
				p.Report(pv.At("spec", "claimRef"), "%s has no claimRef: any matching claim in any namespace can bind it.", pv.Title())
			}
		}
	},
}
