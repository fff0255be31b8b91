package harness_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// A page that hangs its main thread fails the action in it with a timeout that names the action, and the
// browser goes on serving other sessions.
func TestHungPageFailsTheActionWithATimeoutAndOtherSessionsGoOn(t *testing.T) {
	p, ctx := openWithContext(t, "hang.html")
	// The click itself lands: the listener runs and never returns, so the harness cannot read the result. The
	// checks had passed, so it is the page's silence that ends the dispatch, not the one-second timeout.
	err := p.ByTestID("freeze").Click(ctx, harness.Timeout(time.Second))
	if err == nil || !strings.Contains(err.Error(), "click testid=freeze") || !strings.Contains(err.Error(), "while dispatching the input") ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a click timeout naming the action and what it was doing, got %v", err)
	}
	err = p.ByTestID("other").Click(ctx, harness.Timeout(time.Second))
	if err == nil || !strings.Contains(err.Error(), "click testid=other") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the next action in the hung page to time out too, got %v", err)
	}
	other := open(t, "button.html")
	if err := other.ByTestID("go").Click(ctx); err != nil {
		t.Fatalf("another session after a hung page: %v", err)
	}
}

// chrome://crash kills one page's renderer: that page's actions fail as a crash, other sessions go on.
func TestRendererCrashIsReportedAsACrash(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	_ = p.Goto(ctx, "chrome://crash")
	err := p.ByTestID("go").Click(ctx, harness.Timeout(2*time.Second))
	if !harness.IsInfrastructureFailure(err) || !strings.Contains(err.Error(), "renderer") {
		t.Fatalf("want a renderer crash, got %v", err)
	}
	if p.Session().Crashed() == nil {
		t.Errorf("the session does not know its page crashed")
	}
	other := open(t, "button.html")
	if err := other.ByTestID("go").Click(ctx); err != nil {
		t.Fatalf("another session after a renderer crash: %v", err)
	}
}

// Killing the browser process in the middle of an action fails that action as a crash, at once, and the
// Browser says it crashed so a suite can start a new one. Nothing is left behind.
func TestKilledBrowserFailsTheActionAsACrash(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	b, err := harness.Launch(ctx, chromeOptions(harness.WithProfileRoot(root))...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := s.Page()
	if err := p.Goto(ctx, pages.URL+"/disabled.html"); err != nil {
		t.Fatal(err)
	}
	// The click waits for a button that stays disabled; the browser dies meanwhile.
	time.AfterFunc(300*time.Millisecond, func() { _ = syscall.Kill(b.PID(), syscall.SIGKILL) })
	deadline, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = p.ByTestID("native").Click(deadline, harness.Timeout(60*time.Second))
	if !harness.IsInfrastructureFailure(err) {
		t.Fatalf("want a crash error, got %v", err)
	}
	if deadline.Err() != nil {
		t.Errorf("the crash was noticed only at the action's deadline")
	}
	select {
	case <-b.Crashed():
	case <-time.After(30 * time.Second):
		t.Fatal("Browser.Crashed was not closed")
	}
	if _, err := b.NewSession(ctx); err == nil {
		t.Errorf("a new session in a dead browser succeeded")
	}
	_ = b.Close()
	if left, _ := filepath.Glob(filepath.Join(root, "*")); len(left) > 0 {
		t.Errorf("profile directories left behind: %v", left)
	}
	if processAlive(b.PID()) {
		t.Errorf("browser process %d is still running", b.PID())
	}
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	// A zombie counts as gone: its parent (leakless) reaps it.
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}
