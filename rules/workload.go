package rules

import (
	"path"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// workloadRules checks how pods reach storage: host paths, privilege that
// reaches every disk on the node, and who writes to persistent volumes.
func workloadRules() []*Rule {
	return []*Rule{
		workloadHostPath,
		workloadHostPathWritable,
		workloadPrivileged,
		workloadRootWritesVolume,
		workloadSharedSubPath,
		workloadGitRepo,
		vulnerableStorageImage,
	}
}

// userNamespace reports whether the pod runs in a user namespace
// (spec.hostUsers: false): its UID 0 maps to an unprivileged user of the
// node, and capabilities apply inside the namespace only.
func (w *podWorkload) userNamespace() bool {
	return w.Spec.Get("hostUsers").Bool() == graph.False
}

// userNamespaceNote is appended to PVL201-PVL203 messages lowered for
// hostUsers: false.
const userNamespaceNote = " The pod runs in a user namespace (hostUsers: false), so its root is not the node's root: one step lower."

// lowerForUserNamespace lowers f by one step (never below low) when the pod
// runs in a user namespace, and says so in the message.
func lowerForUserNamespace(w *podWorkload, f *Finding) *Finding {
	if f == nil || !w.userNamespace() {
		return f
	}
	if f.Severity > Low {
		f.Severity--
	}
	f.Message += userNamespaceNote
	return f
}

// criticalHostPaths are node paths whose exposure gives the node away: the
// root, system configuration, kernel interfaces, kubelet state and
// credentials, and the container runtime (state and sockets). Paths are
// clean, with /var/run folded into /run (a symlink on every current distro).
// A hostPath is critical when it is one of them or a directory above one.
var criticalHostPaths = []string{
	"/", "/etc", "/proc", "/sys", "/root", "/boot", "/dev", "/run",
	"/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
	"/run/docker.sock", "/run/dockershim.sock", "/run/cri-dockerd.sock",
	"/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock",
	"/run/crio/crio.sock", "/run/podman/podman.sock",
}

// criticalHostTrees are directories anything below which is critical too.
var criticalHostTrees = []string{
	"/etc", "/proc", "/sys", "/root", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
	"/run/containerd", "/run/crio",
}

// kubeletSocketDirs are the kubelet directories that CSI node plugins and
// device plugins must mount to register and serve their sockets. They hold
// sockets, not node state or credentials, so they are rated like any other
// hostPath (high), not as a node takeover. A CSI driver's own directory is
// one below /var/lib/kubelet/plugins (kubeletSocketDir); the plugins
// directory itself and plugins/kubernetes.io are not: the kubelet stages
// every CSI volume of the node under plugins/kubernetes.io/csi.
var kubeletSocketDirs = []string{
	"/var/lib/kubelet/plugins_registry", "/var/lib/kubelet/device-plugins", "/var/lib/kubelet/pod-resources",
}

// kubeletSocketDir reports whether c (clean) is a kubelet socket
// directory or below one.
func kubeletSocketDir(c string) bool {
	for _, d := range kubeletSocketDirs {
		if c == d || strings.HasPrefix(c, d+"/") {
			return true
		}
	}
	rest, ok := strings.CutPrefix(c, "/var/lib/kubelet/plugins/")
	driver, _, _ := strings.Cut(rest, "/")
	return ok && driver != "" && driver != "kubernetes.io"
}

// normalHostPath cleans a hostPath (trailing slashes, "//", "..") and folds
// /var/run into /run.
func normalHostPath(p string) string {
	c := path.Clean(p)
	if c == "/var/run" || strings.HasPrefix(c, "/var/run/") {
		c = "/run" + strings.TrimPrefix(c, "/var/run")
	}
	return c
}

// criticalHostPath reports whether mounting p exposes the node.
func criticalHostPath(p string) bool {
	c := normalHostPath(p)
	if !strings.HasPrefix(c, "/") {
		return false
	}
	for _, s := range criticalHostPaths {
		if c == s || c == "/" || strings.HasPrefix(s, c+"/") {
			return true
		}
	}
	if kubeletSocketDir(c) {
		return false
	}
	for _, t := range criticalHostTrees {
		if strings.HasPrefix(c, t+"/") {
			return true
		}
	}
	return false
}

// mountHolders are node directories that hold other mounts: the root, the
// kubelet's pod volumes, the container runtimes' layers and /run. A
// read-only bind of one of them (or of a directory above one) is read-only
// only at its top unless it is recursive.
var mountHolders = []string{"/", "/var/lib/kubelet", "/var/lib/kubelet/plugins/kubernetes.io/csi", "/var/lib/docker", "/var/lib/containerd", "/run"}

// mountHolderTrees are directories every part of which may hold mounts:
// pod volumes and container root filesystems.
var mountHolderTrees = []string{"/var/lib/kubelet/pods", "/var/lib/kubelet/plugins/kubernetes.io/csi", "/var/lib/docker", "/var/lib/containerd"}

// holdsMounts reports whether the host path p is one of mountHolders, a
// directory above one (/var, /var/lib) or below a mountHolderTrees entry.
func holdsMounts(p string) bool {
	c := normalHostPath(p)
	if !strings.HasPrefix(c, "/") {
		return false
	}
	for _, h := range mountHolders {
		if c == h || c == "/" || strings.HasPrefix(h, c+"/") {
			return true
		}
	}
	for _, t := range mountHolderTrees {
		if c == t || strings.HasPrefix(c, t+"/") {
			return true
		}
	}
	return false
}

// upperFirst capitalises a message subject.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var workloadHostPath = &Rule{
	Meta: Meta{
		ID:       "PVL201",
		Name:     "workload-hostpath-volume",
		Title:    "Workload mounts a hostPath volume",
		Severity: High,
		Category: CatWorkload,
		Description: `A ` + "`hostPath`" + ` volume puts a directory or file of the node into the pod. It escapes every storage
control Kubernetes has: no quota, no encryption, no access modes, no isolation from other pods on the node, and
the data lives on whichever node the pod lands on. Containers that can write there can plant files the node or
other pods trust.

Some paths hand over the node outright and are critical: ` + "`/`" + `, ` + "`/etc`" + `, ` + "`/proc`" + `, ` + "`/sys`" + `, ` + "`/root`" + `,
` + "`/boot`" + `, ` + "`/dev`" + `, ` + "`/run`" + ` (` + "`/var/run`" + `), ` + "`/var/lib/kubelet`" + ` (pod volumes, service account tokens,
kubelet credentials), the container runtime's state (` + "`/var/lib/docker`" + `, ` + "`/var/lib/containerd`" + `) and its sockets
(` + "`docker.sock`" + `, ` + "`containerd.sock`" + `, ` + "`crio.sock`" + `, ` + "`cri-dockerd.sock`" + `), anything below ` + "`/etc`" + `, ` + "`/proc`" + `,
` + "`/sys`" + `, ` + "`/root`" + ` and the kubelet and runtime directories, and any directory above one of them (` + "`/var`" + `,
` + "`/var/lib`" + `). The kubelet's socket directories that CSI node plugins and device plugins must mount
(` + "`/var/lib/kubelet/plugins/<driver>`" + `, ` + "`plugins_registry`" + `, ` + "`device-plugins`" + `, ` + "`pod-resources`" + `) hold sockets,
not node state, and stay high; the plugins directory itself and ` + "`plugins/kubernetes.io`" + `, where the kubelet
stages every CSI volume of the node, do not. Any other path is high when a container mounts it writable (or its readOnly is
unknown) and medium when every mount of it is ` + "`readOnly: true`" + `. Paths are compared after cleaning (` + "`/etc/`" + `, ` + "`//etc`" + `, ` + "`/tmp/../etc`" + ` are ` + "`/etc`" + `). Every
workload kind is checked: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job and
CronJob, and the pod templates of operators' kinds (Argo Rollouts ` + "`Rollout`" + `, OpenShift ` + "`DeploymentConfig`" + `, the ECK
kinds, Knative ` + "`Service`" + `, and any object with ` + "`spec.template.spec.containers`" + ` or a ` + "`podTemplate.spec.containers`" + `).
A KubeVirt ` + "`VirtualMachine`" + `'s ` + "`hostDisk`" + ` volume is a disk image file on the node and is checked like a hostPath. A
pod with ` + "`hostUsers: false`" + ` runs in a user namespace, where its root is not the node's root: the finding is one
step lower (PVL201 to PVL203 alike). The Baseline Pod Security Standard forbids hostPath volumes.`,
		Remediation: `Use a PersistentVolumeClaim, an ` + "`emptyDir`" + `, a ` + "`configMap`" + `/` + "`secret`" + ` or a projected volume instead. When a
node agent really needs the host (log shippers, CSI node plugins, monitoring), mount the narrowest path, read-only,
in a dedicated namespace:

` + "```yaml" + `
spec:
  containers:
    - name: shipper
      volumeMounts:
        - name: pod-logs
          mountPath: /host/var/log/pods
          readOnly: true
  volumes:
    - name: pod-logs
      hostPath:
        path: /var/log/pods
        type: Directory
` + "```" + `

Charts often gate these mounts behind values (for example ` + "`hostPaths.enabled: false`" + `). With Terraform, replace the
` + "`host_path`" + ` block of the ` + "`volume`" + ` in ` + "`kubernetes_deployment_v1`" + `. Enforce it cluster-wide with the ` + "`baseline`" + `
Pod Security level.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: example/agent:1.0
          volumeMounts:
            - name: runtime
              mountPath: /var/run/docker.sock
      volumes:
        - name: runtime
          hostPath:
            path: /var/run/docker.sock
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: example/agent:1.0
          volumeMounts:
            - name: scratch
              mountPath: /tmp
      volumes:
        - name: scratch
          emptyDir: {}
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
			"https://kubernetes.io/docs/concepts/security/security-checklist/#pod-security",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			for _, v := range graph.Volumes(w.Spec) {
				hp := w.hostPath(v.Name)
				if hp == nil {
					continue
				}
				pn := hp.Get("path")
				loc := w.Res.AtFrom(hp, "path")
				if pn.HasUnknown() {
					p.Undecided(loc, "%s mounts hostPath volume %q whose path pvlint cannot evaluate.", w.Res.Title(), v.Name)
					continue
				}
				hpath, _ := pn.Str()
				if hpath == "" {
					continue // invalid: the API server requires a path
				}
				shown := strconv.Quote(hpath)
				if c := path.Clean(hpath); c != hpath {
					shown += " (" + c + ")"
				}
				what := "hostPath volume"
				if w.VM {
					what = "hostDisk volume"
				}
				if criticalHostPath(hpath) {
					lowerForUserNamespace(w, p.Report(loc, "%s mounts the node's %s through %s %q. That path exposes the node's system files, credentials or container runtime: enough to take the node over.", w.Res.Title(), shown, what, v.Name).
						Raise(Critical))
					continue
				}
				if ro, mounted := hostPathReadOnly(w, v.Name); !w.VM && ro {
					msg := "%s mounts the node's %s through %s %q, read-only. The pod reads the node's filesystem outside any storage control."
					if !mounted {
						msg = "%s declares the node's %s as %s %q, which no container mounts: remove it (a container that mounts it later reaches the node's filesystem)."
					}
					lowerForUserNamespace(w, p.Report(loc, msg, w.Res.Title(), shown, what, v.Name).
						Lower(Medium))
					continue
				}
				lowerForUserNamespace(w, p.Report(loc, "%s mounts the node's %s through %s %q. The pod reaches the node's filesystem outside any storage control.", w.Res.Title(), shown, what, v.Name))
			}
		}
	},
}

// hostPathReadOnly reports whether every container's mount of volume name
// is read-only (readOnly: true, known): a read-only mount of a path that is
// not sensitive is a medium PVL201. A writable or unknown mount keeps it
// high; PVL202 reports the writable one.
func hostPathReadOnly(w *podWorkload, name string) (readOnly, mounted bool) {
	for _, c := range graph.Containers(w.Spec) {
		for _, m := range volumeMounts(c) {
			if m.Name != name {
				continue
			}
			mounted = true
			if w.writable(m) != graph.False {
				return false, true
			}
		}
	}
	return true, mounted
}

var workloadHostPathWritable = &Rule{
	Meta: Meta{
		ID:       "PVL202",
		Name:     "workload-hostpath-writable",
		Title:    "Container mounts a hostPath volume writable",
		Severity: High,
		Category: CatWorkload,
		Description: `A container that mounts a ` + "`hostPath`" + ` volume without ` + "`readOnly: true`" + ` can change files on the node:
drop a binary or a static pod manifest, rewrite configuration the kubelet or other pods read, fill the node's disk,
or plant a symlink that a privileged process later follows. Most agents that need the host only read it (logs,
metrics, ` + "`/proc`" + `). Each writable mount is reported once, naming the container and the node path.

A ` + "`readOnly: true`" + ` mount is read-only only at its top: mounts below it stay writable. A read-only hostPath of a
directory that holds other mounts (` + "`/`" + `, ` + "`/run`" + `, ` + "`/var/lib/kubelet`" + ` with its pod volumes and CSI staging directories, ` + "`/var/lib/docker`" + `,
` + "`/var/lib/containerd`" + `, or a directory above one such as ` + "`/var`" + `) is reported unless the mount sets
` + "`recursiveReadOnly: Enabled`" + ` (Kubernetes 1.33+; ` + "`IfPossible`" + ` falls back to a plain read-only mount on runtimes
without support, so it is reported too).`,
		Remediation: `Mount the host path read-only:

` + "```yaml" + `
volumeMounts:
  - name: pod-logs
    mountPath: /host/var/log/pods
    readOnly: true
` + "```" + `

For a directory that holds other mounts, make the mount recursive:

` + "```yaml" + `
volumeMounts:
  - name: kubelet
    mountPath: /host/var/lib/kubelet
    readOnly: true
    recursiveReadOnly: Enabled
` + "```" + `

Where the agent must write (a CSI node plugin, a device plugin socket), confine it to its own directory, e.g.
` + "`/var/lib/kubelet/plugins/<driver>`" + `, and keep everything else read-only. With Terraform set ` + "`read_only = true`" + ` in
the ` + "`volume_mount`" + ` block.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: log-reader
spec:
  containers:
    - name: reader
      image: busybox:1.36
      volumeMounts:
        - name: logs
          mountPath: /host/logs
  volumes:
    - name: logs
      hostPath:
        path: /var/log/pods
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: log-reader
spec:
  containers:
    - name: reader
      image: busybox:1.36
      volumeMounts:
        - name: logs
          mountPath: /host/logs
          readOnly: true
  volumes:
    - name: logs
      hostPath:
        path: /var/log/pods
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://kubernetes.io/docs/concepts/storage/volumes/#read-only-mounts",
			"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			for _, c := range graph.Containers(w.Spec) {
				for _, m := range volumeMounts(c) {
					hp := w.hostPath(m.Name)
					if hp == nil {
						continue
					}
					hpath, _ := hp.Get("path").Str()
					mountPath, _ := m.Node.Get("mountPath").Str()
					switch w.writable(m) {
					case graph.Unsure:
						p.Undecided(w.Res.AtFrom(m.Node, "readOnly"), "%s of %s mounts hostPath %q; whether read-only depends on a value pvlint cannot evaluate.", upperFirst(containerTitle(c)), w.Res.Title(), hpath)
					case graph.True:
						loc := w.Res.AtFrom(m.Node, "mountPath")
						if m.Node.Get("readOnly").Bool() == graph.False {
							loc = w.Res.AtFrom(m.Node, "readOnly")
						}
						lowerForUserNamespace(w, p.Report(loc, "%s of %s mounts hostPath %q writable at %q.", upperFirst(containerTitle(c)), w.Res.Title(), hpath, mountPath))
					case graph.False:
						if m.Node.Get("readOnly").Bool() != graph.True || !holdsMounts(hpath) {
							continue // read-only through the claim, or nothing mounted below
						}
						rro := m.Node.Get("recursiveReadOnly")
						if rro.HasUnknown() {
							p.Undecided(w.Res.AtFrom(m.Node, "recursiveReadOnly"), "%s of %s mounts hostPath %q read-only; whether recursively depends on a value pvlint cannot evaluate.", upperFirst(containerTitle(c)), w.Res.Title(), hpath)
							continue
						}
						if v, _ := rro.Str(); v == "Enabled" {
							continue
						}
						how := "without recursiveReadOnly"
						if v, ok := rro.Str(); ok && v != "" {
							how = "with recursiveReadOnly: " + v
						}
						fix := "Set recursiveReadOnly: Enabled."
						if mp, _ := m.Node.Get("mountPropagation").Str(); mp != "" && mp != "None" {
							// The API refuses recursiveReadOnly with any
							// propagation but None.
							fix = "Set recursiveReadOnly: Enabled, and drop mountPropagation: " + mp + " (the API accepts recursiveReadOnly only with no propagation)."
						}
						lowerForUserNamespace(w, p.Report(w.Res.AtFrom(m.Node, "readOnly"), "%s of %s mounts hostPath %q read-only at %q %s: the mounts below that path (pod volumes, container layers, runtime state) stay writable. %s", upperFirst(containerTitle(c)), w.Res.Title(), hpath, mountPath, how, fix))
					}
				}
			}
		}
	},
}

