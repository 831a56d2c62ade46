package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// --- PVL207: storage components with a published vulnerability ---

// advisoriesDate is when the table below was last checked against the
// advisories. Newer flaws are unknown to this build: keep pvlint current.
const advisoriesDate = "2026-12-01"

// semver is a release's numeric core.
type semver [3]int

func (a semver) less(b semver) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func (a semver) String() string { return fmt.Sprintf("%d.%d.%d", a[0], a[1], a[2]) }

// versionRange is [From, To): From zero means "every earlier release".
type versionRange struct{ From, To semver }

// advisory is one published flaw of a storage component, by image.
type advisory struct {
	ID        string   // CVE (and GHSA) ids
	Component string   // what it is, for messages
	Images    []string // repository suffixes: "sig-storage/csi-provisioner" matches any registry
	Affected  []versionRange
	Fixed     string // the fixed releases, for messages
	Impact    string // why it matters for volume data, nodes or credentials
	Severity  Severity
	Ref       string
	// DaemonsOnly: the flaw is in the storage daemons, so only the image a
	// cluster runs them from (a Rook CephCluster's) is judged, not client
	// containers of the same image (the Rook toolbox).
	DaemonsOnly bool
}

func v(s string) semver {
	p, _ := parseSemver(s)
	return p
}

