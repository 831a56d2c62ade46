package graph

import "strings"

// Storage secrets: the Secrets that unlock volumes (CSI driver credentials,
// LUKS passphrases, Ceph keys) and backups (Velero's cloud credentials).
// linkSecrets adds a UsesSecret edge from every object that names
// one to the Secret, when the Secret is in the scan; Edge.Name holds the
// role in which it is named ("node-stage secret", "backup credentials").

// csiSecretParams are the StorageClass parameters through which the
// external provisioner, attacher and resizer and the kubelet pass Secrets
// to a CSI driver, each with its namespace parameter.
var csiSecretParams = []struct{ name, namespace, role string }{
	{"csi.storage.k8s.io/provisioner-secret-name", "csi.storage.k8s.io/provisioner-secret-namespace", "provisioner secret"},
	{"csi.storage.k8s.io/controller-publish-secret-name", "csi.storage.k8s.io/controller-publish-secret-namespace", "controller-publish secret"},
	{"csi.storage.k8s.io/node-stage-secret-name", "csi.storage.k8s.io/node-stage-secret-namespace", "node-stage secret"},
	{"csi.storage.k8s.io/node-publish-secret-name", "csi.storage.k8s.io/node-publish-secret-namespace", "node-publish secret"},
	{"csi.storage.k8s.io/controller-expand-secret-name", "csi.storage.k8s.io/controller-expand-secret-namespace", "controller-expand secret"},
	{"csi.storage.k8s.io/node-expand-secret-name", "csi.storage.k8s.io/node-expand-secret-namespace", "node-expand secret"},
	{"csi.storage.k8s.io/snapshotter-secret-name", "csi.storage.k8s.io/snapshotter-secret-namespace", "snapshotter secret"},
	// In-tree provisioners name their secrets with short parameters whose
	// meaning depends on the provisioner (inTreeSecretRole).
	{"adminSecretName", "adminSecretNamespace", ""},
	{"userSecretName", "userSecretNamespace", ""},
	{"secretName", "secretNamespace", ""},
}

// inTreeSecretRoles says what the short secret parameters hold for the
// provisioners that document them: Ceph RBD's admin and user keys,
// StorageOS's and Quobyte's API credentials, GlusterFS's Heketi user key,
// and the Azure File storage account key. Another provisioner that uses
// the same parameter names gets the neutral "secret".
var inTreeSecretRoles = map[string]string{
	"kubernetes.io/rbd adminSecretName":       "Ceph admin secret",
	"kubernetes.io/rbd userSecretName":        "Ceph user secret",
	"kubernetes.io/storageos adminSecretName": "StorageOS API secret",
	"kubernetes.io/quobyte adminSecretName":   "Quobyte admin secret",
	"kubernetes.io/glusterfs secretName":      "Heketi user secret",
	"kubernetes.io/azure-file secretName":     "storage account secret",
	"file.csi.azure.com secretName":           "storage account secret",
}

func inTreeSecretRole(provisioner, param string) string {
	if role, ok := inTreeSecretRoles[provisioner+" "+param]; ok {
		return role
	}
	return "secret"
}

// pvSecretRefs are the SecretReference fields of a CSI PersistentVolume
// source.
var pvSecretRefs = []struct{ field, role string }{
	{"nodePublishSecretRef", "node-publish secret"},
	{"nodeStageSecretRef", "node-stage secret"},
	{"controllerPublishSecretRef", "controller-publish secret"},
	{"controllerExpandSecretRef", "controller-expand secret"},
	{"nodeExpandSecretRef", "node-expand secret"},
}

// templatedName reports whether a secret name or namespace is a
// provisioner template (${pvc.namespace}), resolved per claim: not a name
// pvlint can look up.
func templatedName(s string) bool { return strings.Contains(s, "${") }

