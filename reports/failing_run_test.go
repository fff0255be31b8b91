package reports_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports"
	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/e2e-harness/e2e/suites/suiterun"
)

// markup is what the failing suite puts in the page's title, console, exceptions, dialogs, requests and URL
// (testdata/failingsuite): the report must show it as text and run none of it.
const markup = `</script><img src=x onerror=window.__xss=1>`

// failingRun is one run of testdata/failingsuite and what the test needs to check it.
type failingRun struct {
	outDir   string
	stdout   string
	password string   // typed into the login form's password field
	cookies  []string // session cookie values the fixture handed out
	repoRoot string
}

var (
	runOnce   sync.Once
	sharedRun *failingRun
	runErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedRun != nil {
		if code == 0 {
			_ = os.RemoveAll(sharedRun.outDir)
		} else {
			fmt.Fprintln(os.Stderr, "the failing suite's output is kept in", sharedRun.outDir)
		}
	}
	os.Exit(code)
}

// runFailingSuite runs the deliberately failing suite once per test binary, compiled and in a subprocess, as
// CI would: real glue, real browser, the embedded fixture editor (served here, so the test can see which
// session cookie the login produced).
func runFailingSuite(t *testing.T) *failingRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a Ginkgo suite with a browser in a subprocess")
	}
	runOnce.Do(func() { sharedRun, runErr = startFailingSuite() })
	if runErr != nil {
		t.Fatal(runErr)
	}
	return sharedRun
}

