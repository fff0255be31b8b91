package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// PAUSE_ON_FAILURE, driven as a person would drive it: the run is started on a terminal (a pseudo-terminal the
// test holds, as a terminal emulator would), a spec fails, and the run stops with the failed page still open
// and a DevTools link to it. It stays there — a few seconds later the page is still open and the run has not
// ended — until Enter is pressed on the terminal; then the spec ends, its page closes and the run exits as failed.
func TestPauseOnFailureHoldsThePageUntilEnter(t *testing.T) {
	suite := build(t, "github.com/e2e-harness/e2e/suites/e2e/testdata/pausesuite")
	profiles, err := os.MkdirTemp("", "pa")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profiles)

	terminal, err := openPseudoTerminal()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer terminal.Close()
	cmd := exec.Command(suite, "-ginkgo.no-color")
	cmd.Env = append(withoutCI(os.Environ()), "PAUSE_ON_FAILURE=1", "BASE_URL=",
		"E2E_PROFILE_ROOT="+profiles, "E2E_OUTPUT_DIR="+t.TempDir())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = terminal.replica, terminal.replica, terminal.replica
	// A session of its own with the pseudo-terminal as its controlling terminal: /dev/tty is that terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = terminal.replica.Close() // the child holds it now; the test speaks through the primary side
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	// The test's own safety net: the run leads a session and a process group of its own.
	defer killLeftovers(cmd.Process.Pid, profiles)
	screen := terminal.record()

	// The prompt: the failed spec, its cause, the page to inspect, and what to press.
	inspect := regexp.MustCompile(`inspect: (http://\S+)`)
	prompt := screen.waitFor(t, ended, 2*time.Minute, "press Enter to go on")
	for _, want := range []string{`PAUSED: "A failing spec under PAUSE_ON_FAILURE clicks a button the editor does not have" failed`,
		"cause:", "testid=no-such-button"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("the prompt does not say %q:\n%s", want, prompt)
		}
	}
	m := inspect.FindStringSubmatch(prompt)
	if m == nil {
		t.Fatalf("the prompt has no DevTools link to the page:\n%s", prompt)
	}
	link, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	pageID := link.Query().Get("ws")[strings.LastIndex(link.Query().Get("ws"), "/")+1:]
	if !pageIsOpen(t, link.Host, pageID) {
		t.Fatalf("the page %s the link names is not open in the browser at %s", pageID, link.Host)
	}

	// It holds: nothing is pressed, so nothing moves. Three seconds is no timing claim, only "it did not go on
	// by itself"; the pause has no budget of its own short of hours.
	select {
	case err := <-ended:
		t.Fatalf("the run ended (%v) without Enter being pressed:\n%s", err, screen.text())
	case <-time.After(3 * time.Second):
	}
	if !pageIsOpen(t, link.Host, pageID) {
		t.Fatal("the failed spec's page closed while the run was paused")
	}

	// Enter releases it: the spec ends as failed, its page and browser close, the run exits 1.
	if _, err := terminal.primary.Write([]byte("\r")); err != nil {
		t.Fatal(err)
	}
	screen.waitFor(t, ended, time.Minute, "going on after")
	select {
	case err := <-ended:
		var exit *exec.ExitError
		if !asExit(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("after Enter the run ended with %v, want exit 1 (a spec failed)", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not end after Enter:\n%s", screen.text())
	}
	assertNothingLeft(t, profiles)
}

func asExit(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*target = e
	return ok
}

// withoutCI drops CI from env: the pause never waits in CI, and the test's own run may well be in CI.
func withoutCI(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "CI=") {
			out = append(out, kv)
		}
	}
	return out
}

// pageIsOpen asks the browser's DevTools HTTP endpoint whether the page target id is still there.
func pageIsOpen(t *testing.T, host, id string) bool {
	t.Helper()
	resp, err := http.Get("http://" + host + "/json/list")
	if err != nil {
		t.Fatalf("asking the browser for its pages: %v", err)
	}
	defer resp.Body.Close()
	var targets []struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
		t.Fatalf("reading the browser's pages: %v", err)
	}
	for _, target := range targets {
		if target.ID == id {
			return true
		}
	}
	return false
}

// pseudoTerminal is a pair from /dev/ptmx: the primary side the test reads and writes, and the replica the
// child process gets as its terminal.
type pseudoTerminal struct {
	primary, replica *os.File
}

func openPseudoTerminal() (*pseudoTerminal, error) {
	primary, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, primary.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		primary.Close()
		return nil, fmt.Errorf("unlocking the pseudo-terminal: %w", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, primary.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		primary.Close()
		return nil, fmt.Errorf("naming the pseudo-terminal: %w", errno)
	}
	replica, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		primary.Close()
		return nil, err
	}
	return &pseudoTerminal{primary: primary, replica: replica}, nil
}

func (p *pseudoTerminal) Close() {
	_ = p.primary.Close()
	_ = p.replica.Close()
}

// record copies what the child writes on the terminal into a screen the test can wait on.
func (p *pseudoTerminal) record() *screen {
	s := &screen{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := p.primary.Read(buf)
			s.mu.Lock()
			s.buf.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor returns the screen once it shows want; it fails the test when the run ends first or limit passes (a
// bound against a hang, not a timing claim).
func (s *screen) waitFor(t *testing.T, ended <-chan error, limit time.Duration, want string) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if text := s.text(); strings.Contains(text, want) {
			return text
		}
		select {
		case err := <-ended:
			time.Sleep(100 * time.Millisecond) // what it wrote last is still on its way through the terminal
			t.Fatalf("the run ended (%v) before the terminal showed %q:\n%s", err, want, s.text())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal did not show %q within %s:\n%s", want, limit, s.text())
		}
	}
}
