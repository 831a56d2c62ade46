package rules

import (
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// stateRules check where Terraform and OpenTofu keep state, which holds
// every secret the configuration handles (database passwords, keys, the
// kubeconfig of a cluster) in clear unless something encrypts it.
func stateRules() []*Rule {
	return []*Rule{stateEncryptionWeak, stateBackendWeak}
}

// ---------------------------------------------------------------------------
// PVL461

var stateEncryptionWeak = &Rule{
	Meta: Meta{
		ID:       "PVL461",
		Name:     "opentofu-state-encryption-weak",
		Title:    "OpenTofu state or plan encryption can be bypassed or its key is in the configuration",
		Severity: High,
		Category: CatState,
		Description: `OpenTofu (1.7+) encrypts state and plan files on the client with the ` + "`encryption`" + ` block of ` + "`terraform {}`" + `.
The encryption protects nothing when:

- ` + "`state`" + ` or ` + "`plan`" + ` uses the ` + "`unencrypted`" + ` method, or keeps it as a ` + "`fallback`" + ` (a migration step left in place:
  OpenTofu then still reads unencrypted state, so anyone who can write the backend can substitute it);
- ` + "`enforced = true`" + ` is not set, so a configuration without the block (or with ` + "`TF_ENCRYPTION`" + ` unset) writes
  unencrypted files again;
- a ` + "`pbkdf2`" + ` key provider's ` + "`passphrase`" + ` is known to pvlint: written as a literal, as a variable default or in a
  tfvars file of the repository. Whoever reads the repository decrypts the state (critical).

A root module with no ` + "`encryption`" + ` block is not reported: the configuration may come from the ` + "`TF_ENCRYPTION`" + `
environment variable.`,
		Remediation: `Take the passphrase from the environment or a key management service, enforce encryption, and drop the
fallback once state has been migrated:

` + "```hcl" + `
variable "state_passphrase" {
  type      = string
  sensitive = true
}

terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = var.state_passphrase
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method   = method.aes_gcm.main
      enforced = true
    }
    plan {
      method   = method.aes_gcm.main
      enforced = true
    }
  }
}
` + "```" + `

Better, use the ` + "`aws_kms`" + `, ` + "`gcp_kms`" + ` or ` + "`openbao`" + ` key providers.`,
		Bad: []Example{{Lang: "hcl", Code: `terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = "correct-horse-battery-staple"
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    method "unencrypted" "migrate" {}
    state {
      method = method.aes_gcm.main
      fallback {
        method = method.unencrypted.migrate
      }
    }
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `variable "state_passphrase" {
  type      = string
  sensitive = true
}

terraform {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = var.state_passphrase
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method   = method.aes_gcm.main
      enforced = true
    }
    plan {
      method   = method.aes_gcm.main
      enforced = true
    }
  }
}
`}},
		References: []string{
			"https://opentofu.org/docs/language/state/encryption/",
			"https://opentofu.org/docs/language/state/encryption/#pbkdf2",
			"https://opentofu.org/docs/language/state/encryption/#enforcing-encryption",
		},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "terraform_encryption") {
			enc := r.Root
			unencrypted := func(n *graph.Node) bool {
				s, _ := n.Str()
				return strings.HasPrefix(s, "method.unencrypted.")
			}
			for _, target := range []string{"state", "plan"} {
				t := enc.Get(target)
				if t == nil {
					continue
				}
				m := t.Get("method")
				switch {
				case unencrypted(m):
					p.Report(r.AtNode(m), "OpenTofu %s encryption of root module %s uses the unencrypted method: %s files are written in clear.", target, r.Origin().Module, target)
					continue
				case m.HasUnknown():
					p.Undecided(r.AtNode(m), "OpenTofu %s encryption of root module %s: its method is not known statically.", target, r.Origin().Module)
				}
				if fb := t.Path("fallback", "method"); unencrypted(fb) {
					p.Report(r.AtNode(fb), "OpenTofu %s encryption of root module %s keeps the unencrypted method as a fallback: OpenTofu still reads %s files written in clear, so whoever can write the backend can substitute them.", target, r.Origin().Module, target)
				}
				switch t.Get("enforced").Bool() {
				case graph.True:
				case graph.Unsure:
					p.Undecided(r.AtFrom(t, "enforced"), "OpenTofu %s encryption of root module %s: `enforced` is not known statically.", target, r.Origin().Module)
				default:
					p.Report(r.AtFrom(t, "enforced"), "OpenTofu %s encryption of root module %s is not enforced: without `enforced = true`, a run without this configuration writes %s files unencrypted.", target, r.Origin().Module, target).Lower(Medium)
				}
			}
			enc.Path("key_provider", "pbkdf2").Each(func(name string, kp *graph.Node) {
				pp := kp.Get("passphrase")
				if s, ok := pp.Str(); ok && s != "" {
					p.Report(r.AtNode(pp), "OpenTofu key provider pbkdf2.%s of root module %s has a passphrase written in the configuration (a literal, a variable default or a tfvars value): whoever reads the repository decrypts the state.", name, r.Origin().Module).Raise(Critical)
				}
			})
		}
	},
}

// ---------------------------------------------------------------------------
// PVL462

var stateBackendWeak = &Rule{
	Meta: Meta{
		ID:       "PVL462",
		Name:     "state-backend-unencrypted",
		Title:    "State backend stores state without encryption or with credentials in the configuration",
		Severity: High,
		Category: CatState,
		Description: `Terraform state holds, in clear, every attribute of every resource: database passwords, generated keys,
kubeconfigs, the storage account keys of the disks and shares this repository declares. Where the backend stores it
decides who can read it. pvlint reports, in the ` + "`backend`" + ` block of a root module's ` + "`terraform {}`" + `:

- ` + "`backend \"s3\"`" + ` without ` + "`encrypt = true`" + ` (high; the bucket's default encryption may still apply, but the backend
  does not ask for it) or, with it, without ` + "`kms_key_id`" + ` (medium: the AWS-managed key), and an ` + "`sse_customer_key`" + `
  written in the block (critical);
- ` + "`backend \"gcs\"`" + ` without ` + "`kms_encryption_key`" + ` (medium: a Google-managed key), and an ` + "`encryption_key`" + ` (a
  customer-supplied key) written in the block (critical);
- ` + "`backend \"azurerm\"`" + ` with ` + "`access_key`" + `, ` + "`sas_token`" + ` or ` + "`client_secret`" + ` written in the block (critical): the
  key to the state, and usually to the whole storage account, is in the repository.

Values pvlint cannot know (partial configuration with ` + "`-backend-config`" + `, environment variables) are not reported: a block
without its ` + "`bucket`" + ` is a partial configuration, and the encryption settings it leaves out are undecided.`,
		Remediation: `Encrypt with a customer-managed key and keep credentials out of the block (use ` + "`-backend-config`" + `, the
environment, or workload identity):

` + "```hcl" + `
terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    kms_key_id   = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    use_lockfile = true
  }
}
` + "```",
		Bad: []Example{{Lang: "hcl", Code: `terraform {
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "prod/terraform.tfstate"
    region = "eu-west-1"
  }
}
`}},
		Good: []Example{{Lang: "hcl", Code: `terraform {
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "prod/terraform.tfstate"
    region     = "eu-west-1"
    encrypt    = true
    kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
}
`}},
		References: []string{
			"https://developer.hashicorp.com/terraform/language/backend/s3",
			"https://developer.hashicorp.com/terraform/language/backend/gcs",
			"https://developer.hashicorp.com/terraform/language/backend/azurerm",
			"https://developer.hashicorp.com/terraform/language/state/sensitive-data",
		},
	},
	Check: func(p *Pass) {
		for _, r := range tfResources(p.Graph, "terraform_backend") {
			b := r.Root
			typ := strings.TrimPrefix(r.Name, "terraform.backend.")
			who := "Backend \"" + typ + "\" of root module " + r.Origin().Module
			secret := func(attr, what string) {
				if s, ok := b.Get(attr).Str(); ok && s != "" {
					p.Report(r.At(attr), "%s has %s written in the configuration (`%s`): whoever reads the repository can read the state.", who, what, attr).Raise(Critical)
				}
			}
			// A block without the bucket is a partial configuration: the
			// rest comes from -backend-config or the environment at init,
			// which pvlint does not see, so what it leaves out is undecided.
			partial := func(settings string) bool {
				if b.Has("bucket") {
					return false
				}
				p.Undecided(r.At(), "%s is a partial configuration (no `bucket`): %s come from `-backend-config` or the environment at `terraform init`, outside the scanned files.", who, settings)
				return true
			}
			switch typ {
			case "s3":
				secret("sse_customer_key", "an SSE-C key")
				secret("secret_key", "an AWS secret access key")
				if !b.Has("encrypt") && !b.Has("kms_key_id") && partial("its encryption settings") {
					continue
				}
				switch b.Get("encrypt").Bool() {
				case graph.Unsure:
					p.Undecided(r.At("encrypt"), "%s: `encrypt` is not known statically.", who)
					continue
				case graph.Unset, graph.False:
					p.Report(r.At("encrypt"), "%s does not ask S3 to encrypt the state (`encrypt = true` is not set).", who)
					continue
				}
				if s, ok := b.Get("sse_customer_key").Str(); ok && s != "" {
					continue
				}
				switch n := b.Get("kms_key_id"); {
				case n.HasUnknown():
					p.Undecided(r.At("kms_key_id"), "%s: `kms_key_id` is not known statically.", who)
				case n.String() == "":
					p.Report(r.At("kms_key_id"), "%s encrypts the state with the AWS-managed key: set `kms_key_id` to a customer-managed key.", who).With(Medium)
				}
			case "gcs":
				secret("encryption_key", "a customer-supplied encryption key")
				if s, ok := b.Get("encryption_key").Str(); ok && s != "" {
					continue
				}
				if !b.Has("kms_encryption_key") && partial("its encryption settings") {
					continue
				}
				switch n := b.Get("kms_encryption_key"); {
				case n.HasUnknown():
					p.Undecided(r.At("kms_encryption_key"), "%s: `kms_encryption_key` is not known statically.", who)
				case n.String() == "":
					p.Report(r.At("kms_encryption_key"), "%s encrypts the state with a Google-managed key: set `kms_encryption_key`.", who).With(Medium)
				}
			case "azurerm":
				secret("access_key", "the storage account access key")
				secret("sas_token", "a SAS token")
				secret("client_secret", "a service principal secret")
			}
		}
	},
}
