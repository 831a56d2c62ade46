package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// azureRules are the checks of Azure resources declared in Terraform:
// managed disks, AKS node disks and the key vaults behind disk encryption sets.
func azureRules() []*Rule {
	return []*Rule{
		azureDiskNoCMK,
		aksDiskEncryption,
		keyVaultPurgeProtection,
	}
}

const refAzureSSE = "https://learn.microsoft.com/en-us/azure/virtual-machines/disk-encryption"

// ---------------------------------------------------------------------------
// PVL441

var azureDiskNoCMK = &Rule{
	Meta: Meta{
		ID:       "PVL441",
		Name:     "azure-disk-no-cmk",
		Title:    "Managed disk is not encrypted with a customer-managed key",
		Severity: Medium,
		Category: CatAzure,
		Description: "Azure encrypts every managed disk with a platform-managed key. An `azurerm_managed_disk` " +
			"without `disk_encryption_set_id` (or `secure_vm_disk_encryption_set_id` for confidential VMs) is not " +
			"under a key you control: you cannot rotate, disable or revoke it to cut access to the disk and its " +
			"snapshots, or audit its use in Key Vault.\n\n" +
			"A disk with Azure Disk Encryption (`encryption_settings`) is encrypted in the guest with keys in your " +
			"Key Vault and is not reported, unless the block turns it off (`enabled = false`). A " +
			"`disk_encryption_set_id` that is an empty string names no set.",
		Remediation: "```hcl\nresource \"azurerm_managed_disk\" \"data\" {\n  name                   = \"data\"\n  location               = azurerm_resource_group.main.location\n  resource_group_name    = azurerm_resource_group.main.name\n  storage_account_type   = \"Premium_LRS\"\n  create_option          = \"Empty\"\n  disk_size_gb           = 128\n  disk_encryption_set_id = azurerm_disk_encryption_set.disks.id\n}\n```\n\n" +
			"Disks that AKS provisions for PersistentVolumeClaims take their set from the StorageClass parameter " +
			"`diskEncryptionSetID`.",
		Bad: []Example{{Lang: "hcl", Code: `resource "azurerm_managed_disk" "data" {
  name                 = "data"
  location             = "westeurope"
  resource_group_name  = "storage"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "azurerm_managed_disk" "data" {
  name                   = "data"
  location               = "westeurope"
  resource_group_name    = "storage"
  storage_account_type   = "Premium_LRS"
  create_option          = "Empty"
  disk_size_gb           = 128
  disk_encryption_set_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/storage/providers/Microsoft.Compute/diskEncryptionSets/disks"
}
`}},
		References: []string{refAzureSSE,
			"https://learn.microsoft.com/en-us/azure/virtual-machines/disks-enable-customer-managed-keys-portal",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/managed_disk#disk_encryption_set_id"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "azurerm_managed_disk") {
			report(p, azureDiskIssues(r))
		}
	},
}

func azureDiskIssues(r *graph.Resource) []issue {
	name := "Managed disk " + r.Title()
	// Azure Disk Encryption with keys in the customer's vault, unless the
	// block turns it off (enabled = false, azurerm 2.x).
	var adeOff *graph.Node
	if es := firstBlock(r.Root, "encryption_settings"); es != nil {
		switch es.Get("enabled").Bool() {
		case graph.False:
			adeOff = es.Get("enabled")
		case graph.Unsure:
			return []issue{{At: r.AtFrom(es, "enabled"), Undecided: true,
				Msg: fmt.Sprintf("%s may not be encrypted with a customer-managed key: whether `encryption_settings` is enabled is not known statically.", name)}}
		default:
			return nil
		}
	}
	switch t, at := anyKeyRef(r, r.Root, "disk_encryption_set_id", "secure_vm_disk_encryption_set_id"); t {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.AtNode(at), Undecided: true,
			Msg: fmt.Sprintf("%s may not be encrypted with a customer-managed key: its disk encryption set is not known statically.", name)}}
	}
	why := "set `disk_encryption_set_id`"
	if n := r.Root.Get("disk_encryption_set_id"); n != nil && n.Kind == graph.Scalar {
		why = "`disk_encryption_set_id` is empty"
	}
	at := r.At("disk_encryption_set_id")
	if adeOff != nil {
		at, why = r.AtNode(adeOff), "Azure Disk Encryption is turned off (`encryption_settings.enabled = false`) and no disk encryption set is named"
	}
	return []issue{{At: at, What: "is not encrypted with a customer-managed key",
		Msg: fmt.Sprintf("%s is not encrypted with a customer-managed key: %s.", name, why)}}
}

