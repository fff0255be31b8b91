package harness_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

func TestAtPositionClicksAtThatOffsetFromTheTopLeftCorner(t *testing.T) {
	p := open(t, "options.html")
	if err := p.ByTestID("pad").Click(context.Background(), harness.AtPosition(10, 20)); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("where"), "10,20 none")
}

func TestWithModifiersHoldsTheKeysDuringTheClick(t *testing.T) {
	p := open(t, "options.html")
	if err := p.ByTestID("pad").Click(context.Background(), harness.WithModifiers("Shift", "Alt")); err != nil {
		t.Fatal(err)
	}
	// The centre of the 200×100 pad, with both keys.
	wantText(t, p.ByTestID("where"), "100,50 shiftKey,altKey")
}

func TestStepsSetsHowManyMovesAPointerDragMakes(t *testing.T) {
	p, ctx := openWithContext(t, "options.html")
	for _, steps := range []int{4, 12} {
		if err := p.ByTestID("handle").DragTo(ctx, p.ByTestID("zone"), harness.Steps(steps)); err != nil {
			t.Fatal(err)
		}
		// Every drag first moves a few pixels to start the drag (two moves), then makes its steps.
		moves, err := p.ByTestID("moves").Text(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.Atoi(moves); n != steps+2 {
			t.Errorf("Steps(%d): the page saw %s moves with the button held, want %d", steps, moves, steps+2)
		}
	}
}

func TestWithTestIDAttributeChangesWhatByTestIDMatches(t *testing.T) {
	p := openOwn(t, "options.html", harness.WithTestIDAttribute("data-qa"))
	if got := text(t, p.ByTestID("by-qa")); got != "custom test id" {
		t.Errorf("ByTestID(by-qa) with data-qa read %q", got)
	}
	if n, err := p.ByTestID("pad").Count(context.Background()); err != nil || n != 0 {
		t.Errorf("data-testid still matched (%d, %v)", n, err)
	}
}

// commandLine is the launched browser's command line, as Chromium reports it.
func commandLine(t *testing.T, b *harness.Browser) []string {
	t.Helper()
	args, err := b.CommandLine(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return args
}

func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name {
			return "", true
		}
	}
	return "", false
}

// Hermetic by default: every host but loopback and the allowed ones resolves to nothing. WithOpenNetwork turns
// that off, for a spec that must reach a host nobody can list up front.
func TestTheNetworkIsHermeticUnlessWithOpenNetwork(t *testing.T) {
	b, err := harness.Launch(context.Background(), chromeOptions(harness.WithProfileRoot(t.TempDir()),
		harness.WithAllowedHosts("https://app.example.test:8443/x"), harness.WithPoolSize(0))...)
	if err != nil {
		t.Fatal(err)
	}
	rules, ok := flagValue(commandLine(t, b), "host-resolver-rules")
	b.Close()
	if !ok || !strings.HasPrefix(rules, "MAP * ~NOTFOUND") || !strings.Contains(rules, "EXCLUDE app.example.test") {
		t.Errorf("host-resolver-rules = %q (set: %v)", rules, ok)
	}

	b, err = harness.Launch(context.Background(), chromeOptions(harness.WithProfileRoot(t.TempDir()),
		harness.WithOpenNetwork(), harness.WithPoolSize(0))...)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if rules, ok := flagValue(commandLine(t, b), "host-resolver-rules"); ok {
		t.Errorf("WithOpenNetwork still sets host-resolver-rules=%q", rules)
	}
}

