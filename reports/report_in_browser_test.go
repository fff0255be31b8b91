package reports_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports"
)

// EnvReportScreenshot names a PNG file to write a screenshot of the report to (docs/img/report.png is made
// this way: E2E_REPORT_SCREENSHOT=$PWD/docs/img/report.png go test ./reports -run InABrowser).
const EnvReportScreenshot = "E2E_REPORT_SCREENSHOT"

// TestTheReportOfAFailingRunInABrowser opens report.html from disk in Chromium with our own harness, as the
// person on call would: the failure's cause, screenshot, playing filmstrip, console, network and timeline are
// there, and the page text full of markup ran nothing.
func TestTheReportOfAFailingRunInABrowser(t *testing.T) {
	run := runFailingSuite(t)
	shotPath := os.Getenv(EnvReportScreenshot)
	page := openReport(t, filepath.Join(run.outDir, reports.FileHTMLReport))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	failed := `document.querySelector('details.spec.failed')`
	t.Run("shows the run summary", func(t *testing.T) {
		for sel, want := range map[string]string{
			`[data-count=failed]`: "1", `[data-count=flaky]`: "1", `[data-count=passed]`: "1", `[data-count=skipped]`: "0",
			`[data-fact=commit]`: "0123456789abcdef0123456789abcdef01234567",
		} {
			if got := evalString(ctx, t, page, `document.querySelector(`+jsString(sel)+`).textContent.trim()`); got != want {
				t.Errorf("%s shows %q, want %q", sel, got, want)
			}
		}
		if got := evalString(ctx, t, page, `document.querySelector('[data-fact=browser]').textContent`); !strings.Contains(got, "156.") && !strings.Contains(got, "/") {
			t.Errorf("browser version shown as %q", got)
		}
		if got := evalString(ctx, t, page, `document.querySelector('[data-fact=base-url]').textContent`); !strings.HasPrefix(got, "http://127.0.0.1:") {
			t.Errorf("base URL shown as %q", got)
		}
	})

	t.Run("shows the failure's cause and failing step", func(t *testing.T) {
		cause := evalString(ctx, t, page, failed+`.querySelector('[data-cause]').textContent`)
		if !strings.Contains(cause, "no element matches the locator") || !strings.Contains(cause, markup) {
			t.Errorf("cause shown as %q", cause)
		}
		if got := evalString(ctx, t, page, failed+`.querySelector('[data-failing-step]').textContent`); got != "pressing the button named "+markup {
			t.Errorf("failing step shown as %q", got)
		}
		if !evalBool(ctx, t, page, failed+`.open`) {
			t.Error("the failed spec is collapsed; it should be open when the report opens")
		}
	})

	t.Run("loads the screenshot", func(t *testing.T) {
		waitTrue(ctx, t, page, `(() => { const img = `+failed+`.querySelector('img[data-screenshot]'); return !!img && img.complete && img.naturalWidth > 0; })()`,
			"the failure screenshot did not load")
	})

	t.Run("plays the filmstrip", func(t *testing.T) {
		frames := evalString(ctx, t, page, `String(`+failed+`.querySelectorAll('[data-player] img[data-frame]').length)`)
		if frames == "0" || frames == "1" {
			t.Fatalf("the filmstrip has %s frames; it needs two to play", frames)
		}
		first := evalString(ctx, t, page, failed+`.querySelector('[data-player]').getAttribute('data-shown')`)
		waitTrue(ctx, t, page, failed+`.querySelector('[data-player]').getAttribute('data-shown') !== `+jsString(first),
			"the filmstrip stays on frame "+first)
		waitTrue(ctx, t, page, `(() => { const shown = `+failed+`.querySelectorAll('[data-player] img[data-frame]:not([hidden])'); return shown.length === 1 && shown[0].naturalWidth > 0; })()`,
			"the filmstrip does not show exactly one loaded frame")
	})

	t.Run("shows console, page errors, network and timeline", func(t *testing.T) {
		console := evalString(ctx, t, page, failed+`.querySelector('[data-section=console]').textContent`)
		for _, want := range []string{"console says " + markup, "uncaught " + markup} {
			if !strings.Contains(console, want) {
				t.Errorf("console section lacks %q", want)
			}
		}
		network := evalString(ctx, t, page, failed+`.querySelector('[data-section=network]').textContent`)
		if !strings.Contains(network, "404") {
			t.Errorf("network section does not list the failed request: %q", network)
		}
		har := evalString(ctx, t, page, failed+`.querySelector('[data-section=network] a[href$="network.har"]').getAttribute('href')`)
		if _, err := os.Stat(filepath.Join(run.outDir, filepath.FromSlash(har))); err != nil {
			t.Errorf("the HAR link %q leads nowhere: %v", har, err)
		}
		kinds := evalString(ctx, t, page, `[...new Set([...`+failed+`.querySelectorAll('[data-section=timeline] tbody tr')].map(r => r.className.split(' ')[0]))].sort().join(',')`)
		for _, want := range []string{"console", "input", "navigation", "network"} {
			if !strings.Contains(kinds, want) {
				t.Errorf("timeline has %q events but none of kind %s", kinds, want)
			}
		}
		if !evalBool(ctx, t, page, `document.querySelector('details.spec.flaky') !== null`) {
			t.Error("the spec that passed on its second attempt is not marked flaky")
		}
	})

	t.Run("runs nothing the page under test wrote", func(t *testing.T) {
		if !strings.Contains(evalString(ctx, t, page, `document.body.innerText`), markup) {
			t.Error("the markup is not shown as text")
		}
		if evalBool(ctx, t, page, `window.__xss !== undefined`) {
			t.Error("an onerror handler from page text ran in the report")
		}
		if n := evalString(ctx, t, page, `String(document.querySelectorAll('img:not([src^="data:"]), script[src], iframe, object, embed').length)`); n != "0" {
			t.Errorf("%s elements came from page text", n)
		}
		if n := evalString(ctx, t, page, `String(document.scripts.length)`); n != "1" {
			t.Errorf("the report has %s scripts; only its own may exist", n)
		}
		if d := page.Session().Dialogs(); len(d) > 0 {
			t.Errorf("the report opened dialogs: %v", d)
		}
	})

	if shotPath != "" {
		if _, err := page.Evaluate(ctx, `window.scrollTo(0, 0); true`); err != nil {
			t.Fatal(err)
		}
		shot, err := page.Screenshot(ctx)
		if err != nil {
			t.Fatalf("taking the report's screenshot: %v", err)
		}
		if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// openReport opens a report file in a fresh Chromium and closes the browser when the test ends, failed or not.
func openReport(t *testing.T, path string) *harness.Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := harness.Launch(ctx, harness.WithWindowSize(1280, 1000))
	if err != nil {
		t.Fatalf("starting the browser: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("closing the browser: %v", err)
		}
	})
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatalf("opening a session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Page().Goto(ctx, "file://"+filepath.ToSlash(path)); err != nil {
		t.Fatalf("opening the report: %v", err)
	}
	return s.Page()
}

func evalString(ctx context.Context, t *testing.T, p *harness.Page, js string) string {
	t.Helper()
	raw, err := p.Evaluate(ctx, js)
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is %s, not a string", js, raw)
	}
	return s
}

func evalBool(ctx context.Context, t *testing.T, p *harness.Page, js string) bool {
	t.Helper()
	raw, err := p.Evaluate(ctx, js)
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return string(raw) == "true"
}

// waitTrue polls a condition on the page's clock of a few frames, for things that happen a moment after load.
func waitTrue(ctx context.Context, t *testing.T, p *harness.Page, js, failure string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !evalBool(ctx, t, p, js) {
		if time.Now().After(deadline) {
			t.Fatal(failure)
		}
		if _, err := p.Evaluate(ctx, `new Promise(r => setTimeout(() => r(true), 50))`); err != nil {
			t.Fatal(err)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
