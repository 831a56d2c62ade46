// Package memstat samples the Go heap while a benchmark runs and reports its
// high-water mark, which testing's -benchmem (bytes allocated) cannot show.
package memstat

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetrics are the heap's in-use classes: live and not yet swept objects,
// plus the free space inside in-use spans (together, MemStats.HeapInuse).
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

// Sampler records the peak heap in use between Start and Stop.
type Sampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

// Start collects garbage (so earlier work does not count) and samples the
// heap every interval (1ms if zero) until Stop.
func Start(interval time.Duration) *Sampler {
	if interval <= 0 {
		interval = time.Millisecond
	}
	runtime.GC()
	s := &Sampler{stop: make(chan struct{})}
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, m := range heapMetrics {
		samples[i].Name = m
	}
	read := func() {
		metrics.Read(samples)
		var v uint64
		for _, sm := range samples {
			if sm.Value.Kind() == metrics.KindUint64 {
				v += sm.Value.Uint64()
			}
		}
		if v > s.peak {
			s.peak = v
		}
	}
	read()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peak heap in use, in bytes.
func (s *Sampler) Stop() uint64 {
	close(s.stop)
	s.wg.Wait()
	return s.peak
}