// The browser's own log carries what the page printed and why a renderer died: WithBrowserLog hands it over
// line by line.
func TestWithBrowserLogReceivesChromiumsOwnLog(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	seen := make(chan struct{})
	var once sync.Once
	p := openOwn(t, "button.html", harness.WithFlag("enable-logging", "stderr"), harness.WithBrowserLog(func(line string) {
		mu.Lock()
		lines = append(lines, line)
		mu.Unlock()
		if strings.Contains(line, "harness-log-marker") {
			once.Do(func() { close(seen) })
		}
	}))
	if _, err := p.Evaluate(context.Background(), `console.log("harness-log-marker"), 1`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-seen:
	case <-time.After(30 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the console line never reached the browser log; got %d lines: %q", len(lines), lines)
	}
}

func TestAHeadedBrowserWithoutADisplayFailsWithErrNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	b, err := harness.Launch(context.Background(), chromeOptions(harness.WithProfileRoot(t.TempDir()), harness.WithHeaded(true))...)
	if err == nil {
		b.Close()
		t.Fatal("a headed browser started without a display")
	}
	if !errors.Is(err, harness.ErrNoDisplay) {
		t.Fatalf("want ErrNoDisplay, got %v", err)
	}
}

// Every failed check is an ErrNotActionable, through the action's error and a timeout; what happens after the
// checks passed is not.
func TestFailedChecksShareTheParentErrNotActionable(t *testing.T) {
	p := open(t, "disabled.html")
	err := p.ByRole("button").First().Click(short(t))
	if !errors.Is(err, harness.ErrNotActionable) {
		t.Errorf("a click on a disabled button: %v is not ErrNotActionable", err)
	}
	err = p.ByTestID("no-such-thing").Click(short(t))
	if !errors.Is(err, harness.ErrNotActionable) {
		t.Errorf("a click on nothing: %v is not ErrNotActionable", err)
	}
	for _, e := range []error{&harness.InputNotReceivedError{}, &harness.NotFocusedError{}, &harness.CrashError{}, &harness.DropRejectedError{}} {
		if errors.Is(e, harness.ErrNotActionable) {
			t.Errorf("%T must not be ErrNotActionable", e)
		}
	}
}

// An option that means nothing to an action must not compile with it: each family has its own option type.
func TestAnOptionOfAnotherFamilyDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a program")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	wd, _ := os.Getwd()
	dir := t.TempDir()
	cases := map[string]string{
		"keep caret on a click": `l.Click(ctx, harness.KeepCaret())`,
		"drop point on a fill":  `l.Fill(ctx, "x", harness.DropAt(1, 1))`,
		"secret on a press":     `l.Press(ctx, "Enter", harness.Secret())`,
		"name on a text match":  `p.ByText("x", harness.Name("y"))`,
	}
	fits := `_ = l.Click(ctx, harness.Timeout(time.Second), harness.AtPosition(1, 1)); _ = l.Type(ctx, "x", harness.KeepCaret(), harness.Secret()); _ = p.ByText("x", harness.Exact()); _ = p.ByRole("button", harness.Name("y"), harness.Exact()); _ = l.WaitFor(ctx, harness.Visible, harness.Timeout(time.Second))`
	program := func(body string) string {
		return "package probe\n\nimport (\n\t\"context\"\n\t\"time\"\n\n\t\"github.com/e2e-harness/e2e/harness\"\n)\n\nvar _ = time.Second\n\nfunc probe(ctx context.Context, p *harness.Page, l *harness.Locator) {\n\t" + body + "\n}\n"
	}
	build := func(body string) ([]byte, error) {
		src := filepath.Join(dir, "probe.go")
		if err := os.WriteFile(src, []byte(program(body)), 0o644); err != nil {
			t.Fatal(err)
		}
		// The probe must be inside the module to import the harness; an overlay puts it there without writing
		// into the source tree.
		virtual := filepath.Join(wd, "internal_probe", "probe.go")
		overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{virtual: src}})
		ov := filepath.Join(dir, "overlay.json")
		if err := os.WriteFile(ov, overlay, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(goBin, "build", "-overlay", ov, "./internal_probe")
		cmd.Dir = wd
		return cmd.CombinedOutput()
	}
	if out, err := build(fits); err != nil {
		t.Fatalf("options of the right family do not compile: %v\n%s", err, out)
	}
	for name, body := range cases {
		out, err := build("_ = " + body)
		if err == nil {
			t.Errorf("%s compiles: %s", name, body)
		} else if !strings.Contains(string(out), "does not implement") && !strings.Contains(string(out), "cannot use") {
			t.Errorf("%s failed to compile for another reason:\n%s", name, out)
		}
	}
}
