package rules

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// storageAccessRules check who and what can reach volume data besides the
// pod that mounts it: the network path to a file service (PVL108), the
// secrets that unlock volumes (PVL109), claims of other namespaces
// (PVL110) and the service account tokens a CSI driver receives (PVL111).
func storageAccessRules() []*Rule {
	return []*Rule{
		transitUnencrypted,
		storageSecretCommitted,
		crossNamespaceDataSource,
		csiDriverTokensInContext,
	}
}

// ---------------------------------------------------------------------------
// PVL108

// transitSwitch is a driver's switch for encryption in transit.
type transitSwitch struct {
	driver string
	key    string // read without regard to case by both drivers
	// nfsOnly: the switch applies to NFS shares only (Azure Files; SMB
	// encryption is a storage account setting, see PVL444).
	nfsOnly bool
	// mountOption turns the switch on when present in mountOptions.
	mountOption string
}

var transitSwitches = []transitSwitch{
	// EFS: TLS through efs-utils unless encryptInTransit is "false"
	// (pkg/driver/node.go reads it with strconv.ParseBool, default true).
	{driver: "efs.csi.aws.com", key: "encryptInTransit"},
	// Azure Files NFS: encryptInTransit (v1.33+, default false); the
	// mount option of the same name turns it on too.
	{driver: "file.csi.azure.com", key: "encryptInTransit", nfsOnly: true, mountOption: "encryptintransit"},
}

func transitSwitchFor(driver string) *transitSwitch {
	for i := range transitSwitches {
		if transitSwitches[i].driver == driver {
			return &transitSwitches[i]
		}
	}
	return nil
}

// transitOff reports a switch explicitly turned off in attrs (StorageClass
// parameters or volumeAttributes): the key as written and its node.
func (s *transitSwitch) off(attrs *graph.Node, mountOptions []string) (string, *graph.Node, graph.Truth) {
	key, v := paramFold(attrs, s.key)
	if v == nil {
		return "", nil, graph.Unset
	}
	if v.HasUnknown() {
		return key, v, graph.Unsure
	}
	if s.nfsOnly {
		_, proto := paramFold(attrs, "protocol")
		if p, _ := proto.Str(); !strings.EqualFold(p, "nfs") {
			return "", nil, graph.Unset
		}
	}
	if s.mountOption != "" {
		for _, o := range mountOptions {
			if strings.EqualFold(strings.TrimSpace(o), s.mountOption) {
				return "", nil, graph.Unset
			}
		}
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v.Value()))
	if v.Kind != graph.Scalar || err != nil || b {
		return "", nil, graph.Unset // on, or an invalid value the driver refuses
	}
	return key, v, graph.True
}

var transitUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL108",
		Name:     "volume-transit-unencrypted",
		Title:    "Volume data crosses the network unencrypted",
		Severity: Medium,
		Category: CatEncryption,
		Description: `File services are reached over the network: every read and write of the volume travels between the node
and the service. Drivers that can protect that path with TLS have a switch, and turning it off sends the data (and,
for NFS, the file names and ownership) in clear through every hop of the network, where anyone who can capture
traffic in the VPC or VNet, or a compromised node on the path, reads it.

pvlint reports the switch when it is explicitly off:

- the EFS CSI driver (` + "`efs.csi.aws.com`" + `) with ` + "`encryptInTransit: \"false\"`" + ` in a PersistentVolume's or an
  inline CSI volume's ` + "`volumeAttributes`" + ` (the driver mounts with TLS by default and reads the key without regard to
  case, as a Go boolean);
- the Azure File CSI driver (` + "`file.csi.azure.com`" + `) for NFS shares (` + "`protocol: nfs`" + `) with
  ` + "`encryptInTransit: \"false\"`" + ` in StorageClass parameters or ` + "`volumeAttributes`" + `, unless the ` + "`encryptInTransit`" + `
  mount option turns it back on.

Drivers with no such switch are not reported. An unset switch is not reported either: EFS encrypts by default, and
Azure Files NFS encryption in transit is a preview that needs the AZNFS mount helper on the nodes.`,
		Remediation: `Remove the switch or set it on:

` + "```yaml" + `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: shared
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteMany]
  storageClassName: efs-sc
  csi:
    driver: efs.csi.aws.com
    volumeHandle: fs-0123456789abcdef0
    volumeAttributes:
      encryptInTransit: "true"
` + "```" + `

For Azure Files NFS set ` + "`encryptInTransit: \"true\"`" + ` in the StorageClass parameters (driver v1.33 or later). On
the service side, deny unencrypted clients: an EFS file system policy that denies ` + "`aws:SecureTransport`" + ` false.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: shared
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteMany]
  csi:
    driver: efs.csi.aws.com
    volumeHandle: fs-0123456789abcdef0
    volumeAttributes:
      encryptInTransit: "false"
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: shared
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteMany]
  csi:
    driver: efs.csi.aws.com
    volumeHandle: fs-0123456789abcdef0
    volumeAttributes:
      encryptInTransit: "true"
`}},
		References: []string{
			"https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/parameters.md",
			"https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html",
			"https://github.com/kubernetes-sigs/azurefile-csi-driver/blob/master/docs/driver-parameters.md",
			"https://learn.microsoft.com/en-us/azure/storage/files/encryption-in-transit-for-nfs-shares",
		},
	},
	Check: func(p *Pass) {
		check := func(r *graph.Resource, driverNode, attrs *graph.Node, mountOptions []string, subject string) {
			driver, _ := driverNode.Str()
			sw := transitSwitchFor(driver)
			if sw == nil {
				return
			}
			key, v, t := sw.off(attrs, mountOptions)
			switch t {
			case graph.Unsure:
				p.Undecided(r.AtNode(v), "%s: whether %s (%s) encrypts in transit depends on a value pvlint cannot evaluate.", subject, driver, key)
			case graph.True:
				p.Report(r.AtNode(v), "%s mounts %s volumes without encryption in transit: %s is %q, so file data crosses the network in clear.", subject, driver, key, v.Value())
			}
		}
		for _, sc := range p.Graph.OfKind("StorageClass") {
			if sc.IsKubernetes() {
				check(sc, sc.Root.Get("provisioner"), sc.Root.Get("parameters"), sc.Root.Get("mountOptions").Strings(), sc.Title())
			}
		}
		for _, pv := range p.Graph.OfKind("PersistentVolume") {
			if !pv.IsKubernetes() {
				continue
			}
			csi := pv.Root.Path("spec", "csi")
			check(pv, csi.Get("driver"), csi.Get("volumeAttributes"), pv.Root.Path("spec", "mountOptions").Strings(), pv.Title())
		}
		for _, w := range podWorkloads(p.Graph) {
			for _, v := range graph.Volumes(w.Spec) {
				csi := v.Node.Get("csi")
				if csi == nil {
					continue
				}
				check(w.Res, csi.Get("driver"), csi.Get("volumeAttributes"), nil, w.Res.Title()+" (inline volume \""+v.Name+"\")")
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL109

// placeholderValues are values that are obviously not secrets: chart
// defaults meant to be overridden.
var placeholderValues = map[string]bool{
	"changeme": true, "change-me": true, "change_me": true, "replaceme": true, "replace-me": true,
	"replace_me": true, "todo": true, "xxx": true, "xxxx": true, "secret": true, "password": true,
	"<secret>": true, "<password>": true, "placeholder": true, "example": true, "dummy": true, "redacted": true,
}

// nonSecretKeys are keys of storage Secrets that hold settings or names,
// not credentials (Ceph user IDs, Longhorn's cipher choices, Azure account
// names): their values are not reported.
var nonSecretKeys = map[string]bool{
	"userid": true, "adminid": true, "username": true, "user": true, "kmsid": true,
	"crypto_key_provider": true, "crypto_key_cipher": true, "crypto_key_hash": true,
	"crypto_key_size": true, "crypto_pbkdf": true, "azurestorageaccountname": true,
}

// secretValueKind classifies one Secret value: "" (empty: nothing is
// committed), "placeholder", or "literal".
func secretValueKind(v *graph.Node, base64Encoded bool) string {
	if v == nil || v.Kind == graph.Null {
		return ""
	}
	if v.Kind != graph.Scalar {
		return "unknown"
	}
	s := v.Value()
	if s == graph.PrunedSecretValue {
		return "literal"
	}
	if base64Encoded {
		if d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s)); err == nil {
			s = string(d)
		}
	}
	return valueKind(s)
}

// valueKind classifies a secret's text: "", "placeholder" or "literal".
func valueKind(s string) string {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case t == "":
		return ""
	case placeholderValues[t], strings.HasPrefix(t, "${") && strings.HasSuffix(t, "}"),
		strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">"), strings.Trim(t, "x*.-_") == "":
		return "placeholder"
	}
	return "literal"
}