// ---------------------------------------------------------------------------
// PVL442

var aksDiskEncryption = &Rule{
	Meta: Meta{
		ID:       "PVL442",
		Name:     "aks-node-disk-encryption",
		Title:    "AKS node disks lack a customer-managed key or host encryption",
		Severity: Medium,
		Category: CatAzure,
		Description: "The OS disks of AKS nodes hold container images, logs, `emptyDir` volumes and the data of " +
			"pods that use host paths.\n\n" +
			"- An `azurerm_kubernetes_cluster` without `disk_encryption_set_id` encrypts them with a platform-managed " +
			"key only.\n" +
			"- Without host encryption (`host_encryption_enabled`, called `enable_host_encryption` before azurerm " +
			"4.0) on the `default_node_pool` or an `azurerm_kubernetes_cluster_node_pool`, the temporary disk and the " +
			"OS and data disk caches on the VM host are not encrypted at rest, and data flows unencrypted from the " +
			"host to the storage service.\n\n" +
			"Clusters and agent pools written with the AzAPI provider (`azapi_resource` of type " +
			"`Microsoft.ContainerService/managedClusters` or `.../agentPools`, as Azure Verified Modules write them) " +
			"are checked on the same ARM properties: `properties.diskEncryptionSetID` and each agent pool's " +
			"`enableEncryptionAtHost`. A `body` given as a `jsonencode()` string is not read.",
		Remediation: "```hcl\nresource \"azurerm_kubernetes_cluster\" \"main\" {\n  name                   = \"main\"\n  location               = azurerm_resource_group.main.location\n  resource_group_name    = azurerm_resource_group.main.name\n  dns_prefix             = \"main\"\n  disk_encryption_set_id = azurerm_disk_encryption_set.nodes.id\n\n  default_node_pool {\n    name                    = \"system\"\n    vm_size                 = \"Standard_D4s_v5\"\n    node_count              = 3\n    host_encryption_enabled = true\n  }\n\n  identity {\n    type = \"SystemAssigned\"\n  }\n}\n```\n\n" +
			"Host encryption must first be enabled on the subscription (`az feature register --namespace Microsoft.Compute --name EncryptionAtHost`).",
		Bad: []Example{{Lang: "hcl", Code: `resource "azurerm_kubernetes_cluster_node_pool" "workers" {
  name                  = "workers"
  kubernetes_cluster_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/main"
  vm_size               = "Standard_D4s_v5"
  node_count            = 3
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "azurerm_kubernetes_cluster_node_pool" "workers" {
  name                    = "workers"
  kubernetes_cluster_id   = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/main"
  vm_size                 = "Standard_D4s_v5"
  node_count              = 3
  host_encryption_enabled = true
}
`}},
		References: []string{"https://learn.microsoft.com/en-us/azure/aks/azure-disk-customer-managed-keys",
			"https://learn.microsoft.com/en-us/azure/aks/enable-host-encryption",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/kubernetes_cluster_node_pool"},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "azurerm_kubernetes_cluster", "azurerm_kubernetes_cluster_node_pool") {
			report(p, aksIssues(r))
		}
		for _, r := range tfResources(p.Graph, "azapi_resource") {
			report(p, azapiAKSIssues(r))
		}
	},
}

