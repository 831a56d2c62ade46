package rules

import (
	"encoding/json"
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

// encryptionSwitch is how a StorageClass turns encryption at rest on for a
// driver that leaves it off by default.
type encryptionSwitch struct {
	// params are the switch parameters; any one of them on turns encryption
	// on (Linode: the platform's encryption or LUKS). The first is the one
	// a message names when none is set.
	params []string
	// foldKey: the driver lower-cases parameter keys before reading them.
	foldKey bool
	// exactTrue: only the string "true" turns it on (the driver compares
	// with ==); otherwise the driver reads it with strconv.ParseBool.
	exactTrue bool
	// never, when set, says why no parameter of the provisioner can turn
	// encryption on (the in-tree RBD plugin): the class is off, found at
	// its provisioner.
	never string
	// onValue, when set, is the one value that turns encryption on (UpCloud:
	// encryption: data-at-rest), compared exactly.
	onValue string
	// secretParam, when set, replaces params: the driver formats volumes
	// with LUKS when the class passes it a Secret through this parameter,
	// and reads the passphrase from the Secret's key passphraseKey (Hetzner).
	secretParam, passphraseKey string
	// policyParam, when set, replaces params: encryption is a property of a
	// storage policy kept outside the manifests (vSphere), so the class
	// alone never decides it.
	policyParam string
}

var (
	ebsSwitch       = &encryptionSwitch{params: []string{"encrypted"}, foldKey: true, exactTrue: true}
	encryptedSwitch = &encryptionSwitch{params: []string{"encrypted"}} // Ceph RBD, CephFS, Longhorn
	secureSwitch    = &encryptionSwitch{params: []string{"secure"}}    // Portworx
	// The in-tree RBD plugin (removed in Kubernetes 1.31) takes monitors,
	// pool, image and secret parameters and refuses any other: it has no
	// encryption, and its CSI migration translates none.
	rbdInTreeSwitch = &encryptionSwitch{never: "The in-tree RBD provisioner has no encryption parameter (and was removed in Kubernetes 1.31): provision from the Ceph CSI driver (rbd.csi.ceph.com) with encrypted: \"true\" and an encryptionKMSID."}
	// Scaleway Block Storage CSI: lower-cased keys, strconv.ParseBool
	// (pkg/driver/helpers.go parseCreateVolumeParams); the passphrase comes
	// from the node-stage Secret's encryptionPassphrase.
	scalewaySwitch = &encryptionSwitch{params: []string{"encrypted"}, foldKey: true}
	// cloudscale.ch CSI: LUKS when the parameter is exactly "true"
	// (driver/controller.go); the key comes from the node-stage Secret.
	cloudscaleSwitch = &encryptionSwitch{params: []string{"csi.cloudscale.ch/luks-encrypted"}, exactTrue: true}
	// Linode Block Storage CSI: the platform's Block Storage Encryption or
	// LUKS, each exactly "true" (internal/driver/controllerserver_helper.go).
	linodeSwitch = &encryptionSwitch{params: []string{"linodebs.csi.linode.com/encrypted", "linodebs.csi.linode.com/luks-encrypted"}, exactTrue: true}
	// UpCloud CSI: encrypted at rest only for encryption: data-at-rest
	// (internal/controller/controller.go createVolumeRequestEncryptionAtRest).
	upcloudSwitch = &encryptionSwitch{params: []string{"encryption"}, onValue: "data-at-rest"}
	// Hetzner Cloud CSI: LUKS when the node-publish Secret carries
	// encryption-passphrase (internal/driver/node.go); no class parameter.
	hetznerSwitch = &encryptionSwitch{secretParam: "csi.storage.k8s.io/node-publish-secret-name", passphraseKey: "encryption-passphrase"}
	// vSphere CSI: the SPBM policy named by storagepolicyname (keys read
	// lower-cased), or the datastore's default policy when none is named.
	vsphereSwitch = &encryptionSwitch{policyParam: "storagepolicyname"}
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
	case "driver.longhorn.io":
		return encryptedSwitch
	case "kubernetes.io/rbd":
		return rbdInTreeSwitch
	case "pxd.portworx.com", "kubernetes.io/portworx-volume":
		return secureSwitch
	case "csi.scaleway.com":
		return scalewaySwitch
	case "csi.cloudscale.ch":
		return cloudscaleSwitch
	case "linodebs.csi.linode.com":
		return linodeSwitch
	case "csi.hetzner.cloud":
		return hetznerSwitch
	case "storage.csi.upcloud.com":
		return upcloudSwitch
	case "csi.vsphere.vmware.com", "kubernetes.io/vsphere-volume":
		return vsphereSwitch
	}
	for _, d := range []string{"rbd.csi.ceph.com", "cephfs.csi.ceph.com"} {
		if provisioner == d || strings.HasSuffix(provisioner, "."+d) {
			return encryptedSwitch
		}
	}
	return nil
}

