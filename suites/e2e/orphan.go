package e2e

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// A spec process ends, and ends its browser, when the process that started it is gone.
//
// Ginkgo's parallel spec processes keep running when the Ginkgo CLI is killed (SIGKILL, an OOM kill, a CI
// runner that loses its agent), and so do their browsers, until the suite ends by itself: leakless ends a
// browser only when the process that launched it dies, and that is the spec process, not the CLI.
//
// How the spec process finds out: it polls os.Getppid against the parent it had at start. When a parent
// dies the kernel hands its children to init (or to the nearest subreaper) at once, so the answer changes the
// moment the CLI is gone, costs one system call, and cannot be wrong on a loaded machine.
//   - Watching the CLI's server instead would mean asking it over the network: Ginkgo's client makes one
//     request at a time and holds no connection we could see close, and a request that is merely slow on a
//     loaded machine must not be taken for a dead CLI, or a healthy run kills itself.
//   - prctl(PR_SET_PDEATHSIG) fires when the parent's *thread* that started us ends, not the parent process
//     (golang/go#27505), and the Ginkgo CLI does not keep that thread for us; it is also Linux only, and it
//     has to be re-checked against getppid anyway for a parent that died before the call.
//
// On Windows os.Getppid keeps naming the original parent, so there the watch never fires and nothing changes.

// parentAtStart is the process that started this one, read before any spec runs.
var parentAtStart = os.Getppid()

const (
	// parentPoll is how often the parent is looked at: a fraction of the 2 s in which an orphaned spec process
	// and its browser must be gone.
	parentPoll = 100 * time.Millisecond
	// orphanCloseGrace bounds the orderly Browser.Close (sessions, the browser, its profile). When it takes
	// longer, the process exits anyway: leakless then kills the browser's process group the moment this
	// process is gone, and the profile janitor removes the profile.
	orphanCloseGrace = time.Second
	// orphanExitCode is what an orphaned spec process exits with; nobody waits for it but init.
	orphanExitCode = 3
)

var watchParentOnce sync.Once

// endWithParent starts, once per process, the watch that closes this process's browser and exits when the
// process that started it is gone. The glue calls it where it opens the browser.
func endWithParent() {
	watchParentOnce.Do(func() { go watchParent(parentAtStart) })
}

func watchParent(parent int) {
	tick := time.NewTicker(parentPoll)
	defer tick.Stop()
	for range tick.C {
		if os.Getppid() != parent {
			break
		}
	}
	// Held until the exit: a browser being opened at this moment is never stored, and dies with this process
	// through leakless.
	browserMu.Lock()
	b := browser
	if b != nil {
		closed := make(chan struct{})
		go func() {
			_ = b.Close()
			close(closed)
		}()
		select {
		case <-closed:
		case <-time.After(orphanCloseGrace):
		}
	}
	// Written last: with the CLI gone, stderr may be a pipe nobody reads, and a write to it can end this
	// process (SIGPIPE) — which is what we are about to do anyway.
	fmt.Fprintf(os.Stderr, "e2e: the process that started this one (pid %d) is gone; closed the browser and exiting\n", parent)
	os.Exit(orphanExitCode)
}
