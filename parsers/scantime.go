package parsers

import (
	"sync/atomic"
	"time"
)

// ScanTime is the running time that the slow units of one scan share (the
// template engine's runs of its Helm charts, limits.ScanChartTime), so that
// a repository of many charts that each run up to their own timeout cannot
// keep a scan going for hours. Units running at once each take what is
// left; the scan may go past its time by at most one unit per worker.
type ScanTime struct{ left atomic.Int64 } // nanoseconds

// NewScanTime returns d of time to share.
func NewScanTime(d time.Duration) *ScanTime {
	s := &ScanTime{}
	s.left.Store(int64(d))
	return s
}

// Take returns how long the next unit may run: its own limit max (0: none)
// or what is left of the scan's time when that is less, and whether the
// scan's time is the bound. spent is true when nothing is left. A nil
// ScanTime gives max.
func (s *ScanTime) Take(max time.Duration) (d time.Duration, byScan, spent bool) {
	if s == nil {
		return max, false, false
	}
	left := time.Duration(s.left.Load())
	switch {
	case left <= 0:
		return 0, true, true
	case max <= 0 || left < max:
		return left, true, false
	}
	return max, false, false
}

// Spend charges d to the scan's time.
func (s *ScanTime) Spend(d time.Duration) {
	if s != nil {
		s.left.Add(-int64(d))
	}
}
