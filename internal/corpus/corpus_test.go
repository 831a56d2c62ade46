package corpus

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// digest hashes every file under dir with its path.
func digest(t *testing.T, dir string) [32]byte {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(rel + "\x00"))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func TestDeterministic(t *testing.T) {
	gen := func() (string, Stats) {
		dir := t.TempDir()
		var all Stats
		for _, f := range []func() (Stats, error){
			func() (Stats, error) { return K8s(dir, K8sConfig{Files: 7, Documents: 200}) },
			func() (Stats, error) { return Terraform(dir, TerraformConfig{Modules: 5}) },
			func() (Stats, error) { return Helm(dir, HelmConfig{Charts: 2}) },
		} {
			s, err := f()
			if err != nil {
				t.Fatal(err)
			}
			all.add(s)
		}
		return dir, all
	}
	a, sa := gen()
	b, sb := gen()
	if sa != sb || digest(t, a) != digest(t, b) {
		t.Fatalf("two runs differ: %+v %+v", sa, sb)
	}
	if sa.Files != 7+15+20 || sa.Documents != 200+5*5+2+2*(1+7*8) {
		t.Fatalf("stats %+v", sa)
	}
}
