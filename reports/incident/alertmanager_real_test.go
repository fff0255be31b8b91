package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// These tests run the real prometheus-alertmanager: what it accepts, how it
// deduplicates and when it resolves are its behaviour, not our guess.

func activeAlerts(t *testing.T, ctx context.Context, am *incidenttest.Alertmanager) []incidenttest.AlertmanagerAlert {
	t.Helper()
	alerts, err := am.Alerts(ctx)
	if err != nil {
		t.Fatalf("%v\n%s", err, am.Log())
	}
	return alerts
}

func isFor(check, status string) func(incidenttest.AlertmanagerNotification) bool {
	return func(n incidenttest.AlertmanagerNotification) bool {
		return n.Status == status && n.CommonLabels["feature"] == check
	}
}

// startRealAlertmanager starts a real Alertmanager for the test and returns it with a deliverer to it, an empty
// state and the time the test gives it to answer.
func startRealAlertmanager(t *testing.T) (*incidenttest.Alertmanager, *incident.Deliverer, *incident.State, context.Context) {
	t.Helper()
	am := incidenttest.StartAlertmanager(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	d, _ := newDeliverer(t, &incident.Alertmanager{BaseURL: am.URL})
	state, err := incident.LoadState(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return am, d, state, ctx
}

func TestRealAlertmanagerTriggerDeduplicateResolve(t *testing.T) {
	am, d, state, ctx := startRealAlertmanager(t)
	failing := incident.CheckResult{
		Env: "prod", Check: "insert-dynamic-data", Critical: true, Outcome: incident.Failed,
		Step: "click Insert dynamic data", Cause: "button vanished on mousedown", Version: "1.4.2",
		ReportURL: "https://ci.example.com/smoke/1/report.html",
	}

	// Run 1: the critical check fails.
	start := time.Now()
	alerts := state.Update([]incident.CheckResult{failing}, start)
	if rep := deliver(t, d, alerts[0].Notification()); !rep.OK() || rep.Delivered() != 1 {
		t.Fatalf("trigger:\n%s", rep)
	}
	active := activeAlerts(t, ctx, am)
	if len(active) != 1 {
		t.Fatalf("active alerts = %+v", active)
	}
	a := active[0]
	for k, v := range map[string]string{"alertname": incident.AlertnameSmokeCheck, "env": "prod", "feature": "insert-dynamic-data", "severity": "critical", "source": "e2e-smoke"} {
		if a.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, a.Labels[k], v)
		}
	}
	if a.Status.State != "active" || a.Annotations["step"] != failing.Step || a.Annotations["version"] != "1.4.2" {
		t.Errorf("alert = %+v", a)
	}
	// Still firing long after Alertmanager's 5m resolve_timeout.
	if a.EndsAt.Before(start.Add(23 * time.Hour)) {
		t.Errorf("endsAt %v: the alert would auto-resolve before the next deploy", a.EndsAt)
	}
	if _, err := am.WaitForNotification(ctx, isFor("insert-dynamic-data", "firing")); err != nil {
		t.Fatalf("%v\n%s", err, am.Log())
	}

	// Run 2: still failing; the same trigger again keeps one alert.
	alerts = state.Update([]incident.CheckResult{failing}, time.Now())
	if rep := deliver(t, d, alerts[0].Notification()); !rep.OK() {
		t.Fatalf("repeat:\n%s", rep)
	}
	if active := activeAlerts(t, ctx, am); len(active) != 1 || active[0].Fingerprint != a.Fingerprint {
		t.Errorf("after a repeated trigger: %+v", active)
	}

	// Run 3: recovered.
	failing.Outcome = incident.Passed
	alerts = state.Update([]incident.CheckResult{failing}, time.Now())
	if len(alerts) != 1 || alerts[0].Action != incident.ActionResolve {
		t.Fatalf("plan = %+v", alerts)
	}
	if rep := deliver(t, d, alerts[0].Notification()); !rep.OK() {
		t.Fatalf("resolve:\n%s", rep)
	}
	if active := activeAlerts(t, ctx, am); len(active) != 0 {
		t.Errorf("still active after resolve: %+v", active)
	}
	n, err := am.WaitForNotification(ctx, isFor("insert-dynamic-data", "resolved"))
	if err != nil {
		t.Fatalf("%v\n%s", err, am.Log())
	}
	if n.Alerts[0].Labels["severity"] != "critical" {
		t.Errorf("resolved notification = %+v", n)
	}
}

func TestRealAlertmanagerSeverityChangeLeavesOneAlert(t *testing.T) {
	am, d, state, ctx := startRealAlertmanager(t)

	check := incident.CheckResult{Env: "prod", Check: "autosave", Outcome: incident.Flaky, Step: "type", Cause: "slow"}
	for _, outcome := range []incident.Outcome{incident.Flaky, incident.Failed} {
		check.Outcome = outcome
		alerts := state.Update([]incident.CheckResult{check}, time.Now())
		if rep := deliver(t, d, alerts[0].Notification()); !rep.OK() {
			t.Fatalf("%s:\n%s", outcome, rep)
		}
	}
	active := activeAlerts(t, ctx, am)
	if len(active) != 1 || active[0].Labels["severity"] != "error" {
		t.Errorf("after flaky then failed, active = %+v; want only the error alert", active)
	}

	// A lost state file: a precautionary resolve must clear it without
	// knowing the severity, and Alertmanager must accept all four posts.
	lost, _ := incident.LoadState(t.TempDir())
	check.Outcome = incident.Passed
	alerts := lost.Update([]incident.CheckResult{check, {Env: "prod", Check: "never-failed", Outcome: incident.Passed}}, time.Now())
	if rep := deliver(t, d, alerts[0].Notification(), alerts[1].Notification()); !rep.OK() {
		t.Fatalf("precautionary resolve:\n%s", rep)
	}
	if active := activeAlerts(t, ctx, am); len(active) != 0 {
		t.Errorf("still active: %+v", active)
	}
}