// sysAdminCapability reports whether a capabilities.add entry grants
// CAP_SYS_ADMIN. Runtimes upper-case names and add the CAP_ prefix.
func sysAdminCapability(c string) bool {
	c = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
	return c == "SYS_ADMIN" || c == "ALL"
}

var workloadPrivileged = &Rule{
	Meta: Meta{
		ID:       "PVL203",
		Name:     "workload-privileged-storage-access",
		Title:    "Privileged container can read every volume on its node",
		Severity: High,
		Category: CatWorkload,
		Description: `A privileged container (` + "`securityContext.privileged: true`" + `) sees every device of the node, and a container
that adds ` + "`SYS_ADMIN`" + ` (or ` + "`ALL`" + `) capabilities can call ` + "`mount`" + `. Either can mount the node's block devices and
read or change every volume attached to that node, whichever pod or namespace the volume belongs to: encryption at
rest does not help, since the node holds the volumes decrypted. Init and ephemeral containers are checked too.

The finding is critical when the pod also mounts storage (a PersistentVolumeClaim, an ephemeral claim, StatefulSet
` + "`volumeClaimTemplates`" + ` or a hostPath): it sits on the data path and the node at the same time. With
` + "`hostUsers: false`" + ` (a user namespace) the finding is one step lower: the container's capabilities hold inside its
user namespace, not over the node.`,
		Remediation: `Drop the privilege, and add only the narrow capabilities the process needs:

` + "```yaml" + `
securityContext:
  privileged: false
  allowPrivilegeEscalation: false
  capabilities:
    drop: [ALL]
    add: [NET_BIND_SERVICE]
` + "```" + `

CSI node plugins legitimately run privileged: run them in their own namespace, with no application data mounted,
and suppress the finding there with a reason. With Terraform set ` + "`privileged = false`" + ` in the container's
` + "`security_context`" + `. The ` + "`baseline`" + ` Pod Security level forbids privileged containers and ` + "`SYS_ADMIN`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backup
spec:
  selector:
    matchLabels: {app: backup}
  template:
    metadata:
      labels: {app: backup}
    spec:
      containers:
        - name: backup
          image: example/backup:2.1
          securityContext:
            privileged: true
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backup
spec:
  selector:
    matchLabels: {app: backup}
  template:
    metadata:
      labels: {app: backup}
    spec:
      containers:
        - name: backup
          image: example/backup:2.1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://man7.org/linux/man-pages/man7/capabilities.7.html",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			storage := w.mountsPersistent()
			for name := range w.Volumes {
				if w.hostPath(name) != nil {
					storage = true
				}
			}
			for _, c := range graph.Containers(w.Spec) {
				who := upperFirst(containerTitle(c)) + " of " + w.Res.Title()
				sc := c.Node.Get("securityContext")
				priv := sc.Get("privileged")
				var f *Finding
				switch {
				case priv.Bool() == graph.True:
					f = p.Report(w.Res.AtNode(priv), "%s is privileged: it can mount the node's block devices and read every volume attached to the node.", who)
				case priv.HasUnknown():
					p.Undecided(w.Res.AtNode(priv), "%s: whether it is privileged depends on a value pvlint cannot evaluate.", who)
				default:
					for _, capNode := range sc.Path("capabilities", "add").List() {
						if capName, ok := capNode.Str(); ok && sysAdminCapability(capName) {
							f = p.Report(w.Res.AtNode(capNode), "%s adds capability %s: it can mount the node's block devices and read every volume attached to the node.", who, capName)
							break
						}
					}
				}
				if f != nil && storage {
					f.Raise(Critical)
				}
				lowerForUserNamespace(w, f)
			}
		}
	},
}

