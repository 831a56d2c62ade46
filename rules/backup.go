package rules

import (
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// backupRules check where copies of volume data go: Velero's backup
// locations and repository (PVL501, PVL502, PVL504) and the snapshot and
// backup stores declared in Terraform (PVL503).
func backupRules() []*Rule {
	return []*Rule{
		backupLocationNoCustomerKey,
		backupRepositoryDefaultPassword,
		snapshotStoreNoCustomerKey,
		backupLocationInsecureTransport,
	}
}

// veleroLocations returns the Velero BackupStorageLocations of the scan.
func veleroLocations(g *graph.Graph) []*graph.Resource {
	var out []*graph.Resource
	for _, r := range g.OfKind("BackupStorageLocation") {
		if r.IsKubernetes() && strings.HasPrefix(r.APIVersion, "velero.io/") {
			out = append(out, r)
		}
	}
	return out
}

// veleroProvider normalises a location's provider: "velero.io/aws" and
// "aws" are the same plugin.
func veleroProvider(bsl *graph.Resource) (string, *graph.Node) {
	n := bsl.Root.Path("spec", "provider")
	p, _ := n.Str()
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(p)), "velero.io/"), n
}

// s3Compatible reports whether an AWS-plugin location talks to another S3
// implementation (MinIO, Ceph RGW...) through s3Url: KMS keys are AWS S3's.
func s3Compatible(config *graph.Node) bool {
	u, ok := config.Get("s3Url").Str()
	return ok && u != "" && !strings.Contains(strings.ToLower(u), ".amazonaws.com")
}

// ---------------------------------------------------------------------------
// PVL501

// bucketEncryption is what the scanned Terraform says about a bucket's
// default encryption: the bucket resource (nil when not declared), whether
// it uses a customer-managed key, and where.
type bucketEncryption struct {
	Bucket *graph.Resource
	CMK    graph.Truth
	At     graph.Loc
}

// tfBucketNamed finds the Terraform resource of typ whose nameAttr is name.
func tfBucketNamed(g *graph.Graph, typ, nameAttr, name string) *graph.Resource {
	for _, r := range tfResources(g, typ) {
		if s, ok := r.Root.Get(nameAttr).Str(); ok && s == name {
			return r
		}
	}
	return nil
}

// referrers returns the Terraform resources of typ that refer to r.
func referrers(g *graph.Graph, r *graph.Resource, typ string) []*graph.Resource {
	var out []*graph.Resource
	for _, e := range r.In {
		if e.From != nil && e.From.Kind == typ {
			out = append(out, e.From)
		}
	}
	return out
}

// s3BucketCMK judges an aws_s3_bucket's default encryption: a separate
// aws_s3_bucket_server_side_encryption_configuration (or the legacy inline
// block) with sse_algorithm aws:kms(:dsse) and a kms_master_key_id.
func s3BucketCMK(g *graph.Graph, b *graph.Resource) bucketEncryption {
	out := bucketEncryption{Bucket: b, CMK: graph.Unset, At: b.At("bucket")}
	var rules []*graph.Node
	var owner *graph.Resource
	for _, c := range referrers(g, b, "aws_s3_bucket_server_side_encryption_configuration") {
		owner = c
		rules = append(rules, blocks(c.Root.Get("rule"))...)
		out.At = c.At("rule")
	}
	if owner == nil {
		if inline := firstBlock(b.Root, "server_side_encryption_configuration"); inline != nil {
			owner = b
			rules = blocks(inline.Get("rule"))
			out.At = b.AtNode(inline)
		}
	}
	for _, r := range rules {
		d := firstBlock(r, "apply_server_side_encryption_by_default")
		alg, _ := d.Get("sse_algorithm").Str()
		if d.Get("sse_algorithm").HasUnknown() {
			out.CMK = graph.Unsure
			continue
		}
		if strings.HasPrefix(alg, "aws:kms") {
			switch keyRef(owner, d.Get("kms_master_key_id")) {
			case graph.True:
				out.CMK = graph.True
				return out
			case graph.Unsure:
				out.CMK = graph.Unsure
			}
		}
	}
	if out.CMK == graph.Unset {
		out.CMK = graph.False
	}
	return out
}

