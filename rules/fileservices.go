package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// fileServiceRules check the cloud file services behind ReadWriteMany
// volumes (FSx CSI, Filestore CSI, Azure Files CSI) where Terraform
// declares them.
func fileServiceRules() []*Rule {
	return []*Rule{fsxNoCustomerKey, efsTransitNotEnforced, filestoreNoCustomerKey, azureStorageAccountWeak}
}

// ---------------------------------------------------------------------------
// PVL411

// deniesInsecureTransport reports whether an IAM policy document has a Deny
// statement conditioned on aws:SecureTransport being false. ok is false when
// the text is not a policy document.
func deniesInsecureTransport(doc string) (deny, ok bool) {
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false, false
	}
	type stmt struct {
		Effect    string                                `json:"Effect"`
		Condition map[string]map[string]json.RawMessage `json:"Condition"`
	}
	var stmts []stmt
	if json.Unmarshal(p.Statement, &stmts) != nil {
		var one stmt
		if json.Unmarshal(p.Statement, &one) != nil {
			return false, false
		}
		stmts = []stmt{one}
	}
	for _, s := range stmts {
		if !strings.EqualFold(s.Effect, "Deny") {
			continue
		}
		for op, kv := range s.Condition {
			if !strings.EqualFold(op, "Bool") {
				continue
			}
			for k, v := range kv {
				if !strings.EqualFold(k, "aws:SecureTransport") {
					continue
				}
				var b bool
				var str string
				var list []string
				switch {
				case json.Unmarshal(v, &b) == nil && !b,
					json.Unmarshal(v, &str) == nil && strings.EqualFold(str, "false"):
					return true, true
				case json.Unmarshal(v, &list) == nil:
					for _, x := range list {
						if strings.EqualFold(x, "false") {
							return true, true
						}
					}
				}
			}
		}
	}
	return false, true
}