func startFailingSuite() (*failingRun, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	outDir, err := os.MkdirTemp("", "failing-run-")
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 12)
	_, _ = rand.Read(secret)
	run := &failingRun{outDir: outDir, password: "pw-" + hex.EncodeToString(secret), repoRoot: root}

	var mu sync.Mutex
	app := fixtures.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.ServeHTTP(w, r)
		for _, c := range (&http.Response{Header: w.Header()}).Cookies() {
			if c.Name == "session" && c.Value != "" {
				mu.Lock()
				run.cookies = append(run.cookies, c.Value)
				mu.Unlock()
			}
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	bin, err := os.MkdirTemp("", "failing-suite-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(bin)
	suite, err := suiterun.Build(ctx, bin, "github.com/e2e-harness/e2e/reports/testdata/failingsuite")
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = suiterun.Command{Suite: suite, OutputDir: outDir, Output: &out, Env: append(childEnv(),
		"BASE_URL="+srv.URL+"/",
		"E2E_FILMSTRIP=on", // every step's frames, for the trace's checks below (by default they start at the first wait)
		"FAILINGSUITE_PASSWORD="+run.password,
		"GITHUB_ACTIONS=true",
		"GITHUB_STEP_SUMMARY="+filepath.Join(outDir, "step-summary.md"),
		"GITHUB_WORKSPACE="+root,
		"GITHUB_SHA=0123456789abcdef0123456789abcdef01234567",
	)}.Run(ctx)
	run.stdout = out.String()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		return nil, errors.New("the failing suite should exit with status 1, got " + describeExit(err) + "; its output:\n" + inert(run.stdout))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(run.cookies) == 0 {
		return nil, errors.New("the login handed out no session cookie; the suite's output:\n" + inert(run.stdout))
	}
	return run, nil
}

// childEnv is this process's environment without what would change how the suite runs or reports.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GITHUB_") || strings.HasPrefix(name, "E2E_") || name == "BASE_URL" || name == "CI" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func describeExit(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

// inert keeps the child's workflow commands from becoming real annotations when this test itself runs under
// GitHub Actions and prints the output.
func inert(s string) string { return strings.ReplaceAll(s, "::", ": :") }

func TestAFailingRunWritesJUnitWithCauseStepAndScreenshot(t *testing.T) {
	run := runFailingSuite(t)
	body, err := os.ReadFile(filepath.Join(run.outDir, reports.FileJUnit))
	if err != nil {
		t.Fatal(err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(body, &suites); err != nil {
		t.Fatalf("junit.xml is not JUnit XML: %v", err)
	}
	if suites.Failures != 1 {
		t.Errorf("junit.xml counts %d failures, want 1", suites.Failures)
	}
	var failed *reporters.JUnitTestCase
	for i, tc := range suites.TestSuites[0].TestCases {
		if tc.Failure != nil {
			failed = &suites.TestSuites[0].TestCases[i]
		}
	}
	if failed == nil {
		t.Fatal("junit.xml has no failed test case")
	}
	if !strings.Contains(failed.Name, "signs in, then meets a page full of markup") {
		t.Errorf("the failed test case is %q", failed.Name)
	}
	if !strings.Contains(failed.Failure.Message, "no element matches the locator") {
		t.Errorf("failure message %q does not say why the click failed", failed.Failure.Message)
	}
	if n := len(suites.TestSuites[0].TestCases); n != 3 || suites.Tests != 3 {
		t.Errorf("junit.xml has %d test cases (tests=%d) for the suite's 3 specs; its setup and reporting nodes are not tests", n, suites.Tests)
	}
	props := map[string]string{}
	for _, p := range failed.Properties.Properties {
		props[p.Name] = p.Value
		if strings.HasPrefix(p.Value, `"`) {
			t.Errorf("property %s = %s carries JSON's quotes", p.Name, p.Value)
		}
	}
	step, shot := props[artifact.EntryFailingStep], props[artifact.EntryScreenshot]
	if !strings.HasSuffix(props[artifact.EntryTrace], "/trace/index.json") {
		t.Errorf("property %s = %q, want the trace's index", artifact.EntryTrace, props[artifact.EntryTrace])
	}
	if step != "pressing the button named "+markup {
		t.Errorf("property %s = %q, want the last By before the failure", artifact.EntryFailingStep, props[artifact.EntryFailingStep])
	}
	if !strings.HasSuffix(shot, "/screenshot.png") {
		t.Errorf("property %s = %q, want the screenshot's path", artifact.EntryScreenshot, props[artifact.EntryScreenshot])
	} else if _, err := os.Stat(filepath.Join(run.outDir, filepath.FromSlash(shot))); err != nil {
		t.Errorf("the screenshot junit.xml names is not there: %v", err)
	}
	if !strings.Contains(props[artifact.EntryHAR], "network.har") {
		t.Errorf("property %s = %q, want the HAR's path", artifact.EntryHAR, props[artifact.EntryHAR])
	}
}

func TestAFailingRunWritesGinkgoJSONAndAHARPerFailedSpec(t *testing.T) {
	run := runFailingSuite(t)
	body, err := os.ReadFile(filepath.Join(run.outDir, reports.FileJSONReport))
	if err != nil {
		t.Fatal(err)
	}
	var rs []types.Report
	if err := json.Unmarshal(body, &rs); err != nil || len(rs) != 1 {
		t.Fatalf("report.json is not a Ginkgo JSON report (%v)", err)
	}
	c := reports.Count(rs[0])
	if c != (reports.Counts{Passed: 1, Failed: 1, Flaky: 1}) {
		t.Errorf("counts from report.json = %+v, want 1 passed, 1 failed, 1 flaky", c)
	}
	hars, _ := filepath.Glob(filepath.Join(run.outDir, artifact.DirSpecs, "*", artifact.FileHAR))
	if len(hars) != 2 { // the failed spec and the flaky one's failed attempt
		t.Fatalf("found HAR files %v, want one per spec with artifacts", hars)
	}
	for _, h := range hars {
		var doc struct {
			Log struct {
				Version string `json:"version"`
				Entries []struct {
					Request struct {
						URL string `json:"url"`
					} `json:"request"`
				} `json:"entries"`
			} `json:"log"`
		}
		body, _ := os.ReadFile(h)
		if err := json.Unmarshal(body, &doc); err != nil || doc.Log.Version != "1.2" || len(doc.Log.Entries) == 0 {
			t.Errorf("%s is not a HAR 1.2 log with entries (%v)", h, err)
		}
	}
}

func TestAFailingRunAnnotatesTheFailingLineUnderGitHubActions(t *testing.T) {
	run := runFailingSuite(t)
	var annotations []string
	for _, line := range strings.Split(run.stdout, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "::error ") {
			annotations = append(annotations, l)
		}
	}
	if len(annotations) != 1 {
		t.Fatalf("got %d ::error lines, want one for the one failed spec:\n%s", len(annotations), inert(strings.Join(annotations, "\n")))
	}
	a := annotations[0]
	for _, want := range []string{"file=reports/testdata/failingsuite/failingsuite_test.go,line=", "title=A deliberately failing run signs in%2C then", "::click role=button", "%0AStep: pressing the button named"} {
		if !strings.Contains(a, want) {
			t.Errorf("annotation lacks %q:\n%s", want, inert(a))
		}
	}
	summary, err := os.ReadFile(filepath.Join(run.outDir, "step-summary.md"))
	if err != nil {
		t.Fatalf("no step summary: %v", err)
	}
	if !strings.Contains(string(summary), "**1 failed** · 1 flaky · 1 passed") || strings.Contains(string(summary), "<img") {
		t.Errorf("step summary does not count the run or lets markup through:\n%s", summary)
	}
}

// TestNoArtifactHoldsTheSecret: smoke checks sign in to production with real test accounts, and HAR files,
// traces and action logs are where credentials leak. The suite typed a password into the fixture's login form
// and got a session cookie; neither may appear in any file of the run, nor in its console output.
func TestNoArtifactHoldsTheSecret(t *testing.T) {
	run := runFailingSuite(t)
	secrets := map[string]string{"the password": run.password}
	for i, c := range run.cookies {
		secrets["session cookie "+string(rune('A'+i))] = c
	}
	files := 0
	err := filepath.WalkDir(run.outDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(run.outDir, path)
		for what, secret := range secrets {
			if how := holds(body, secret); how != "" {
				t.Errorf("%s holds %s (%s)", rel, what, how)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("only %d files in the output directory; the run did not write its artifacts", files)
	}
	for what, secret := range secrets {
		if strings.Contains(run.stdout, secret) {
			t.Errorf("the run's console output holds %s", what)
		}
	}
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{12,}={0,2}`)

// holds says how body contains secret: as is, URL-encoded, or inside base64 (the protocol carries request
// bodies base64-encoded in postDataEntries), or "" when it does not.
func holds(body []byte, secret string) string {
	if bytes.Contains(body, []byte(secret)) {
		return "as is"
	}
	if bytes.Contains(body, []byte(url.QueryEscape(secret))) {
		return "URL-encoded"
	}
	for _, run := range base64Run.FindAll(body, -1) {
		// A run of base64 may start mid-quantum when it follows other base64 text; try every alignment.
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			chunk := run[skip:]
			chunk = chunk[:len(chunk)/4*4]
			decoded, err := base64.StdEncoding.DecodeString(string(chunk))
			if err == nil && bytes.Contains(decoded, []byte(secret)) {
				return "base64-encoded"
			}
		}
	}
	return ""
}

// specDirOf finds the artifact folder of the run's spec whose name contains part.
func specDirOf(t *testing.T, run *failingRun, part string) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(run.outDir, artifact.DirSpecs, "*"+part+"*"))
	if len(dirs) != 1 {
		t.Fatalf("artifact folders matching %q: %v", part, dirs)
	}
	return dirs[0]
}

// The failing spec keeps a trace: every action a step with its timing, checks and frames, and for the clean
// click on the login button the press point inside the target's box with every event landing in it. A spec
// that passed (with the default E2E_TRACE) wrote nothing at all.
func TestAFailingRunKeepsATraceOfTheFailingSpec(t *testing.T) {
	run := runFailingSuite(t)
	dir := specDirOf(t, run, "signs-in-then-meets-a-page-full-of-markup")
	a, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Problems) > 0 {
		t.Errorf("the artifacts have problems: %v", a.Problems)
	}
	tr := a.ActionTrace
	if tr == nil {
		t.Fatalf("no %s/%s in %s", artifact.DirActionTrace, artifact.FileTraceIndex, dir)
	}
	if tr.Version != artifact.ActionTraceVersion || !strings.Contains(tr.Spec, "signs in, then meets a page full of markup") ||
		tr.StartedAt.IsZero() || tr.Viewport == nil || tr.Viewport.Width < 100 {
		t.Errorf("the trace's header: version %d, spec %q, started %v, viewport %+v", tr.Version, tr.Spec, tr.StartedAt, tr.Viewport)
	}
	var actions []string
	for _, s := range tr.Steps {
		actions = append(actions, s.Action+" "+s.Locator)
	}
	want := []string{"fill testid=login-username", "fill testid=login-password", "click testid=login-submit"}
	if len(actions) < 4 || strings.Join(actions[:3], "|") != strings.Join(want, "|") || !strings.HasPrefix(actions[len(actions)-1], "click role=button") {
		t.Fatalf("the trace's steps are %q; want the two fills, the login click and the failing click last", actions)
	}
	last := 0.0
	for i, s := range tr.Steps {
		if s.StartedMs < last || s.TookMs <= 0 {
			t.Errorf("step %d (%s) started at %.1f ms and took %.1f ms; steps are in time order and take time", i, s.Action, s.StartedMs, s.TookMs)
		}
		last = s.StartedMs
		// The first action may start before the page's first frame is drawn; every later one has one before it.
		if (s.Before == "" && i > 0) || s.After == "" {
			t.Errorf("step %d (%s) has no frame before (%q) or after (%q) it", i, s.Action, s.Before, s.After)
		}
		for _, img := range []string{s.Before, s.After} {
			if body := tr.Images[img]; img != "" && imageMIMEOf(body) != "image/jpeg" {
				t.Errorf("step %d: %s is not a JPEG frame (%d bytes)", i, img, len(body))
			}
		}
	}

	login := tr.Steps[2]
	p, box := login.Point, login.TargetBox
	if p == nil || box == nil {
		t.Fatalf("the login click has no press point (%v) or target box (%v)", p, box)
	}
	if p.X < box.X || p.X > box.X+box.Width || p.Y < box.Y || p.Y > box.Y+box.Height {
		t.Errorf("the mouse pressed at %+v, outside the login button's box %+v", *p, *box)
	}
	events := map[string]bool{}
	for _, l := range login.Landings {
		events[l.Event] = true
		if !l.InTarget || l.Box == nil {
			t.Errorf("on a clean click, %s reached %s (in the target: %v, box %v)", l.Event, l.Element, l.InTarget, l.Box)
		}
	}
	if !events["pointerdown"] || !events["pointerup"] || !events["click"] {
		t.Errorf("the login click's landings are %+v; want pointerdown, pointerup and click", login.Landings)
	}
	if login.Group != "signing in with the test account" {
		t.Errorf("the login click ran in step %q", login.Group)
	}
	failing := tr.Steps[len(tr.Steps)-1]
	if failing.Error == "" || len(failing.Waits) == 0 {
		t.Errorf("the failing click has error %q and waits %+v; want why it failed and what it waited on", failing.Error, failing.Waits)
	}
	if f := tr.Failure; f == nil || !strings.HasSuffix(f.File, "failingsuite_test.go") || f.Line == 0 || f.AtMs < failing.StartedMs {
		t.Errorf("the trace's failure is %+v", tr.Failure)
	}
	if len(tr.Filmstrip) == 0 {
		t.Fatal("the trace has no filmstrip")
	}
	for i, f := range tr.Filmstrip {
		if i > 0 && f.AtMs < tr.Filmstrip[i-1].AtMs || f.Step < -1 || f.Step >= len(tr.Steps) || tr.Images[f.Image] == nil {
			t.Errorf("filmstrip frame %d: %+v", i, f)
		}
	}

	if dirs, _ := filepath.Glob(filepath.Join(run.outDir, artifact.DirSpecs, "*opens-the-editor*")); len(dirs) != 0 {
		t.Errorf("the passing spec wrote %v; with E2E_TRACE=failing a passing spec writes nothing", dirs)
	}
	if _, err := os.Stat(filepath.Join(specDirOf(t, run, "passes-on-its-second-attempt"), artifact.DirActionTrace, artifact.FileTraceIndex)); err != nil {
		t.Errorf("the flaky spec's failed attempt has no trace: %v", err)
	}
}

func imageMIMEOf(b []byte) string { return http.DetectContentType(b) }
