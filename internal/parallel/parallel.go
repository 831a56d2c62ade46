// Package parallel runs the iterations of a loop on every core. It imports
// nothing of pvlint's, so that the graph, a leaf package, may use it too.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i in [0, n) on up to GOMAXPROCS goroutines and
// returns when every call has returned; with one core or one iteration it
// runs them in order on the caller's goroutine. Iterations are claimed in
// chunks, so that a loop of many cheap ones (a pod template walk per
// resource) is not dominated by handing them out, while a loop of a few
// costly ones (a Terraform root module each) still spreads one by one. fn
// must be safe to call concurrently for different i; results go by index.
func For(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	chunk := max(1, n/(workers*8))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(int64(chunk))) - chunk
				if from >= n {
					return
				}
				for i := from; i < min(from+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}
