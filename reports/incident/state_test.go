package incident_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

var (
	t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func result(check string, outcome incident.Outcome, critical bool) incident.CheckResult {
	return incident.CheckResult{Env: "prod", Check: check, Critical: critical, Outcome: outcome, Version: "1.4.2",
		Step: "click", Cause: "it broke", ScreenshotURL: "https://ci.example.com/shot.png"}
}

func loadedState(t *testing.T) *incident.State {
	t.Helper()
	dir := t.TempDir()
	s, err := incident.LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil { // a known, empty state: not a first run
		t.Fatal(err)
	}
	return s
}

func TestStateTransitions(t *testing.T) {
	s := loadedState(t)

	// Run 1: a critical check fails, another is flaky, a third passes.
	alerts := s.Update([]incident.CheckResult{
		result("insert-dynamic-data", incident.Failed, true),
		result("autosave", incident.Flaky, false),
		result("editor-loads", incident.Passed, true),
	}, t0)
	if len(alerts) != 2 {
		t.Fatalf("run 1 alerts = %+v", alerts)
	}
	if a := alerts[0]; a.Action != incident.ActionTrigger || a.Severity != incident.SeverityCritical || a.Step != "click" || !a.Since.Equal(t0) {
		t.Errorf("failed critical check gave %+v", a)
	}
	if a := alerts[1]; a.Severity != incident.SeverityWarning || !a.Flaky {
		t.Errorf("flaky check gave %+v", a)
	}

	// Run 2: the critical check still fails and keeps its Since; the flaky
	// one now fails outright, so its severity rises.
	alerts = s.Update([]incident.CheckResult{
		result("insert-dynamic-data", incident.Failed, true),
		result("autosave", incident.Failed, false),
	}, t1)
	if a := alerts[0]; !a.Since.Equal(t0) || a.PreviousSeverity != 0 {
		t.Errorf("repeated failure gave %+v", a)
	}
	if a := alerts[1]; a.Severity != incident.SeverityError || a.PreviousSeverity != incident.SeverityWarning {
		t.Errorf("flake turned failure gave %+v", a)
	}

	// Run 3: both pass; a skipped check changes nothing.
	alerts = s.Update([]incident.CheckResult{
		result("insert-dynamic-data", incident.Passed, true),
		result("autosave", incident.Passed, false),
		result("editor-loads", incident.Skipped, true),
	}, t1)
	if len(alerts) != 2 {
		t.Fatalf("run 3 alerts = %+v", alerts)
	}
	for _, a := range alerts {
		if a.Action != incident.ActionResolve || a.Precautionary || a.ScreenshotURL != "" {
			t.Errorf("recovery gave %+v", a)
		}
	}
	if alerts[0].Severity != incident.SeverityCritical {
		t.Errorf("resolve lost the open severity: %+v", alerts[0])
	}
	if len(s.Open) != 0 {
		t.Errorf("open after recovery: %v", s.Open)
	}

	// Run 4: all pass again: nothing to say.
	if alerts = s.Update([]incident.CheckResult{result("insert-dynamic-data", incident.Passed, true)}, t1); len(alerts) != 0 {
		t.Errorf("passing and not open gave %+v", alerts)
	}
}

func TestStateSurvivesSaveAndLoad(t *testing.T) {
	dir := t.TempDir()
	s, _ := incident.LoadState(dir)
	s.Update([]incident.CheckResult{result("insert-dynamic-data", incident.Failed, true)}, t0)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	back, err := incident.LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	open, ok := back.Open["smoke/prod/insert-dynamic-data"]
	if !back.Known() || !ok || open.Severity != incident.SeverityCritical || !open.Since.Equal(t0) || open.LastVersion != "1.4.2" {
		t.Errorf("loaded %+v", back.Open)
	}
	alerts := back.Update([]incident.CheckResult{result("insert-dynamic-data", incident.Passed, true)}, t1)
	if len(alerts) != 1 || alerts[0].Action != incident.ActionResolve {
		t.Errorf("recovery after reload gave %+v", alerts)
	}
}

func TestLostStateResolvesPassingChecksAsAPrecaution(t *testing.T) {
	s, err := incident.LoadState(t.TempDir()) // no file: first run, or the file was lost
	if err != nil {
		t.Fatal(err)
	}
	if s.Known() {
		t.Fatal("a missing state file is Known")
	}
	alerts := s.Update([]incident.CheckResult{result("editor-loads", incident.Passed, true)}, t0)
	if len(alerts) != 1 || !alerts[0].Precautionary || alerts[0].Severity != 0 {
		t.Errorf("alerts = %+v", alerts)
	}
}

func TestCorruptStateIsMovedAsideAndTreatedAsLost(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, incident.StateFileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := incident.LoadState(dir)
	var ce *incident.CorruptEntryError
	if !errors.As(err, &ce) || ce.MovedTo == "" {
		t.Fatalf("LoadState = %v", err)
	}
	if s == nil || s.Known() {
		t.Fatalf("want a usable, unknown state; got %+v", s)
	}
	if _, err := os.Stat(ce.MovedTo); err != nil {
		t.Errorf("the corrupt file was not kept: %v", err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
}
