package harness_test

import (
	"context"
	"errors"
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

// openOwn launches a browser of the test's own, for options the shared one cannot have: opts come on top of a
// private profile root and no session pool. It returns a page on one of the test pages; the session and the
// browser close when the test ends.
func openOwn(t *testing.T, page string, opts ...harness.BrowserOption) *harness.Page {
	t.Helper()
	ctx := context.Background()
	base := []harness.BrowserOption{harness.WithProfileRoot(t.TempDir()), harness.WithPoolSize(0)}
	b, err := harness.Launch(ctx, chromeOptions(append(base, opts...)...)...)
	if err != nil {
		t.Fatalf("launching a browser: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return openIn(t, b, page)
}

// chromeAndScratch returns the Chromium the tests run and a scratch folder, removed when the test ends, for a
// browser started outside the harness (its profile, its temporary files).
func chromeAndScratch(t *testing.T, prefix string) (bin, dir string) {
	t.Helper()
	bin, err := harness.FindChrome(os.Getenv("CHROME_BIN"))
	if err != nil {
		t.Fatal(err)
	}
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return bin, dir
}

// open starts a session on one of the test pages in the shared browser and closes it when the test ends.
func open(t testing.TB, page string) *harness.Page {
	t.Helper()
	return openIn(t, testBrowser(), page)
}

// openWithContext is open for a test that runs several actions: it also returns the test's context for them,
// which ends when the test does, so an action a failed test left waiting does not outlive it.
func openWithContext(t *testing.T, page string) (*harness.Page, context.Context) {
	t.Helper()
	return open(t, page), t.Context()
}

// openIn starts a session of b on one of the test pages and closes it when the test ends.
func openIn(t testing.TB, b *harness.Browser, page string) *harness.Page {
	t.Helper()
	ctx := context.Background()
	s, err := b.NewSession(ctx)
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

// clickCase is a click a person can make: on page, the target is clicked, and the result (a text the page's
// handler writes) then reads want. The handler running is the proof the click reached the target.
type clickCase struct {
	name   string
	page   string
	target func(*harness.Page) *harness.Locator
	result func(*harness.Page) *harness.Locator
	want   string
}

// runClicks runs each case as a subtest, on a page of its own.
func runClicks(t *testing.T, cases []clickCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := open(t, c.page)
			if err := c.target(p).Click(context.Background()); err != nil {
				t.Fatal(err)
			}
			wantText(t, c.result(p), c.want)
		})
	}
}

// byTestID locates an element of the page by its test id, for a case table.
func byTestID(id string) func(*harness.Page) *harness.Locator {
	return func(p *harness.Page) *harness.Locator { return p.ByTestID(id) }
}

// inFrame locates an element by its test id inside the iframe with test id frame.
func inFrame(frame, id string) func(*harness.Page) *harness.Locator {
	return func(p *harness.Page) *harness.Locator { return p.ByTestID(frame).Frame().ByTestID(id) }
}

// wantErrorAs fails the test at once unless err is, or wraps, a T; it returns that T.
func wantErrorAs[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("want %T, got %v", target, err)
	}
	return target
}

func protoTarget(u string) proto.TargetCreateTarget { return proto.TargetCreateTarget{URL: u} }