// rootCheck is the outcome of the effective non-root check of a container.
type rootCheck struct {
	NonRoot   bool // non-root is guaranteed
	Undecided bool
	UID0      bool        // runAsUser is 0
	At        *graph.Node // the field that decides it, nil for the container's securityContext
}

// effectiveNonRoot applies the container-overrides-pod rule to runAsUser
// and runAsNonRoot. Non-root is guaranteed when runAsUser is a known integer
// above 0, or runAsNonRoot is true and runAsUser is not 0 (the kubelet then
// refuses to start an image whose user is root).
func effectiveNonRoot(pod, ctr *graph.Node) rootCheck {
	pick := func(key string) *graph.Node {
		if n := ctr.Path("securityContext", key); n != nil && n.Kind != graph.Null {
			return n
		}
		if n := pod.Path("securityContext", key); n != nil && n.Kind != graph.Null {
			return n
		}
		return nil
	}
	uid, nonRoot := pick("runAsUser"), pick("runAsNonRoot")
	if uid.HasUnknown() {
		return rootCheck{Undecided: true, At: uid}
	}
	if uid != nil {
		if v, ok := uid.Int(); ok {
			if v == 0 {
				return rootCheck{UID0: true, At: uid}
			}
			if v > 0 {
				return rootCheck{NonRoot: true}
			}
		}
	}
	if nonRoot.HasUnknown() {
		return rootCheck{Undecided: true, At: nonRoot}
	}
	if nonRoot.Bool() == graph.True {
		return rootCheck{NonRoot: true}
	}
	if nonRoot.Bool() == graph.False {
		return rootCheck{At: nonRoot}
	}
	return rootCheck{}
}