// storageAdvisories: each entry checked through the advisory itself (the
// Kubernetes security announcement issue, the GitHub advisory or the
// vendor's release notes) on advisoriesDate.
var storageAdvisories = []advisory{
	{ID: "CVE-2019-11255", Component: "external-provisioner", Images: []string{"csi-provisioner"},
		Affected: []versionRange{{To: v("0.4.3")}, {From: v("1.0.0"), To: v("1.0.2")}, {From: v("1.1.0"), To: v("1.2.2")}, {From: v("1.3.0"), To: v("1.3.1")}},
		Fixed:    "0.4.3, 1.0.2, 1.2.2, 1.3.1, 1.4.0", Impact: "a claim cloned or restored from another user's volume or snapshot can read its data",
		Severity: High, Ref: "https://github.com/kubernetes/kubernetes/issues/85233"},
	{ID: "CVE-2019-11255", Component: "external-snapshotter", Images: []string{"csi-snapshotter"},
		Affected: []versionRange{{To: v("0.4.2")}, {From: v("1.0.0"), To: v("1.0.2")}, {From: v("1.1.0"), To: v("1.2.2")}},
		Fixed:    "0.4.2, 1.0.2, 1.2.2", Impact: "a snapshot of another user's volume can be taken and read",
		Severity: High, Ref: "https://github.com/kubernetes-csi/external-snapshotter/issues/193"},
	{ID: "CVE-2019-11255", Component: "external-resizer", Images: []string{"csi-resizer"},
		Affected: []versionRange{{To: v("0.3.0")}},
		Fixed:    "0.3.0", Impact: "another user's volume can be resized (changed) without authorization",
		Severity: Medium, Ref: "https://github.com/kubernetes-csi/external-resizer/issues/63"},
	{ID: "CVE-2020-8569 (GHSA-hwrr-rhmm-vcvf)", Component: "snapshot-controller", Images: []string{"snapshot-controller"},
		Affected: []versionRange{{From: v("2.0.0"), To: v("2.1.3")}, {From: v("3.0.0"), To: v("3.0.2")}},
		Fixed:    "2.1.3, 3.0.2", Impact: "one VolumeSnapshot crash-loops the controller: no snapshot can be taken or deleted",
		Severity: Low, Ref: "https://github.com/kubernetes-csi/external-snapshotter/issues/421"},
	{ID: "CVE-2020-8568 (GHSA-5cgx-vhfp-6cf9)", Component: "Secrets Store CSI driver", Images: []string{"csi-secrets-store/driver"},
		Affected: []versionRange{{From: v("0.0.15"), To: v("0.0.17")}},
		Fixed:    "0.0.17", Impact: "writes to the node's filesystem under /var/lib/kubelet/pods, where other pods' Secrets live",
		Severity: Medium, Ref: "https://github.com/kubernetes-sigs/secrets-store-csi-driver/issues/378"},
	{ID: "CVE-2023-2878 (GHSA-g82w-58jf-gcxx)", Component: "Secrets Store CSI driver", Images: []string{"csi-secrets-store/driver"},
		Affected: []versionRange{{To: v("1.3.3")}},
		Fixed:    "1.3.3", Impact: "logs pods' service account tokens (with tokenRequests, at -v=2 or more)",
		Severity: Medium, Ref: "https://github.com/kubernetes/kubernetes/issues/118419"},
	{ID: "CVE-2024-3744 (GHSA-qjqg-4wg7-957h)", Component: "Azure File CSI driver", Images: []string{"azurefile-csi"},
		Affected: []versionRange{{To: v("1.29.4")}, {From: v("1.30.0"), To: v("1.30.1")}},
		Fixed:    "1.29.4, 1.30.1", Impact: "logs pods' service account tokens (with tokenRequests, at -v=2 or more)",
		Severity: Medium, Ref: "https://github.com/kubernetes/kubernetes/issues/124759"},
	{ID: "CVE-2023-3893", Component: "csi-proxy (Windows nodes)", Images: []string{"csi-proxy"},
		Affected: []versionRange{{To: v("1.1.3")}},
		Fixed:    "1.1.3", Impact: "a user who can create pods becomes administrator of the Windows node",
		Severity: High, Ref: "https://github.com/kubernetes/kubernetes/issues/119594"},
	{ID: "CVE-2026-3864 (GHSA-2mjq-54qg-7w6j)", Component: "NFS CSI driver", Images: []string{"sig-storage/nfsplugin"},
		Affected: []versionRange{{To: v("4.13.1")}},
		Fixed:    "4.13.1", Impact: "a crafted PersistentVolume subDir deletes directories outside its share on the NFS server",
		Severity: Medium, Ref: "https://github.com/kubernetes/kubernetes/issues/137797"},
	{ID: "CVE-2026-3865", Component: "SMB CSI driver", Images: []string{"sig-storage/smbplugin"},
		Affected: []versionRange{{To: v("1.20.1")}},
		Fixed:    "1.20.1", Impact: "a crafted PersistentVolume subDir deletes directories outside its share on the SMB server",
		Severity: Medium, Ref: "https://github.com/kubernetes/kubernetes/issues/138319"},
	{ID: "CVE-2021-36779", Component: "Longhorn", Images: []string{"longhornio/longhorn-manager"},
		Affected: []versionRange{{To: v("1.1.3")}},
		Fixed:    "1.1.3", Impact: "any pod can run binaries on the node through the unauthenticated instance-manager gRPC service",
		Severity: Critical, Ref: "https://github.com/longhorn/longhorn/issues/3419"},
	{ID: "CVE-2021-36780", Component: "Longhorn", Images: []string{"longhornio/longhorn-manager"},
		Affected: []versionRange{{To: v("1.1.3")}},
		Fixed:    "1.1.3", Impact: "any pod can read and write other volumes' replicas through the instance manager",
		Severity: Critical, Ref: "https://github.com/longhorn/longhorn/issues/3420"},
	// Velero: both advisories of github.com/vmware-tanzu/velero/security/advisories.
	{ID: "CVE-2020-3996 (GHSA-72xg-3mcq-52v4)", Component: "Velero", Images: []string{"velero/velero"},
		Affected: []versionRange{{To: v("1.4.3")}, {From: v("1.5.0"), To: v("1.5.2")}},
		Fixed:    "1.4.3, 1.5.2", Impact: "a restore can leave a claim bound to a PersistentVolume that is not its own, exposing another volume's data",
		Severity: Medium, Ref: "https://github.com/vmware-tanzu/velero/security/advisories/GHSA-72xg-3mcq-52v4"},
	{ID: "CVE-2026-32637 (GHSA-j2g6-362q-6qc6)", Component: "Velero", Images: []string{"velero/velero"},
		Affected: []versionRange{{To: v("1.18.1")}},
		Fixed:    "1.18.1", Impact: "a backup tarball planted in the object store writes files outside the restore directory of the Velero server, which holds cluster-wide rights",
		Severity: Medium, Ref: "https://github.com/vmware-tanzu/velero/security/advisories/GHSA-j2g6-362q-6qc6"},
	// Ceph (the image Rook runs, named in CephCluster spec.cephVersion.image):
	// the 19.2.6 / 20.2.4 security release of 2026-08-19.
	{ID: "CVE-2025-30156", Component: "Ceph", Images: []string{"ceph/ceph"},
		Affected: []versionRange{{To: v("19.2.6")}, {From: v("20.0.0"), To: v("20.2.4")}},
		Fixed:    "19.2.6, 20.2.4 (then rotate the CephX keys to aes256k)", Impact: "anyone holding a CephX key (a CSI driver's, for example) can forge service tickets up to cluster administrator: every pool, image and file system",
		Severity: High, Ref: "https://github.com/ceph/ceph/security/advisories/GHSA-7q3q-3975-qw3q", DaemonsOnly: true},
	{ID: "CVE-2026-50152", Component: "Ceph", Images: []string{"ceph/ceph"},
		Affected: []versionRange{{To: v("19.2.6")}, {From: v("20.0.0"), To: v("20.2.4")}},
		Fixed:    "19.2.6, 20.2.4", Impact: "any CephX user allowed to read the monitors reads their config-key store, which holds the LUKS passphrases of encrypted OSDs",
		Severity: Critical, Ref: "https://github.com/ceph/ceph/security/advisories/GHSA-rg9p-5xcp-wm8h", DaemonsOnly: true},
	{ID: "CVE-2026-54330 (GHSA-rmjq-ffrm-j6vj)", Component: "Ceph", Images: []string{"ceph/ceph"},
		Affected: []versionRange{{To: v("19.2.6")}, {From: v("20.0.0"), To: v("20.2.4")}},
		Fixed:    "19.2.6, 20.2.4", Impact: "with the object gateway (RGW), a presigned URL accepts unsigned x-amz-* headers: its holder can copy other objects or change their ACLs as the signer",
		Severity: High, Ref: "https://github.com/ceph/ceph/security/advisories/GHSA-rmjq-ffrm-j6vj", DaemonsOnly: true},
	{ID: "CVE-2026-39944", Component: "Ceph", Images: []string{"ceph/ceph"},
		Affected: []versionRange{{To: v("19.2.6")}, {From: v("20.0.0"), To: v("20.2.4")}},
		Fixed:    "19.2.6, 20.2.4", Impact: "with the object gateway (RGW), anyone holding a valid STS session token can tamper with it up to RGW administrator: every bucket",
		Severity: High, Ref: "https://www.cve.org/CVERecord?id=CVE-2026-39944", DaemonsOnly: true},
}