// alwaysEncrypted reports whether a provisioner pvlint knows encrypts every
// volume at rest whatever the class says (PVL102 checks whose key), or
// encrypts at another level that is checked elsewhere (EFS: the file
// system, PVL405).
func alwaysEncrypted(prov string) bool {
	switch prov {
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd", "filestore.csi.storage.gke.io",
		"disk.csi.azure.com", "kubernetes.io/azure-disk", "file.csi.azure.com", "kubernetes.io/azure-file",
		"efs.csi.aws.com", "fsx.csi.aws.com", "fsx.openzfs.csi.aws.com":
		return true
	}
	return false
}

// on reports whether a set parameter value turns encryption on. A YAML
// boolean true counts: it is what the author meant, whatever the decoder
// later makes of it.
func (s *encryptionSwitch) on(v *graph.Node) bool {
	if s.onValue != "" {
		return v.Value() == s.onValue
	}
	if v.Tag == graph.TagBool {
		return strings.EqualFold(v.Value(), "true")
	}
	if s.exactTrue {
		return v.Value() == "true"
	}
	b, err := strconv.ParseBool(v.Value())
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
	// Reason, when set, explains an off or undecided verdict that is not
	// about a switch's value (a passphrase Secret, a storage policy).
	Reason string
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
		if prov == "" || alwaysEncrypted(prov) {
			return classEncryption{State: encNotApplicable, Provisioner: prov}
		}
		// A driver pvlint does not know: whether it encrypts is not
		// passed silently.
		return classEncryption{State: encUndecided, Provisioner: prov, At: sc.At("provisioner"),
			Reason: "pvlint does not know whether provisioner " + strconv.Quote(prov) + " encrypts volumes at rest (its backend or the node's disks decide)"}
	}
	out := classEncryption{Provisioner: prov, At: sc.At("parameters")}
	params := sc.Root.Get("parameters")
	if params.IsUnknown() {
		out.State = encUndecided
		return out
	}
	switch {
	case sw.never != "":
		out.State, out.At, out.Reason = encOff, sc.At("provisioner"), sw.never
		return out
	case sw.policyParam != "":
		return policyEncryption(sc, sw, out)
	case sw.secretParam != "":
		return passphraseSecretEncryption(sc, sw, out)
	}
	out.Param = sw.params[0]
	undecided := false
	for _, param := range sw.params {
		key, v := param, params.Get(param)
		if sw.foldKey {
			if k, n := paramFold(params, param); n != nil {
				key, v = k, n
			}
		}
		switch {
		case v == nil || v.Kind == graph.Null:
			continue
		case v.HasUnknown():
			if !undecided && out.Value == "" {
				out.Param, out.At = key, sc.At("parameters", key)
			}
			undecided = true
		case v.Kind == graph.Scalar && sw.on(v):
			out.State, out.Param, out.At, out.Value = encOn, key, sc.At("parameters", key), ""
			return out
		default:
			if !undecided && out.Value == "" {
				out.Param, out.At, out.Value = key, sc.At("parameters", key), v.String()
			}
		}
	}
	out.State = encOff
	if undecided {
		out.State = encUndecided
	}
	return out
}