// quotedList renders names as `"a", "b"`.
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	return strings.Join(q, ", ")
}

var workloadRootWritesVolume = &Rule{
	Meta: Meta{
		ID:       "PVL204",
		Name:     "workload-root-writes-volume",
		Title:    "Container that may run as root writes to a persistent volume",
		Severity: Medium,
		Category: CatWorkload,
		Description: `A container running as root (UID 0) that writes to a persistent volume creates files owned by root, can
change ownership and permissions of everything on the volume, and, on shared file systems (NFS, CephFS, EFS), can
reach other tenants' files that trust UID 0 or are squashed to it. A compromise of that container then spreads
through the data it keeps.

The check follows the effective security context: a container's ` + "`runAsUser`" + ` and ` + "`runAsNonRoot`" + ` override the
pod's. Non-root is guaranteed when the effective ` + "`runAsUser`" + ` is a number above 0, or when ` + "`runAsNonRoot: true`" + `
and ` + "`runAsUser`" + ` is not 0 (the kubelet then refuses to start a root image). ` + "`runAsUser: 0`" + ` is root even with
` + "`runAsNonRoot: true`" + `. Writable means the mount has no ` + "`readOnly: true`" + ` and the claim is not mounted
read-only at the volume; persistent means a PersistentVolumeClaim, an ephemeral claim or a StatefulSet claim
template. Windows pods (` + "`spec.os.name: windows`" + `) are skipped.`,
		Remediation: `Run as a fixed non-root user and give the volume to its group:

` + "```yaml" + `
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
  containers:
    - name: app
      securityContext:
        allowPrivilegeEscalation: false
` + "```" + `

Do not override the pod's settings with ` + "`runAsUser: 0`" + ` in a container. In charts this is usually
` + "`podSecurityContext`" + ` and ` + "`containerSecurityContext`" + ` in values. With Terraform set ` + "`run_as_non_root = true`" + ` and
` + "`run_as_user`" + ` in the pod's ` + "`security_context`" + `.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  containers:
    - name: app
      image: example/app:1.0
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    fsGroup: 10001
  containers:
    - name: app
      image: example/app:1.0
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
`}},
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
			"https://kubernetes.io/docs/concepts/storage/persistent-volumes/",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			if osName, _ := w.Spec.Path("os", "name").Str(); osName == "windows" {
				continue
			}
			for _, c := range graph.Containers(w.Spec) {
				var writes []string
				unsure := false
				for _, m := range volumeMounts(c) {
					if !w.persistentVolume(m.Name) {
						continue
					}
					switch w.writable(m) {
					case graph.True:
						writes = append(writes, m.Name)
					case graph.Unsure:
						unsure = true
					}
				}
				if len(writes) == 0 && !unsure {
					continue
				}
				who := upperFirst(containerTitle(c)) + " of " + w.Res.Title()
				rc := effectiveNonRoot(w.Spec, c.Node)
				if rc.NonRoot {
					continue
				}
				loc := w.Res.AtFrom(c.Node, "securityContext", "runAsNonRoot")
				if rc.At != nil {
					loc = w.Res.AtNode(rc.At)
				}
				if rc.Undecided || len(writes) == 0 {
					p.Undecided(loc, "%s may write to a persistent volume as root; a value pvlint cannot evaluate decides it.", who)
					continue
				}
				noun := "persistent volume"
				if len(writes) > 1 {
					noun = "persistent volumes"
				}
				if rc.UID0 {
					p.Report(loc, "%s runs as root (runAsUser: 0) and writes to %s %s.", who, noun, quotedList(writes))
					continue
				}
				p.Report(loc, "%s may run as root and writes to %s %s: neither runAsUser above 0 nor runAsNonRoot: true applies to it.", who, noun, quotedList(writes))
			}
		}
	},
}