func (l *linker) linkSecrets(r *Resource) {
	switch r.Kind {
	case "StorageClass":
		params := r.Root.Get("parameters")
		for _, p := range csiSecretParams {
			n := params.Get(p.name)
			name, ok := n.Str()
			if !ok || name == "" || templatedName(name) {
				continue
			}
			ns, _ := params.Get(p.namespace).Str()
			if templatedName(ns) {
				continue
			}
			if ns == "" {
				ns = "default"
			}
			role := p.role
			if role == "" {
				prov, _ := r.Root.Get("provisioner").Str()
				role = inTreeSecretRole(prov, p.name)
			}
			l.addSecretEdge(r, n, ns, name, role+" ("+p.name+")")
		}
	case "PersistentVolume":
		spec := r.Root.Get("spec")
		if csi := spec.Get("csi"); csi != nil {
			for _, ref := range pvSecretRefs {
				l.linkSecretRef(r, csi.Get(ref.field), "default", ref.role+" (spec.csi."+ref.field+")")
			}
		}
		for _, src := range []string{"rbd", "cephfs", "iscsi", "flexVolume"} {
			l.linkSecretRef(r, spec.Path(src, "secretRef"), "default", "secret of its "+src+" source")
		}
		if af := spec.Get("azureFile"); af != nil {
			n := af.Get("secretName")
			if name, ok := n.Str(); ok && name != "" {
				ns, _ := af.Get("secretNamespace").Str()
				if ns == "" {
					ns = "default"
				}
				l.addSecretEdge(r, n, ns, name, "storage account secret (spec.azureFile.secretName)")
			}
		}
	case "BackupStorageLocation", "VolumeSnapshotLocation":
		if !strings.HasPrefix(r.APIVersion, "velero.io/") {
			return
		}
		n := r.Root.Path("spec", "credential", "name")
		if name, ok := n.Str(); ok && name != "" {
			l.addSecretEdge(r, n, r.Namespace, name, "backup credentials (spec.credential)")
		}
	}
	velero := runsVeleroImage(r)
	for _, t := range r.PodTemplates() {
		for _, v := range Volumes(t.Spec) {
			if velero {
				// The Velero server and node agent read the cloud
				// credentials of every location without spec.credential
				// from the Secret mounted at /credentials.
				if n := v.Node.Path("secret", "secretName"); n != nil {
					if name, ok := n.Str(); ok && name != "" {
						l.addSecretEdge(r, n, r.Namespace, name, "Velero cloud credentials (secret volume \""+v.Name+"\")")
					}
				}
			}
			if csi := v.Node.Get("csi"); csi != nil {
				l.linkSecretRef(r, csi.Get("nodePublishSecretRef"), r.Namespace, "node-publish secret of inline CSI volume \""+v.Name+"\"")
			}
			for _, src := range []string{"rbd", "cephfs", "iscsi", "flexVolume"} {
				l.linkSecretRef(r, v.Node.Path(src, "secretRef"), r.Namespace, "secret of "+src+" volume \""+v.Name+"\"")
			}
			if n := v.Node.Path("azureFile", "secretName"); n != nil {
				if name, ok := n.Str(); ok && name != "" {
					l.addSecretEdge(r, n, r.Namespace, name, "storage account secret of azureFile volume \""+v.Name+"\"")
				}
			}
		}
	}
}

// linkSecretRef links a SecretReference ({name, namespace}) or a
// LocalObjectReference ({name}, namespace ns).
func (l *linker) linkSecretRef(r *Resource, ref *Node, ns, role string) {
	if ref == nil || ref.Kind != Map {
		return
	}
	n := ref.Get("name")
	name, ok := n.Str()
	if !ok || name == "" {
		return
	}
	if s, ok := ref.Get("namespace").Str(); ok && s != "" {
		ns = s
	}
	l.addSecretEdge(r, n, ns, name, role)
}

func (l *linker) addSecretEdge(r *Resource, at *Node, ns, name, role string) {
	to := l.g.Resolve(r, "Secret", ns, name)
	if to == nil {
		return
	}
	l.add(&Edge{Kind: UsesSecret, From: r, To: to, At: at, Name: role})
}

// runsVeleroImage reports whether a workload runs a velero/velero image.
func runsVeleroImage(r *Resource) bool {
	for _, t := range r.PodTemplates() {
		for _, c := range Containers(t.Spec) {
			if c.IsVelero() {
				return true
			}
		}
	}
	return false
}

// IsVelero reports whether the container runs a velero/velero image (the
// server and the node agent), from any registry, at any tag or digest.
func (c Container) IsVelero() bool {
	img, _ := c.Node.Get("image").Str()
	if i := strings.Index(img, "@"); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndex(img, ":"); i >= 0 && !strings.Contains(img[i:], "/") {
		img = img[:i]
	}
	return img == "velero/velero" || strings.HasSuffix(img, "/velero/velero")
}