// parseSemver reads the numeric core of a tag: "v1.2.3", "1.2", "v4.13.1-eks-1",
// "v1.2.3_build". Suffixes are ignored: vendor rebuilds and pre-releases share
// the core. The numbers are read as graph.ParseKubeVersion reads a release.
func parseSemver(tag string) (semver, bool) {
	if i := strings.IndexByte(tag, '_'); i >= 0 {
		tag = tag[:i]
	}
	v, err := graph.ParseKubeVersion(tag)
	if err != nil {
		return semver{}, false
	}
	return semver{v.Major, v.Minor, v.Patch}, true
}

// imageRef splits an image reference into repository (without registry
// host), tag and digest.
func imageRef(ref string) (repo, tag, digest string) {
	ref = strings.TrimSpace(ref)
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i >= 0 && !strings.Contains(ref[i:], "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	return imageRepository(ref), tag, digest
}

// matchesImage reports whether repo ends with one of the suffixes at a path boundary.
func (a *advisory) matchesImage(repo string) bool {
	for _, s := range a.Images {
		if repo == s || strings.HasSuffix(repo, "/"+s) {
			return true
		}
	}
	return false
}

func (a *advisory) affects(ver semver) bool {
	for _, r := range a.Affected {
		if !ver.less(r.From) && ver.less(r.To) {
			return true
		}
	}
	return false
}

// advisoriesTable renders the table for the rule's documentation.
func advisoriesTable() string {
	var b strings.Builder
	b.WriteString("| Advisory | Component (image) | Affected | Fixed | Impact |\n|---|---|---|---|---|\n")
	for _, a := range storageAdvisories {
		var ranges []string
		for _, r := range a.Affected {
			if r.From == (semver{}) {
				ranges = append(ranges, "< "+r.To.String())
			} else {
				ranges = append(ranges, r.From.String()+" to < "+r.To.String())
			}
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s (`%s`) | %s | %s | %s |\n", a.ID, a.Ref, a.Component, strings.Join(a.Images, "`, `"), strings.Join(ranges, "; "), a.Fixed, a.Impact)
	}
	return b.String()
}

var vulnerableStorageImage = &Rule{
	Meta: Meta{
		ID:       "PVL207",
		Name:     "vulnerable-storage-component",
		Title:    "Storage component runs a release with a published vulnerability",
		Severity: High,
		Category: CatWorkload,
		Description: `Patching the storage stack is the customer's side of the shared responsibility model: the CSI drivers, their
sidecars and the storage systems run with access to every volume of their nodes, to the cloud credentials that create
and attach disks, and often privileged. pvlint compares the image tags of every container (operator kinds included)
and the Ceph image a Rook ` + "`CephCluster`" + ` names (` + "`spec.cephVersion.image`" + `: Rook starts the Ceph daemons from it, so no container
in the repository carries it; the Ceph advisories, flaws of the daemons, are judged there only and not on client
containers of the same image such as the Rook toolbox) with a table of published advisories for flaws that reach volume data, escape to the node or leak credentials, and
reports a tag in an affected range with the advisory's own severity.

The table is kept in pvlint's source and was last checked on **` + advisoriesDate + `**; flaws published later are not
known to this build. Tags are compared by their numeric core (` + "`v1.2.2-eks-1`" + ` is 1.2.2: vendor rebuilds may carry
backported fixes, so check the vendor's notes before suppressing). An image pinned only by digest, or with a tag that
is not a version (` + "`latest`" + `), is left undecided.

` + advisoriesTable(),
		Remediation: `Upgrade the component to a fixed release (in charts this is the image tag value, for example
` + "`sidecars.provisionerImage.tag`" + ` or ` + "`image.csiProvisioner.tag`" + `), and keep storage components on a patch schedule:

` + "```yaml" + `
containers:
  - name: csi-provisioner
    image: registry.k8s.io/sig-storage/csi-provisioner:v5.2.0
` + "```" + `

Pin by tag and digest (` + "`image: ...:v5.2.0@sha256:...`" + `) so the version stays visible to reviewers and scanners.`,
		Bad: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: csi-controller
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: csi-controller}
  template:
    metadata:
      labels: {app: csi-controller}
    spec:
      containers:
        - name: csi-provisioner
          image: registry.k8s.io/sig-storage/csi-provisioner:v1.2.0
`}},
		Good: []Example{{Lang: "yaml", Code: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: csi-controller
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: csi-controller}
  template:
    metadata:
      labels: {app: csi-controller}
    spec:
      containers:
        - name: csi-provisioner
          image: registry.k8s.io/sig-storage/csi-provisioner:v5.2.0
`}},
		References: []string{
			"https://kubernetes.io/docs/reference/issues-security/official-cve-feed/",
			"https://github.com/kubernetes/kubernetes/issues/85233",
			"https://github.com/longhorn/longhorn/releases/tag/v1.1.3",
			"https://github.com/vmware-tanzu/velero/security/advisories",
			"https://docs.ceph.com/en/latest/security/",
		},
	},
	Check: func(p *Pass) {
		for _, w := range podWorkloads(p.Graph) {
			for _, c := range graph.Containers(w.Spec) {
				checkStorageImage(p, w.Res, c.Node.Get("image"), upperFirst(containerTitle(c))+" of "+w.Res.Title(), false)
			}
		}
		// Rook runs the Ceph daemons from the image its CephCluster names:
		// no container in the repository carries it.
		for _, cc := range p.Graph.OfKind("CephCluster") {
			if cc.IsKubernetes() && strings.HasPrefix(cc.APIVersion, "ceph.rook.io/") {
				checkStorageImage(p, cc, cc.Root.Path("spec", "cephVersion", "image"), "The Ceph image of "+cc.Title(), true)
			}
		}
	},
}