// policyEncryption judges a class whose driver encrypts through a storage
// policy (vSphere): the policy lives in vCenter, and Terraform's
// vsphere_vm_storage_policy expresses tag-based placement only, so no
// scanned file says whether it encrypts. Always undecided, never passed.
func policyEncryption(sc *graph.Resource, sw *encryptionSwitch, out classEncryption) classEncryption {
	params := sc.Root.Get("parameters")
	out.State, out.Param = encUndecided, sw.policyParam
	key, v := paramFold(params, sw.policyParam)
	name, ok := v.Str()
	switch {
	case v == nil || v.Kind == graph.Null || (ok && strings.TrimSpace(name) == ""):
		out.Reason = "it names no storage policy (" + sw.policyParam + "), so volumes get the datastore's default policy, and whether that policy encrypts is configured in vCenter, outside the scanned files"
	case v.HasUnknown():
		out.At = sc.At("parameters", key)
	default:
		out.At = sc.At("parameters", key)
		out.Reason = "storage policy " + strconv.Quote(name) + " decides encryption at rest, and it is defined in vCenter, outside the scanned files"
	}
	return out
}

// passphraseSecretEncryption judges a class whose driver formats volumes
// with LUKS when the class passes a passphrase Secret (Hetzner). A named
// Secret outside the scan, or a per-claim template (${pvc.name}), is taken
// as on: the parameter exists for nothing else. A Secret in the scan that
// lacks the passphrase key, or holds it empty, leaves volumes in clear.
func passphraseSecretEncryption(sc *graph.Resource, sw *encryptionSwitch, out classEncryption) classEncryption {
	params := sc.Root.Get("parameters")
	out.Param = sw.secretParam
	v := params.Get(sw.secretParam)
	name, ok := v.Str()
	switch {
	case v == nil || v.Kind == graph.Null || (ok && strings.TrimSpace(name) == ""):
		out.State = encOff
		out.Reason = "It passes no node-publish Secret (" + sw.secretParam + ") holding a LUKS passphrase (key " + sw.passphraseKey + "), so the driver formats volumes in clear."
		return out
	case v.HasUnknown():
		out.State, out.At = encUndecided, sc.At("parameters", sw.secretParam)
		return out
	}
	out.State, out.At = encOn, sc.At("parameters", sw.secretParam)
	for _, e := range sc.OutOf(graph.UsesSecret) {
		if e.At != v || e.To == nil {
			continue
		}
		switch secretKeyState(e.To, sw.passphraseKey) {
		case keyMissing:
			out.State = encOff
			out.Reason = e.To.Title() + ", its node-publish Secret, has no key " + sw.passphraseKey + ", so the driver formats volumes in clear."
		case keyEmpty:
			out.State = encOff
			out.Reason = e.To.Title() + ", its node-publish Secret, holds an empty " + sw.passphraseKey + ", so the driver formats volumes in clear."
		case keyUnknown:
			out.State = encUndecided
		}
	}
	return out
}

type secretKey uint8

const (
	keySet secretKey = iota
	keyMissing
	keyEmpty
	keyUnknown
)

