package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers/k8s"
	"github.com/pvlint/pvlint/rules"
	"github.com/pvlint/pvlint/rules/rulestest"
)

func TestWorkloadRules(t *testing.T) {
	var rs []*rules.Rule
	for _, id := range []string{"PVL201", "PVL202", "PVL203", "PVL204", "PVL205", "PVL206", "PVL207"} {
		r := rules.ByID(id)
		if r == nil {
			t.Fatalf("rule %s is not registered", id)
		}
		rs = append(rs, r)
	}
	rulestest.Run(t, "testdata/workload", rs, rulestest.Options{Undecided: true})
}

// PVL205 (CVE-2021-25741) fires only for kubelets without the fix; the
// fixtures in workload-oldkube are linted for v1.21.4, the last affected
// 1.21 release.
func TestSubPathRuleOnOldKubernetes(t *testing.T) {
	rulestest.Run(t, "testdata/workload-oldkube", []*rules.Rule{rules.ByID("PVL205")},
		rulestest.Options{Linter: linter.Options{Helm: linter.HelmOptions{KubeVersion: "v1.21.4"}}})
}

// The same fixtures stay silent for the default version and every fixed
// release, and fire for each affected one.
func TestSubPathRuleFollowsKubeVersion(t *testing.T) {
	for v, fires := range map[string]bool{
		"": false, "v1.34.0": false, "v1.23.0": false, "v1.22.2": false, "1.21.5": false, "v1.20.11": false, "v1.19.15": false,
		"v1.22.1": true, "v1.21.0": true, "1.20.10": true, "v1.19.14": true, "v1.18.20": true, "v1.21.4-eks-1": true,
	} {
		res, err := linter.Run(linter.Options{Root: ".", Paths: []string{"testdata/workload-oldkube"}, Rules: []*rules.Rule{rules.ByID("PVL205")},
			Helm: linter.HelmOptions{KubeVersion: v}})
		if err != nil {
			t.Fatal(v, err)
		}
		if got := len(res.Findings) > 0; got != fires {
			t.Errorf("--kube-version %q: fires %v, want %v", v, got, fires)
		}
	}
	if _, err := linter.Run(linter.Options{Root: ".", Paths: []string{"testdata/workload-oldkube"}, Helm: linter.HelmOptions{KubeVersion: "latest"}}); err == nil ||
		!strings.Contains(err.Error(), `--kube-version: "latest" is not a Kubernetes version`) {
		t.Errorf("bad --kube-version: %v", err)
	}
}

func TestWorkloadUnknownValuesAreUndecided(t *testing.T) {
	rs := parseWithUnknowns(t, `apiVersion: v1
kind: Pod
metadata: {name: tf, namespace: app}
spec:
  securityContext:
    runAsUser: 1000
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        privileged: placeholder
      volumeMounts:
        - name: host
          mountPath: /host
          readOnly: placeholder
  volumes:
    - name: host
      hostPath:
        path: placeholder
---
apiVersion: v1
kind: Pod
metadata: {name: tf-user, namespace: app}
spec:
  securityContext:
    runAsUser: placeholder
  containers:
    - name: app
      image: example/app:1.0
      volumeMounts:
        - {name: data, mountPath: /data}
  volumes:
    - name: data
      persistentVolumeClaim: {claimName: data}
`, map[string][]string{
		"Pod/tf":      {"spec", "volumes", "0", "hostPath", "path"},
		"Pod/tf-user": {"spec", "securityContext", "runAsUser"},
	})
	// Two unknowns in the first pod: mark the others by hand.
	for _, r := range rs {
		if r.Name == "tf" {
			c := r.Root.Path("spec", "containers", "0")
			for _, n := range []*graph.Node{c.Path("securityContext", "privileged"), c.Path("volumeMounts", "0", "readOnly")} {
				n.Kind = graph.Unknown
			}
		}
	}
	g := graph.Build(rs, nil, graph.Options{})
	for _, c := range []struct {
		id   string
		want string
	}{
		{"PVL201", "[undecided:19]"},
		{"PVL202", "[undecided:15]"},
		{"PVL203", "[undecided:11]"},
		{"PVL204", "[undecided:26]"},
	} {
		var got []string
		for _, f := range runRule(t, c.id, g) {
			kind := "finding"
			if f.Undecided {
				kind = "undecided"
			}
			got = append(got, fmt.Sprintf("%s:%d", kind, f.Loc.Line))
		}
		if fmt.Sprint(got) != c.want {
			t.Errorf("%s: got %v, want %s", c.id, got, c.want)
		}
	}
}

func TestCriticalHostPathsAfterCleaning(t *testing.T) {
	for path, critical := range map[string]bool{
		"/etc/": true, "//etc": true, "/etc/kubernetes/pki": true, "/srv/../etc": true,
		"/var": true, "/var/lib": true, "/var/run": true, "/var/run/docker.sock": true,
		"/run/k3s/containerd/containerd.sock": true, "/var/lib/kubelet/pods/": true,
		"/var/log": false, "/var/log/pods": false, "/data": false, "/etcd-data": false,
		"/opt/cni/bin": false, "/dev/fuse": false, "/mnt/disks/ssd1": false,
		"/var/lib/kubelet/plugins/ebs.csi.aws.com/": false, "/var/lib/kubelet/plugins_registry": false,
		"/var/lib/kubelet/device-plugins": false, "/var/lib/kubelet": true, "/var/lib/kubelet/pods/x/volumes": true,
	} {
		src := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: i}]
  volumes:
    - name: h
      hostPath: {path: %q}
`, path)
		rs, _, err := k8s.ParseBytes("p.yaml", []byte(src), k8s.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fs := runRule(t, "PVL201", graph.Build(rs, nil, graph.Options{}))
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings", path, len(fs))
		}
		if got := fs[0].Severity == rules.Critical; got != critical {
			t.Errorf("%s: critical = %v, want %v", path, got, critical)
		}
	}
}

// PVL202's fix for a read-only hostPath mount with propagation says to drop
// the propagation too (the API refuses recursiveReadOnly with it).
func TestRecursiveReadOnlyAdviceWithPropagation(t *testing.T) {
	res := rulestest.Run(t, "testdata/workload-propagation", []*rules.Rule{rules.ByID("PVL202")}, rulestest.Options{})
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "drop mountPropagation: HostToContainer") {
		for _, f := range res.Findings {
			t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
		}
		t.Fatalf("%d findings", len(res.Findings))
	}
}

// PVL201 on a hostPath volume that no container mounts says so, instead of
// calling the mount read-only.
func TestUnmountedHostPathMessage(t *testing.T) {
	res := rulestest.Run(t, "testdata/workload-propagation", []*rules.Rule{rules.ByID("PVL201")}, rulestest.Options{})
	for _, f := range res.Findings {
		if strings.HasSuffix(f.Loc.File, "unmounted.yaml") && (!strings.Contains(f.Message, "which no container mounts") || strings.Contains(f.Message, "read-only")) {
			t.Errorf("%s:%d: %s", f.Loc.File, f.Loc.Line, f.Message)
		}
	}
}
