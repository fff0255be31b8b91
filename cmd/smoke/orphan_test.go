package main

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/suites/suiterun/proctest"
)

// orphanLimit is how soon after the runner dies its spec process and that process's browser must be gone: the
// requirement itself, not a measurement of this machine.
const orphanLimit = 2 * time.Second

// The runner killed outright (SIGKILL: an OOM kill, a scheduler that lost its job) while a check has its
// page open takes its spec process and the browser with it within orphanLimit. The target never answers the
// check's page, and the check's own time limit is minutes away, so a spec process that is gone in time did
// not end by itself.
func TestKillingTheRunnerEndsItsSpecProcessAndBrowser(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	target, asked := newHangingTarget(t, f.URL())
	profiles, err := os.MkdirTemp("", "so")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profiles)
	p := newPipeline(t, map[string]string{"E2E_PROFILE_ROOT": profiles})
	wait, cmd, stdout := p.startWatching("--target", target, "--env", "prod", "--focus", incidentFocus,
		"--retries", "0", "--timeout", "5m")
	runner := cmd.Process.Pid
	defer killAllUsing(profiles)
	defer func() { _ = cmd.Process.Kill() }()

	select {
	case <-asked:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("the check did not ask for its page within two minutes:\n%s", wait())
	}
	specProcs := proctest.Children(runner)
	if len(specProcs) != 1 {
		t.Fatalf("the runner (pid %d) has child processes %v, want its spec process\n%s", runner, specProcs, stdout())
	}
	if browsers := browsersUnder(profiles); len(browsers) == 0 {
		t.Fatalf("no browser uses a profile under %s while the check has its page open", profiles)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	if r := wait(); r.code != -1 {
		t.Fatalf("want the runner killed, got %s", r)
	}
	for {
		specsLeft, browsersLeft := proctest.Running(specProcs), browsersUnder(profiles)
		if len(specsLeft) == 0 && len(browsersLeft) == 0 {
			break
		}
		if time.Since(killed) > orphanLimit {
			t.Fatalf("%s after the runner was killed, still running: spec process %v, browser processes %v",
				orphanLimit, specsLeft, browsersLeft)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The profile goes too: removed by the spec process as it closed the browser, or by the browser's janitor.
	// How long that takes is not the requirement, so this waits for it, bounded only against one that hangs.
	waitFor(t, "the browser profile to be removed", 2*time.Minute, func() bool {
		left, _ := filepath.Glob(filepath.Join(profiles, "*"))
		return len(left) == 0
	})
}

// newHangingTarget serves the fixture editor but never answers the editor page itself (a request with ?doc=):
// asked is closed when the first such request arrives. The request is held until the browser goes away.
func newHangingTarget(t *testing.T, fixtureURL string) (target string, asked <-chan struct{}) {
	t.Helper()
	upstream, _ := url.Parse(fixtureURL)
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	first := make(chan struct{})
	var once sync.Once
	released := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && r.URL.Query().Get("doc") != "" {
			once.Do(func() { close(first) })
			select {
			case <-r.Context().Done():
			case <-released:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	})}
	l := listen(t)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		close(released)
		_ = srv.Close()
	})
	return "http://" + l.Addr().String() + "/", first
}

// browsersUnder lists the live browser processes whose command line names a path under root. The profile
// janitors (and the rm each runs) name it too, but they are the clean-up, not the leak.
func browsersUnder(root string) []int {
	var out []int
	for _, pid := range proctest.PIDs() {
		cmdline, ok := proctest.Cmdline(pid)
		if !ok || !strings.Contains(cmdline, root) || isJanitor(cmdline) {
			continue
		}
		state, parent, ok := proctest.State(pid)
		if !ok || state == "Z" {
			continue
		}
		if parentCmd, ok := proctest.Cmdline(parent); ok && isJanitor(parentCmd) {
			continue
		}
		out = append(out, pid)
	}
	return out
}

func isJanitor(cmdline string) bool { return strings.Contains(cmdline, "e2e-profile-janitor") }

// killAllUsing is the test's own safety net: it ends any browser a failed run left under root.
func killAllUsing(root string) {
	for _, pid := range browsersUnder(root) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}
