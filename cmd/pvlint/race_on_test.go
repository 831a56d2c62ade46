//go:build race

package main

// raceEnabled: the test binary has the race detector (make test).
const raceEnabled = true