var workloadSharedSubPath = &Rule{
	Meta: Meta{
		ID:       "PVL205",
		Name:     "workload-subpath-shared-writable",
		Title:    "Writable subPath mount of a volume another container also writes",
		Severity: Low,
		Category: CatWorkload,
		Description: `A ` + "`subPath`" + ` (or ` + "`subPathExpr`" + `) mount resolves a path inside the volume on the node. When another
container of the same pod can write to that volume, it can replace the sub-path with a symbolic link that points
outside the volume; kubelets before the CVE-2021-25741 fixes (1.19.15, 1.20.11, 1.21.5, 1.22.2) then mounted the
link's target, a file or directory of the node, into the first container. Init containers count: they run first
and can plant the link.

Fixed kubelets resolve the path safely, and every supported Kubernetes release has the fix, so the rule only runs
when ` + "`--kube-version`" + ` names an affected release (before 1.19.15, 1.20.0–1.20.10, 1.21.0–1.21.4, 1.22.0–1.22.1);
with the default (` + graph.DefaultKubeVersion + `) or any fixed release it stays silent. Set ` + "`--kube-version`" + ` to the
oldest kubelet your nodes run.`,
		Remediation: `Mount the whole volume, or give each container its own volume, or make the other containers' mounts
read-only:

` + "```yaml" + `
initContainers:
  - name: fetch
    volumeMounts:
      - name: shared
        mountPath: /work
containers:
  - name: app
    volumeMounts:
      - name: shared
        mountPath: /etc/app
        subPath: config
        readOnly: true
` + "```" + `

Keep nodes on a patched kubelet. With Terraform, the same applies to ` + "`sub_path`" + ` and ` + "`read_only`" + ` in ` + "`volume_mount`" + `.`,
		Bad: []Example{{Lang: "yaml", KubeVersion: "v1.21.4", Code: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: fetch
      image: busybox:1.36
      volumeMounts:
        - name: shared
          mountPath: /work
  containers:
    - name: web
      image: nginx:1.27
      volumeMounts:
        - name: shared
          mountPath: /usr/share/nginx/html
          subPath: site
  volumes:
    - name: shared
      emptyDir: {}
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: fetch
      image: busybox:1.36
      volumeMounts:
        - name: shared
          mountPath: /work
  containers:
    - name: web
      image: nginx:1.27
      volumeMounts:
        - name: shared
          mountPath: /usr/share/nginx/html
          subPath: site
          readOnly: true
  volumes:
    - name: shared
      emptyDir: {}
`}},
		References: []string{
			"https://nvd.nist.gov/vuln/detail/CVE-2021-25741",
			"https://github.com/kubernetes/kubernetes/issues/104980",
			"https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath",
		},
	},
	Check: func(p *Pass) {
		if !subPathSymlinkAffected(p.Graph.KubeVersion) {
			return
		}
		for _, w := range podWorkloads(p.Graph) {
			writers := map[string][]volumeMount{}
			for _, c := range graph.Containers(w.Spec) {
				for _, m := range volumeMounts(c) {
					if w.writable(m) == graph.True {
						writers[m.Name] = append(writers[m.Name], m)
					}
				}
			}
			for name, ms := range writers {
				for _, m := range ms {
					key := ""
					for _, k := range []string{"subPath", "subPathExpr"} {
						if n := m.Node.Get(k); n != nil && (n.HasUnknown() || n.String() != "") {
							key = k
							break
						}
					}
					if key == "" {
						continue
					}
					for _, o := range ms {
						if o.Container.Node == m.Container.Node {
							continue
						}
						p.Report(w.Res.AtFrom(m.Node, key), "%s of %s mounts a %s of volume %q writable while %s also writes to it: a symbolic link planted there can redirect the mount outside the volume (CVE-2021-25741).",
							upperFirst(containerTitle(m.Container)), w.Res.Title(), key, name, containerTitle(o.Container))
						break
					}
				}
			}
		}
	},
}

// subPathSymlinkAffected reports whether kubelets of release v mount a
// planted symbolic link's target (CVE-2021-25741). Fixed in 1.19.15,
// 1.20.11, 1.21.5 and 1.22.2, and in every release since 1.23.
func subPathSymlinkAffected(v graph.KubeVersion) bool {
	if v.Major != 1 {
		return false
	}
	fixed := map[int]int{19: 15, 20: 11, 21: 5, 22: 2}
	switch {
	case v.Minor < 19:
		return true
	case v.Minor > 22:
		return false
	}
	return v.Patch < fixed[v.Minor]
}

var workloadGitRepo = &Rule{
	Meta: Meta{
		ID:       "PVL206",
		Name:     "workload-gitrepo-volume",
		Title:    "Workload uses a gitRepo volume",
		Severity: High,
		Category: CatWorkload,
		Description: `A ` + "`gitRepo`" + ` volume makes the kubelet run ` + "`git clone`" + ` on the node, as root, into the pod's volume directory.
The volume type has been deprecated since Kubernetes 1.11, and a repository can carry hooks and configuration that
git executes during the clone: CVE-2024-10220
(kubelet up to 1.28.11, 1.29.0-1.29.6, 1.30.0-1.30.2) runs arbitrary commands on the node, outside any container,
through the hooks folder of the cloned repository, and CVE-2025-1767 (every release; the deprecated driver gets no
fix) lets a pod clone the local repositories of other pods on the same node. Every workload kind is checked,
operator kinds included.`,
		Remediation: `Clone in an init container into an ` + "`emptyDir`" + `, as an unprivileged user, and mount the result read-only:

` + "```yaml" + `
spec:
  initContainers:
    - name: clone
      image: alpine/git:2.45.2
      args: [clone, --depth=1, --single-branch, https://github.com/example/site.git, /repo]
      securityContext:
        runAsUser: 10001
        allowPrivilegeEscalation: false
      volumeMounts:
        - {name: site, mountPath: /repo}
  containers:
    - name: web
      volumeMounts:
        - {name: site, mountPath: /usr/share/nginx/html, readOnly: true}
  volumes:
    - name: site
      emptyDir: {}
` + "```" + `

Or ship the content in the image, or sync it with a git-sync sidecar. Forbid the volume type cluster-wide with a
ValidatingAdmissionPolicy and keep the kubelet patched.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: site
spec:
  containers:
    - name: web
      image: nginx:1.27
      volumeMounts:
        - {name: site, mountPath: /usr/share/nginx/html}
  volumes:
    - name: site
      gitRepo:
        repository: https://github.com/example/site.git
        revision: main
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: v1
kind: Pod
metadata:
  name: site
spec:
  initContainers:
    - name: clone
      image: alpine/git:2.45.2
      args: [clone, --depth=1, https://github.com/example/site.git, /repo]
      volumeMounts:
        - {name: site, mountPath: /repo}
  containers:
    - name: web
      image: nginx:1.27
      volumeMounts:
        - {name: site, mountPath: /usr/share/nginx/html, readOnly: true}
  volumes:
    - name: site
      emptyDir: {}
`}},
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#gitrepo",
			"https://github.com/kubernetes/kubernetes/issues/128885",
			"https://nvd.nist.gov/vuln/detail/CVE-2024-10220",
			"https://github.com/kubernetes/kubernetes/issues/130786",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			if w.VM {
				continue
			}
			for _, v := range graph.Volumes(w.Spec) {
				gr := v.Node.Get("gitRepo")
				if gr == nil || gr.Kind == graph.Null {
					continue
				}
				repo, _ := gr.Get("repository").Str()
				what := ""
				if repo != "" {
					what = " of " + strconv.Quote(repo)
				}
				p.Report(w.Res.AtFrom(v.Node, "gitRepo"), "%s clones%s into gitRepo volume %q: the kubelet runs git as root on the node, and the repository's hooks can run commands there (CVE-2024-10220). The volume type is deprecated.", w.Res.Title(), what, v.Name)
			}
		}
	},
}
