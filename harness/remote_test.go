package harness_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// startProcess starts cmd in its own process group, returns the first match of pattern in its output, and
// kills the group when the test ends.
func startProcess(t *testing.T, cmd *exec.Cmd, pattern string) string {
	t.Helper()
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = pw.Close()
	})
	re := regexp.MustCompile(pattern)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[len(m)-1]:
				default:
				}
			}
		}
	}()
	select {
	case s := <-found:
		return s
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not print %q", cmd.Path, pattern)
		return ""
	}
}

// clickThrough checks a remote browser end to end: an isolated session, a page from this machine's loopback,
// a click that lands.
func clickThrough(t *testing.T, b *harness.Browser) {
	t.Helper()
	ctx := context.Background()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := s.Page()
	if err := p.Goto(ctx, pages.URL+"/button.html"); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("go").Click(ctx); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
}

// A browser someone else runs (chromium --remote-debugging-port, as on another host, or behind browserless or
// Selenium Grid's CDP endpoint): Connect drives it through its ws:// or http:// address, and Close leaves it running.
func TestConnectToABrowserStartedElsewhere(t *testing.T) {
	bin, profile := chromeAndScratch(t, "rc")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
		"--user-data-dir="+profile, "--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")
	// Killed at the end, it cannot clean its own temporary files: they go where the test removes them.
	cmd.Env = append(os.Environ(), "TMPDIR="+profile)
	wsURL := startProcess(t, cmd, `DevTools listening on (ws://\S+)`)

	for _, address := range []string{wsURL, "http://" + strings.Split(strings.TrimPrefix(wsURL, "ws://"), "/")[0]} {
		b, err := harness.Connect(context.Background(), address)
		if err != nil {
			t.Fatalf("connect %s: %v", address, err)
		}
		clickThrough(t, b)
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
			t.Fatalf("closing the connection ended the remote browser: %v", err)
		}
	}
}

// rod's launcher service (rod-manager) launches a browser per connection on its host, with the flags the
// harness sends (hermetic network included), and kills it when the connection closes.
func TestLaunchThroughRodManager(t *testing.T) {
	// The manager's browsers (profiles and temporary files) live under its TMPDIR, which the test removes.
	bin, tmp := chromeAndScratch(t, "rm")
	manager := filepath.Join(t.TempDir(), "rod-manager")
	if out, err := exec.Command("go", "build", "-o", manager, "github.com/go-rod/rod/lib/launcher/rod-manager").CombinedOutput(); err != nil {
		t.Fatalf("building rod-manager: %v\n%s", err, out)
	}
	// rod's -rod flag sets the manager's defaults: the browser it launches is this machine's Chromium (a path
	// outside rod's download folder, hence --allow-all, as an operator running the service would set it).
	cmd := exec.Command(manager, "-rod=bin="+bin, "--address", "127.0.0.1:0", "--allow-all")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	addr := startProcess(t, cmd, `listening on: (\S+)`)
	b, err := harness.Open(context.Background(), harness.WithLauncherURL("ws://"+addr))
	if err != nil {
		t.Fatal(err)
	}
	clickThrough(t, b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}