// azapiType is the ARM resource type of an azapi_resource without its API
// version ("Microsoft.ContainerService/managedClusters"), lower-cased as ARM
// compares it.
func azapiType(r *graph.Resource) string {
	t, _ := r.Root.Get("type").Str()
	t, _, _ = strings.Cut(t, "@")
	return strings.ToLower(t)
}

// azapiAKSIssues checks AKS clusters and agent pools written with the AzAPI
// provider (Azure Verified Modules are): the ARM properties
// diskEncryptionSetID and enableEncryptionAtHost stand for azurerm's
// disk_encryption_set_id and host_encryption_enabled. Only a body written as
// an HCL object is read (azapi 2.x); a jsonencode() string is not.
func azapiAKSIssues(r *graph.Resource) []issue {
	typ := azapiType(r)
	if typ != "microsoft.containerservice/managedclusters" && typ != "microsoft.containerservice/managedclusters/agentpools" {
		return nil
	}
	body := r.Root.Get("body")
	if body.IsUnknown() {
		return []issue{{At: r.At("body"), Undecided: true,
			Msg: fmt.Sprintf("AKS %s %s may not encrypt its node disks: its `body` is not known statically.", azapiNoun(typ), r.Title())}}
	}
	if body != nil && body.Kind == graph.Scalar {
		return []issue{{At: r.At("body"), Undecided: true,
			Msg: fmt.Sprintf("AKS %s %s may not encrypt its node disks: its `body` is a JSON string (azapi 1.x `jsonencode`), which pvlint does not read; write it as an object.", azapiNoun(typ), r.Title())}}
	}
	if body == nil || body.Kind != graph.Map {
		return nil
	}
	props := body.Get("properties")
	if props.IsUnknown() {
		return []issue{{At: r.At("body", "properties"), Undecided: true,
			Msg: fmt.Sprintf("AKS %s %s may not encrypt its node disks: `body.properties` is not known statically.", azapiNoun(typ), r.Title())}}
	}
	if typ == "microsoft.containerservice/managedclusters/agentpools" {
		return azapiHostEncryption(r, props, []string{"body", "properties"}, "Agent pool "+r.Title())
	}
	var out []issue
	name := "AKS cluster " + r.Title()
	switch keyRef(r, props.Get("diskEncryptionSetID")) {
	case graph.Unsure:
		out = append(out, issue{At: r.At("body", "properties", "diskEncryptionSetID"), Undecided: true,
			Msg: fmt.Sprintf("%s may not encrypt node OS disks with a customer-managed key: `properties.diskEncryptionSetID` is not known statically.", name)})
	case graph.Unset:
		out = append(out, issue{At: r.At("body", "properties", "diskEncryptionSetID"),
			Msg: fmt.Sprintf("%s does not encrypt node OS disks with a customer-managed key: set `properties.diskEncryptionSetID` to a disk encryption set.", name)})
	}
	pools := props.Get("agentPoolProfiles")
	if pools.IsUnknown() {
		return append(out, issue{At: r.At("body", "properties", "agentPoolProfiles"), Undecided: true,
			Msg: fmt.Sprintf("Agent pools of %s may not use host encryption: `properties.agentPoolProfiles` is not known statically.", r.Title())})
	}
	for i, pool := range pools.List() {
		if pool.IsUnknown() {
			out = append(out, issue{At: r.AtNode(pool), Undecided: true,
				Msg: fmt.Sprintf("Agent pool %d of %s may not use host encryption: it is not known statically.", i, r.Title())})
			continue
		}
		pname := fmt.Sprintf("Agent pool %d of %s", i, r.Title())
		if s, ok := str(pool.Get("name")); ok {
			pname = fmt.Sprintf("Agent pool %q of %s", s, r.Title())
		}
		out = append(out, azapiHostEncryption(r, pool, []string{"body", "properties", "agentPoolProfiles", strconv.Itoa(i)}, pname)...)
	}
	return out
}

func azapiNoun(typ string) string {
	if strings.HasSuffix(typ, "/agentpools") {
		return "agent pool"
	}
	return "cluster"
}

