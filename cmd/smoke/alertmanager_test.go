package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// The incident, replayed against a real Prometheus Alertmanager with every smoke check: the broken button
// fails seven checks of one feature, and that is one severity 1 alert for "Insert dynamic data" that lists
// the seven, not seven pages. Alerts an earlier version of the runner opened per check (the state file still
// knows them) are resolved by this first run with feature keys, and the fix resolves the feature's alert.
func TestRealAlertmanagerOneAlertPerBrokenFeature(t *testing.T) {
	t.Parallel()
	am := incidenttest.StartAlertmanager(t, incidenttest.GroupBy("alertname", "env", "feature"))
	f := fixture(t)
	p := newPipeline(t, map[string]string{"ALERTMANAGER_URL": am.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Before: two alerts of the one-per-check scheme, open in Alertmanager and in a version 1 state file.
	oldChecks := []string{incidentCheck, "insert-dynamic-data.lets-the-user-keep-typing-right-after-the-inserted-chip"}
	seedPerCheckAlerts(ctx, t, am, p.stateDir, "prod", oldChecks)
	waitForAlerts(ctx, t, am, "the two per-check alerts", func(a []incidenttest.AlertmanagerAlert) bool { return len(a) == 2 })

	const reportURL = "https://ci.example.com/runs/42/smoke/"
	args := func(target string) []string {
		return []string{"--target", target, "--env", "prod", "--expect-version", fixtureVer, "--retries", "0", "--report-url", reportURL}
	}
	broken := p.run(args(f.RegressionURL("blur-hides-button"))...)
	expectCode(t, broken, runner.ExitCheckFailed)
	if !strings.Contains(broken.stdout, "exit 1: 1 feature broken: insert-dynamic-data (7 checks)") {
		t.Errorf("the last line does not name the one broken feature:\n%s", broken)
	}
	for _, old := range oldChecks {
		if !strings.Contains(broken.stdout, "resolve smoke/prod/"+old) {
			t.Errorf("the run did not say it retired the per-check alert %s:\n%s", old, broken.stdout)
		}
	}

	alerts := waitForAlerts(ctx, t, am, "exactly one alert, the feature's", func(a []incidenttest.AlertmanagerAlert) bool {
		return len(a) == 1 && a[0].Labels["feature"] == incidentFeature
	})
	a := alerts[0]
	captureAlertsForREADME(ctx, t, am)
	for k, v := range map[string]string{
		"alertname": incident.AlertnameSmokeCheck, "env": "prod", "feature": incidentFeature,
		"severity": "critical", "source": "e2e-smoke",
	} {
		if a.Labels[k] != v {
			t.Errorf("label %s = %q, want %q (labels %v)", k, a.Labels[k], v, a.Labels)
		}
	}
	if _, ok := a.Labels["check"]; ok {
		t.Errorf("the feature's alert has a check label, which would make a new alert per failing check: %v", a.Labels)
	}
	ann := a.Annotations
	if want := "SEV1: Insert dynamic data broken on prod (version 1.2.3): 7 of 8 checks fail; first \"inserts Current User's email at the caret, in the middle of existing text\" at step \"clicking Insert dynamic data as soon as it shows\": click testid=insert-dynamic-data: input not received"; !strings.HasPrefix(ann["summary"], want) {
		t.Errorf("summary = %q\nwant it to start %q", ann["summary"], want)
	}
	if ann["checks_failing"] != "7 of 8" || ann["dedup_key"] != "smoke/prod/"+incidentFeature {
		t.Errorf("checks_failing %q, dedup_key %q", ann["checks_failing"], ann["dedup_key"])
	}
	for _, title := range []string{
		"inserts Current User's email at the caret, in the middle of existing text",
		"lets the user keep typing right after the inserted chip",
		"closes the menu with Escape and gives the caret back to the field",
		"removes a whole chip with one Backspace",
		"undoes and redoes an insertion with the toolbar and with the keyboard",
		"keeps the chip after a reload, because autosave stored it",
		"shows the user's real email in the preview",
	} {
		if !strings.Contains(ann["failing_checks"], title) {
			t.Errorf("failing_checks lacks %q:\n%s", title, ann["failing_checks"])
		}
	}
	if strings.Contains(ann["failing_checks"], "inserts with the keyboard alone") {
		t.Errorf("failing_checks lists the check that passed:\n%s", ann["failing_checks"])
	}
	if n := strings.Count(ann["failing_checks"], "   step: "); n != 7 {
		t.Errorf("failing_checks gives %d steps, want one per failing check:\n%s", n, ann["failing_checks"])
	}
	if shot := ann["screenshot_url"]; !strings.HasPrefix(shot, reportURL+"specs/") || !strings.HasSuffix(shot, "/screenshot.png") {
		t.Errorf("screenshot_url = %q, want the first failing check's screenshot under %s", shot, reportURL)
	}
	for _, old := range oldChecks {
		if _, err := am.WaitForNotification(ctx, func(n incidenttest.AlertmanagerNotification) bool {
			return slices.ContainsFunc(n.Alerts, func(a incidenttest.AlertmanagerNotifiedAlert) bool {
				return a.Status == "resolved" && a.Labels["check"] == old
			})
		}); err != nil {
			t.Errorf("Alertmanager never notified that the per-check alert %s was resolved: %v", old, err)
		}
	}
	var summary struct {
		Delivered bool `json:"delivered"`
		Features  []struct {
			Feature string   `json:"feature"`
			Outcome string   `json:"outcome"`
			Failing []string `json:"failing"`
		} `json:"features"`
		Checks []struct {
			Check, Feature, Step, Cause string
		} `json:"checks"`
	}
	readJSON(t, filepath.Join(broken.reportDir, "smoke.json"), &summary)
	if !summary.Delivered || !slices.ContainsFunc(summary.Features, func(f struct {
		Feature string   `json:"feature"`
		Outcome string   `json:"outcome"`
		Failing []string `json:"failing"`
	}) bool {
		return f.Feature == incidentFeature && f.Outcome == "failed" && len(f.Failing) == 7
	}) {
		t.Errorf("smoke.json: delivered %v, features %+v", summary.Delivered, summary.Features)
	}
	if i := slices.IndexFunc(summary.Checks, func(c struct{ Check, Feature, Step, Cause string }) bool { return c.Check == incidentCheck }); i < 0 ||
		summary.Checks[i].Feature != incidentFeature || summary.Checks[i].Step == "" || summary.Checks[i].Cause == "" {
		t.Errorf("smoke.json lost the per-check detail: %+v", summary.Checks)
	}

	fixed := p.run(args(f.URL() + "/")...)
	expectCode(t, fixed, runner.ExitPassed)
	if !strings.Contains(fixed.stdout, "resolve smoke/prod/"+incidentFeature) {
		t.Errorf("the passing run did not say it resolved the feature's alert:\n%s", fixed)
	}
	waitForAlerts(ctx, t, am, "no alert left", func(a []incidenttest.AlertmanagerAlert) bool { return len(a) == 0 })
	if _, err := am.WaitForNotification(ctx, func(n incidenttest.AlertmanagerNotification) bool {
		return n.Status == "resolved" && n.CommonLabels["feature"] == incidentFeature
	}); err != nil {
		t.Errorf("Alertmanager never notified the feature's resolve: %v", err)
	}
}

// seedPerCheckAlerts leaves the state an older runner left: per-check alerts open in Alertmanager, under the
// labels that version sent, and in a version 1 state file.
func seedPerCheckAlerts(ctx context.Context, t *testing.T, am *incidenttest.Alertmanager, stateDir, env string, checks []string) {
	t.Helper()
	sender := &incident.Alertmanager{BaseURL: am.URL}
	since := time.Now().Add(-time.Hour).UTC()
	open := map[string]any{}
	for _, check := range checks {
		a := incident.Alert{Action: incident.ActionTrigger, DedupKey: incident.DedupKey(env, check), Env: env, Check: check,
			Severity: incident.SeverityCritical, PerCheck: true, Since: since, Summary: "SEV1: Smoke check " + check + " failed on " + env}
		if err := sender.Send(ctx, a.Notification()); err != nil {
			t.Fatalf("seeding Alertmanager: %v", err)
		}
		open[a.DedupKey] = map[string]any{"env": env, "check": check, "severity": "critical", "since": since, "last_seen": since}
	}
	data, _ := json.Marshal(map[string]any{"format": "smoke-state/v1", "updated_at": since, "open": open})
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stateDir, incident.StateFileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// waitForAlerts polls Alertmanager's active alerts until ok holds.
func waitForAlerts(ctx context.Context, t *testing.T, am *incidenttest.Alertmanager, what string, ok func([]incidenttest.AlertmanagerAlert) bool) []incidenttest.AlertmanagerAlert {
	t.Helper()
	var alerts []incidenttest.AlertmanagerAlert
	deadline := time.Now().Add(30 * time.Second)
	for {
		var err error
		alerts, err = am.Alerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var active []incidenttest.AlertmanagerAlert
		for _, a := range alerts {
			if a.Status.State == "active" {
				active = append(active, a)
			}
		}
		if ok(active) {
			return active
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var shown []string
	for _, a := range alerts {
		shown = append(shown, a.Status.State+" "+describeLabels(a.Labels))
	}
	t.Fatalf("waiting for %s; Alertmanager has %d: %v\nalertmanager log:\n%s", what, len(alerts), shown, am.Log())
	return nil
}

func describeLabels(l map[string]string) string {
	var parts []string
	for _, k := range []string{"alertname", "env", "feature", "check", "location", "severity"} {
		if v, ok := l[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
}

// captureAlertsForREADME writes Alertmanager's GET /api/v2/alerts answer, as it came, to $SMOKE_CAPTURE_ALERT:
// that is how the README's example was made.
func captureAlertsForREADME(ctx context.Context, t *testing.T, am *incidenttest.Alertmanager) {
	path := os.Getenv("SMOKE_CAPTURE_ALERT")
	if path == "" {
		return
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, am.URL+"/api/v2/alerts", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("capturing the alert: %v", err)
		return
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		t.Errorf("capturing the alert: %v", err)
	}
	if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
		t.Errorf("capturing the alert: %v", err)
	}
}