// gcsBucketCMK judges a google_storage_bucket: encryption.default_kms_key_name.
func gcsBucketCMK(b *graph.Resource) bucketEncryption {
	enc := firstBlock(b.Root, "encryption")
	out := bucketEncryption{Bucket: b, At: b.At("encryption")}
	out.CMK = keyRef(b, enc.Get("default_kms_key_name"))
	if out.CMK == graph.Unset {
		out.CMK = graph.False
	}
	return out
}

// azureAccountCMK judges an azurerm_storage_account: a customer_managed_key
// block or an azurerm_storage_account_customer_managed_key naming it.
func azureAccountCMK(g *graph.Graph, a *graph.Resource) bucketEncryption {
	out := bucketEncryption{Bucket: a, CMK: graph.False, At: a.At("customer_managed_key")}
	if firstBlock(a.Root, "customer_managed_key") != nil {
		out.CMK = graph.True
		return out
	}
	if len(referrers(g, a, "azurerm_storage_account_customer_managed_key")) > 0 {
		out.CMK = graph.True
	}
	return out
}

var backupLocationNoCustomerKey = &Rule{
	Meta: Meta{
		ID:       "PVL501",
		Name:     "backup-location-no-customer-key",
		Title:    "Backup location stores backups without a customer-managed key",
		Severity: Medium,
		Category: CatBackup,
		Graph:    true,
		Description: `Velero writes every backed-up object (Secrets included) and, with file-system backup or the data mover, the
contents of the volumes to an object store. The store encrypts at rest with the provider's key unless a key you
manage is named: you then cannot restrict who may decrypt the backups separately from who may read the bucket,
audit or disable that key, or destroy it to make old backups unreadable.

A Velero ` + "`BackupStorageLocation`" + ` is reported when:

- AWS (` + "`velero.io/aws`" + `): ` + "`spec.config`" + ` sets neither ` + "`kmsKeyId`" + ` (SSE-KMS) nor ` + "`customerKeyEncryptionFile`" + ` /
  ` + "`customerKeyEncryptionSecret`" + ` (SSE-C); ` + "`serverSideEncryption: AES256`" + ` is the S3-managed key. Locations that
  point ` + "`s3Url`" + ` at another S3 implementation (MinIO, Ceph RGW) are skipped: the keys are AWS S3's.
- GCP (` + "`velero.io/gcp`" + `): no ` + "`kmsKeyName`" + `.
- Azure (` + "`velero.io/azure`" + `): the plugin has no key setting; the storage account's encryption decides.

When the bucket (` + "`aws_s3_bucket`" + `, ` + "`google_storage_bucket`" + `) or storage account (` + "`azurerm_storage_account`" + `) is
declared in the scanned Terraform, its default encryption is judged instead: a bucket whose default encryption uses a
customer-managed KMS key (` + "`aws_s3_bucket_server_side_encryption_configuration`" + ` with ` + "`aws:kms`" + ` and
` + "`kms_master_key_id`" + `, ` + "`encryption.default_kms_key_name`" + `, a ` + "`customer_managed_key`" + `) is fine, and the finding
names the bucket as a related location otherwise. An Azure location whose account is not in the scan is undecided.`,
		Remediation: `Name a key in the location (AWS and GCP):

` + "```yaml" + `
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: cluster-backups
  config:
    region: eu-west-1
    kmsKeyId: alias/velero-backups
` + "```" + `

In the Velero chart this is ` + "`configuration.backupStorageLocation[].config.kmsKeyId`" + `. Or give the bucket default
encryption with a customer-managed key in Terraform (` + "`aws_s3_bucket_server_side_encryption_configuration`" + `,
` + "`google_storage_bucket`" + ` ` + "`encryption { default_kms_key_name }`" + `, an ` + "`azurerm_storage_account`" + `
` + "`customer_managed_key`" + `), and let Velero's role use the key.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: cluster-backups
  config:
    region: eu-west-1
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: cluster-backups
  config:
    region: eu-west-1
    kmsKeyId: alias/velero-backups
`}},
		References: []string{
			"https://github.com/vmware-tanzu/velero-plugin-for-aws/blob/main/backupstoragelocation.md",
			"https://github.com/vmware-tanzu/velero-plugin-for-gcp/blob/main/backupstoragelocation.md",
			"https://github.com/vmware-tanzu/velero-plugin-for-microsoft-azure/blob/main/backupstoragelocation.md",
			"https://velero.io/docs/main/api-types/backupstoragelocation/",
			"https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
		},
	},
	Check: func(p *Pass) {
		for _, bsl := range veleroLocations(p.Graph) {
			prov, provNode := veleroProvider(bsl)
			if provNode.HasUnknown() {
				continue
			}
			config := bsl.Root.Path("spec", "config")
			bucket, _ := bsl.Root.Path("spec", "objectStorage", "bucket").Str()
			var be bucketEncryption
			var what string
			switch prov {
			case "aws":
				if s3Compatible(config) || config.IsUnknown() {
					continue
				}
				if _, v := paramFold(config, "kmsKeyId"); v != nil && (v.HasUnknown() || v.String() != "") {
					continue
				}
				if set(config, "customerKeyEncryptionFile") || set(config, "customerKeyEncryptionSecret") {
					continue
				}
				if b := tfBucketNamed(p.Graph, "aws_s3_bucket", "bucket", bucket); b != nil {
					be = s3BucketCMK(p.Graph, b)
				}
				what = "sets neither kmsKeyId nor an SSE-C customer key, so S3 encrypts backups with an AWS-managed key"
			case "gcp":
				if config.IsUnknown() {
					continue
				}
				if _, v := paramFold(config, "kmsKeyName"); v != nil && (v.HasUnknown() || v.String() != "") {
					continue
				}
				if b := tfBucketNamed(p.Graph, "google_storage_bucket", "name", bucket); b != nil {
					be = gcsBucketCMK(b)
				}
				what = "sets no kmsKeyName, so Cloud Storage encrypts backups with a Google-managed key"
			case "azure":
				acct, _ := config.Get("storageAccount").Str()
				a := tfBucketNamed(p.Graph, "azurerm_storage_account", "name", acct)
				if a == nil {
					p.Undecided(bsl.At("spec", "config", "storageAccount"), "%s stores backups in Azure storage account %q, whose key is set on the account, not in the scan.", bsl.Title(), acct)
					continue
				}
				be = azureAccountCMK(p.Graph, a)
				what = "stores backups in a storage account"
			default:
				continue
			}
			loc := bsl.At("spec", "config")
			switch {
			case be.Bucket == nil:
				p.Report(loc, "%s %s.", bsl.Title(), what)
			case be.CMK == graph.True:
				// the bucket's default encryption uses a customer-managed key
			case be.CMK == graph.Unsure:
				p.Undecided(loc, "%s: the default encryption of %s depends on a value pvlint cannot evaluate.", bsl.Title(), be.Bucket.Title()).
					Related(be.At, "%s", be.Bucket.Title())
			default:
				p.Report(loc, "%s writes backups to %s, whose default encryption uses no customer-managed key, and the location names none either.", bsl.Title(), be.Bucket.Title()).
					Related(be.At, "%s has no customer-managed key", be.Bucket.Title())
			}
		}
	},
}

