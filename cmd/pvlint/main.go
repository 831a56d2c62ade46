// Command pvlint lints the security of persistent storage in Kubernetes
// manifests, Helm charts and Terraform. It parses flags, calls linter.Run,
// writes the report and sets the exit status; nothing else.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
