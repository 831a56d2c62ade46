// Package corpus generates deterministic, realistic inputs for pvlint's
// benchmarks and for scripts/compare.sh: Kubernetes manifests, Terraform
// modules and Helm charts shaped like the storage, workload and RBAC
// objects pvlint reads. The same configuration always writes the same bytes,
// so runs on different machines compare like with like.
//
// Nothing generated here is committed: benchmarks write into b.TempDir()
// and the compare script into a scratch directory.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Stats describe what a generator wrote.
type Stats struct {
	Files     int   // files written
	Documents int   // Kubernetes documents (or Terraform resources, Helm templates)
	Bytes     int64 // total size of the files
	Dirs      int   // Terraform modules or Helm charts
}

func (s *Stats) add(o Stats) {
	s.Files += o.Files
	s.Documents += o.Documents
	s.Bytes += o.Bytes
	s.Dirs += o.Dirs
}

// writer writes files under a root and counts them.
type writer struct {
	root  string
	stats Stats
}

func (w *writer) write(rel string, data []byte) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	w.stats.Files++
	w.stats.Bytes += int64(len(data))
	return nil
}

// rng returns a deterministic generator for one unit (file, module, chart)
// so that units can be generated in any order with the same result.
func rng(seed uint64, unit int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(unit)*0x9e3779b97f4a7c15+1))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	apps       = []string{"postgres", "mysql", "redis", "kafka", "zookeeper", "elasticsearch", "mongodb", "minio", "prometheus", "grafana", "loki", "etcd", "rabbitmq", "cassandra", "nginx", "api", "worker", "billing", "search", "ledger"}
	images     = []string{"postgres:16.3", "mysql:8.4", "redis:7.2-alpine", "bitnami/kafka:3.7", "zookeeper:3.9", "elasticsearch:8.14.1", "mongo:7.0", "minio/minio:RELEASE.2024-06-13T22-53-53Z", "prom/prometheus:v2.53.0", "grafana/grafana:11.1.0"}
	sizes      = []string{"1Gi", "5Gi", "10Gi", "20Gi", "50Gi", "100Gi", "200Gi", "500Gi"}
	namespaces = []string{"default", "data", "monitoring", "payments", "search", "platform", "analytics", "staging", "prod", "batch"}
)

func size(r *rand.Rand) string { return pick(r, sizes) }

func name(parts ...any) string { return fmt.Sprint(parts...) }