// checkStorageImage reports the image at n when its tag falls in an
// advisory's range, and leaves a storage image without a version tag
// undecided. who names the container ("Container \"x\" of Deployment \"y\"");
// daemons says whether the image runs a cluster's storage daemons.
func checkStorageImage(p *Pass, r *graph.Resource, n *graph.Node, who string, daemons bool) {
	img, ok := n.Str()
	if !ok || img == "" {
		return
	}
	repo, tag, digest := imageRef(img)
	var matching []*advisory
	for i := range storageAdvisories {
		if storageAdvisories[i].matchesImage(repo) && (daemons || !storageAdvisories[i].DaemonsOnly) {
			matching = append(matching, &storageAdvisories[i])
		}
	}
	if len(matching) == 0 {
		return
	}
	ver, ok := parseSemver(tag)
	if !ok {
		what := "tag " + strconv.Quote(tag)
		if tag == "" && digest != "" {
			what = "a digest only"
		} else if tag == "" {
			what = "no tag"
		}
		p.Undecided(r.AtNode(n), "%s runs %s with %s: whether it is a release with a published vulnerability (%s) cannot be told.", who, repo, what, matching[0].Component)
		return
	}
	for _, a := range matching {
		if !a.affects(ver) {
			continue
		}
		p.Report(r.AtNode(n), "%s runs %s %s, affected by %s: %s. Fixed in %s (table of %s).", who, a.Component, tag, a.ID, a.Impact, a.Fixed, advisoriesDate).
			With(a.Severity)
	}
}
