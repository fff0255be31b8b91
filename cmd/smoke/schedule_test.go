package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// The same broken feature seen from two places is one incident: Alertmanager keeps one alert per location
// (the location is a label) and notifies them as one group, since it groups by feature; PagerDuty, which
// deduplicates by key, has one open alert, whose details say where it was seen from.
func TestTwoLocationsSeeOneIncident(t *testing.T) {
	t.Parallel()
	am := incidenttest.StartAlertmanager(t, incidenttest.GroupBy("alertname", "env", "feature"))
	pd := incidenttest.NewPagerDuty(t)
	f := fixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := map[string]string{"ALERTMANAGER_URL": am.URL, "PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()}
	for _, location := range []string{"eu-west", "us-east"} {
		// Each location keeps its own state, as two schedulers in two places would.
		r := newPipeline(t, env).run("--target", f.RegressionURL("blur-hides-button"), "--env", "prod", "--location", location,
			"--focus", incidentFocus, "--retries", "0")
		expectCode(t, r, runner.ExitCheckFailed)
	}

	alerts := waitForAlerts(ctx, t, am, "one alert per location", func(a []incidenttest.AlertmanagerAlert) bool { return len(a) == 2 })
	var locations []string
	for _, a := range alerts {
		if a.Labels["feature"] != incidentFeature || a.Labels["severity"] != "critical" || a.Annotations["dedup_key"] != "smoke/prod/"+incidentFeature {
			t.Errorf("alert %v is not the feature's", a.Labels)
		}
		locations = append(locations, a.Labels["location"])
	}
	slices.Sort(locations)
	if !slices.Equal(locations, []string{"eu-west", "us-east"}) {
		t.Errorf("locations %q, want both", locations)
	}
	n, err := am.WaitForNotification(ctx, func(n incidenttest.AlertmanagerNotification) bool { return n.Status == "firing" && len(n.Alerts) == 2 })
	if err != nil {
		t.Fatalf("Alertmanager never notified one group with both locations' alerts: %v (notifications %+v)", err, am.Notifications())
	}
	if n.GroupLabels["feature"] != incidentFeature || len(n.GroupLabels) != 3 {
		t.Errorf("group labels %v, want alertname, env and feature", n.GroupLabels)
	}
	for _, nf := range am.Notifications() {
		if nf.GroupLabels["feature"] == incidentFeature && nf.GroupLabels["location"] != "" {
			t.Errorf("a location made a group of its own: %v", nf.GroupLabels)
		}
	}

	if open := pd.Open(); !slices.Equal(open, []string{"smoke/prod/" + incidentFeature}) {
		t.Errorf("PagerDuty open alerts %v, want the one feature's", open)
	}
	seen := map[string]bool{}
	for _, ev := range pd.Events() {
		if ev.DedupKey == "smoke/prod/"+incidentFeature && ev.EventAction == "trigger" {
			loc, _ := ev.Payload.CustomDetails["location"].(string)
			seen[loc] = true
			if !strings.Contains(ev.Payload.Summary, "seen from "+loc) {
				t.Errorf("PagerDuty summary %q does not say where it was seen from", ev.Payload.Summary)
			}
		}
	}
	if !seen["eu-west"] || !seen["us-east"] {
		t.Errorf("PagerDuty triggers came from %v, want both locations", seen)
	}
}

// A deploy that failed before any smoke run could start still pages: one call, no browser and no target,
// raises the severity 1 "deploy" alert; the next run whose deploy is live resolves it.
func TestFailedDeployIsSeverityOneAndResolvedByALiveDeploy(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL(), "CHROME_BIN": "/nonexistent/chromium"})
	key := "smoke/prod/" + runner.FeatureDeploy

	failed := p.run("--env", "prod", "--deploy-failed", "helm upgrade timed out after 10m", "--expect-version", fixtureVer)
	expectCode(t, failed, runner.ExitCheckFailed)
	if line := failed.lastLine(); line != "smoke: exit 1: deploy failed: helm upgrade timed out after 10m" {
		t.Errorf("last line = %q", line)
	}
	ev, ok := pd.OpenAlert(key)
	if !ok {
		t.Fatalf("no PagerDuty alert %s; events %+v\n%s", key, pd.Events(), failed)
	}
	if ev.Payload.Severity != "critical" || ev.Payload.Summary != "SEV1: Deploy of 1.2.3 to prod failed: helm upgrade timed out after 10m" {
		t.Errorf("deploy alert: severity %q, summary %q", ev.Payload.Severity, ev.Payload.Summary)
	}
	if changes := pd.Changes(); len(changes) != 1 || !strings.Contains(changes[0].Payload.Summary, "DEPLOY FAILED: helm upgrade timed out") {
		t.Errorf("the deploy marker does not say the deploy failed: %+v", changes)
	}

	// A run without --expect-version cannot know the deploy went out: the alert stays.
	delete(p.env, "CHROME_BIN")
	unknown := p.run("--target", f.URL()+"/", "--env", "prod", "--focus", incidentFocus, "--retries", "0")
	expectCode(t, unknown, runner.ExitPassed)
	if _, open := pd.OpenAlert(key); !open {
		t.Errorf("a run that did not check the version resolved the failed deploy")
	}

	live := p.run("--target", f.URL()+"/", "--env", "prod", "--expect-version", fixtureVer, "--focus", incidentFocus, "--retries", "0")
	expectCode(t, live, runner.ExitPassed)
	if _, open := pd.OpenAlert(key); open {
		t.Errorf("the live deploy did not resolve %s:\n%s", key, live)
	}
}
