// Command parsefloor is the floor scripts/compare.sh measures pvlint
// against: it reads every .yaml/.yml file under the folders given and
// decodes each document into a go.yaml.in/yaml/v3 node tree (positions
// kept, nothing else), on every core, keeping nothing. No linter that
// reports lines and columns through yaml.v3 can be faster.
//
//	parsefloor DIR...
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: parsefloor DIR...")
		os.Exit(2)
	}
	paths := make(chan string, 64)
	var docs, bad atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					bad.Add(1)
					continue
				}
				dec := yaml.NewDecoder(bytes.NewReader(data))
				for {
					var n yaml.Node
					if err := dec.Decode(&n); err != nil {
						if !errors.Is(err, io.EOF) {
							bad.Add(1)
						}
						break
					}
					docs.Add(1)
				}
			}
		}()
	}
	files := 0
	for _, root := range os.Args[1:] {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files++
				paths <- p
			}
			return nil
		})
	}
	close(paths)
	wg.Wait()
	fmt.Printf("%d files, %d documents, %d unreadable or invalid\n", files, docs.Load(), bad.Load())
}