// azapiHostEncryption checks enableEncryptionAtHost of an agent pool's
// properties (at path in r).
func azapiHostEncryption(r *graph.Resource, pool *graph.Node, path []string, name string) []issue {
	at := r.At(append(path[:len(path):len(path)], "enableEncryptionAtHost")...)
	switch pool.Get("enableEncryptionAtHost").Bool() {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: at, Undecided: true,
			Msg: fmt.Sprintf("%s may not use host encryption: `enableEncryptionAtHost` is not known statically.", name)}}
	}
	return []issue{{At: at,
		Msg: fmt.Sprintf("%s does not use host encryption: temporary disks and disk caches on the host are not encrypted at rest; set `enableEncryptionAtHost = true`.", name)}}
}

func aksIssues(r *graph.Resource) []issue {
	var out []issue
	if r.Kind == "azurerm_kubernetes_cluster_node_pool" {
		return hostEncryptionIssues(r, r.Root, "Node pool "+r.Title())
	}
	name := "AKS cluster " + r.Title()
	switch keyRef(r, r.Root.Get("disk_encryption_set_id")) {
	case graph.Unsure:
		out = append(out, issue{At: r.At("disk_encryption_set_id"), Undecided: true,
			Msg: fmt.Sprintf("%s may not encrypt node OS disks with a customer-managed key: `disk_encryption_set_id` is not known statically.", name)})
	case graph.Unset:
		out = append(out, issue{At: r.At("disk_encryption_set_id"),
			Msg: fmt.Sprintf("%s does not encrypt node OS disks with a customer-managed key: set `disk_encryption_set_id`.", name)})
	}
	dnp := r.Root.Get("default_node_pool")
	if unknownBlocks(dnp) {
		return append(out, issue{At: r.At("default_node_pool"), Undecided: true,
			Msg: fmt.Sprintf("Default node pool of %s may not use host encryption: `default_node_pool` is not known statically.", r.Title())})
	}
	if b := firstBlock(r.Root, "default_node_pool"); b != nil {
		out = append(out, hostEncryptionIssues(r, b, "Default node pool of "+r.Title())...)
	}
	return out
}

// hostEncryptionIssues checks the host encryption flag of a node pool block.
func hostEncryptionIssues(r *graph.Resource, b *graph.Node, name string) []issue {
	attr := "host_encryption_enabled"
	if !b.Has(attr) && b.Has("enable_host_encryption") {
		attr = "enable_host_encryption"
	}
	switch b.Get(attr).Bool() {
	case graph.True:
		return nil
	case graph.Unsure:
		return []issue{{At: r.AtFrom(b, attr), Undecided: true,
			Msg: fmt.Sprintf("%s may not use host encryption: `%s` is not known statically.", name, attr)}}
	}
	hint := fmt.Sprintf("set `%s = true`", attr)
	if !b.Has(attr) {
		// Written but null (omitted by evaluation) or absent: the name
		// depends on the provider version, so give both.
		hint = "set `host_encryption_enabled = true` (`enable_host_encryption` before azurerm 4.0)"
	}
	return []issue{{At: r.AtFrom(b, attr),
		Msg: fmt.Sprintf("%s does not use host encryption: temporary disks and disk caches on the host are not encrypted at rest; %s.", name, hint)}}
}

// ---------------------------------------------------------------------------
// PVL443

