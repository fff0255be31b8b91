// Command e2e-check checks a run's environment before any suite starts, so that a wrong variable, a missing
// browser or an unreachable target is one clear line instead of a page of failed specs. make e2e and make test
// run it first.
//
// Exit codes: 0 ready; 2 something must be fixed first (the line says what).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/e2e-harness/e2e/suites/e2e"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e2e.Preflight(ctx, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(2)
	}
}
