package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// The incident, replayed against a real Prometheus Alertmanager: the broken button raises one severity 1
// alert that carries what a responder needs, a second failing deploy does not raise a second one, and the fix
// resolves it.
func TestRealAlertmanagerTriggersDeduplicatesAndResolves(t *testing.T) {
	t.Parallel()
	am := incidenttest.StartAlertmanager(t)
	f := fixture(t)
	p := newPipeline(t, map[string]string{"ALERTMANAGER_URL": am.URL})
	const reportURL = "https://ci.example.com/runs/42/smoke/"
	args := func(target string) []string {
		return []string{"--target", target, "--env", "prod", "--expect-version", fixtureVer,
			"--focus", incidentFocus, "--retries", "0", "--report-url", reportURL}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	broken := p.run(args(f.RegressionURL("blur-hides-button"))...)
	expectCode(t, broken, exitCheckFailed)
	first := onlyAlert(ctx, t, am)
	wantLabels := map[string]string{
		"alertname": incident.AlertnameSmokeCheck, "env": "prod", "check": incidentCheck,
		"severity": "critical", "source": "e2e-smoke",
	}
	for k, v := range wantLabels {
		if first.Labels[k] != v {
			t.Errorf("label %s = %q, want %q (labels %v)", k, first.Labels[k], v, first.Labels)
		}
	}
	ann := first.Annotations
	for k, want := range map[string]string{
		"step":       "clicking Insert dynamic data",
		"cause":      "input not received",
		"version":    fixtureVer,
		"report_url": reportURL + "report.",
		"summary":    "SEV1: Smoke check " + incidentCheck + " failed on prod (version 1.2.3)",
		"dedup_key":  "smoke/prod/" + incidentCheck,
	} {
		if !strings.Contains(ann[k], want) {
			t.Errorf("annotation %s = %q, want it to contain %q", k, ann[k], want)
		}
	}
	if shot := ann["screenshot_url"]; !strings.HasPrefix(shot, reportURL+"specs/") || !strings.HasSuffix(shot, "/screenshot.png") {
		t.Errorf("annotation screenshot_url = %q, want a link to the screenshot under %s", shot, reportURL)
	}

	again := p.run(args(f.RegressionURL("blur-hides-button"))...)
	expectCode(t, again, exitCheckFailed)
	if second := onlyAlert(ctx, t, am); second.Fingerprint != first.Fingerprint {
		t.Errorf("the second failing run made a new alert %s instead of updating %s", second.Fingerprint, first.Fingerprint)
	}

	fixed := p.run(args(f.URL() + "/")...)
	expectCode(t, fixed, exitPassed)
	if !strings.Contains(fixed.stdout, "resolve smoke/prod/"+incidentCheck) {
		t.Errorf("the passing run did not say it resolved the alert:\n%s", fixed)
	}
	waitFor(t, "the alert to be resolved", 10*time.Second, func() bool {
		alerts, err := am.Alerts(ctx)
		return err == nil && len(alerts) == 0
	})
	if _, err := am.WaitForNotification(ctx, func(n incidenttest.AlertmanagerNotification) bool {
		return n.Status == "resolved" && n.CommonLabels["check"] == incidentCheck
	}); err != nil {
		t.Errorf("Alertmanager never notified the resolve: %v", err)
	}
}

// onlyAlert waits for Alertmanager to list exactly one active alert and returns it.
func onlyAlert(ctx context.Context, t *testing.T, am *incidenttest.Alertmanager) incidenttest.AlertmanagerAlert {
	t.Helper()
	var alerts []incidenttest.AlertmanagerAlert
	deadline := time.Now().Add(5 * time.Second)
	for {
		var err error
		alerts, err = am.Alerts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) == 1 && alerts[0].Status.State == "active" {
			return alerts[0]
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var labels []string
	for _, a := range alerts {
		labels = append(labels, a.Status.State+" "+labelString(a.Labels))
	}
	t.Fatalf("want exactly one active alert, got %d: %v\nalertmanager log:\n%s", len(alerts), labels, am.Log())
	return incidenttest.AlertmanagerAlert{}
}

func labelString(l map[string]string) string {
	var parts []string
	for _, k := range []string{"alertname", "env", "check", "severity"} {
		parts = append(parts, k+"="+l[k])
	}
	return strings.Join(parts, ",")
}