var storageSecretCommitted = &Rule{
	Meta: Meta{
		ID:       "PVL109",
		Name:     "storage-secret-committed",
		Title:    "A storage secret is committed in the repository",
		Severity: Critical,
		Category: CatEncryption,
		Graph:    true,
		Description: `Some Secrets unlock volume data: the credentials a CSI driver uses to create, attach and mount volumes
(Ceph keys, storage account keys, SMB and iSCSI passwords), the passphrase of LUKS-encrypted volumes (Longhorn
` + "`CRYPTO_KEY_VALUE`" + `, Ceph and other drivers that take the key from a node-stage or node-publish secret), and
the cloud credentials Velero uses to read and write backups. When such a Secret is written in the repository with
literal ` + "`data`" + ` or ` + "`stringData`" + `, everyone who can read the repository, its forks, CI logs and every clone can
decrypt the volumes or reach the backups, and the value stays in the history after it is removed.

pvlint follows the references to Secrets declared in the scan: the StorageClass parameters
` + "`csi.storage.k8s.io/{provisioner,controller-publish,node-stage,node-publish,controller-expand,node-expand}-secret-name`" + `
with their namespace parameters (templated names such as ` + "`${pvc.name}`" + ` are resolved per claim and not followed),
the in-tree Ceph ` + "`adminSecretName`" + `/` + "`userSecretName`" + ` and Azure File ` + "`secretName`" + `, the CSI
PersistentVolume ` + "`nodePublishSecretRef`" + `, ` + "`nodeStageSecretRef`" + `, ` + "`controllerPublishSecretRef`" + `,
` + "`controllerExpandSecretRef`" + ` and ` + "`nodeExpandSecretRef`" + `, the ` + "`secretRef`" + ` of rbd, cephfs, iSCSI and flex sources, inline
CSI volumes' ` + "`nodePublishSecretRef`" + `, a Velero BackupStorageLocation's or VolumeSnapshotLocation's
` + "`spec.credential`" + `, and the Secret volumes of the Velero server and node agent (the default cloud credentials every
location without ` + "`spec.credential`" + ` uses). Keys that name rather than unlock (` + "`userID`" + `, ` + "`username`" + `, Longhorn's
` + "`CRYPTO_KEY_CIPHER`" + ` and other cipher settings) are not counted. The Secret may come from YAML, a rendered chart or a Terraform ` + "`kubernetes_secret(_v1)`" + `.

A password written in the ` + "`mountOptions`" + ` of a StorageClass or PersistentVolume (the CIFS/SMB options ` + "`password=`" + `,
` + "`pass=`" + `, ` + "`password2=`" + ` and ` + "`username=user%password`" + `, and the Ceph kernel client's ` + "`secret=`" + `) is reported too: it is in the repository, and in a cluster object that everyone who can read StorageClasses or
PersistentVolumes sees.

Messages name the Secret and its keys, never a value. Empty values commit nothing and are not reported; values
that are obviously placeholders (` + "`changeme`" + `, ` + "`<password>`" + `, ` + "`${VAR}`" + `, ` + "`xxxx`" + `) are left undecided, since a chart
usually guards them with ` + "`required`" + ` or expects an override.`,
		Remediation: `Keep the value out of the repository and let the cluster create the Secret: an External Secrets Operator
` + "`ExternalSecret`" + `, a Sealed Secret, the Secrets Store CSI driver, or a Secret created by the pipeline from a secret
store. In a chart, reference an existing Secret (` + "`existingSecret: ceph-csi-keys`" + `) instead of rendering one from
values. With Terraform, read the value from a secret manager (` + "`data \"aws_secretsmanager_secret_version\"`" + `) or a
sensitive variable without a default. Then rotate the credential: the old value is in the history.

` + "```yaml" + `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: csi-rbd-secret
  namespace: ceph-csi
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: csi-rbd-secret}
  data:
    - secretKey: userKey
      remoteRef: {key: ceph/csi, property: userKey}
` + "```",
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Secret
metadata:
  name: csi-rbd-secret
  namespace: ceph-csi
stringData:
  userID: kubernetes
  userKey: AQBnZm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA==
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ceph-rbd
provisioner: rbd.csi.ceph.com
parameters:
  clusterID: b9127830-b0cc-4e34-aa47-9d1a2e9949a8
  pool: kubernetes
  encrypted: "true"
  csi.storage.k8s.io/provisioner-secret-name: csi-rbd-secret
  csi.storage.k8s.io/provisioner-secret-namespace: ceph-csi
  csi.storage.k8s.io/node-stage-secret-name: csi-rbd-secret
  csi.storage.k8s.io/node-stage-secret-namespace: ceph-csi
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ceph-rbd
provisioner: rbd.csi.ceph.com
parameters:
  clusterID: b9127830-b0cc-4e34-aa47-9d1a2e9949a8
  pool: kubernetes
  encrypted: "true"
  csi.storage.k8s.io/provisioner-secret-name: csi-rbd-secret
  csi.storage.k8s.io/provisioner-secret-namespace: ceph-csi
  csi.storage.k8s.io/node-stage-secret-name: csi-rbd-secret
  csi.storage.k8s.io/node-stage-secret-namespace: ceph-csi
`}},
		References: []string{
			"https://kubernetes-csi.github.io/docs/secrets-and-credentials-storage-class.html",
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#csi",
			"https://longhorn.io/docs/latest/advanced-resources/security/volume-encryption/",
			"https://velero.io/docs/main/locations/",
			"https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
		},
	},
	Check: func(p *Pass) {
		for _, sec := range p.Graph.OfKind("Secret") {
			if !sec.IsKubernetes() {
				continue
			}
			uses := sec.InOf(graph.UsesSecret)
			if len(uses) == 0 {
				continue
			}
			// Terraform's kubernetes_secret takes data in plain text and
			// encodes it; YAML data is base64.
			tf := sec.Source == graph.SourceTerraform
			var literal, placeholder []string
			var first, firstPlaceholder, firstUnknown *graph.Node
			for _, field := range []string{"data", "stringData"} {
				d := sec.Root.Get(field)
				if d.IsUnknown() {
					firstUnknown = d
					continue
				}
				d.Each(func(k string, v *graph.Node) {
					if nonSecretKeys[strings.ToLower(k)] {
						return
					}
					switch secretValueKind(v, field == "data" && !tf) {
					case "literal":
						literal = append(literal, k)
						if first == nil {
							first = v
						}
					case "placeholder":
						placeholder = append(placeholder, k)
						if firstPlaceholder == nil {
							firstPlaceholder = v
						}
					case "unknown":
						if firstUnknown == nil {
							firstUnknown = v
						}
					}
				})
			}
			// "StorageClass "x" names it as its node-stage secret (...) and provisioner secret (...)"
			byRef := map[string][]string{}
			var refs []string
			for _, e := range uses {
				t := e.From.Title()
				if byRef[t] == nil {
					refs = append(refs, t)
				}
				byRef[t] = append(byRef[t], e.Name)
			}
			sort.Strings(refs)
			var roles []string
			for _, t := range refs {
				rs := byRef[t]
				sort.Strings(rs)
				roles = append(roles, t+" names it as its "+joinAnd(dedupe(rs)))
			}
			why := joinAnd(roles)
			switch {
			case len(literal) > 0:
				noun := "key"
				if len(literal) > 1 {
					noun = "keys"
				}
				f := p.Report(sec.AtNode(first), "%s holds storage credentials written in the repository (%s %s): %s.", sec.Title(), noun, quotedList(literal), why)
				// In the order they are written, each saying what it
				// names the Secret as.
				related := append([]*graph.Edge(nil), uses...)
				sort.SliceStable(related, func(i, j int) bool {
					a, b := related[i].From.AtNode(related[i].At).Resolve(), related[j].From.AtNode(related[j].At).Resolve()
					if a.File != b.File {
						return a.File < b.File
					}
					return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
				})
				for _, e := range related {
					f.Related(e.From.AtNode(e.At), "%s names it as its %s", e.From.Title(), e.Name)
				}
			case len(placeholder) > 0:
				p.Undecided(sec.AtNode(firstPlaceholder), "%s, a storage secret (%s), holds placeholder values (%s): whether real credentials are committed depends on what replaces them.", sec.Title(), why, quotedList(placeholder))
			case firstUnknown != nil:
				p.Undecided(sec.AtNode(firstUnknown), "%s, a storage secret (%s), has data pvlint cannot evaluate.", sec.Title(), why)
			}
		}
		mountPasswords(p)
	},
}

// mountSecretOptions are the mount options that carry a credential:
// mount.cifs's password, pass and password2, and the Ceph kernel client's
// secret (a cephx key).
var mountSecretOptions = map[string]bool{"password": true, "pass": true, "password2": true, "secret": true}

// mountPasswords reports a password written in the mountOptions of a
// StorageClass or PersistentVolume (CIFS/SMB password= or pass=): it is
// in the repository, and in a cluster object that every reader of
// StorageClasses or PersistentVolumes sees, not in a Secret.
func mountPasswords(p *Pass) {
	for _, kind := range []string{"StorageClass", "PersistentVolume"} {
		plural, advice := "StorageClasses", "csi.storage.k8s.io/node-stage-secret-name"
		if kind == "PersistentVolume" {
			plural, advice = "PersistentVolumes", "spec.csi.nodeStageSecretRef"
		}
		for _, r := range p.Graph.OfKind(kind) {
			if !r.IsKubernetes() {
				continue
			}
			path := []string{"mountOptions"}
			if kind == "PersistentVolume" {
				path = []string{"spec", "mountOptions"}
			}
			for i, item := range r.Root.Path(path...).List() {
				s, ok := item.Str()
				if !ok {
					continue
				}
				for _, opt := range strings.Split(s, ",") {
					k, v, found := strings.Cut(opt, "=")
					k = strings.ToLower(strings.TrimSpace(k))
					switch {
					case !found:
						continue
					case k == "username" || k == "user":
						// mount.cifs: username=user%password (or
						// user/workgroup%password).
						_, pw, ok := strings.Cut(v, "%")
						if !ok {
							continue
						}
						k, v = k+"=…%", pw
					case mountSecretOptions[k]:
						k += "="
					default:
						continue
					}
					at := r.At(append(path, strconv.Itoa(i))...)
					switch valueKind(v) {
					case "literal":
						p.Report(at, "%s writes a mount password in mountOptions (%s…): it is in the repository, and in the %s object that everyone who can read %s sees. Pass it in a Secret the driver reads (%s).", r.Title(), k, kind, plural, advice)
					case "placeholder":
						p.Undecided(at, "%s writes a placeholder mount password in mountOptions (%s…): whether a real one is committed depends on what replaces it.", r.Title(), k)
					}
				}
			}
		}
	}
}

// dedupe drops repeated strings of a sorted list.
func dedupe(s []string) []string {
	out := s[:0:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// PVL110

var crossNamespaceDataSource = &Rule{
	Meta: Meta{
		ID:       "PVL110",
		Name:     "cross-namespace-volume-data-source",
		Title:    "Claims of other namespaces can read this namespace's volume data",
		Severity: Medium,
		Category: CatVolumes,
		Graph:    true,
		Description: `A PersistentVolumeClaim can be created from a VolumeSnapshot or another claim (` + "`dataSourceRef`" + `). With the
` + "`CrossNamespaceVolumeDataSource`" + ` feature, the source may live in another namespace when a Gateway API
` + "`ReferenceGrant`" + ` in the source's namespace allows it. The grant hands a full copy of the volume (a database, its
secrets, its users' files) to whoever can create claims in the namespaces it names: namespace isolation no longer
holds for that data.

pvlint reports a ` + "`ReferenceGrant`" + ` whose ` + "`from`" + ` lets ` + "`PersistentVolumeClaim`" + `s of another namespace use
` + "`VolumeSnapshot`" + `s (` + "`snapshot.storage.k8s.io`" + `) or ` + "`PersistentVolumeClaim`" + `s of its namespace; when the ` + "`to`" + ` entry
names no object, every snapshot or claim of the namespace is open (high). It also reports a claim whose
` + "`dataSourceRef.namespace`" + ` is another namespace, with the grant that allows it as a related location when it is in the
scan.`,
		Remediation: `Grant only what must be shared, by name, to the one namespace that needs it, and remove the grant once the
restore is done:

` + "```yaml" + `
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: restore-reports
  namespace: prod
spec:
  from:
    - group: ""
      kind: PersistentVolumeClaim
      namespace: reporting
  to:
    - group: snapshot.storage.k8s.io
      kind: VolumeSnapshot
      name: nightly-anonymised
` + "```" + `

Better still, restore into the same namespace and copy only the data the other team needs.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-snapshots
  namespace: prod
spec:
  from:
    - group: ""
      kind: PersistentVolumeClaim
      namespace: dev
  to:
    - group: snapshot.storage.k8s.io
      kind: VolumeSnapshot
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-gateway
  namespace: prod
spec:
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: web
  to:
    - group: ""
      kind: Service
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/#cross-namespace-data-sources",
			"https://kubernetes.io/blog/2023/01/02/cross-namespace-data-sources-alpha/",
			"https://gateway-api.sigs.k8s.io/api-types/referencegrant/",
		},
	},
	Check: func(p *Pass) {
		type grantTo struct {
			grant *graph.Resource
			to    *graph.Node
		}
		var grants []grantTo // grants that open claims or snapshots to PVCs
		for _, g := range p.Graph.OfKind("ReferenceGrant") {
			if !g.IsKubernetes() {
				continue
			}
			var fromNS []string
			var fromNode *graph.Node
			for _, f := range g.Root.Path("spec", "from").List() {
				grp, _ := f.Get("group").Str()
				kind, _ := f.Get("kind").Str()
				ns, _ := f.Get("namespace").Str()
				if grp == "" && kind == "PersistentVolumeClaim" && ns != "" && ns != g.Namespace {
					fromNS = append(fromNS, ns)
					if fromNode == nil {
						fromNode = f
					}
				}
			}
			if len(fromNS) == 0 {
				continue
			}
			for _, t := range g.Root.Path("spec", "to").List() {
				grp, _ := t.Get("group").Str()
				kind, _ := t.Get("kind").Str()
				what := ""
				switch {
				case grp == "snapshot.storage.k8s.io" && kind == "VolumeSnapshot":
					what = "VolumeSnapshots"
				case grp == "" && kind == "PersistentVolumeClaim":
					what = "PersistentVolumeClaims"
				default:
					continue
				}
				grants = append(grants, grantTo{grant: g, to: t})
				who := "claims of namespace " + quotedList(fromNS)
				if len(fromNS) > 1 {
					who = "claims of namespaces " + quotedList(fromNS)
				}
				if name, ok := t.Get("name").Str(); ok && name != "" {
					p.Report(g.AtNode(t), "%s lets %s copy %s %q of namespace %q into new volumes.", g.Title(), who, strings.TrimSuffix(what, "s"), name, g.Namespace).
						Related(g.AtNode(fromNode), "from")
					continue
				}
				p.Report(g.AtNode(t), "%s lets %s copy every one of the %s of namespace %q into new volumes: the grant names no object.", g.Title(), who, what, g.Namespace).
					Raise(High).Related(g.AtNode(fromNode), "from")
			}
		}
		for _, c := range p.Graph.OfKind("PersistentVolumeClaim") {
			if !c.IsKubernetes() {
				continue
			}
			ref := c.Root.Path("spec", "dataSourceRef")
			nsNode := ref.Get("namespace")
			ns, ok := nsNode.Str()
			if !ok || ns == "" || ns == c.Namespace {
				continue
			}
			kind, _ := ref.Get("kind").Str()
			name, _ := ref.Get("name").Str()
			f := p.Report(c.AtNode(nsNode), "%s copies %s %q of namespace %q: volume data crosses from one namespace to another.", c.Title(), kind, name, ns)
			for _, g := range grants {
				toKind, _ := g.to.Get("kind").Str()
				toName, _ := g.to.Get("name").Str()
				if g.grant.Namespace == ns && toKind == kind && (toName == "" || toName == name) {
					f.Related(g.grant.AtNode(g.to), "%s", g.grant.Title())
				}
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL111

var csiDriverTokensInContext = &Rule{
	Meta: Meta{
		ID:       "PVL111",
		Name:     "csidriver-tokens-in-volume-context",
		Title:    "CSIDriver passes service account tokens in the volume context",
		Severity: Medium,
		Category: CatVolumes,
		Description: `A CSIDriver with ` + "`tokenRequests`" + ` asks the kubelet for a token of the service account of every pod that mounts
one of its volumes, so the driver can act as that pod (fetch its secrets, reach the cloud as its identity). By
default the kubelet passes the tokens in the CSI ` + "`volume_context`" + ` of ` + "`NodePublishVolume`" + `, a field that drivers,
sidecars and gRPC loggers treat as non-sensitive: tokens have reached driver logs that way (CVE-2023-2878 in the
Secrets Store CSI driver, CVE-2024-3744 in the Azure File CSI driver). Whoever reads those logs can impersonate the
pods.

Kubernetes 1.35 (beta, on by default; GA in 1.36) adds ` + "`serviceAccountTokenInSecrets: true`" + `, which moves the
tokens to the ` + "`secrets`" + ` field of the request, which CSI libraries redact. A CSIDriver that sets ` + "`tokenRequests`" + `
without it is reported; a driver must support the secrets field before the switch is turned on.`,
		Remediation: `Upgrade the driver to a release that reads tokens from the secrets field, then opt in:

` + "```yaml" + `
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: secrets-store.csi.k8s.io
spec:
  podInfoOnMount: true
  attachRequired: false
  volumeLifecycleModes: [Ephemeral]
  tokenRequests:
    - audience: api://AzureADTokenExchange
  requiresRepublish: true
  serviceAccountTokenInSecrets: true
` + "```" + `

Until then keep the driver's log level low and the driver patched.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: secrets-store.csi.k8s.io
spec:
  podInfoOnMount: true
  attachRequired: false
  volumeLifecycleModes: [Ephemeral]
  tokenRequests:
    - audience: api://AzureADTokenExchange
  requiresRepublish: true
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: secrets-store.csi.k8s.io
spec:
  podInfoOnMount: true
  attachRequired: false
  volumeLifecycleModes: [Ephemeral]
  tokenRequests:
    - audience: api://AzureADTokenExchange
  requiresRepublish: true
  serviceAccountTokenInSecrets: true
`}},
		References: []string{
			"https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/csi-driver-v1/",
			"https://kubernetes.io/blog/2026/01/07/kubernetes-v1-35-csi-sa-tokens-secrets-field-beta/",
			"https://www.kubernetes.dev/resources/keps/5538/",
			"https://kubernetes-csi.github.io/docs/token-requests.html",
			"https://github.com/kubernetes/kubernetes/issues/118419",
			"https://github.com/kubernetes/kubernetes/issues/124759",
		},
	},
	Check: func(p *Pass) {
		for _, d := range p.Graph.OfKind("CSIDriver") {
			if !d.IsKubernetes() {
				continue
			}
			spec := d.Root.Get("spec")
			tr := spec.Get("tokenRequests")
			if tr == nil || tr.Kind == graph.Null || (tr.Kind == graph.List && len(tr.Children()) == 0) {
				continue
			}
			in := spec.Get("serviceAccountTokenInSecrets")
			switch {
			case in.HasUnknown() || tr.IsUnknown():
				p.Undecided(d.At("spec", "serviceAccountTokenInSecrets"), "%s requests service account tokens; where it receives them depends on a value pvlint cannot evaluate.", d.Title())
			case in.Bool() != graph.True:
				var auds []string
				for _, t := range tr.List() {
					if a, ok := t.Get("audience").Str(); ok {
						if a == "" {
							a = "(the API server's)"
						}
						auds = append(auds, a)
					}
				}
				what := ""
				if len(auds) > 0 {
					what = " for audience " + quotedList(auds)
				}
				p.Report(d.At("spec", "tokenRequests"), "%s receives pods' service account tokens%s in the CSI volume context, where drivers and sidecars log them (CVE-2023-2878, CVE-2024-3744): set serviceAccountTokenInSecrets: true.", d.Title(), what)
			}
		}
	},
}