// set reports whether a map has a non-empty (or unknown) value under key.
func set(m *graph.Node, key string) bool {
	_, v := paramFold(m, key)
	return v != nil && (v.HasUnknown() || strings.TrimSpace(v.String()) != "")
}

// ---------------------------------------------------------------------------
// PVL502

// veleroStaticPassword is the repository password Velero writes into
// velero-repo-credentials when the Secret does not exist
// (pkg/repository/keys/keys.go).
const veleroStaticPassword = "static-passw0rd"

// veleroRepositoryFlags are the Velero server flags that send volume data
// into the backup repository for every backup that does not say otherwise
// (velero server --help, pkg/cmd/server/config/config.go). The uploader
// (--uploader-type kopia or restic) is not among them: both encrypt the
// repository with the same password.
var veleroRepositoryFlags = []struct{ flag, why string }{
	{"default-volumes-to-fs-backup", "makes every backup copy pod volumes to the file-system repository (--default-volumes-to-fs-backup)"},
	{"default-snapshot-move-data", "makes every backup move CSI snapshot data into the backup repository (--default-snapshot-move-data)"},
}

// veleroBoolFlag finds a boolean flag turned on in the command line of a
// workload's Velero container. The flags parse as Go's pflag does: --flag
// or --flag=value (strconv.ParseBool), the last one wins; "--flag false"
// is not a value for a boolean flag.
func veleroBoolFlag(w *graph.Resource, flag string) (graph.Loc, bool) {
	var at graph.Loc
	on := false
	for _, t := range w.PodTemplates() {
		for _, c := range graph.Containers(t.Spec) {
			if !c.IsVelero() {
				continue
			}
			for _, field := range []string{"command", "args"} {
				for _, item := range c.Node.Get(field).List() {
					arg, ok := item.Str()
					if !ok || item.HasUnknown() || !strings.HasPrefix(arg, "-") {
						continue
					}
					name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
					if name != flag {
						continue
					}
					b := true
					if hasValue {
						var err error
						if b, err = strconv.ParseBool(value); err != nil {
							continue // velero refuses to start
						}
					}
					on, at = b, w.AtNode(item)
				}
			}
		}
	}
	return at, on
}

