module "aks" {
  source = "../module"

  base = {
    dnsPrefix = "main"
  }
  extra = {
    agentPoolProfiles = [
      {
        name                   = "system"
        enableEncryptionAtHost = false # want: PVL442
      },
    ]
  }
}
