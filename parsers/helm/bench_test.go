package helm

import (
	"testing"

	"github.com/pvlint/pvlint/linter/graph"
)

func TestPostgresChart(t *testing.T) {
	res := render(t, "charts/postgres", Options{})
	if len(res.Resources) != 12 {
		t.Errorf("%d resources, want 12", len(res.Resources))
	}
	sts := find(t, res, "StatefulSet", "release-name-postgres")
	at(t, sts, "spec.volumeClaimTemplates.0.spec.storageClassName", 74, 9, graph.Exact)
	at(t, sts, "spec.volumeClaimTemplates.0.spec.accessModes.0", 72, 13, graph.Exact)
	if n := sts.Root.Path("spec", "volumeClaimTemplates", "0", "metadata", "annotations", "backup.velero.io/backup-volumes"); n == nil || n.KeyPos().Line != 67 || n.Precision != graph.Insertion {
		t.Errorf("annotation: %v %v %v", n.KeyPos(), n.Pos(), n.Precision)
	}
	at(t, sts, "spec.template.spec.volumes.1.emptyDir", 59, 9, graph.Insertion)
	at(t, sts, "spec.template.spec.containers.0.volumeMounts.2.mountPath", 52, 15, graph.Exact)
	at(t, sts, "spec.template.spec.containers.0.env.2.valueFrom.secretKeyRef.key", 39, 19, graph.Exact)
	at(t, sts, "spec.template.spec.securityContext.fsGroup", 23, 9, graph.Insertion)
	cj := find(t, res, "CronJob", "release-name-postgres-backup")
	at(t, cj, "spec.jobTemplate.spec.template.spec.volumes.0.persistentVolumeClaim.claimName", 34, 17, graph.Exact)
	if cj.KindPos.Line != 14 {
		t.Errorf("CronJob kind at %v", cj.KindPos)
	}
}

func BenchmarkRender(b *testing.B) {
	root := testRoot(b)
	b.ReportAllocs()
	for b.Loop() {
		res := Render(root, "charts/postgres", Options{})
		if len(res.Errors) > 0 || len(res.Resources) == 0 {
			b.Fatal(res.Errors)
		}
	}
}
