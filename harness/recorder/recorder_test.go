package recorder_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/harness/recorder"
)

// One browser for the package, as the harness's own tests do; each recording opens its own session in it.
var (
	pages       *httptest.Server
	profileRoot string

	browserOnce  sync.Once
	browserValue *harness.Browser
	browserErr   error
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	root, err := os.MkdirTemp("", "rec")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(root)
	profileRoot = root
	pages = httptest.NewServer(http.FileServer(http.Dir("../testdata/pages")))
	defer pages.Close()
	code := m.Run()
	if browserValue != nil {
		if err := browserValue.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "closing the browser:", err)
			code = 1
		}
	}
	if left, _ := filepath.Glob(filepath.Join(root, "*")); len(left) > 0 {
		fmt.Fprintln(os.Stderr, "profile directories left behind:", left)
		code = 1
	}
	return code
}

func testBrowser(t *testing.T) *harness.Browser {
	t.Helper()
	browserOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		opts := []harness.BrowserOption{harness.WithProfileRoot(profileRoot), harness.WithPoolSize(0),
			harness.WithFilmstrip(harness.FilmstripOff), harness.WithProtocolTrace(false)}
		if bin := os.Getenv("CHROME_BIN"); bin != "" {
			opts = append(opts, harness.WithChromeBin(bin))
		}
		browserValue, browserErr = harness.Launch(ctx, opts...)
	})
	if browserErr != nil {
		t.Fatalf("starting the browser: %v", browserErr)
	}
	return browserValue
}

// recording is a recorder on one of the test pages, with what it logged.
type recording struct {
	*recorder.Recorder
	t   *testing.T
	mu  sync.Mutex
	log []string
}

func record(t *testing.T, page string) *recording {
	t.Helper()
	r := &recording{t: t}
	rec, err := recorder.Start(context.Background(), recorder.Options{
		URL: pages.URL + "/" + page, Browser: testBrowser(t), Headless: true,
		Package: "recorded", Describe: "The recorder page", It: "does what was recorded",
		Log: func(line string) { r.mu.Lock(); r.log = append(r.log, line); r.mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rec.Close() })
	r.Recorder = rec
	return r
}

// stop ends the recording and returns the spec. Every locator must have been confirmed by the harness itself
// (on these pages nothing vanishes under the pointer), so no "had changed" line may be logged.
func (r *recording) stop() string {
	r.t.Helper()
	return r.stopWith("gone before the harness")
}

// stopWith ends the recording; a log line with any of the given words fails the test.
func (r *recording) stopWith(forbidden ...string) string {
	r.t.Helper()
	src, err := r.Stop(context.Background())
	if err != nil {
		r.t.Fatalf("stop: %v\n%s", err, src)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.log {
		for _, word := range append(forbidden, "page script") {
			if strings.Contains(l, word) {
				r.t.Errorf("recorder log: %s", l)
			}
		}
	}
	return string(src)
}

func (r *recording) logged() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.log, "\n")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantLines(t *testing.T, src string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(src, l) {
			t.Errorf("the spec lacks\n\t%s\nspec:\n%s", l, src)
		}
	}
}

func TestChoosesTheBestLocatorThatIsUniqueAtTheMoment(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	for _, l := range []*harness.Locator{
		p.ByTestID("save"),
		p.ByRole("button", harness.Name("Save draft")),
		p.ByRole("button", harness.Name("Publish"), harness.Exact()),
		p.ByText("Plain words to click"),
		p.ByCSS(".box"),
		p.ByCSS(".tile").Last(),
		p.ByRole("button", harness.Name("Inside shadow")),
		p.ByTestID("inner-frame").Frame().ByRole("button", harness.Name("Inner button")),
		p.ByTestID("items").ByText("Two"),
	} {
		must(t, l.Click(ctx))
	}
	src := r.stop()
	wantLines(t, src,
		`Expect(page.Goto(ctx, e2e.URL("recorder.html"))).To(Succeed())`,
		`By("clicking Save")`,
		`Expect(page.ByTestID("save").Click(ctx)).To(Succeed())`,
		`Expect(page.ByRole("button", harness.Name("Save draft")).Click(ctx)).To(Succeed())`,
		`Expect(page.ByRole("button", harness.Name("Publish"), harness.Exact()).Click(ctx)).To(Succeed())`,
		`Expect(page.ByText("Plain words to click").Click(ctx)).To(Succeed())`,
		`By("clicking span.box")`,
		`Expect(page.ByCSS("span.box").Click(ctx)).To(Succeed())`,
		`Expect(page.ByCSS("span.tile:nth-of-type(2)").Click(ctx)).To(Succeed())`,
		`Expect(page.ByRole("listitem", harness.Name("Two")).Click(ctx)).To(Succeed())`,
		`Expect(page.ByRole("button", harness.Name("Inside shadow")).Click(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("inner-frame").Frame().ByRole("button", harness.Name("Inner button")).Click(ctx)).To(Succeed())`,
		`By("clicking Inner button in Inner")`,
	)
}

