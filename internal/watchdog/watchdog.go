// Package watchdog bounds tests that exercise hostile input: where a bound
// does not hold (a read blocks on a named pipe, a render loops), the test
// process fails fast with the test's name instead of hanging the suite or
// running for minutes. It never asserts a time: a bound that holds finishes
// long before the watchdog.
package watchdog

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Start panics, naming the test, if the test has not ended within d. The
// context is done when the test ends or the watchdog fires.
func Start(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	name := t.Name()
	go func() {
		<-ctx.Done()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			panic("no bound held within " + d.String() + ": " + name)
		}
	}()
	return ctx
}
