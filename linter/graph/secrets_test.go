package graph_test

import (
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

// The short secret parameters of in-tree provisioners (adminSecretName,
// secretName) mean different things per provisioner: the edge names the
// role the provisioner's docs give, and a neutral "secret" for any other.
func TestInTreeSecretRoles(t *testing.T) {
	class := func(prov, param string) string {
		return "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: c}\nprovisioner: " + prov +
			"\nparameters:\n  " + param + ": s\n" +
			"---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\nstringData: {key: x}\n"
	}
	cases := []struct{ prov, param, want string }{
		{"kubernetes.io/rbd", "adminSecretName", "Ceph admin secret (adminSecretName)"},
		{"kubernetes.io/rbd", "userSecretName", "Ceph user secret (userSecretName)"},
		{"kubernetes.io/storageos", "adminSecretName", "StorageOS API secret (adminSecretName)"},
		{"kubernetes.io/glusterfs", "secretName", "Heketi user secret (secretName)"},
		{"file.csi.azure.com", "secretName", "storage account secret (secretName)"},
		{"example.com/other", "secretName", "secret (secretName)"},
		{"ebs.csi.aws.com", "csi.storage.k8s.io/node-stage-secret-name", "node-stage secret (csi.storage.k8s.io/node-stage-secret-name)"},
	}
	for _, c := range cases {
		g := build(t, map[string]string{"sc.yaml": class(c.prov, c.param)})
		es := find(t, g, "sc.yaml", "StorageClass", "c").OutOf(graph.UsesSecret)
		if len(es) != 1 || es[0].Name != c.want {
			var got []string
			for _, e := range es {
				got = append(got, e.Name)
			}
			t.Errorf("%s %s: edges %q, want one %q", c.prov, c.param, got, c.want)
		}
	}
}
