package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/internal/config"
	"github.com/e2e-harness/e2e/reports"
)

// PAUSE_ON_FAILURE keeps a failed spec's page open for a person to look at, and waits until they press Enter.
//
// The person is at the terminal the run was started from, and that is what the pause talks to: the spec
// process opens /dev/tty, the controlling terminal it shares with make and the Ginkgo CLI. Its own stdin and
// stdout are no use: the Ginkgo CLI gives spec processes no stdin and holds their output until the spec ends.
// A run with no controlling terminal (CI runners, cron, nohup, a pipeline under another program) cannot open
// /dev/tty, and a run with CI set never waits either: there is nobody to press Enter. A test drives the pause
// by starting the run on a pseudo-terminal of its own, as a terminal emulator would.

// terminalPath is the controlling terminal of the process.
const terminalPath = "/dev/tty"

// pauseCleanupTimeout bounds how long a paused spec's cleanup may wait for the person: long enough for a debugging
// session, short of forever. make e2e gives the whole run a longer --timeout when PAUSE_ON_FAILURE is on.
const pauseCleanupTimeout = 12 * time.Hour

// PauseAvailable says whether PAUSE_ON_FAILURE can pause this run, and when it cannot, why.
func PauseAvailable(getenv func(string) string) (bool, string) {
	tty, why := openPauseTerminal(getenv)
	if tty != nil {
		_ = tty.Close()
	}
	return tty != nil, why
}

func openPauseTerminal(getenv func(string) string) (*os.File, string) {
	if ci := getenv("CI"); ci != "" {
		if on, err := config.ParseBool(ci); err != nil || on {
			return nil, "CI is set, and a run in CI never waits for a person"
		}
	}
	tty, err := os.OpenFile(terminalPath, os.O_RDWR, 0)
	if err != nil {
		return nil, "the run has no terminal to wait on"
	}
	return tty, ""
}

// pauseOnFailure tells the person at the terminal that the spec failed and how to inspect its page, which is
// still open, and returns when they press Enter or the run is interrupted (Ctrl-C reaches every process of the
// terminal, and Ginkgo then ends ctx). trace is the spec's trace index, when it has one.
func pauseOnFailure(ctx context.Context, p *harness.Page, spec types.SpecReport, trace string) {
	tty, _ := openPauseTerminal(os.Getenv)
	if tty == nil {
		return
	}
	// Closing the terminal also ends the read below when the run is interrupted instead.
	defer tty.Close()
	writePausePrompt(tty, p, spec, trace)
	began := time.Now()
	pressed := make(chan struct{})
	go func() {
		_, _ = bufio.NewReader(tty).ReadString('\n')
		close(pressed)
	}()
	select {
	case <-pressed:
		fmt.Fprintf(tty, "e2e: going on after %s\n", time.Since(began).Round(time.Second))
	case <-ctx.Done():
		fmt.Fprintln(tty, "\ne2e: interrupted; closing the page")
	}
}

func writePausePrompt(w io.Writer, p *harness.Page, spec types.SpecReport, trace string) {
	fmt.Fprintf(w, "\ne2e: PAUSED: %q failed\n", spec.FullText())
	fmt.Fprintf(w, "  cause:   %s\n", clipLine(reports.OneLineCause(spec), 400))
	if u := p.InspectURL(); u != "" {
		fmt.Fprintf(w, "  inspect: %s\n", u)
		fmt.Fprintf(w, "           (its page is still open: open the link in Chrome or Chromium on this machine)\n")
	}
	if trace != "" {
		fmt.Fprintf(w, "  trace:   %s\n", trace)
	}
	fmt.Fprint(w, "  press Enter to go on, Ctrl-C to stop the run\n")
}

func clipLine(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
