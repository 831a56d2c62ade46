package rules

import (
	"fmt"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// gcpRules are the checks of Google Cloud resources declared in Terraform:
// persistent disks, instance and GKE node boot disks, customer-supplied keys,
// GKE application-layer secrets encryption and Cloud KMS key rotation.
func gcpRules() []*Rule {
	return []*Rule{
		gcpDiskNoCMEK,
		gcpRawKeyInCode,
		gkeSecretsUnencrypted,
		gcpKMSRotation,
	}
}

const refGCPCMEK = "https://cloud.google.com/compute/docs/disks/customer-managed-encryption"

// ---------------------------------------------------------------------------
// PVL421

var gcpDiskNoCMEK = &Rule{
	Meta: Meta{
		ID:       "PVL421",
		Name:     "gcp-disk-no-cmek",
		Title:    "Persistent disk or GKE node boot disk is not encrypted with a customer-managed key",
		Severity: Medium,
		Category: CatGCP,
		Description: "Compute Engine encrypts every disk with a Google-managed key. Without a customer-managed Cloud KMS " +
			"key (CMEK) you cannot rotate, disable or destroy the key to cut access to the data, audit its use, or " +
			"keep disks and their snapshots under your own key policy.\n\n" +
			"Checked: `google_compute_disk` and `google_compute_region_disk` (`disk_encryption_key`), the boot disk " +
			"that a `google_compute_instance` creates (`boot_disk.kms_key_self_link`), the disks of " +
			"`google_compute_instance_template` and `google_compute_region_instance_template` (each `disk`'s " +
			"`disk_encryption_key.kms_key_self_link`: every instance of a managed instance group gets them), and GKE node boot disks " +
			"(`node_config.boot_disk_kms_key` of `google_container_node_pool` and of a `google_container_cluster`'s " +
			"default or inline node pools (not the inline pool named `default-pool` when `remove_default_node_pool` is true: " +
			"the provider deletes it as soon as the cluster exists); `cluster_autoscaling.auto_provisioning_defaults.boot_disk_kms_key` for " +
			"Autopilot clusters and for the pools that node auto-provisioning creates when `cluster_autoscaling.enabled` is true). A customer-supplied key also counts as a customer key (but see PVL422). Disks attached with " +
			"`source` are judged where they are declared.",
		Remediation: "```hcl\nresource \"google_compute_disk\" \"data\" {\n  name = \"data\"\n  zone = \"europe-west1-b\"\n  size = 100\n\n  disk_encryption_key {\n    kms_key_self_link = google_kms_crypto_key.disks.id\n  }\n}\n\n" +
			"resource \"google_container_node_pool\" \"pool\" {\n  name    = \"pool\"\n  cluster = google_container_cluster.main.id\n\n  node_config {\n    boot_disk_kms_key = google_kms_crypto_key.disks.id\n  }\n}\n```\n\n" +
			"The Compute Engine service agent needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key. Disks " +
			"that GKE provisions for PersistentVolumeClaims take their key from the StorageClass parameter " +
			"`disk-encryption-kms-key`.",
		Bad: []Example{{Lang: "hcl", Code: `resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"
  size = 100
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "google_kms_key_ring" "disks" {
  name     = "disks"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "disks" {
  name            = "disks"
  key_ring        = google_kms_key_ring.disks.id
  rotation_period = "7776000s"
}

resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"
  size = 100

  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.disks.id
  }
}
`}},
		References: []string{refGCPCMEK,
			"https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_disk#disk_encryption_key",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_node_pool"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "google_compute_disk", "google_compute_region_disk", "google_compute_instance",
			"google_compute_instance_template", "google_compute_region_instance_template",
			"google_container_cluster", "google_container_node_pool") {
			report(p, gcpDiskIssues(r))
		}
	},
}

// diskKeyAttrs are the attributes of a disk_encryption_key block that set a
// customer key (managed or supplied).
// The write-only forms (raw_key_wo, rsa_encrypted_key_wo: kept out of the
// state, still written in the configuration) stand for the same key.
var diskKeyAttrs = []string{"kms_key_self_link", "kms_key_name", "raw_key", "rsa_encrypted_key", "raw_key_wo", "rsa_encrypted_key_wo"}

func gcpDiskIssues(r *graph.Resource) []issue {
	switch r.Kind {
	case "google_compute_disk", "google_compute_region_disk":
		name := "Disk " + r.Title()
		dek := r.Root.Get("disk_encryption_key")
		if unknownBlocks(dek) {
			return []issue{undecidedCMEK(r, r.At("disk_encryption_key"), name, "`disk_encryption_key`")}
		}
		if b := firstBlock(r.Root, "disk_encryption_key"); b != nil {
			switch t, at := anyKeyRef(r, b, diskKeyAttrs...); t {
			case graph.True:
				return nil
			case graph.Unsure:
				return []issue{undecidedCMEK(r, r.AtNode(at), name, "its key")}
			}
			return []issue{noCMEK(r, r.AtFrom(b, "kms_key_self_link"), name, "`disk_encryption_key` names no key")}
		}
		return []issue{noCMEK(r, r.At("disk_encryption_key"), name, "it has no `disk_encryption_key`")}
	case "google_compute_instance":
		bd := firstBlock(r.Root, "boot_disk")
		if bd == nil || bd.Has("source") {
			return nil // an existing disk: judged where it is declared
		}
		name := "Boot disk of " + r.Title()
		switch t, at := anyKeyRef(r, bd, "kms_key_self_link", "disk_encryption_key_raw", "disk_encryption_key_rsa"); t {
		case graph.True:
			return nil
		case graph.Unsure:
			return []issue{undecidedCMEK(r, r.AtNode(at), name, "its key")}
		}
		return []issue{noCMEK(r, r.AtFrom(bd, "kms_key_self_link"), name, "`boot_disk` sets no `kms_key_self_link`")}
	case "google_compute_instance_template", "google_compute_region_instance_template":
		return templateDiskIssues(r)
	case "google_container_node_pool":
		return nodeConfigIssues(r, r.Root, "Boot disks of node pool "+r.Title())
	case "google_container_cluster":
		if r.Root.Get("enable_autopilot").Bool() == graph.True {
			ap := firstBlock(firstBlock(r.Root, "cluster_autoscaling"), "auto_provisioning_defaults")
			name := "Boot disks of Autopilot cluster " + r.Title()
			switch keyRef(r, ap.Get("boot_disk_kms_key")) {
			case graph.True:
				return nil
			case graph.Unsure:
				return []issue{undecidedCMEK(r, r.AtFrom(ap, "boot_disk_kms_key"), name, "`boot_disk_kms_key`")}
			}
			loc := r.At("cluster_autoscaling")
			if ap != nil {
				loc = r.AtFrom(ap, "boot_disk_kms_key")
			}
			return []issue{noCMEK(r, loc, name, "`cluster_autoscaling.auto_provisioning_defaults` sets no `boot_disk_kms_key`")}
		}
		var out []issue
		pools := r.Root.Get("node_pool")
		if unknownBlocks(pools) {
			out = append(out, undecidedCMEK(r, r.At("node_pool"), "Boot disks of the node pools of cluster "+r.Title(), "`node_pool`"))
		}
		removeDefault := r.Root.Get("remove_default_node_pool").Bool() == graph.True
		for i, np := range blocks(pools) {
			pname := fmt.Sprintf("Boot disks of node pool %d of cluster %s", i, r.Title())
			if s, ok := str(np.Get("name")); ok {
				// remove_default_node_pool deletes the pool named
				// default-pool as soon as the cluster exists (the provider
				// names it so); an inline pool of that name is the one
				// removed, and its disks do not last.
				if removeDefault && s == "default-pool" {
					continue
				}
				pname = fmt.Sprintf("Boot disks of node pool %q of cluster %s", s, r.Title())
			}
			out = append(out, nodeConfigIssues(r, np, pname)...)
		}
		// The default node pool exists unless removed or replaced by inline pools.
		if len(blocks(pools)) == 0 && !unknownBlocks(pools) && r.Root.Get("remove_default_node_pool").Bool() != graph.True {
			out = append(out, nodeConfigIssues(r, r.Root, "Boot disks of the default node pool of cluster "+r.Title())...)
		}
		// Node auto-provisioning on a Standard cluster creates pools from
		// cluster_autoscaling.auto_provisioning_defaults: their boot disks
		// take its boot_disk_kms_key.
		if ca := firstBlock(r.Root, "cluster_autoscaling"); ca != nil && ca.Get("enabled").Bool() == graph.True {
			ap := firstBlock(ca, "auto_provisioning_defaults")
			name := "Boot disks of the node pools that auto-provisioning creates in cluster " + r.Title()
			switch keyRef(r, ap.Get("boot_disk_kms_key")) {
			case graph.True:
			case graph.Unsure:
				out = append(out, undecidedCMEK(r, r.AtFrom(ap, "boot_disk_kms_key"), name, "`boot_disk_kms_key`"))
			default:
				loc := r.AtFrom(ca, "auto_provisioning_defaults")
				if ap != nil {
					loc = r.AtFrom(ap, "boot_disk_kms_key")
				}
				out = append(out, noCMEK(r, loc, name, "`cluster_autoscaling.auto_provisioning_defaults` sets no `boot_disk_kms_key`"))
			}
		}
		return out
	}
	return nil
}

// nodeConfigIssues checks node_config.boot_disk_kms_key below base.
func nodeConfigIssues(r *graph.Resource, base *graph.Node, name string) []issue {
	nc := base.Get("node_config")
	if unknownBlocks(nc) {
		return []issue{undecidedCMEK(r, r.AtFrom(base, "node_config"), name, "`node_config`")}
	}
	b := firstBlock(base, "node_config")
	switch keyRef(r, b.Get("boot_disk_kms_key")) {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{undecidedCMEK(r, r.AtFrom(b, "boot_disk_kms_key"), name, "`boot_disk_kms_key`")}
	}
	if b == nil {
		return []issue{noCMEK(r, r.AtFrom(base, "node_config"), name, "there is no `node_config` with `boot_disk_kms_key`")}
	}
	return []issue{noCMEK(r, r.AtFrom(b, "boot_disk_kms_key"), name, "`node_config` sets no `boot_disk_kms_key`")}
}

// templateDiskIssues checks each disk an instance template creates; a disk
// attached with `source` is judged where it is declared.
func templateDiskIssues(r *graph.Resource) []issue {
	disks := r.Root.Get("disk")
	if unknownBlocks(disks) {
		return []issue{undecidedCMEK(r, r.At("disk"), "Disks of instance template "+r.Title(), "`disk`")}
	}
	var out []issue
	for i, d := range blocks(disks) {
		if d.Has("source") {
			continue
		}
		name := fmt.Sprintf("Disk %d of instance template %s", i, r.Title())
		if s, ok := str(d.Get("device_name")); ok {
			name = fmt.Sprintf("Disk %q of instance template %s", s, r.Title())
		}
		dek := d.Get("disk_encryption_key")
		if unknownBlocks(dek) {
			out = append(out, undecidedCMEK(r, r.AtFrom(d, "disk_encryption_key"), name, "`disk_encryption_key`"))
			continue
		}
		b := firstBlock(d, "disk_encryption_key")
		if b == nil {
			out = append(out, noCMEK(r, r.AtFrom(d, "disk_encryption_key"), name, "it has no `disk_encryption_key`"))
			continue
		}
		switch t, at := anyKeyRef(r, b, "kms_key_self_link"); t {
		case graph.Unsure:
			out = append(out, undecidedCMEK(r, r.AtNode(at), name, "its key"))
		case graph.Unset:
			out = append(out, noCMEK(r, r.AtFrom(b, "kms_key_self_link"), name, "`disk_encryption_key` names no key"))
		}
	}
	return out
}

func noCMEK(r *graph.Resource, at graph.Loc, name, why string) issue {
	verb := "is"
	if strings.HasPrefix(name, "Boot disks") {
		verb = "are"
	}
	return issue{At: at, What: "is not encrypted with a customer-managed key",
		Msg: fmt.Sprintf("%s %s not encrypted with a customer-managed key: %s.", name, verb, why)}
}

func undecidedCMEK(r *graph.Resource, at graph.Loc, name, what string) issue {
	verb := "is"
	if strings.HasPrefix(name, "Boot disks") {
		verb = "are"
	}
	return issue{At: at, Undecided: true,
		Msg: fmt.Sprintf("%s may not be encrypted with a customer-managed key: %s %s not known statically.", name, what, verb)}
}

// ---------------------------------------------------------------------------
// PVL422

var gcpRawKeyInCode = &Rule{
	Meta: Meta{
		ID:       "PVL422",
		Name:     "gcp-raw-key-in-code",
		Title:    "Customer-supplied disk encryption key is written in the configuration",
		Severity: Critical,
		Category: CatGCP,
		Description: "A customer-supplied encryption key (CSEK) is the key itself: whoever reads `raw_key` (or the " +
			"RSA-wrapped `rsa_encrypted_key`, or an instance's `disk_encryption_key_raw` / `disk_encryption_key_rsa`) " +
			"in the repository, its history, a fork or a CI log can decrypt the disk and every snapshot and image " +
			"made from it. Terraform also stores it in plain text in the state.\n\n" +
			"Any such argument of a `google_*` resource whose value is known statically (a literal, a variable " +
			"default, a `.tfvars` file or a local) is reported; a value that comes from outside the code (a variable " +
			"without a value, a secret manager data source) is not. pvlint never prints the value.",
		Remediation: "Prefer a Cloud KMS key (`kms_key_self_link`). If a customer-supplied key is required, pass it at " +
			"apply time from a secret store, never from the repository, and rotate the exposed key (recreate the " +
			"disk with a new key):\n\n" +
			"```hcl\nvariable \"disk_key\" {\n  type      = string\n  sensitive = true # supplied by the pipeline, no default\n}\n\n" +
			"resource \"google_compute_disk\" \"data\" {\n  name = \"data\"\n  zone = \"europe-west1-b\"\n\n  disk_encryption_key {\n    raw_key = var.disk_key\n  }\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"

  disk_encryption_key {
    raw_key = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0="
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `variable "disk_key" {
  type      = string
  sensitive = true
}

resource "google_compute_disk" "data" {
  name = "data"
  zone = "europe-west1-b"

  disk_encryption_key {
    raw_key = var.disk_key
  }
}
`}},
		References: []string{"https://cloud.google.com/compute/docs/disks/customer-supplied-encryption",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_disk#raw_key",
			"https://developer.hashicorp.com/terraform/language/state/sensitive-data"},
	},
	Check: func(p *Pass) {
		for _, r := range p.Graph.Resources {
			if r.IsKubernetes() || !strings.HasPrefix(r.Kind, "google_") {
				continue
			}
			r.Root.Walk(func(path []string, v *graph.Node) bool {
				// A write-only attribute (raw_key_wo) keeps the key out of the
				// state, not out of the repository.
				if len(path) == 0 || !csekAttrs[strings.TrimSuffix(path[len(path)-1], "_wo")] {
					return true
				}
				if _, ok := str(v); ok {
					p.Report(r.AtNode(v), "%s has a customer-supplied encryption key written in the configuration (`%s`): anyone with the repository can decrypt the disk.",
						r.Title(), strings.Join(path, "."))
				}
				return false
			})
		}
	},
}