func TestFoldsTypingIntoOneFillOrTypePerField(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	notes := p.ByRole("textbox", harness.Name("Notes"))
	city := p.ByRole("textbox", harness.Name("City"))
	must(t, p.ByLabel("Email").Fill(ctx, "ada@example.com"))
	// Typed key by key into an empty field, with a typo fixed: the field's final text is one Fill.
	must(t, city.Type(ctx, "Pariss"))
	must(t, city.Press(ctx, "Backspace"))
	// Two Types with nothing in between are one; Enter is a key press; typing on at the end is a Type.
	must(t, notes.Type(ctx, "Hello"))
	must(t, notes.Type(ctx, " there", harness.KeepCaret()))
	must(t, notes.Press(ctx, "Enter"))
	must(t, notes.Type(ctx, "Bye", harness.KeepCaret()))
	must(t, notes.Press(ctx, "Control+A"))
	must(t, notes.Type(ctx, "Replaced", harness.KeepCaret()))
	must(t, p.Keyboard().Press(ctx, "Tab"))
	src := r.stop()
	wantLines(t, src,
		`By("filling Email with \"ada@example.com\"")`,
		`Expect(page.ByRole("textbox", harness.Name("Email")).Fill(ctx, "ada@example.com")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("City")).Fill(ctx, "Paris")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Fill(ctx, "Hello there")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Press(ctx, "Enter")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Type(ctx, "Bye", harness.KeepCaret())).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Press(ctx, "Control+A")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Fill(ctx, "Replaced")).To(Succeed())`,
		`Expect(page.ByRole("textbox", harness.Name("Notes")).Press(ctx, "Tab")).To(Succeed())`,
	)
	// The clicks that focused the fields are part of Fill and Type, which click themselves.
	if strings.Contains(src, `.Click(ctx)`) {
		t.Errorf("a focusing click was written as its own step:\n%s", src)
	}
}

func TestWritesAPasswordAsAnEnvironmentVariableAndNeverItsValue(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	password := "s3cret-" + time.Now().Format("150405.000000")
	must(t, p.ByTestID("secret-password").Fill(ctx, password, harness.Secret()))
	must(t, p.ByTestID("secret-password").Type(ctx, "more", harness.KeepCaret(), harness.Secret()))
	must(t, p.ByTestID("secret-password").Press(ctx, "Enter"))
	src := r.stop()
	wantLines(t, src,
		`"os"`,
		`By("filling Password with the password in $RECORDED_SECRET_PASSWORD")`,
		`Expect(os.Getenv("RECORDED_SECRET_PASSWORD")).NotTo(BeEmpty(), "set RECORDED_SECRET_PASSWORD to the password this spec types")`,
		`Expect(page.ByTestID("secret-password").Fill(ctx, os.Getenv("RECORDED_SECRET_PASSWORD"), harness.Secret())).To(Succeed())`,
		`Expect(page.ByTestID("secret-password").Press(ctx, "Enter")).To(Succeed())`,
	)
	for _, leak := range []string{password, "more", "s3cret"} {
		if strings.Contains(src, leak) || strings.Contains(r.logged(), leak) {
			t.Errorf("%q is in the spec or the recorder's log", leak)
		}
	}
	if !strings.Contains(r.logged(), "$RECORDED_SECRET_PASSWORD") {
		t.Errorf("the recorder did not say which variable to set: %s", r.logged())
	}
}

