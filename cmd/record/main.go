// Command record writes a spec by watching you use the page: it opens Chromium at the target, records your
// clicks, typing, key presses, checks, drags and navigations (trusted input only), and on Ctrl-C, when you
// close the window or after --duration, writes them as a Ginkgo spec in this project's style. Alt+Shift+T,
// V, A and C (or the toolbar in the page) assert the text, visibility, value or count of what is under the
// pointer. make record runs it.
//
// Exit codes: 0 the spec was written; 1 the recording failed; 2 bad input (one line says what).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/harness/recorder"
	"github.com/e2e-harness/e2e/suites/e2e"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil))
}

// config is what the command line asks for.
type config struct {
	baseURL, path, out string
	describe, it       string
	headless           bool
	duration           time.Duration
	testIDAttribute    string
	browser            e2e.BrowserConfig
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.baseURL, "base-url", getenv("BASE_URL"), "the deployment to record against (BASE_URL)")
	fs.StringVar(&c.path, "path", "", "where to start, relative to the base URL")
	fs.StringVar(&c.out, "out", "", "the spec file to write (default: print it); its directory names the package")
	fs.StringVar(&c.describe, "describe", "", "the Describe text (default: from the file name)")
	fs.StringVar(&c.it, "it", "does what was recorded", "the It text")
	fs.BoolVar(&c.headless, "headless", false, "no browser window (for tests, and for a browser reached through E2E_BROWSER_URL)")
	fs.DurationVar(&c.duration, "duration", 0, "stop recording after this long (default: on Ctrl-C or when the window closes)")
	fs.StringVar(&c.testIDAttribute, "test-id-attribute", "data-testid", "the attribute test ids live in")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: record --base-url URL [--out suites/editor/new_feature.go] [--headless] [--duration 2m]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.baseURL == "" {
		return c, errors.New("no target: give --base-url or set BASE_URL")
	}
	base, err := e2e.ParseBaseURL(c.baseURL)
	if err != nil {
		return c, fmt.Errorf("--base-url %q: %w", c.baseURL, err)
	}
	c.baseURL = base
	if c.duration < 0 {
		return c, errors.New("--duration must not be negative")
	}
	if c.out != "" && c.out != "-" {
		if !strings.HasSuffix(c.out, ".go") || strings.HasSuffix(c.out, "_test.go") {
			return c, fmt.Errorf("--out %q: want a .go file that is not a _test.go file (specs live in ordinary files, as in suites/editor)", c.out)
		}
		if _, err := os.Stat(c.out); err == nil {
			return c, fmt.Errorf("--out %q exists: choose another name, or remove it first (nothing was overwritten)", c.out)
		}
	}
	if c.describe == "" {
		c.describe = describeFromFile(c.out)
	}
	if c.browser, err = e2e.BrowserConfigFromEnv(getenv); err != nil {
		return c, err
	}
	if c.browser.BrowserURL == "" && c.browser.LauncherURL == "" && !c.headless && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return c, errors.New("no display for a browser window: record with --headless (HEADLESS=1 for make record), or run under xvfb-run")
	}
	return c, nil
}

// describeFromFile turns new_feature.go into "New feature".
func describeFromFile(out string) string {
	name := strings.TrimSuffix(filepath.Base(out), ".go")
	if out == "" || out == "-" || name == "" {
		return "Recorded session"
	}
	name = strings.ReplaceAll(strings.ReplaceAll(name, "_", " "), "-", " ")
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// packageFor is the package of the Go files already in dir, or one named after dir for a new package.
func packageFor(dir string) (pkg string, hasSuite bool, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", false, err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", false, err
		}
		hasSuite = hasSuite || strings.Contains(string(body), "RunSpecs(")
		f, err := parser.ParseFile(token.NewFileSet(), name, body, parser.PackageClauseOnly)
		if err != nil {
			continue
		}
		if p := f.Name.Name; !strings.HasSuffix(p, "_test") && pkg == "" {
			pkg = p
		}
	}
	if pkg == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", false, err
		}
		pkg = packageName(filepath.Base(abs))
	}
	return pkg, hasSuite, nil
}

func packageName(dir string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(dir) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case r == '-' || r == '_' || r == '.':
			if b.Len() > 0 {
				b.WriteRune('_')
			}
		}
	}
	name := strings.Trim(b.String(), "_")
	if name == "" || name == "main" {
		return "recorded"
	}
	return name
}

// run is the command; started, when set, receives the recorder once it records (tests drive its page).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, started func(*recorder.Recorder)) int {
	c, err := parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "record:", err)
		return 2
	}
	pkg, hasSuite := "recorded", true
	if c.out != "" && c.out != "-" {
		if pkg, hasSuite, err = packageFor(filepath.Dir(c.out)); err != nil {
			fmt.Fprintln(stderr, "record:", err)
			return 2
		}
	}
	rec, err := recorder.Start(ctx, recorder.Options{
		URL: c.baseURL + c.path, BaseURL: c.baseURL, Package: pkg, Describe: c.describe, It: c.it,
		Headless: c.headless, Overlay: !c.headless, BrowserOptions: c.browser.Options(),
		TestIDAttribute: c.testIDAttribute, Log: func(line string) { fmt.Fprintln(stderr, line) },
	})
	if err != nil {
		fmt.Fprintln(stderr, "record:", err)
		if errors.Is(err, harness.ErrNoDisplay) {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stderr, "record: recording %s — use the page; Alt+Shift+T/V/A/C asserts the text, visibility, value or count of what is under the pointer; Ctrl-C (or closing the window) writes the spec\n", c.baseURL+c.path)
	if started != nil {
		started(rec)
	}
	var timeout <-chan time.Time
	if c.duration > 0 {
		timer := time.NewTimer(c.duration)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-ctx.Done():
	case <-rec.Done():
	case <-timeout:
	}
	src, err := rec.Stop(context.WithoutCancel(ctx))
	if err != nil && len(src) == 0 {
		fmt.Fprintln(stderr, "record:", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "record: (closing the browser)", err)
	}
	if c.out == "" || c.out == "-" {
		_, _ = stdout.Write(src)
		return 0
	}
	if err := writeSpec(c.out, src, pkg, hasSuite, c.describe, stderr); err != nil {
		fmt.Fprintln(stderr, "record:", err)
		_, _ = stdout.Write(src) // the recording is not lost
		return 1
	}
	return 0
}

func writeSpec(out string, src []byte, pkg string, hasSuite bool, describe string, stderr io.Writer) error {
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(src); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "record: wrote", out)
	if hasSuite {
		return nil
	}
	suite, err := recorder.SuiteSource(pkg, describe)
	if err != nil {
		return err
	}
	suitePath := filepath.Join(dir, pkg+"_suite_test.go")
	if err := os.WriteFile(suitePath, suite, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "record: wrote", suitePath, "(a new package needs a suite to run its specs)")
	return nil
}
