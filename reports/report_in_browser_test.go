package reports_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
	// No budget of our own for the whole test: each read of the page is bounded by the harness, each wait by
	// the page's own time (waitTrue), and a loaded machine only makes the whole take longer.
	ctx := t.Context()

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

	t.Run("shows the failing line of the spec next to the cause", func(t *testing.T) {
		line := evalString(ctx, t, page, failed+`.querySelector('[data-cause] ~ [data-excerpt] [data-failing-line]').textContent`)
		if !strings.Contains(line, `Click(ctx, harness.Timeout(1500*time.Millisecond))`) {
			t.Errorf("the failing line shown is %q", line)
		}
		// The failing line is the spec's second to last: three lines before it, what the file has after it.
		excerpt := evalString(ctx, t, page, failed+`.querySelector('[data-excerpt] pre').textContent`)
		if n := strings.Count(excerpt, "\n"); n != 6 || !strings.Contains(excerpt, `By("pressing the button named " + Markup)`) {
			t.Errorf("the excerpt has %d lines; want the failing one, with its By step among the three before it:\n%s", n, excerpt)
		}
	})

	t.Run("steps through the trace with the keyboard", func(t *testing.T) {
		trace := failed + `.querySelector('[data-trace]')`
		shown := func() (step, frame, view string) {
			return evalString(ctx, t, page, trace+`.getAttribute('data-shown-step')`),
				evalString(ctx, t, page, trace+`.getAttribute('data-shown-frame')`),
				evalString(ctx, t, page, trace+`.getAttribute('data-shown-view')`)
		}
		option := func(step string) string { return trace + `.querySelector('[data-step="` + step + `"]')` }
		visibleDetails := func() string {
			return evalString(ctx, t, page, `[...`+trace+`.querySelectorAll('[data-details-for]')].filter(d => !d.hidden).map(d => d.getAttribute('data-details-for')).join(',')`)
		}
		step, frame, view := shown()
		if got := evalString(ctx, t, page, option(step)+`.textContent`); !strings.Contains(got, "click") || !strings.Contains(got, "role=button") {
			t.Fatalf("the trace opens on step %s (%q); want the failing click", step, got)
		}
		if view != "before" || frame == "" || frame != evalString(ctx, t, page, option(step)+`.getAttribute('data-before')`) {
			t.Errorf("the trace shows frame %q (%s); want the failing step's frame before it", frame, view)
		}
		waitTrue(ctx, t, page, `(() => { const img = `+trace+`.querySelector('[data-trace-image]'); return !img.hidden && img.complete && img.naturalWidth > 0; })()`,
			"the trace's frame did not load")

		// A person clicks into the step list, then uses the keyboard: trusted input, through the harness.
		if err := page.ByCSS(`details.spec.failed [data-trace-steps] [aria-selected=true]`).Click(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := shown(); got != step {
			t.Fatalf("clicking the selected step moved the trace to step %s", got)
		}
		login := evalString(ctx, t, page, `[...`+trace+`.querySelectorAll('[data-step]')].find(o => o.textContent.includes('testid=login-submit')).getAttribute('data-step')`)
		from, _ := strconv.Atoi(step)
		to, _ := strconv.Atoi(login)
		for i := from; i > to; i-- {
			if err := page.Keyboard().Press(ctx, "ArrowUp"); err != nil {
				t.Fatal(err)
			}
			if got, _, _ := shown(); got != strconv.Itoa(i-1) {
				t.Fatalf("ArrowUp from step %d shows step %s", i, got)
			}
		}
		step, frame, _ = shown()
		if evalString(ctx, t, page, option(step)+`.getAttribute('aria-selected')`) != "true" || visibleDetails() != step {
			t.Errorf("at step %s the list selects %q and the details shown are %q", step, evalString(ctx, t, page, trace+`.querySelector('[aria-selected=true]').id`), visibleDetails())
		}
		if frame != evalString(ctx, t, page, option(step)+`.getAttribute('data-before')`) {
			t.Errorf("step %s shows frame %q, not its own frame before it", step, frame)
		}
		// The marks on the frame: the target's box, and the press point inside it; a clean click has no receiver.
		marks := evalString(ctx, t, page, `(() => {
			const svg = `+trace+`.querySelector('[data-overlay-for="`+step+`"]');
			if (svg.hasAttribute('hidden')) return 'hidden';
			const r = svg.querySelector('[data-mark=target]'), c = svg.querySelector('[data-mark=press]');
			if (!r || !c) return 'missing';
			const x = +c.getAttribute('cx'), y = +c.getAttribute('cy'), rx = +r.getAttribute('x'), ry = +r.getAttribute('y');
			const inside = x >= rx && x <= rx + +r.getAttribute('width') && y >= ry && y <= ry + +r.getAttribute('height');
			return (inside ? 'press inside target' : 'press outside target') + ', receivers: ' + svg.querySelectorAll('[data-mark=receiver]').length;
		})()`)
		if marks != "press inside target, receivers: 0" {
			t.Errorf("the login click's marks: %s", marks)
		}
		if n := evalString(ctx, t, page, `String([...`+trace+`.querySelectorAll('svg[data-overlay-for]')].filter(s => !s.hasAttribute('hidden')).length)`); n != "1" {
			t.Errorf("%s overlays are shown at once", n)
		}

		if err := page.Keyboard().Press(ctx, "ArrowRight"); err != nil {
			t.Fatal(err)
		}
		if got, frame, view := shown(); got != step || view != "after" || frame != evalString(ctx, t, page, option(step)+`.getAttribute('data-after')`) {
			t.Errorf("ArrowRight shows step %s, frame %q (%s); want step %s's frame after it", got, frame, view, step)
		}
		if err := page.Keyboard().Press(ctx, "ArrowDown"); err != nil {
			t.Fatal(err)
		}
		if got, _, view := shown(); got != strconv.Itoa(to+1) || view != "after" {
			t.Errorf("ArrowDown then shows step %s (%s); want the next step, still after", got, view)
		}

		// A frame of the filmstrip shows its time, and a click on it goes to the step it belongs to.
		last := evalString(ctx, t, page, `(() => { const all = `+trace+`.querySelectorAll('[data-film]'); return all[all.length-1].getAttribute('data-film'); })()`)
		if got := evalString(ctx, t, page, trace+`.querySelector('[data-film="`+last+`"] .time').textContent`); !strings.HasPrefix(got, "+") || !strings.HasSuffix(got, "s") {
			t.Errorf("a filmstrip frame is labelled %q; want its time, like +1.234s", got)
		}
		if err := page.ByCSS(`details.spec.failed [data-trace] [data-film="` + last + `"]`).Click(ctx); err != nil {
			t.Fatal(err)
		}
		wantStep := evalString(ctx, t, page, trace+`.querySelector('[data-film="`+last+`"]').getAttribute('data-film-step')`)
		if got, frame, view := shown(); got != wantStep || view != "film" || frame != evalString(ctx, t, page, trace+`.querySelector('[data-film="`+last+`"]').getAttribute('data-pool-ref')`) {
			t.Errorf("clicking the last filmstrip frame shows step %s, frame %q (%s); want step %s and that frame", got, frame, view, wantStep)
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

// waitTrue polls a condition for things that happen a moment after load (an image decoded, the filmstrip's
// next frame every 400 ms). It waits in the page's own time: each poll lets 50 ms pass on the page's timers, so
// the report gets 5 s of its own time however long a loaded machine makes that in wall-clock time.
func waitTrue(ctx context.Context, t *testing.T, p *harness.Page, js, failure string) {
	t.Helper()
	const poll, polls = 50, 100
	for i := 0; !evalBool(ctx, t, p, js); i++ {
		if i == polls {
			t.Fatalf("%s (after %d ms of the page's own time)", failure, poll*polls)
		}
		if _, err := p.Evaluate(ctx, fmt.Sprintf(`new Promise(r => setTimeout(() => r(true), %d))`, poll)); err != nil {
			t.Fatal(err)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