// secretKeyState says whether a Secret in the scan sets key, in data or
// stringData. A Secret whose data is not written out (an unknown value)
// is unknown.
func secretKeyState(secret *graph.Resource, key string) secretKey {
	data, str := secret.Root.Get("data"), secret.Root.Get("stringData")
	if data.HasUnknown() || str.HasUnknown() {
		return keyUnknown
	}
	for _, m := range []*graph.Node{str, data} {
		if v := m.Get(key); v != nil {
			if v.HasUnknown() {
				return keyUnknown
			}
			if v.Kind == graph.Null || v.String() == "" {
				continue
			}
			return keySet
		}
	}
	if str.Get(key) != nil || data.Get(key) != nil {
		return keyEmpty
	}
	return keyMissing
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
	if e.Reason != "" {
		return e.Reason
	}
	if sw := encryptionSwitchFor(e.Provisioner); e.Value == "" && sw != nil && len(sw.params) > 1 {
		return "None of parameters " + strings.Join(sw.params, ", ") + " is set, and the driver does not encrypt by default."
	}
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
(` + "`pxd.portworx.com`" + `) without ` + "`secure: \"true\"`" + ` (a claim annotated ` + "`px/secure: \"true\"`" + ` is encrypted whatever its class says, and
PVL103 does not report it). The in-tree RBD provisioner (` + "`kubernetes.io/rbd`" + `, removed in Kubernetes 1.31) has no
encryption at all and is reported at ` + "`provisioner`" + `. Drivers that encrypt with LUKS or a platform switch only when asked
are reported the same way: Scaleway (` + "`csi.scaleway.com`" + `) without ` + "`encrypted: \"true\"`" + `, cloudscale.ch (` + "`csi.cloudscale.ch`" + `) without
` + "`csi.cloudscale.ch/luks-encrypted: \"true\"`" + `, Linode (` + "`linodebs.csi.linode.com`" + `) without
` + "`linodebs.csi.linode.com/encrypted`" + ` or ` + "`linodebs.csi.linode.com/luks-encrypted`" + ` set to ` + "`\"true\"`" + `, UpCloud
(` + "`storage.csi.upcloud.com`" + `) without ` + "`encryption: data-at-rest`" + `, and Hetzner
(` + "`csi.hetzner.cloud`" + `), which has no switch and formats a volume with LUKS only when the class passes a node-publish
Secret (` + "`csi.storage.k8s.io/node-publish-secret-name`" + `) holding ` + "`encryption-passphrase`" + `: a class without one, or whose
Secret is in the scan without that key or with it empty, is reported; a Secret outside the scan or a per-claim name
(` + "`${pvc.name}`" + `) counts as on. vSphere (` + "`csi.vsphere.vmware.com`" + `) encrypts through the storage policy named by
` + "`storagepolicyname`" + ` (or the datastore's default policy), which is defined in vCenter; Terraform's
` + "`vsphere_vm_storage_policy`" + ` expresses tag-based placement only, so no scanned file shows the encryption rule: such classes
are undecided (listed with ` + "`--verbose`" + `, a note under ` + "`--fail-on-unknown`" + `), never passed. Every volume provisioned from such a class holds its data,
its snapshots and, for cloud disks, its copies in the provider's backups unencrypted: anyone who gets hold of the
disk, a snapshot shared by mistake, or a decommissioned drive reads it.

StorageClass parameters are strings. The EBS CSI driver reads parameter keys without regard to case but turns
encryption on only for the exact value ` + "`\"true\"`" + ` (` + "`\"True\"`" + ` leaves it off), as do cloudscale.ch and Linode (with exact
keys); Ceph, Longhorn, Portworx and Scaleway (keys in any case) read the value as a Go boolean. A YAML boolean ` + "`true`" + ` is taken as on. Drivers that always encrypt at rest (GCE PD, Azure
Disk, Azure File, Filestore, FSx) are not reported; PVL102 checks which key they use. A provisioner pvlint does not know
(NFS, SMB, local-path, OpenEBS, a vendor's driver) is undecided, never passed: its backend or the node's disks decide. The EFS CSI driver (` + "`efs.csi.aws.com`" + `)
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
			"https://docs.portworx.com/portworx-enterprise/operations/key-management/kubernetes-secrets/pvc-encryption-using-csi",
			"https://github.com/hetznercloud/csi-driver/blob/main/docs/kubernetes/guides/volumes-encrypted-with-luks.md",
			"https://github.com/scaleway/scaleway-csi/blob/master/examples/kubernetes/README.md#encrypting-volumes",
			"https://github.com/cloudscale-ch/csi-cloudscale/blob/master/README.md",
			"https://github.com/linode/linode-blockstorage-csi-driver/blob/main/docs/encrypted-drives.md",
			"https://upcloud.com/docs/guides/storage-encryption-at-rest/",
			"https://github.com/kubernetes-sigs/vsphere-csi-driver",
			"https://docs.redhat.com/en/documentation/openshift_container_platform/4.18/html/storage/persistent-storage-vsphere",
			"https://registry.terraform.io/providers/hashicorp/vsphere/latest/docs/resources/vm_storage_policy",
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
				if e.Reason != "" {
					p.Undecided(e.At, "%s (%s): %s.", sc.Title(), e.Provisioner, e.Reason)
					continue
				}
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
	// exactKey: the driver matches the parameter key exactly (FSx for
	// OpenZFS fills an API struct by field name).
	exactKey bool
	// jsonValue: the value is JSON (FSx for OpenZFS: a key ID is written
	// '"1234abcd-..."'); it is decoded before it is judged.
	jsonValue bool
	// managedAlias is the provider's own key under its alias, which is not a
	// customer-managed key whatever the parameter says.
	managedAlias string
}

// keyValue returns the key a parameter value names, decoded; ok is false
// when a JSON value does not decode (the driver rejects the class).
func (c *cmkParam) keyValue(v string) (string, bool) {
	if !c.jsonValue {
		return strings.TrimSpace(v), true
	}
	var key *string
	if err := json.Unmarshal([]byte(v), &key); err != nil {
		return "", false
	}
	if key == nil {
		return "", true
	}
	return strings.TrimSpace(*key), true
}

// isManagedAlias reports whether key names the provider's key by its alias
// (alias/aws/ebs, or an alias ARN ending in it).
func (c *cmkParam) isManagedAlias(key string) bool {
	a := c.managedAlias
	return a != "" && (key == a || (strings.HasPrefix(key, "arn:") && strings.HasSuffix(key, ":"+a)))
}

func cmkParamFor(provisioner string) *cmkParam {
	switch provisioner {
	case "ebs.csi.aws.com", "kubernetes.io/aws-ebs":
		return &cmkParam{param: "kmsKeyId", keyKind: "the AWS managed key", managedAlias: "alias/aws/ebs"}
	case "pd.csi.storage.gke.io", "kubernetes.io/gce-pd":
		return &cmkParam{param: "disk-encryption-kms-key", keyKind: "a Google-managed key"}
	case "disk.csi.azure.com", "kubernetes.io/azure-disk":
		return &cmkParam{param: "diskEncryptionSetID", keyKind: "a platform-managed key"}
	case "filestore.csi.storage.gke.io":
		return &cmkParam{param: "instance-encryption-kms-key", keyKind: "a Google-managed key"}
	case "fsx.csi.aws.com":
		return &cmkParam{param: "kmsKeyId", keyKind: "the AWS managed key aws/fsx", managedAlias: "alias/aws/fsx", applies: func(params *graph.Node) bool {
			_, dt := paramFold(params, "deploymentType")
			return strings.HasPrefix(strings.ToUpper(dt.String()), "PERSISTENT")
		}}
	case "fsx.openzfs.csi.aws.com":
		// Parameters are the CreateFileSystem API's, JSON-encoded, matched by
		// exact field name (docs/parameters.md, pkg/util/util.go). A class
		// with ResourceType "volume" makes volumes inside an existing file
		// system, which keeps that file system's key.
		return &cmkParam{param: "KmsKeyId", keyKind: "the AWS managed key aws/fsx", managedAlias: "alias/aws/fsx", exactKey: true, jsonValue: true,
			applies: func(params *graph.Node) bool {
				rt, ok := params.Get("ResourceType").Str()
				return ok && rt == "filesystem"
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
regard to case. FSx for OpenZFS CSI (` + "`fsx.openzfs.csi.aws.com`" + `) takes the CreateFileSystem API's fields as JSON-encoded
values under their exact names: a class with ` + "`ResourceType: \"filesystem\"`" + ` and no ` + "`KmsKeyId`" + ` (or ` + "`'\"\"'`" + `, or the alias
` + "`alias/aws/fsx`" + `) uses the AWS managed key; a ` + "`ResourceType: \"volume\"`" + ` class makes volumes inside an existing file system,
which keeps that file system's key, and is not reported. A Ceph RBD or CephFS class with ` + "`encrypted: \"true\"`" + ` and no ` + "`encryptionKMSID`" + ` keeps each volume's LUKS
or fscrypt passphrase in the Ceph cluster's own metadata, next to the data, and is reported too. Azure Files takes its key
from the storage account (PVL444); vSphere encrypts through a storage policy (` + "`storagepolicyname`" + `) whose content
the manifest does not show (PVL101 leaves it undecided). A ` + "`kmsKeyId`" + ` of ` + "`alias/aws/ebs`" + ` (EBS) or ` + "`alias/aws/fsx`" + ` (FSx) is the AWS
managed key and is reported too. Drivers that encrypt with LUKS (Hetzner, Scaleway, cloudscale.ch, Linode) take the
passphrase from a Secret you hold, which is already a key of your own. A class
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
			"https://github.com/kubernetes-sigs/aws-fsx-openzfs-csi-driver/blob/main/docs/parameters.md",
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
			key, v := cmk.param, params.Get(cmk.param)
			if !cmk.exactKey {
				key, v = paramFold(params, cmk.param)
			}
			switch {
			case v == nil || v.Kind == graph.Null:
				p.Report(sc.At("parameters"), "%s (%s) encrypts with %s, not a customer-managed key. Set parameters.%s.", sc.Title(), prov, cmk.keyKind, cmk.param)
			case v.HasUnknown():
				if !usesKnownKey(sc, v) {
					p.Undecided(sc.At("parameters", key), "%s: parameters.%s is a value pvlint cannot evaluate.", sc.Title(), key)
				}
			default:
				k, ok := cmk.keyValue(v.String())
				switch {
				case !ok:
					// Not valid JSON: the driver refuses to provision, nothing is stored.
				case k == "":
					p.Report(sc.At("parameters", key), "%s (%s) encrypts with %s, not a customer-managed key: parameters.%s is empty.", sc.Title(), prov, cmk.keyKind, key)
				case cmk.isManagedAlias(k):
					p.Report(sc.At("parameters", key), "%s (%s) encrypts with the AWS managed key %s, not a customer-managed key.", sc.Title(), prov, cmk.managedAlias)
				}
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
scanned files are followed: a claim of a class that is not in them, or that names no class when no default class is
in them (the cluster's default decides), is undecided.`,
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
			if claimSecuresItself(claim.Root, e.To) {
				continue
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
			if claimSecuresItself(e.Via, e.To) {
				continue
			}
			reportClaimClass(p, encs, loc, subject+how, e.To)
		}
	}
}