var csekAttrs = map[string]bool{
	"raw_key": true, "rsa_encrypted_key": true, "disk_encryption_key_raw": true, "disk_encryption_key_rsa": true,
}

// ---------------------------------------------------------------------------
// PVL423

var gkeSecretsUnencrypted = &Rule{
	Meta: Meta{
		ID:       "PVL423",
		Name:     "gke-secrets-unencrypted",
		Title:    "GKE cluster does not encrypt Secrets with a Cloud KMS key",
		Severity: High,
		Category: CatGCP,
		Description: "Kubernetes Secrets (database passwords, volume encryption passphrases, CSI credentials) are " +
			"stored in etcd. A `google_container_cluster` without `database_encryption { state = \"ENCRYPTED\" }` " +
			"leaves them under Google-managed keys only: application-layer secrets encryption adds a Cloud KMS key " +
			"you can audit, rotate and revoke.",
		Remediation: "```hcl\nresource \"google_container_cluster\" \"main\" {\n  name     = \"main\"\n  location = \"europe-west1\"\n\n  database_encryption {\n    state    = \"ENCRYPTED\"\n    key_name = google_kms_crypto_key.gke.id\n  }\n}\n```\n\n" +
			"The GKE service agent needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on the key.",
		Bad: []Example{{Lang: "hcl", Code: `resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/p/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }
}
`}},
		References: []string{"https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/container_cluster#database_encryption"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "google_container_cluster") {
			name := "GKE cluster " + r.Title()
			de := r.Root.Get("database_encryption")
			if unknownBlocks(de) {
				p.Undecided(r.At("database_encryption"), "%s may not encrypt Secrets with a Cloud KMS key: `database_encryption` is not known statically.", name)
				continue
			}
			b := firstBlock(r.Root, "database_encryption")
			if b == nil {
				p.Report(r.At("database_encryption"), "%s does not encrypt Secrets with a Cloud KMS key: add `database_encryption` with `state = \"ENCRYPTED\"`.", name)
				continue
			}
			st := b.Get("state")
			if st.IsUnknown() {
				p.Undecided(r.AtFrom(b, "state"), "%s may not encrypt Secrets with a Cloud KMS key: `database_encryption.state` is not known statically.", name)
				continue
			}
			if s, _ := st.Str(); s != "ENCRYPTED" {
				p.Report(r.AtFrom(b, "state"), "%s does not encrypt Secrets with a Cloud KMS key: `database_encryption.state` is not \"ENCRYPTED\".", name)
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL424

// maxRotation is the longest rotation period accepted: 90 days.
const maxRotation = 90 * 24 * 3600

var gcpKMSRotation = &Rule{
	Meta: Meta{
		ID:       "PVL424",
		Name:     "gcp-kms-rotation",
		Title:    "Cloud KMS key is not rotated at least every 90 days",
		Severity: Medium,
		Category: CatGCP,
		Description: "A symmetric `google_kms_crypto_key` (purpose `ENCRYPT_DECRYPT`, the default) without " +
			"`rotation_period`, or with one longer than 90 days (`\"7776000s\"`), keeps encrypting new disks, " +
			"snapshots and Secrets with the same key version, so a compromised version exposes more data for longer. " +
			"Rotation creates a new primary version and keeps the old ones for decryption.\n\n" +
			"Asymmetric, MAC and raw keys, and keys whose versions live in an external key manager, cannot rotate " +
			"automatically and are not reported.",
		Remediation: "```hcl\nresource \"google_kms_crypto_key\" \"disks\" {\n  name            = \"disks\"\n  key_ring        = google_kms_key_ring.disks.id\n  rotation_period = \"7776000s\" # 90 days\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "google_kms_key_ring" "disks" {
  name     = "disks"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "disks" {
  name     = "disks"
  key_ring = google_kms_key_ring.disks.id
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "google_kms_key_ring" "disks" {
  name     = "disks"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "disks" {
  name            = "disks"
  key_ring        = google_kms_key_ring.disks.id
  rotation_period = "7776000s"
}
`}},
		References: []string{"https://cloud.google.com/kms/docs/key-rotation",
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/kms_crypto_key#rotation_period"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "google_kms_crypto_key") {
			name := "Cloud KMS key " + r.Title()
			purpose := r.Root.Get("purpose")
			if s, ok := purpose.Str(); ok && s != "" && s != "ENCRYPT_DECRYPT" {
				continue
			}
			vt := firstBlock(r.Root, "version_template")
			if s, ok := vt.Get("protection_level").Str(); ok && strings.HasPrefix(s, "EXTERNAL") {
				continue
			}
			rp := r.Root.Get("rotation_period")
			if rp.IsUnknown() || purpose.IsUnknown() {
				p.Undecided(r.At("rotation_period"), "%s may not be rotated every 90 days: its rotation period or purpose is not known statically.", name)
				continue
			}
			s, ok := str(rp)
			if !ok {
				p.Report(r.At("rotation_period"), "%s is never rotated automatically: set `rotation_period` to \"7776000s\" (90 days) or less.", name)
				continue
			}
			if secs, ok := parseDuration(s); ok && secs > maxRotation {
				p.Report(r.At("rotation_period"), "%s is rotated every %s, longer than 90 days.", name, days(secs))
			}
		}
	},
}

func days(secs float64) string {
	d := secs / 86400
	if d == float64(int64(d)) {
		return fmt.Sprintf("%d days", int64(d))
	}
	return fmt.Sprintf("%.1f days", d)
}
