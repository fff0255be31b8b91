package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/e2e-harness/e2e/harness"
)

// One browser for the whole package, as the suites use it; each test gets its own isolated session. It starts
// with the first test that needs it, so the fuzz targets and the tests that need no browser run without one.
var (
	pages       *httptest.Server
	profileRoot string

	browserOnce  sync.Once
	browserValue *harness.Browser
	browserErr   error
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	root, err := os.MkdirTemp("", "ht")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(root)
	profileRoot = root
	pages = httptest.NewServer(http.FileServer(http.Dir("testdata/pages")))
	defer pages.Close()
	code := m.Run()
	if browserValue != nil {
		if err := browserValue.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing the browser:", err)
			code = 1
		}
	}
	// The browser must leave nothing behind in its profile root.
	if left, _ := filepath.Glob(filepath.Join(root, "*")); len(left) > 0 {
		fmt.Fprintln(os.Stderr, "profile directories left behind:", left)
		code = 1
	}
	return code
}

// chromeOptions are the options every browser a test launches gets: CHROME_BIN, when set, names the binary
// (the harness itself reads no environment variable).
func chromeOptions(opts ...harness.BrowserOption) []harness.BrowserOption {
	if bin := os.Getenv("CHROME_BIN"); bin != "" {
		opts = append(opts, harness.WithChromeBin(bin))
	}
	return opts
}

// testBrowser is the package's shared browser, launched on first use.
func testBrowser() *harness.Browser {
	browserOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		browserValue, browserErr = harness.Open(ctx, chromeOptions(harness.WithProfileRoot(profileRoot),
			harness.WithWarmURL(pages.URL+"/button.html"))...)
	})
	if browserErr != nil {
		panic("starting the browser: " + browserErr.Error())
	}
	return browserValue
}

// open starts a session on one of the test pages and closes it when the test ends.
func open(t *testing.T, page string) *harness.Page {
	t.Helper()
	ctx := context.Background()
	s, err := testBrowser().NewSession(ctx)
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p := s.Page()
	if err := p.Goto(ctx, pages.URL+"/"+page); err != nil {
		t.Fatalf("goto %s: %v", page, err)
	}
	return p
}

// short is a context for actions that are expected to fail: no point waiting the default five seconds.
func short(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

func text(t *testing.T, l *harness.Locator) string {
	t.Helper()
	s, err := l.Text(context.Background())
	if err != nil {
		t.Fatalf("reading %s: %v", l, err)
	}
	return s
}

func wantText(t *testing.T, l *harness.Locator, want string) {
	t.Helper()
	// Generous: the text is expected to change at once, and a loaded machine must not make that a failure.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := text(t, l)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: text is %q, want %q", l, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func protoTarget(u string) proto.TargetCreateTarget { return proto.TargetCreateTarget{URL: u} }