// claimSecuresItself reports whether a claim (or claim template) asks its
// Portworx class for an encrypted volume itself: Portworx encrypts a claim
// annotated px/secure: "true" whatever the class says (Portworx key
// management docs, "encrypt the PVC using that StorageClass").
func claimSecuresItself(claim *graph.Node, sc *graph.Resource) bool {
	if encryptionSwitchFor(classProvisioner(sc)) != secureSwitch {
		return false
	}
	v := claim.Path("metadata", "annotations", "px/secure")
	if v == nil || v.HasUnknown() {
		return false
	}
	return secureSwitch.on(v)
}

// classProvisioner is a StorageClass's provisioner, "" when not a string.
func classProvisioner(sc *graph.Resource) string {
	prov, _ := sc.Root.Get("provisioner").Str()
	return prov
}

// classNotScanned leaves the check undecided when a claim names a class
// that is not in the scanned files (it may live in the cluster, or in
// another repository): pvlint cannot tell whether it encrypts, and a scan
// must not look clean because of that. Listed with --verbose, in SARIF
// notifications, and a note under --fail-on-unknown. A claim that names no
// class while no default class is scanned is left alone: nearly every
// repository relies on the cluster's default.
func classNotScanned(p *Pass, loc graph.Loc, subject string, e *graph.Edge) {
	if e.DefaultClass {
		// No class named and no default class in the scan: the
		// cluster's default class, outside the scanned files, decides.
		at := e.From.At("spec")
		if e.Via != nil {
			at = e.From.AtFrom(e.Via, "spec")
		}
		p.Undecided(at, "%s names no StorageClass, and no default class is in the scanned files: the cluster's default class decides whether its volume is encrypted at rest.", subject)
		return
	}
	if e.Name == "" || e.At.IsUnknown() {
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
		if enc.Reason != "" {
			p.Undecided(loc, "%s %s (%s), whose encryption at rest pvlint cannot check: %s.", subject, sc.Title(), enc.Provisioner, enc.Reason).
				Related(enc.classLoc(sc), "%s", sc.Title())
			return nil
		}
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