func TestRecordsChecksAsCheckAndUncheck(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	must(t, p.ByTestID("agree").Check(ctx))
	must(t, p.ByText("I agree").Click(ctx)) // its label: the checkbox is unchecked again
	must(t, p.ByRole("checkbox", harness.Name("Notify me")).Click(ctx))
	src := r.stop()
	wantLines(t, src,
		`By("checking I agree")`,
		`Expect(page.ByTestID("agree").Check(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("agree").Uncheck(ctx)).To(Succeed())`,
		`Expect(page.ByRole("checkbox", harness.Name("Notify me")).Check(ctx)).To(Succeed())`,
	)
	if n := strings.Count(src, "agree\")."); n != 2 {
		t.Errorf("the label's click and the checkbox's forwarded click are one action, got %d:\n%s", n, src)
	}
}

func TestDoesNotRecordScriptDispatchedInput(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	if _, err := p.Evaluate(ctx, `(() => {
		document.getElementById('scripted').click();
		const city = document.querySelector('[aria-label=City]');
		city.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
		city.dispatchEvent(new InputEvent('beforeinput', { bubbles: true, inputType: 'insertText', data: 'forged' }));
		city.value = 'forged';
		city.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'forged' }));
		city.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, key: 'Enter' }));
		return true;
	})()`); err != nil {
		t.Fatal(err)
	}
	must(t, p.ByTestID("save").Click(ctx))
	src := r.stop()
	wantLines(t, src, `Expect(page.ByTestID("save").Click(ctx)).To(Succeed())`)
	for _, forged := range []string{"Scripted target", "forged", "City", "Enter"} {
		if strings.Contains(src, forged) {
			t.Errorf("script-dispatched input was recorded (%s):\n%s", forged, src)
		}
	}
}

func TestRecordsDoubleAndRightClicksWithModifiers(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	must(t, p.ByText("Plain words to click").DoubleClick(ctx))
	must(t, p.ByTestID("save").RightClick(ctx))
	must(t, p.ByTestID("save").Click(ctx, harness.WithModifiers("Shift")))
	src := r.stop()
	wantLines(t, src,
		`By("double-clicking Plain words to click")`,
		`Expect(page.ByText("Plain words to click").DoubleClick(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("save").RightClick(ctx)).To(Succeed())`,
		`By("clicking Save with Shift held")`,
		`Expect(page.ByTestID("save").Click(ctx, harness.WithModifiers("Shift"))).To(Succeed())`,
	)
	if strings.Contains(src, `ByText("Plain words to click").Click(`) {
		t.Errorf("a double click's clicks were written as well:\n%s", src)
	}
}

func TestRecordsNativeAndPointerDragsAlsoIntoAFrame(t *testing.T) {
	r := record(t, "drag.html")
	p := r.Page()
	ctx := context.Background()
	must(t, p.ByTestID("source").DragTo(ctx, p.ByTestID("accepting"), harness.DropAt(30, 20)))
	must(t, p.ByTestID("source").DragTo(ctx, p.ByTestID("frame").Frame().ByTestID("frame-zone")))
	src := r.stop()
	wantLines(t, src,
		`By("dragging Text block onto Drop here")`,
		`Expect(page.ByTestID("source").DragTo(ctx, page.ByTestID("accepting"), harness.DropAt(30, 20))).To(Succeed())`,
		`Expect(page.ByTestID("source").DragTo(ctx, page.ByTestID("frame").Frame().ByTestID("frame-zone"), harness.DropAt(`,
	)

	r = record(t, "sortable.html")
	p = r.Page()
	must(t, p.ByTestID("row-a").DragTo(ctx, p.ByTestID("row-c"), harness.DropAt(20, 30)))
	src = r.stop()
	wantLines(t, src, `Expect(page.ByTestID("row-a").DragTo(ctx, page.ByTestID(`)
	if strings.Contains(src, ".Click(") {
		t.Errorf("the drag's release was also written as a click:\n%s", src)
	}
}