var keyVaultPurgeProtection = &Rule{
	Meta: Meta{
		ID:       "PVL443",
		Name:     "key-vault-purge-protection-off",
		Title:    "Key vault holding disk keys has purge protection off",
		Severity: Medium,
		Category: CatAzure,
		Graph:    true,
		Description: "Disks encrypted through a disk encryption set can only be read while their key exists. Without " +
			"`purge_protection_enabled = true`, a deleted key vault or key can be purged before its retention period " +
			"ends, by mistake or by an attacker, and every disk and snapshot under it becomes unreadable for good. " +
			"Azure requires purge protection for vaults used by disk encryption sets.\n\n" +
			"A vault is taken to hold disk keys when an `azurerm_key_vault_key` in it is used by an " +
			"`azurerm_disk_encryption_set`, or when its root module declares a disk encryption set.",
		Remediation: "```hcl\nresource \"azurerm_key_vault\" \"disks\" {\n  name                       = \"disks-kv\"\n  location                   = azurerm_resource_group.main.location\n  resource_group_name        = azurerm_resource_group.main.name\n  tenant_id                  = data.azurerm_client_config.current.tenant_id\n  sku_name                   = \"premium\"\n  purge_protection_enabled   = true\n  soft_delete_retention_days = 90\n}\n```\n\n" +
			"Purge protection cannot be turned off once on.",
		Bad: []Example{{Lang: "hcl", Code: `resource "azurerm_key_vault" "disks" {
  name                = "disks-kv"
  location            = "westeurope"
  resource_group_name = "storage"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "premium"
}

resource "azurerm_key_vault_key" "disks" {
  name         = "disks"
  key_vault_id = azurerm_key_vault.disks.id
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_disk_encryption_set" "disks" {
  name                = "disks"
  location            = "westeurope"
  resource_group_name = "storage"
  key_vault_key_id    = azurerm_key_vault_key.disks.id

  identity {
    type = "SystemAssigned"
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `resource "azurerm_key_vault" "disks" {
  name                     = "disks-kv"
  location                 = "westeurope"
  resource_group_name      = "storage"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "premium"
  purge_protection_enabled = true
}

resource "azurerm_key_vault_key" "disks" {
  name         = "disks"
  key_vault_id = azurerm_key_vault.disks.id
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_disk_encryption_set" "disks" {
  name                = "disks"
  location            = "westeurope"
  resource_group_name = "storage"
  key_vault_key_id    = azurerm_key_vault_key.disks.id

  identity {
    type = "SystemAssigned"
  }
}
`}},
		References: []string{"https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview",
			"https://learn.microsoft.com/en-us/azure/virtual-machines/disk-encryption#customer-managed-keys",
			"https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault#purge_protection_enabled"},
	},
	Check: func(p *Pass) {
		for _, v := range tfResources(p.Graph, "azurerm_key_vault") {
			des, key := diskEncryptionSetOf(p.Graph, v)
			if des == nil {
				continue
			}
			name := "Key vault " + v.Title()
			var f *Finding
			switch v.Root.Get("purge_protection_enabled").Bool() {
			case graph.True:
				continue
			case graph.Unsure:
				f = p.Undecided(v.At("purge_protection_enabled"), "%s, which holds disk keys, may not have purge protection: `purge_protection_enabled` is not known statically.", name)
			default:
				via := ""
				if key != nil {
					via = " through " + key.Title()
				}
				f = p.Report(v.At("purge_protection_enabled"), "%s has purge protection off but holds the keys of disk encryption set %s%s: a purged key makes its disks unreadable for good.",
					name, des.Title(), via)
			}
			if key != nil {
				f.Related(key.At("key_vault_id"), "key %s", key.Title())
			}
			f.Related(des.At("key_vault_key_id"), "disk encryption set %s", des.Title())
		}
	},
}

// diskEncryptionSetOf returns a disk encryption set that uses a key of vault
// v (and that key), or, failing that, any disk encryption set of v's root
// module (key nil).
func diskEncryptionSetOf(g *graph.Graph, v *graph.Resource) (des, key *graph.Resource) {
	for _, e := range v.In {
		k := e.From
		if k.Kind != "azurerm_key_vault_key" {
			continue
		}
		for _, ke := range k.In {
			if ke.Kind == graph.UsesKey && ke.From.Kind == "azurerm_disk_encryption_set" {
				return ke.From, k
			}
		}
	}
	if sets := sameModule(g, v, "azurerm_disk_encryption_set"); len(sets) > 0 {
		return sets[0], nil
	}
	return nil, nil
}
