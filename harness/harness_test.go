package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"

	"github.com/e2e-harness/e2e/harness"
)

// One browser for the whole package, as the suites use it; each test gets its own isolated session.
var (
	browser *harness.Browser
	pages   *httptest.Server
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
	pages = httptest.NewServer(http.FileServer(http.Dir("testdata/pages")))
	defer pages.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	browser, err = harness.Open(ctx, harness.WithProfileRoot(root), harness.WithWarmURL(pages.URL+"/button.html"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the browser:", err)
		return 2
	}
	code := m.Run()
	if err := browser.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "closing the browser:", err)
		code = 1
	}
	// The browser must leave nothing behind in its profile root.
	if left, _ := filepath.Glob(filepath.Join(root, "*")); len(left) > 0 {
		fmt.Fprintln(os.Stderr, "profile directories left behind:", left)
		code = 1
	}
	return code
}

// open starts a session on one of the test pages and closes it when the test ends.
func open(t *testing.T, page string) *harness.Page {
	t.Helper()
	ctx := context.Background()
	s, err := browser.NewSession(ctx)
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
	deadline := time.Now().Add(2 * time.Second)
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