var backupRepositoryDefaultPassword = &Rule{
	Meta: Meta{
		ID:       "PVL502",
		Name:     "backup-repository-default-password",
		Title:    "File-system backups are encrypted with Velero's built-in repository password",
		Severity: High,
		Category: CatBackup,
		Graph:    true,
		Description: `Velero's file-system backup (the node agent with Kopia or Restic) and its CSI data mover copy the contents of
volumes into a backup repository in the object store, encrypted with the password in the Secret
` + "`velero-repo-credentials`" + ` (key ` + "`repository-password`" + `) of Velero's namespace. When that Secret does not exist, Velero
creates it with a password that is a constant in its source code (` + "`static-passw0rd`" + `): anyone who can read the
bucket can then decrypt every volume backed up, whatever the bucket's own encryption.

pvlint reports a namespace that runs Velero's node agent (a DaemonSet with the ` + "`velero/velero`" + ` image; the chart's
` + "`deployNodeAgent: true`" + `), whose Velero server runs with ` + "`--default-volumes-to-fs-backup`" + ` or
` + "`--default-snapshot-move-data`" + ` (the chart's ` + "`configuration.defaultVolumesToFsBackup`" + ` and
` + "`configuration.defaultSnapshotMoveData`" + `; CSI snapshot data movement writes into the same repository), or whose
` + "`Backup`" + `s or ` + "`Schedule`" + `s set ` + "`defaultVolumesToFsBackup: true`" + ` or ` + "`snapshotMoveData: true`" + `, when the scan does
not create ` + "`velero-repo-credentials`" + ` there with another password. The uploader (` + "`--uploader-type`" + `, Kopia or restic) does
not change this: both encrypt the repository with that password. A Secret that sets the built-in password is
reported too.`,
		Remediation: `Create the repository Secret with a random password before Velero first runs, from a secret store rather
than the repository:

` + "```yaml" + `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: velero-repo-credentials
  namespace: velero
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: velero-repo-credentials}
  data:
    - secretKey: repository-password
      remoteRef: {key: velero/repository, property: password}
` + "```" + `

Repositories already created keep the password they were created with: after changing it, create new repositories
(new backups) and expire the old ones.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: velero
spec:
  selector:
    matchLabels: {name: node-agent}
  template:
    metadata:
      labels: {name: node-agent}
    spec:
      serviceAccountName: velero
      containers:
        - name: node-agent
          image: velero/velero:v1.16.0
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: velero
spec:
  selector:
    matchLabels: {name: node-agent}
  template:
    metadata:
      labels: {name: node-agent}
    spec:
      serviceAccountName: velero
      containers:
        - name: node-agent
          image: velero/velero:v1.16.0
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: velero-repo-credentials
  namespace: velero
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: velero-repo-credentials}
  data:
    - secretKey: repository-password
      remoteRef: {key: velero/repository, property: password}
`}},
		References: []string{
			"https://velero.io/docs/main/file-system-backup/",
			"https://velero.io/docs/main/csi-snapshot-data-movement/",
			"https://github.com/vmware-tanzu/velero/blob/main/pkg/repository/keys/keys.go",
			"https://github.com/vmware-tanzu/velero/blob/main/pkg/cmd/server/config/config.go",
		},
	},
	Check: func(p *Pass) {
		type user struct {
			res *graph.Resource
			at  graph.Loc
			why string
		}
		byNS := map[string][]user{}
		var order []string
		add := func(ns string, u user) {
			if byNS[ns] == nil {
				order = append(order, ns)
			}
			byNS[ns] = append(byNS[ns], u)
		}
		for _, w := range p.Graph.Workloads() {
			if !runsVelero(w) {
				continue
			}
			if w.Kind == "DaemonSet" {
				add(w.Namespace, user{res: w, at: w.At("kind"), why: "runs Velero's node agent"})
				continue
			}
			for _, fl := range veleroRepositoryFlags {
				if at, ok := veleroBoolFlag(w, fl.flag); ok {
					add(w.Namespace, user{res: w, at: at, why: fl.why})
				}
			}
		}
		for _, r := range p.Graph.OfKind("Backup", "Schedule") {
			if !r.IsKubernetes() || !strings.HasPrefix(r.APIVersion, "velero.io/") {
				continue
			}
			path := []string{"spec", "defaultVolumesToFsBackup"}
			if r.Kind == "Schedule" {
				path = []string{"spec", "template", "defaultVolumesToFsBackup"}
			}
			if r.Root.Path(path...).Bool() == graph.True {
				add(r.Namespace, user{res: r, at: r.At(path...), why: "backs up volumes to the file-system repository"})
			}
			path[len(path)-1] = "snapshotMoveData"
			if r.Root.Path(path...).Bool() == graph.True {
				add(r.Namespace, user{res: r, at: r.At(path...), why: "moves CSI snapshot data into the backup repository"})
			}
		}
		for _, ns := range order {
			// Velero's namespace is the node agent's; Backups live there too.
			sec := p.Graph.Resolve(byNS[ns][0].res, "Secret", ns, "velero-repo-credentials")
			u := byNS[ns][0]
			if sec == nil {
				if p.Graph.Resolve(u.res, "ExternalSecret", ns, "velero-repo-credentials") != nil ||
					p.Graph.Resolve(u.res, "SealedSecret", ns, "velero-repo-credentials") != nil {
					continue // created from a secret store
				}
				f := p.Report(u.at, "%s %s, but the scan creates no Secret velero-repo-credentials in namespace %q: Velero then encrypts every backup repository with its built-in password (%s).", u.res.Title(), u.why, ns, "a constant in its source code")
				for _, o := range byNS[ns][1:] {
					f.Related(o.at, "%s %s", o.res.Title(), o.why)
				}
				continue
			}
			for _, field := range []string{"data", "stringData"} {
				v := sec.Root.Path(field, "repository-password")
				if v == nil {
					continue
				}
				if secretValueKind(v, field == "data" && sec.Source != graph.SourceTerraform) == "literal" && decodedEquals(v, field == "data" && sec.Source != graph.SourceTerraform, veleroStaticPassword) {
					p.Report(sec.AtNode(v), "%s sets Velero's built-in repository password: every backup repository of namespace %q is encrypted with a value published in Velero's source.", sec.Title(), ns).
						Related(u.at, "%s %s", u.res.Title(), u.why)
				}
			}
		}
	},
}

