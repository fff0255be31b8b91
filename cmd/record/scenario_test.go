package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/harness/recorder"
)

// The whole loop on the incident's feature: record Insert Dynamic Data on the fixture editor by driving the
// recorder's browser with the harness's own trusted input, write the spec with the command, compile it, and
// run it green against the clean editor and red against the blur-hides-button regression, failing at the
// click with the harness's cause.
func TestARecordedSpecPassesOnTheCleanEditorAndFailsAtTheClickOnTheIncidentsBug(t *testing.T) {
	srv, err := fixtures.Serve(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := scratchPackage(t)
	out := filepath.Join(dir, "insert_dynamic_data.go")
	profiles := t.TempDir()

	ctx, stopRecording := context.WithCancel(context.Background())
	defer stopRecording()
	var stderr syncBuffer
	var driveErr error
	code := run(ctx, []string{"--base-url", srv.URL() + "/", "--out", out, "--headless",
		"--describe", "Insert dynamic data", "--it", "inserts Current User's email into the Text field"},
		env(map[string]string{"E2E_PROFILE_ROOT": profiles}), &bytes.Buffer{}, &stderr,
		func(rec *recorder.Recorder) {
			driveErr = insertDynamicData(rec.Page())
			stopRecording() // as Ctrl-C would
		})
	if driveErr != nil {
		t.Fatalf("driving the recorded page: %v\n%s", driveErr, stderr.String())
	}
	if code != 0 {
		t.Fatalf("record exited %d:\n%s", code, stderr.String())
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	src := string(body)
	t.Logf("the recorded spec:\n%s", src)
	for _, want := range []string{
		`package record_`, // the package is named after the (new) directory
		`Expect(page.Goto(ctx, e2e.BaseURL())).To(Succeed())`,
		// A frame chain for the canvas, test ids where there are test ids, typing folded into one Fill.
		`Expect(page.ByTestID("canvas").Frame().ByTestID("canvas-element-e1").Click(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("field-text").Fill(ctx, "Hello ")).To(Succeed())`,
		`By("clicking Insert dynamic data")`,
		`Expect(page.ByTestID("insert-dynamic-data").Click(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("dynamic-data-option-current-user").Click(ctx)).To(Succeed())`,
		`Expect(page.ByTestID("dynamic-data-option-current-user-email").Click(ctx)).To(Succeed())`,
		`Eventually(page.ByTestID("field-text").ByTestID("expression-chip")).Should(e2e.HaveCount(1))`,
		`Eventually(page.ByTestID("field-text")).Should(e2e.HaveText("Hello Current User › Email"))`,
		`}, e2e.Timeout())`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the recorded spec lacks\n\t%s", want)
		}
	}
	if strings.Contains(src, "Hover") || strings.Contains(src, "Alt+Shift") {
		t.Error("the hover and the assertion shortcut are not actions of the spec")
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.Base(dir)[1:]+"_suite_test.go")); err != nil {
		t.Errorf("a new package gets a suite file: %v", err)
	}

	bin := filepath.Join(t.TempDir(), "recorded.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./"+relToModule(t, dir))
	build.Dir = moduleRoot(t)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the recorded spec does not compile: %v\n%s", err, b)
	}

	clean := runRecorded(t, bin, srv.URL()+"/", profiles)
	if clean.State != types.SpecStatePassed {
		t.Fatalf("against the clean editor the recorded spec %s: %s", clean.State, clean.Failure.Message)
	}
	broken := runRecorded(t, bin, srv.RegressionURL("blur-hides-button"), profiles)
	if broken.State != types.SpecStateFailed {
		t.Fatalf("against blur-hides-button the recorded spec %s, want failed", broken.State)
	}
	t.Logf("against blur-hides-button, at %s: %s", broken.Failure.Location, broken.Failure.Message)
	if !strings.Contains(broken.Failure.Message, "click testid=insert-dynamic-data: input not received by") {
		t.Errorf("the failure does not give the harness's cause: %s", broken.Failure.Message)
	}
	lines := strings.Split(src, "\n")
	if n := broken.Failure.Location.LineNumber; n < 1 || n > len(lines) ||
		!strings.Contains(lines[n-1], `page.ByTestID("insert-dynamic-data").Click(ctx)`) {
		t.Errorf("the spec failed at %s, not at the click on Insert dynamic data", broken.Failure.Location)
	}
	if left, _ := filepath.Glob(filepath.Join(profiles, "*")); len(left) > 0 {
		t.Errorf("browser profiles left behind: %v", left)
	}
}

// insertDynamicData is the scenario, as a person does it: select the heading on the canvas, write in its Text
// field, click Insert dynamic data, pick Current User › Email, and ask for two assertions by pointing at the
// chip and at the field.
func insertDynamicData(p *harness.Page) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	field := p.ByTestID("field-text")
	chip := field.ByTestID("expression-chip")
	steps := []func() error{
		func() error { return p.ByTestID("canvas").Frame().ByTestID("canvas-element-e1").Click(ctx) },
		func() error { return field.Fill(ctx, "Hello ") },
		func() error { return p.ByTestID("insert-dynamic-data").Click(ctx) },
		func() error { return p.ByTestID("dynamic-data-option-current-user").Click(ctx) },
		func() error { return p.ByTestID("dynamic-data-option-current-user-email").Click(ctx) },
		func() error { return chip.WaitFor(ctx, harness.Visible) },
		func() error { return chip.Hover(ctx) },
		func() error { return p.Keyboard().Press(ctx, "Alt+Shift+C") }, // assert the count of what is under the pointer
		func() error { return p.ByTestID("selected-element-label").Hover(ctx) },
		func() error { return field.Hover(ctx, harness.AtPosition(4, 4)) },
		func() error { return p.Keyboard().Press(ctx, "Alt+Shift+T") }, // and the field's text
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// runRecorded runs the compiled spec against target and returns its report.
func runRecorded(t *testing.T, bin, target, profiles string) types.SpecReport {
	t.Helper()
	outDir := t.TempDir()
	cmd := exec.Command(bin, "-ginkgo.no-color")
	cmd.Env = append(os.Environ(), "BASE_URL="+target, "E2E_OUTPUT_DIR="+outDir, "E2E_PROFILE_ROOT="+profiles)
	output, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running the recorded spec: %v\n%s", err, output)
	}
	body, err := os.ReadFile(filepath.Join(outDir, "report.json"))
	if err != nil {
		t.Fatalf("no report from the recorded spec: %v\n%s", err, output)
	}
	var reports []types.Report
	if err := json.Unmarshal(body, &reports); err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt {
				return s
			}
		}
	}
	t.Fatalf("the report has no spec:\n%s", output)
	return types.SpecReport{}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// scratchPackage is a new package directory inside the module, where a recorded spec compiles against
// suites/e2e: under the git-ignored out/, named with a leading underscore so that ./... patterns (go vet, go
// test) never see it. It is removed when the test ends, whether it passed or not.
func scratchPackage(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	dir := filepath.Join(moduleRoot(t), "out", "_record_"+hex.EncodeToString(b))
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func relToModule(t *testing.T, dir string) string {
	t.Helper()
	rel, err := filepath.Rel(moduleRoot(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}

// env is the process's environment with a few variables set over it.
func env(set map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

// syncBuffer is a buffer the recorder's log and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