var efsTransitNotEnforced = &Rule{
	Meta: Meta{
		ID:       "PVL411",
		Name:     "efs-transit-not-enforced",
		Title:    "EFS file system accepts clients that do not use TLS",
		Severity: Medium,
		Category: CatAWS,
		Graph:    true,
		Description: "The EFS CSI driver mounts with TLS by default, but the file system itself accepts plain NFS from any " +
			"client that can reach a mount target: a PersistentVolume with `encryptInTransit: \"false\"` (PVL108), a node " +
			"mounting by hand, or another workload in the VPC. AWS enforces encryption in transit only through a file " +
			"system policy that denies access when `aws:SecureTransport` is false. An `aws_efs_file_system` declared in " +
			"Terraform is reported when no `aws_efs_file_system_policy` for it carries such a Deny statement; a policy " +
			"pvlint cannot evaluate is undecided.",
		Remediation: "Add a file system policy that denies insecure transport:\n\n```hcl\n" + `resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = aws_efs_file_system.shared.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}` + "\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
}

resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = "*"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
`}},
		References: []string{
			"https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html",
			"https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/efs_file_system_policy",
		},
	},
	Check: func(p *Pass) {
		for _, fs := range tfResources(p.Graph, "aws_efs_file_system") {
			policies := referrers(p.Graph, fs, "aws_efs_file_system_policy")
			enforced, unknown := false, false
			for _, pol := range policies {
				doc, ok := pol.Root.Get("policy").Str()
				if !ok {
					unknown = true
					continue
				}
				if deny, ok := deniesInsecureTransport(doc); ok && deny {
					enforced = true
				} else if !ok {
					unknown = true
				}
			}
			switch {
			case enforced:
			case unknown:
				p.Undecided(fs.At("creation_token"), "EFS file system %s: whether its policy denies clients without TLS is not known statically.", fs.Title())
			default:
				f := p.Report(fs.At("creation_token"), "EFS file system %s accepts NFS clients without TLS: no file system policy denies access when aws:SecureTransport is false.", fs.Title())
				for _, pol := range policies {
					f.Related(pol.At("policy"), "%s does not deny insecure transport", pol.Title())
				}
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL410

var fsxTypes = []string{"aws_fsx_lustre_file_system", "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "aws_fsx_windows_file_system"}

var fsxNoCustomerKey = &Rule{
	Meta: Meta{
		ID:       "PVL410",
		Name:     "fsx-no-customer-key",
		Title:    "FSx file system is not encrypted with a customer-managed key",
		Severity: Medium,
		Category: CatAWS,
		Description: "Amazon FSx file systems back volumes through the FSx for Lustre, ONTAP (Trident) and OpenZFS CSI drivers and " +
			"SMB shares. They are always encrypted at rest, but without `kms_key_id` with the AWS-managed key " +
			"`aws/fsx`, whose policy you cannot narrow and which you cannot disable, rotate on your schedule or destroy. " +
			"The key is chosen at creation. `aws_fsx_lustre_file_system`, `aws_fsx_ontap_file_system`, " +
			"`aws_fsx_openzfs_file_system` and `aws_fsx_windows_file_system` are checked; a Lustre file system of a " +
			"`SCRATCH_*` deployment type (the default, `SCRATCH_1`) takes no key and is not reported: use a " +
			"`PERSISTENT_*` type for data that needs a customer key.",
		Remediation: "```hcl\nresource \"aws_fsx_openzfs_file_system\" \"shared\" {\n  deployment_type     = \"SINGLE_AZ_1\"\n  storage_capacity    = 64\n  throughput_capacity = 64\n  subnet_ids          = [aws_subnet.a.id]\n  kms_key_id          = aws_kms_key.fsx.arn\n}\n```\n\n" +
			"An existing file system cannot change its key: create a new one (from a backup) with the key.",
		Bad: []Example{{Lang: "hcl", Code: `resource "aws_fsx_ontap_file_system" "trident" {
  deployment_type     = "SINGLE_AZ_1"
  storage_capacity    = 1024
  throughput_capacity = 512
  subnet_ids          = ["subnet-0123456789abcdef0"]
  preferred_subnet_id = "subnet-0123456789abcdef0"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "aws_kms_key" "fsx" {
  description         = "FSx"
  enable_key_rotation = true
}

resource "aws_fsx_ontap_file_system" "trident" {
  deployment_type     = "SINGLE_AZ_1"
  storage_capacity    = 1024
  throughput_capacity = 512
  subnet_ids          = ["subnet-0123456789abcdef0"]
  preferred_subnet_id = "subnet-0123456789abcdef0"
  kms_key_id          = aws_kms_key.fsx.arn
}
`}},
		References: []string{
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_lustre_file_system",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_ontap_file_system",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_openzfs_file_system",
			"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/fsx_windows_file_system",
			"https://docs.aws.amazon.com/fsx/latest/LustreGuide/encryption-at-rest.html",
		},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, fsxTypes...) {
			if r.Kind == "aws_fsx_lustre_file_system" {
				dt := r.Root.Get("deployment_type")
				if dt.HasUnknown() {
					p.Undecided(r.At("deployment_type"), "FSx file system %s: its deployment type is not known statically.", r.Title())
					continue
				}
				if d, _ := dt.Str(); d == "" || strings.HasPrefix(strings.ToUpper(d), "SCRATCH") {
					continue // scratch file systems take no key
				}
			}
			switch keyRef(r, r.Root.Get("kms_key_id")) {
			case graph.Unset:
				p.Report(r.At("kms_key_id"), "FSx file system %s is encrypted with the AWS-managed key aws/fsx: set `kms_key_id` to a customer-managed key (only possible when it is created).", r.Title())
			case graph.Unsure:
				p.Undecided(r.At("kms_key_id"), "FSx file system %s: `kms_key_id` is not known statically.", r.Title())
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL425

var filestoreNoCustomerKey = &Rule{
	Meta: Meta{
		ID:       "PVL425",
		Name:     "filestore-no-customer-key",
		Title:    "Filestore instance is not encrypted with a Cloud KMS key",
		Severity: Medium,
		Category: CatGCP,
		Description: "Filestore instances back ReadWriteMany volumes through the Filestore CSI driver " +
			"(`filestore.csi.storage.gke.io`). A `google_filestore_instance` without `kms_key_name` is encrypted with a " +
			"Google-managed key: you cannot restrict, audit, disable or destroy it separately from Google's. The key " +
			"is fixed when the instance is created. Dynamically provisioned Filestore instances take the key from the " +
			"StorageClass parameter `instance-encryption-kms-key` (PVL102 checks it).",
		Remediation: "```hcl\nresource \"google_filestore_instance\" \"shared\" {\n  name     = \"shared\"\n  location = \"europe-west1-b\"\n  tier     = \"BASIC_SSD\"\n  file_shares {\n    name        = \"share\"\n    capacity_gb = 2560\n  }\n  networks {\n    network = \"default\"\n    modes   = [\"MODE_IPV4\"]\n  }\n  kms_key_name = google_kms_crypto_key.filestore.id\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "google_filestore_instance" "shared" {
  name     = "shared"
  location = "europe-west1-b"
  tier     = "BASIC_SSD"
  file_shares {
    name        = "share"
    capacity_gb = 2560
  }
  networks {
    network = "default"
    modes   = ["MODE_IPV4"]
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "google_filestore_instance" "shared" {
  name     = "shared"
  location = "europe-west1-b"
  tier     = "BASIC_SSD"
  file_shares {
    name        = "share"
    capacity_gb = 2560
  }
  networks {
    network = "default"
    modes   = ["MODE_IPV4"]
  }
  kms_key_name = "projects/acme/locations/europe-west1/keyRings/filestore/cryptoKeys/shared"
}
`}},
		References: []string{
			"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/filestore_instance",
			"https://cloud.google.com/filestore/docs/cmek",
			"https://github.com/kubernetes-sigs/gcp-filestore-csi-driver/blob/master/docs/kubernetes/cmek.md",
		},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "google_filestore_instance") {
			switch keyRef(r, r.Root.Get("kms_key_name")) {
			case graph.Unset:
				p.Report(r.At("kms_key_name"), "Filestore instance %s is encrypted with a Google-managed key: set `kms_key_name` (only possible when it is created).", r.Title())
			case graph.Unsure:
				p.Undecided(r.At("kms_key_name"), "Filestore instance %s: `kms_key_name` is not known statically.", r.Title())
			}
		}
	},
}

// ---------------------------------------------------------------------------
// PVL444

// storageAccountUse says why an azurerm_storage_account holds volume data:
// a FileStorage account, a share declared on it, or a StorageClass of the
// Azure File or Disk CSI driver that names it.
func storageAccountUse(g *graph.Graph, a *graph.Resource) (string, graph.Loc, bool) {
	if k, _ := a.Root.Get("account_kind").Str(); k == "FileStorage" {
		return "a FileStorage account", a.At("account_kind"), true
	}
	for _, typ := range []string{"azurerm_storage_share", "azurerm_storage_share_directory"} {
		for _, s := range referrers(g, a, typ) {
			return "share " + s.Title() + " lives in it", s.At("storage_account_id"), true
		}
	}
	name, _ := a.Root.Get("name").Str()
	if name == "" {
		return "", graph.Loc{}, false
	}
	for _, sc := range g.OfKind("StorageClass") {
		prov, _ := sc.Root.Get("provisioner").Str()
		if prov != "file.csi.azure.com" && prov != "disk.csi.azure.com" && prov != "kubernetes.io/azure-file" {
			continue
		}
		if k, v := paramFold(sc.Root.Get("parameters"), "storageAccount"); v != nil && v.String() == name {
			return sc.Title() + " provisions volumes in it", sc.At("parameters", k), true
		}
	}
	return "", graph.Loc{}, false
}

var azureStorageAccountWeak = &Rule{
	Meta: Meta{
		ID:       "PVL444",
		Name:     "azure-storage-account-weak",
		Title:    "Storage account holding Azure Files or disks lacks a customer key, HTTPS-only or TLS 1.2",
		Severity: Medium,
		Category: CatAzure,
		Graph:    true,
		Description: "Azure Files shares (the Azure File CSI driver, SMB and NFS) and unmanaged disks live in a storage account, " +
			"whose settings protect every share in it. An `azurerm_storage_account` that holds volume data (a " +
			"`FileStorage` account, one an `azurerm_storage_share` is declared in, or one a StorageClass of " +
			"`file.csi.azure.com` or `disk.csi.azure.com` names in `storageAccount`) is reported when it:\n\n" +
			"- has no customer-managed key (no `customer_managed_key` block and no " +
			"`azurerm_storage_account_customer_managed_key` for it): Microsoft-managed keys (medium);\n" +
			"- turns HTTPS-only off (`https_traffic_only_enabled = false`, or `enable_https_traffic_only = false` before " +
			"provider 4.0): SMB without encryption and REST over HTTP are accepted (high);\n" +
			"- sets `min_tls_version` to `TLS1_0` or `TLS1_1` (high).",
		Remediation: "```hcl\nresource \"azurerm_storage_account\" \"files\" {\n  name                       = \"acmefiles\"\n  resource_group_name        = \"rg\"\n  location                   = \"westeurope\"\n  account_tier               = \"Premium\"\n  account_kind               = \"FileStorage\"\n  account_replication_type   = \"ZRS\"\n  https_traffic_only_enabled = true\n  min_tls_version            = \"TLS1_2\"\n\n  identity {\n    type         = \"UserAssigned\"\n    identity_ids = [azurerm_user_assigned_identity.files.id]\n  }\n  customer_managed_key {\n    key_vault_key_id          = azurerm_key_vault_key.files.id\n    user_assigned_identity_id = azurerm_user_assigned_identity.files.id\n  }\n}\n```",
		Bad: []Example{{Lang: "hcl", Code: `resource "azurerm_storage_account" "files" {
  name                     = "acmefiles"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_kind             = "FileStorage"
  account_replication_type = "ZRS"
  min_tls_version          = "TLS1_0"
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "azurerm_storage_account" "files" {
  name                     = "acmefiles"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Premium"
  account_kind             = "FileStorage"
  account_replication_type = "ZRS"
  min_tls_version          = "TLS1_2"

  customer_managed_key {
    key_vault_key_id          = "https://acme.vault.azure.net/keys/files/0123456789abcdef0123456789abcdef"
    user_assigned_identity_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/files"
  }
}
`}},
		References: []string{
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account_customer_managed_key",
			"https://learn.microsoft.com/en-us/azure/storage/common/customer-managed-keys-overview",
			"https://learn.microsoft.com/en-us/azure/storage/common/transport-layer-security-configure-minimum-version",
			"https://github.com/kubernetes-sigs/azurefile-csi-driver/blob/master/docs/driver-parameters.md",
		},
	},
	Check: func(p *Pass) {
		for _, a := range tfResources(p.Graph, "azurerm_storage_account") {
			why, whyAt, ok := storageAccountUse(p.Graph, a)
			if !ok {
				continue
			}
			name := "Storage account " + a.Title() + " (" + why + ")"
			related := func(f *Finding) {
				if whyAt.Res != nil && whyAt.Res != a {
					f.Related(whyAt, "%s", whyAt.Res.Title())
				}
			}
			for _, key := range []string{"https_traffic_only_enabled", "enable_https_traffic_only"} {
				n := a.Root.Get(key)
				switch n.Bool() {
				case graph.False:
					related(p.Report(a.At(key), "%s accepts unencrypted traffic: `%s = false` lets SMB clients mount without encryption and REST calls use HTTP.", name, key).Raise(High))
				case graph.Unsure:
					if n.HasUnknown() {
						p.Undecided(a.At(key), "%s: `%s` is not known statically.", name, key)
					}
				}
			}
			tls := a.Root.Get("min_tls_version")
			if v, ok := tls.Str(); ok && (v == "TLS1_0" || v == "TLS1_1") {
				related(p.Report(a.At("min_tls_version"), "%s accepts %s: set `min_tls_version = \"TLS1_2\"`.", name, strings.Replace(v, "_", ".", 1)).Raise(High))
			} else if tls.HasUnknown() {
				p.Undecided(a.At("min_tls_version"), "%s: `min_tls_version` is not known statically.", name)
			}
			if enc := azureAccountCMK(p.Graph, a); enc.CMK != graph.True {
				if unknownBlocks(a.Root.Get("customer_managed_key")) {
					p.Undecided(a.At("customer_managed_key"), "%s: its customer_managed_key block is not known statically.", name)
					continue
				}
				related(p.Report(a.At("customer_managed_key"), "%s", fmt.Sprintf("%s encrypts its shares with Microsoft-managed keys: add a `customer_managed_key` block (or an `azurerm_storage_account_customer_managed_key`).", name)))
			}
		}
	},
}
