package rules

import (
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
)

// Helpers shared by the storage (PVL1xx) and workload (PVL2xx) families.

// paramFold finds a StorageClass parameter by key regardless of case, for
// drivers that lower-case parameter keys (EBS, GCE PD and Azure Disk CSI).
// It returns the key as written and its value, or "", nil.
func paramFold(params *graph.Node, key string) (string, *graph.Node) {
	var k string
	var v *graph.Node
	params.Each(func(name string, n *graph.Node) {
		if v == nil && strings.EqualFold(name, key) {
			k, v = name, n
		}
	})
	return k, v
}

// podWorkload is one pod spec of a workload with the volumes it can mount,
// by name. An object with several pod templates (an ECK Elasticsearch with
// node sets, a Beat) gives one podWorkload per template.
type podWorkload struct {
	Res     *graph.Resource
	Spec    *graph.Node
	Volumes map[string]*graph.Node // spec.volumes[] by name
	// ClaimTemplates are the claim templates that go with this pod spec
	// (StatefulSet and ECK volumeClaimTemplates) by name; the controller
	// gives each pod a claim that containers mount by that name.
	ClaimTemplates map[string]*graph.Node
	// VM: a KubeVirt VirtualMachineInstance spec; hostDisk volumes are
	// files of the node and count as hostPath.
	VM bool
}

// podWorkloads returns every pod spec of every workload (built-in and
// operator kinds, see graph.PodTemplates), computed once per graph and
// shared by the rules that walk pod specs.
func podWorkloads(g *graph.Graph) []*podWorkload {
	return g.Memo("rules/podWorkloads", func() any {
		var out []*podWorkload
		for _, r := range g.Workloads() {
			for _, t := range r.PodTemplates() {
				spec := t.Spec
				if spec == nil || spec.Kind != graph.Map {
					continue
				}
				w := &podWorkload{Res: r, Spec: spec, Volumes: map[string]*graph.Node{}, ClaimTemplates: map[string]*graph.Node{}, VM: t.VM}
				for _, v := range graph.Volumes(spec) {
					if v.Name != "" {
						w.Volumes[v.Name] = v.Node
					}
				}
				for _, ct := range t.Claims.List() {
					if name, ok := ct.Path("metadata", "name").Str(); ok && name != "" {
						w.ClaimTemplates[name] = ct
					}
				}
				out = append(out, w)
			}
		}
		return out
	}).([]*podWorkload)
}

// persistentVolume reports whether the named volume is backed by a
// PersistentVolumeClaim: a persistentVolumeClaim or ephemeral volume, or a
// StatefulSet claim template (which wins over a pod volume of the same name).
func (w *podWorkload) persistentVolume(name string) bool {
	if w.ClaimTemplates[name] != nil {
		return true
	}
	v := w.Volumes[name]
	return v.Has("persistentVolumeClaim") || v.Has("ephemeral") || (w.VM && v.Has("dataVolume"))
}

// mountsPersistent reports whether the pod mounts any persistent volume or
// has claim templates.
func (w *podWorkload) mountsPersistent() bool {
	if len(w.ClaimTemplates) > 0 {
		return true
	}
	for name := range w.Volumes {
		if w.persistentVolume(name) {
			return true
		}
	}
	return false
}

// hostPath returns the named volume's hostPath source, or nil.
func (w *podWorkload) hostPath(name string) *graph.Node {
	if w.ClaimTemplates[name] != nil {
		return nil
	}
	key := "hostPath"
	if w.VM {
		key = "hostDisk" // KubeVirt: a disk image file on the node
	}
	hp := w.Volumes[name].Get(key)
	if hp == nil || hp.Kind == graph.Null {
		return nil
	}
	return hp
}

// volumeMount is one entry of a container's volumeMounts.
type volumeMount struct {
	Node      *graph.Node
	Name      string // the volume it mounts
	Container graph.Container
}

// volumeMounts returns the mounts of a container that name a volume.
func volumeMounts(c graph.Container) []volumeMount {
	var out []volumeMount
	for _, m := range c.Node.Get("volumeMounts").List() {
		if name, ok := m.Get("name").Str(); ok && name != "" {
			out = append(out, volumeMount{Node: m, Name: name, Container: c})
		}
	}
	return out
}

// writable says whether a mount can write to its volume: True (writable),
// False (read-only, at the mount or, for a claim, at the volume) or Unsure
// (an unknown value decides it).
func (w *podWorkload) writable(m volumeMount) graph.Truth {
	ro := m.Node.Get("readOnly")
	switch ro.Bool() {
	case graph.True:
		return graph.False
	case graph.Unsure:
		if ro.HasUnknown() {
			return graph.Unsure
		}
	}
	if w.ClaimTemplates[m.Name] == nil {
		// persistentVolumeClaim.readOnly forces every mount of the claim read-only.
		pro := w.Volumes[m.Name].Path("persistentVolumeClaim", "readOnly")
		switch pro.Bool() {
		case graph.True:
			return graph.False
		case graph.Unsure:
			if pro.HasUnknown() {
				return graph.Unsure
			}
		}
	}
	return graph.True
}

// containerTitle names a container in messages: `container "app"`,
// `init container "setup"`, `ephemeral container "debug"`.
func containerTitle(c graph.Container) string {
	name, _ := c.Node.Get("name").Str()
	kind := "container"
	switch c.List {
	case "initContainers":
		kind = "init container"
	case "ephemeralContainers":
		kind = "ephemeral container"
	}
	return kind + " \"" + name + "\""
}