func TestRecordsNavigationsThePageDidNotStart(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	must(t, p.ByRole("link", harness.Name("Next page")).Click(ctx))
	must(t, p.ByRole("heading", harness.Name("The next page")).WaitFor(ctx, harness.Visible))
	must(t, p.Goto(ctx, pages.URL+"/recorder.html"))
	must(t, p.Reload(ctx))
	src := r.stopWith() // the link was gone (its page navigated) before the harness could check it again
	wantLines(t, src,
		`Expect(page.ByRole("link", harness.Name("Next page")).Click(ctx)).To(Succeed())`,
		`By("opening recorder.html")`,
		`Expect(page.Reload(ctx)).To(Succeed())`,
	)
	// The link's own navigation is the click's doing: no Goto for recorder_next.html.
	if strings.Contains(src, "recorder_next.html") {
		t.Errorf("the link's navigation was written as a Goto:\n%s", src)
	}
	if n := strings.Count(src, `page.Goto(ctx, e2e.URL("recorder.html"))`); n != 2 {
		t.Errorf("want the opening Goto and the typed one, got %d:\n%s", n, src)
	}
}

func TestAssertionsOnTheElementUnderThePointer(t *testing.T) {
	r := record(t, "recorder.html")
	p := r.Page()
	ctx := context.Background()
	must(t, p.ByLabel("Email").Fill(ctx, "ada@example.com"))
	must(t, p.ByTestID("save").Click(ctx))
	assert := func(l *harness.Locator, combo string) {
		t.Helper()
		must(t, l.Hover(ctx))
		must(t, p.Keyboard().Press(ctx, combo))
	}
	assert(p.ByTestID("status"), "Alt+Shift+T")
	assert(p.ByLabel("Email"), "Alt+Shift+A")
	assert(p.ByRole("button", harness.Name("Inside shadow")), "Alt+Shift+V")
	assert(p.ByTestID("items").ByText("One"), "Alt+Shift+C")
	assert(p.ByTestID("inner-frame").Frame().ByTestID("inner-status"), "Alt+Shift+T")
	src := r.stop()
	wantLines(t, src,
		`By("seeing that status reads \"clicked Save\"")`,
		`Eventually(page.ByTestID("status")).Should(e2e.HaveText("clicked Save"))`,
		`Eventually(page.ByRole("textbox", harness.Name("Email"))).Should(e2e.HaveValue("ada@example.com"))`,
		`Eventually(page.ByRole("button", harness.Name("Inside shadow"))).Should(e2e.BeVisible())`,
		`By("seeing 2 listitem in items")`,
		`Eventually(page.ByTestID("items").ByRole("listitem")).Should(e2e.HaveCount(2))`,
		`Eventually(page.ByTestID("inner-frame").Frame().ByTestID("inner-status")).Should(e2e.HaveText("inside"))`,
	)
	// The shortcut is the recorder's: the page never saw it, and it is no key press of the spec.
	if strings.Contains(src, "Alt+Shift") {
		t.Errorf("an assertion shortcut was recorded as a key press:\n%s", src)
	}
}

func TestTheOverlayPicksTheElementToAssertOnAndKeepsTheClickFromThePage(t *testing.T) {
	r := &recording{t: t}
	rec, err := recorder.Start(context.Background(), recorder.Options{
		URL: pages.URL + "/recorder.html", Browser: testBrowser(t), Headless: true, Overlay: true,
		Log: func(line string) { r.mu.Lock(); r.log = append(r.log, line); r.mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rec.Close() })
	r.Recorder = rec
	p := rec.Page()
	ctx := context.Background()
	// The toolbar lives in a closed shadow root: aim at its first button, "Assert text", by position.
	bar, err := p.ByCSS("e2e-recorder").Box(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, p.Mouse().Click(ctx, bar.X+32, bar.Y+bar.Height/2))
	must(t, p.ByTestID("save").Click(ctx))
	if status, err := p.ByTestID("status").Text(ctx); err != nil || status != "idle" {
		t.Errorf("the page saw the click that picked the element: status %q (%v)", status, err)
	}
	src := r.stop()
	wantLines(t, src, `Eventually(page.ByTestID("save")).Should(e2e.HaveText("Save"))`)
	if strings.Contains(src, ".Click(") {
		t.Errorf("the pick was recorded as a click:\n%s", src)
	}
}
