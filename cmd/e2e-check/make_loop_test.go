package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// makeTarget runs make in the repository with the developer's own settings left out and everything written
// under out, and returns what it printed (make itself exits 2 whenever a recipe fails: recipeStatus reads the
// recipe's own status).
func makeTarget(t *testing.T, out string, args ...string) string {
	t.Helper()
	cmd := exec.Command("make", append([]string{"--no-print-directory"}, append(args, "OUT="+out)...)...)
	cmd.Dir = "../.."
	cmd.Env = cleanEnv()
	output, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("make %s: %v", strings.Join(args, " "), err)
	}
	return string(output)
}

// recipeStatus is the N of make's "Error N" line for the failed recipe, or 0 when make succeeded.
func recipeStatus(output string) string {
	i := strings.LastIndex(output, "] Error ")
	if i < 0 {
		return "0"
	}
	rest := output[i+len("] Error "):]
	if j := strings.IndexAny(rest, " \n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// A filter that selects no spec is a mistake, not a green run: make e2e stops with one line naming the filter
// and the labels the suite has, and its own exit status (3, a variable to correct).
func TestAFilterThatSelectsNoSpecFailsTheRun(t *testing.T) {
	out := t.TempDir()
	output := makeTarget(t, out, "e2e", "LABEL_FILTER=smok")
	if got := recipeStatus(output); got != "3" {
		t.Fatalf("make e2e LABEL_FILTER=smok: recipe status %s, want 3 (no spec selected)\n%s", got, output)
	}
	var line string
	for _, l := range strings.Split(output, "\n") {
		if strings.Contains(l, `--label-filter="smok" selects none of the suite's`) {
			line = l
		}
	}
	if line == "" || !strings.Contains(line, "smoke") {
		t.Errorf("no line names the filter and the labels there are:\n%s", output)
	}
}

// make e2e-failed reruns exactly the specs that failed in the last make e2e, against the same deployment and
// with the same seed. The first run selects two specs (the FOCUS has an apostrophe, which once broke make's
// variable check) against the incident's regression: the Insert dynamic data spec fails there, the canvas one
// passes. The rerun runs the failed one and nothing else.
func TestMakeE2EFailedRerunsExactlyTheFailedSpecs(t *testing.T) {
	srv, err := fixtures.Serve(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	target := strings.TrimSuffix(srv.URL(), "/") + "/regressions/blur-hides-button/"
	out := t.TempDir()
	e2eDir := filepath.Join(out, "e2e")

	output := makeTarget(t, out, "e2e", "BASE_URL="+target,
		"FOCUS=inserts Current User's email at the caret|selects the element that was clicked inside the canvas")
	if got := recipeStatus(output); got != "1" {
		t.Fatalf("the first run: recipe status %s, want 1 (a spec failed)\n%s", got, output)
	}
	first, err := reports.ReadRunSummary(e2eDir)
	if err != nil {
		t.Fatal(err)
	}
	if first.Selected != 2 || len(first.Failed) != 1 || !strings.Contains(first.Failed[0].Name, "Current User's email at the caret") {
		t.Fatalf("the first run selected %d specs and failed %+v; want 2 selected and the Insert dynamic data spec failed\n%s",
			first.Selected, first.Failed, output)
	}

	// By default the filmstrip starts at the first wait, and this click did not wait: its trace has the frame
	// the click left behind, not the one before it.
	checkBlurHidesTrace(t, filepath.Join(e2eDir, filepath.FromSlash(first.Failed[0].Trace)), false)

	output = makeTarget(t, out, "e2e-failed")
	if got := recipeStatus(output); got != "1" {
		t.Fatalf("make e2e-failed: recipe status %s, want 1 (the spec fails again)\n%s", got, output)
	}
	rerun, err := reports.ReadRunSummary(e2eDir)
	if err != nil {
		t.Fatal(err)
	}
	if rerun.RunID == first.RunID {
		t.Fatal("make e2e-failed wrote no run summary of its own")
	}
	if rerun.Selected != 1 || len(rerun.Failed) != 1 || rerun.Failed[0].Name != first.Failed[0].Name {
		t.Errorf("the rerun selected %d specs and failed %+v; want exactly %q", rerun.Selected, rerun.Failed, first.Failed[0].Name)
	}
	if rerun.Seed != first.Seed || rerun.BaseURL != first.BaseURL {
		t.Errorf("the rerun ran with seed %d against %s; want the first run's seed %d and %s", rerun.Seed, rerun.BaseURL, first.Seed, first.BaseURL)
	}
	// The rerun records the filmstrip from the first paint: the click has its frame before too.
	checkBlurHidesTrace(t, filepath.Join(e2eDir, filepath.FromSlash(rerun.Failed[0].Trace)), true)
	// Its console account names the cause under the failed spec, as every failing run's does.
	if !strings.Contains(output, "input not received") {
		t.Errorf("the rerun's summary does not give the failed spec's cause:\n%s", output)
	}
}

// checkBlurHidesTrace reads the failed spec's trace/index.json as another tool would: its last step is the click
// on Insert dynamic data, pressed inside the button's box, with the after frame (and the before frame, when
// withBefore) on disk, and the landing proof shows the incident — pointerdown reached the button, pointerup and
// click went elsewhere.
func checkBlurHidesTrace(t *testing.T, index string, withBefore bool) {
	t.Helper()
	body, err := os.ReadFile(index)
	if err != nil {
		t.Fatalf("the failed spec has no trace index: %v", err)
	}
	var trace artifact.ActionTrace
	if err := json.Unmarshal(body, &trace); err != nil {
		t.Fatalf("%s: %v", index, err)
	}
	if len(trace.Steps) == 0 {
		t.Fatalf("%s has no steps", index)
	}
	click := trace.Steps[len(trace.Steps)-1]
	if click.Action != "click" || click.Locator != "testid=insert-dynamic-data" || click.Error == "" {
		t.Fatalf("the last step is %s %s (error %q); want the failed click on Insert dynamic data", click.Action, click.Locator, click.Error)
	}
	frames := []string{click.After}
	if withBefore {
		frames = append(frames, click.Before)
	}
	for _, img := range frames {
		if img == "" {
			t.Errorf("the click step lacks a frame: before %q, after %q (before wanted: %v)", click.Before, click.After, withBefore)
		} else if _, err := os.Stat(filepath.Join(filepath.Dir(index), filepath.FromSlash(img))); err != nil {
			t.Errorf("the frame %s is not on disk: %v", img, err)
		}
	}
	if p, b := click.Point, click.TargetBox; p == nil || b == nil || p.X < b.X || p.X > b.X+b.Width || p.Y < b.Y || p.Y > b.Y+b.Height {
		t.Errorf("the press point %+v is not inside the target's box %+v", p, b)
	}
	reached := map[string]bool{}
	for _, l := range click.Landings {
		reached[l.Event] = l.InTarget
	}
	if len(click.Landings) != 3 || !reached["pointerdown"] || reached["pointerup"] || reached["click"] {
		t.Errorf("the landings are %+v; want pointerdown in the target, pointerup and click elsewhere", click.Landings)
	}
}