// decodedEquals compares a Secret value (base64 when encoded) with want.
func decodedEquals(v *graph.Node, encoded bool, want string) bool {
	s := strings.TrimSpace(v.Value())
	if encoded {
		return s == "c3RhdGljLXBhc3N3MHJk" && want == veleroStaticPassword
	}
	return s == want
}

// ---------------------------------------------------------------------------
// PVL504

var backupLocationInsecureTransport = &Rule{
	Meta: Meta{
		ID:       "PVL504",
		Name:     "backup-location-insecure-transport",
		Title:    "Backup location is reached without TLS or without verifying its certificate",
		Severity: High,
		Category: CatBackup,
		Description: `Velero sends every backup, with the cluster's Secrets and the volumes' contents, to the object store named by
its ` + "`BackupStorageLocation`" + `. A location whose ` + "`s3Url`" + ` or ` + "`publicUrl`" + ` (AWS plugin, also used for MinIO and other
S3 stores) or ` + "`storageAccountURI`" + ` (Azure) starts with ` + "`http://`" + ` sends them in clear; one with
` + "`insecureSkipTLSVerify: \"true\"`" + ` accepts any certificate, so anyone on the network path can pose as the store,
collect the backups and feed back tampered ones for a restore. The plugin's own documentation warns that the
setting is open to man-in-the-middle attacks. The CLI's signed download URLs (` + "`publicUrl`" + `) carry the same data.`,
		Remediation: `Serve the store over HTTPS with a certificate the cluster trusts, and give Velero the CA instead of turning
verification off:

` + "```yaml" + `
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: minio
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: velero
    caCert: LS0tLS1CRUdJTi... # base64 PEM of the store's CA
  config:
    region: minio
    s3ForcePathStyle: "true"
    s3Url: https://minio.storage.svc:9000
` + "```",
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: minio
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: velero
  config:
    region: minio
    s3ForcePathStyle: "true"
    s3Url: http://minio.storage.svc:9000
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata:
  name: minio
  namespace: velero
spec:
  provider: velero.io/aws
  objectStorage:
    bucket: velero
    caCert: LS0tLS1CRUdJTi0tLS0t
  config:
    region: minio
    s3ForcePathStyle: "true"
    s3Url: https://minio.storage.svc:9000
`}},
		References: []string{
			"https://github.com/vmware-tanzu/velero-plugin-for-aws/blob/main/backupstoragelocation.md",
			"https://github.com/vmware-tanzu/velero-plugin-for-microsoft-azure/blob/main/backupstoragelocation.md",
			"https://velero.io/docs/main/self-signed-certificates/",
		},
	},
	Check: func(p *Pass) {
		for _, bsl := range veleroLocations(p.Graph) {
			config := bsl.Root.Path("spec", "config")
			for _, key := range []string{"s3Url", "publicUrl", "storageAccountURI"} {
				k, v := paramFold(config, key)
				if u, ok := v.Str(); ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(u)), "http://") {
					p.Report(bsl.AtNode(v), "%s sends backups over plain HTTP (%s %q): Secrets and volume data cross the network in clear.", bsl.Title(), k, u)
				}
			}
			k, v := paramFold(config, "insecureSkipTLSVerify")
			switch {
			case v.HasUnknown():
				p.Undecided(bsl.AtNode(v), "%s: whether it verifies the object store's certificate depends on a value pvlint cannot evaluate.", bsl.Title())
			case v.Bool() == graph.True:
				p.Report(bsl.AtNode(v), "%s does not verify the object store's certificate (%s: %q): anyone on the network path can pose as the store and read or replace backups.", bsl.Title(), k, v.Value())
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL503

var snapshotStoreNoCustomerKey = &Rule{
	Meta: Meta{
		ID:       "PVL503",
		Name:     "snapshot-store-no-customer-key",
		Title:    "Snapshot or backup store in Terraform lacks a customer-managed key",
		Severity: Medium,
		Category: CatBackup,
		Description: `Snapshots and backup vaults hold full copies of the volumes, usually for longer than the volumes live. When
they are encrypted with the provider's key, the copies escape the key policy, rotation and crypto-shredding that
protect the disks. pvlint reports, in Terraform:

- ` + "`aws_backup_vault`" + ` without ` + "`kms_key_arn`" + ` (the vault then uses the AWS-managed key ` + "`aws/backup`" + `);
- ` + "`aws_dlm_lifecycle_policy`" + ` cross-Region copies (` + "`policy_details.schedule.cross_region_copy_rule`" + `, and
  ` + "`action.cross_region_copy.encryption_configuration`" + ` of event-based policies) with ` + "`encrypted = false`" + ` (copies of
  unencrypted snapshots stay unencrypted: high) or without ` + "`cmk_arn`" + ` (the account's default key in the target Region);
- ` + "`google_compute_snapshot`" + ` without ` + "`snapshot_encryption_key.kms_key_self_link`" + ` (a Google-managed key; a ` + "`raw_key`" + `
  written in the configuration is a customer-supplied key anyone with the repository holds: critical);
- ` + "`azurerm_snapshot`" + ` of a managed disk declared in the scan without ` + "`disk_encryption_set_id`" + `: the snapshot keeps
  its source's platform-managed key.

` + "`google_compute_resource_policy`" + ` snapshot schedules have no key setting: their snapshots follow the source disk's
encryption, which PVL421 checks.`,
		Remediation: "Name a customer-managed key:\n\n" +
			"```hcl\nresource \"aws_backup_vault\" \"main\" {\n  name        = \"main\"\n  kms_key_arn = aws_kms_key.backup.arn\n}\n\n" +
			"resource \"google_compute_snapshot\" \"db\" {\n  name        = \"db\"\n  source_disk = google_compute_disk.db.name\n  zone        = \"europe-west1-b\"\n  snapshot_encryption_key {\n    kms_key_self_link = google_kms_crypto_key.snapshots.id\n  }\n}\n```\n\n" +
			"For DLM cross-Region copies set `encrypted = true` and `cmk_arn` to a key in the target Region.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_backup_vault" "main" {
  name = "main"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "backup" {
  description         = "AWS Backup"
  enable_key_rotation = true
}

resource "aws_backup_vault" "main" {
  name        = "main"
  kms_key_arn = aws_kms_key.backup.arn
}
`}},
		References: []string{
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/backup_vault",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dlm_lifecycle_policy",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_snapshot",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/snapshot",
			"https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
		},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "aws_backup_vault") {
			switch keyRef(r, r.Root.Get("kms_key_arn")) {
			case graph.Unset:
				p.Report(r.At("kms_key_arn"), "Backup vault %s encrypts recovery points with the AWS-managed key aws/backup: set `kms_key_arn` to a customer-managed key.", r.Title())
			case graph.Unsure:
				p.Undecided(r.At("kms_key_arn"), "Backup vault %s: `kms_key_arn` is not known statically.", r.Title())
			}
		}
		for _, r := range tfResources(p.Graph, "aws_dlm_lifecycle_policy") {
			var copies []*graph.Node
			for _, pd := range blocks(r.Root.Get("policy_details")) {
				for _, s := range blocks(pd.Get("schedule")) {
					copies = append(copies, blocks(s.Get("cross_region_copy_rule"))...)
				}
				for _, a := range blocks(pd.Get("action")) {
					for _, c := range blocks(a.Get("cross_region_copy")) {
						copies = append(copies, blocks(c.Get("encryption_configuration"))...)
					}
				}
			}
			for _, c := range copies {
				target, _ := c.Get("target").Str()
				where := ""
				if target != "" {
					where = " to " + target
				}
				switch c.Get("encrypted").Bool() {
				case graph.Unsure:
					p.Undecided(r.AtFrom(c, "encrypted"), "DLM policy %s: whether cross-Region copies%s are encrypted is not known statically.", r.Title(), where)
					continue
				case graph.Unset, graph.False:
					p.Report(r.AtFrom(c, "encrypted"), "DLM policy %s copies snapshots across Regions%s without `encrypted = true`: copies of unencrypted snapshots stay unencrypted.", r.Title(), where).Raise(High)
					continue
				}
				switch keyRef(r, c.Get("cmk_arn")) {
				case graph.Unset:
					p.Report(r.AtFrom(c, "cmk_arn"), "DLM policy %s encrypts cross-Region snapshot copies%s with the account's default key: set `cmk_arn`.", r.Title(), where)
				case graph.Unsure:
					p.Undecided(r.AtFrom(c, "cmk_arn"), "DLM policy %s: `cmk_arn` of a cross-Region copy is not known statically.", r.Title())
				}
			}
		}
		for _, r := range tfResources(p.Graph, "google_compute_snapshot") {
			k := firstBlock(r.Root, "snapshot_encryption_key")
			if k == nil {
				if unknownBlocks(r.Root.Get("snapshot_encryption_key")) {
					p.Undecided(r.At("snapshot_encryption_key"), "Snapshot %s: its encryption key is not known statically.", r.Title())
					continue
				}
				p.Report(r.At("snapshot_encryption_key"), "Snapshot %s is encrypted with a Google-managed key: set `snapshot_encryption_key { kms_key_self_link }`.", r.Title())
				continue
			}
			switch t, _ := anyKeyRef(r, k, "kms_key_self_link"); t {
			case graph.True:
				continue
			case graph.Unsure:
				p.Undecided(r.AtFrom(k, "kms_key_self_link"), "Snapshot %s: `kms_key_self_link` is not known statically.", r.Title())
				continue
			}
			if _, ok := str(k.Get("raw_key")); ok {
				p.Report(r.AtFrom(k, "raw_key"), "Snapshot %s is encrypted with a customer-supplied key written in the configuration: use a Cloud KMS key (`kms_key_self_link`).", r.Title()).Raise(Critical)
			} else if _, ok := str(k.Get("rsa_encrypted_key")); !ok {
				p.Report(r.AtFrom(k, "kms_key_self_link"), "Snapshot %s names no key in `snapshot_encryption_key`: it is encrypted with a Google-managed key.", r.Title())
			}
		}
		for _, r := range tfResources(p.Graph, "azurerm_snapshot") {
			for _, e := range r.OutOf(graph.Refers) {
				if e.To == nil || e.To.Kind != "azurerm_managed_disk" || e.At == nil || !contains(r.Root.Get("source_uri"), e.At) && e.At != r.Root.Get("source_uri") {
					continue
				}
				if keyRef(e.To, e.To.Root.Get("disk_encryption_set_id")) == graph.Unset {
					p.Report(r.At("source_uri"), "Snapshot %s copies managed disk %s, which uses a platform-managed key, and keeps that key.", r.Title(), e.To.Title()).
						Related(e.To.At("disk_encryption_set_id"), "%s has no disk_encryption_set_id", e.To.Title())
				}
			}
		}
	},
}
