package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// fakes is one of each incident system the runner can talk to, answering as the real APIs do.
type fakes struct {
	pd      *incidenttest.PagerDuty
	og      *incidenttest.Opsgenie
	sp      *incidenttest.Statuspage
	slack   *incidenttest.Slack
	webhook *incidenttest.Webhook
}

func startFakes(t *testing.T) (*fakes, map[string]string) {
	t.Helper()
	f := &fakes{
		pd:      incidenttest.NewPagerDuty(t),
		og:      incidenttest.NewOpsgenie(t),
		sp:      incidenttest.NewStatuspage(t, statusPageID),
		slack:   incidenttest.NewSlack(t),
		webhook: incidenttest.NewWebhook(t, webhookHMAC),
	}
	env := map[string]string{
		"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": f.pd.URL(),
		"OPSGENIE_API_KEY": opsgenieKey, "OPSGENIE_URL": f.og.URL(),
		"STATUSPAGE_API_KEY": statusKey, "STATUSPAGE_PAGE_ID": statusPageID, "STATUSPAGE_URL": f.sp.URL(),
		"STATUSPAGE_COMPONENTS": incidentFeature + "=" + componentID,
		"SLACK_WEBHOOK_URL":     f.slack.WebhookURL(),
		"SMOKE_WEBHOOK_URL":     f.webhook.WebhookURL(), "SMOKE_WEBHOOK_SECRET": webhookHMAC,
	}
	return f, env
}

// A broken critical check is severity 1 in every system, a flaky one a warning, a fixed one resolved; every
// run leaves a deploy marker.
func TestSeverityMappingsFlakesAndResolvesAcrossAllSenders(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	fk, env := startFakes(t)
	p := newPipeline(t, env)
	key := "smoke/staging/" + incidentFeature
	args := func(target string, retries string) []string {
		return []string{"--target", target, "--env", "staging", "--expect-version", fixtureVer,
			"--focus", incidentFocus, "--retries", retries, "--report-url", "https://ci.example.com/r/7/"}
	}

	// 1. The incident's regression: severity 1 everywhere.
	expectCode(t, p.run(args(f.RegressionURL("blur-hides-button"), "0")...), runner.ExitCheckFailed)

	ev, ok := fk.pd.OpenAlert(key)
	if !ok {
		t.Fatalf("PagerDuty has no open alert %s; events: %+v", key, fk.pd.Events())
	}
	if ev.Payload.Severity != "critical" || !strings.HasPrefix(ev.Payload.Summary, "SEV1: ") {
		t.Errorf("PagerDuty trigger severity %q summary %q, want critical and SEV1", ev.Payload.Severity, ev.Payload.Summary)
	}
	for _, k := range []string{"step", "cause", "version", "report_url", "screenshot_url"} {
		if ev.Payload.CustomDetails[k] == nil {
			t.Errorf("PagerDuty custom_details lack %q: %v", k, ev.Payload.CustomDetails)
		}
	}
	if len(ev.Images) != 1 || !strings.HasSuffix(ev.Images[0].Src, "/screenshot.png") {
		t.Errorf("PagerDuty images = %+v, want the screenshot", ev.Images)
	}
	if !slices.ContainsFunc(ev.Links, func(l incidenttest.PagerDutyLink) bool { return l.Href == "https://ci.example.com/r/7/report.html" }) {
		t.Errorf("PagerDuty links = %+v, want the report", ev.Links)
	}
	if got := priorities(fk.og.Alerts()); !slices.Equal(got, []string{"P1"}) {
		t.Errorf("Opsgenie priorities = %v, want [P1]", got)
	}
	if got := fk.og.Open(); !slices.Equal(got, []string{key}) {
		t.Errorf("Opsgenie open aliases = %v, want [%s]", got, key)
	}
	incidents := fk.sp.Unresolved()
	if len(incidents) != 1 || incidents[0].Impact != "critical" {
		t.Fatalf("Statuspage unresolved incidents = %+v, want one with impact critical", incidents)
	}
	if got := fk.sp.ComponentStatus(componentID); got != "major_outage" {
		t.Errorf("Statuspage component is %q, want major_outage", got)
	}
	if p := lastWebhookAlert(t, fk.webhook, key); p.Severity != "critical" || p.SeverityLevel != 1 || p.Step == "" {
		t.Errorf("webhook alert = %+v, want severity critical (level 1) with its step", p)
	}
	if msgs := fk.slack.Messages(); !slices.ContainsFunc(msgs, func(m incidenttest.SlackMessage) bool { return strings.Contains(m.Text, "Insert dynamic data") }) {
		t.Errorf("no Slack message names the feature: %+v", msgs)
	}

	// 2. Fails, then passes on the retry: a warning, not silence and not severity 1.
	flaky := p.run(args(newFlakyTarget(t, f), "1")...)
	expectCode(t, flaky, runner.ExitPassed)
	if !strings.Contains(flaky.stdout, "FLAKY") {
		t.Errorf("the run did not call the check flaky:\n%s", flaky)
	}
	ev, _ = fk.pd.OpenAlert(key)
	if ev.Payload == nil || ev.Payload.Severity != "warning" || !strings.Contains(ev.Payload.Summary, "Flaky") {
		t.Errorf("PagerDuty after the flaky run: %+v, want a warning saying it was flaky", ev.Payload)
	}
	if got := priorities(fk.og.Alerts()); !slices.Equal(got, []string{"P1", "P4"}) {
		t.Errorf("Opsgenie priorities = %v, want [P1 P4]", got)
	}
	if inc := fk.sp.Unresolved(); len(inc) != 1 || inc[0].Status != "monitoring" || fk.sp.ComponentStatus(componentID) != "degraded_performance" {
		t.Errorf("Statuspage after the flaky run: %+v component %s, want monitoring and degraded_performance", inc, fk.sp.ComponentStatus(componentID))
	}
	if p := lastWebhookAlert(t, fk.webhook, key); !p.Flaky || p.Severity != "warning" {
		t.Errorf("webhook alert after the flaky run = %+v, want a flaky warning", p)
	}

	// 3. Passing cleanly resolves everything the earlier runs opened.
	expectCode(t, p.run(args(f.URL()+"/", "0")...), runner.ExitPassed)
	if open := fk.pd.Open(); len(open) != 0 {
		t.Errorf("PagerDuty alerts still open: %v", open)
	}
	if open := fk.og.Open(); len(open) != 0 {
		t.Errorf("Opsgenie alerts still open: %v", open)
	}
	if inc := fk.sp.Unresolved(); len(inc) != 0 || fk.sp.ComponentStatus(componentID) != "operational" {
		t.Errorf("Statuspage: unresolved %+v, component %s; want none and operational", inc, fk.sp.ComponentStatus(componentID))
	}
	if p := lastWebhookAlert(t, fk.webhook, key); p.Action != "resolve" {
		t.Errorf("last webhook alert = %+v, want the resolve", p)
	}

	// A deploy marker per run, carrying the version.
	changes := fk.pd.Changes()
	if len(changes) != 3 {
		t.Fatalf("PagerDuty got %d change events, want one per run (3)", len(changes))
	}
	for _, ch := range changes {
		if !strings.Contains(ch.Payload.Summary, fixtureVer) || !strings.Contains(ch.Payload.Summary, "staging") {
			t.Errorf("change event summary %q does not name the version and environment", ch.Payload.Summary)
		}
	}
	// The runner's own verdicts never reached the public status page.
	for _, inc := range fk.sp.Incidents() {
		if strings.Contains(inc.Name, runner.CheckRunner) || strings.Contains(inc.Name, "Deploy") {
			t.Errorf("the runner's own check reached Statuspage: %+v", inc)
		}
	}
}

func priorities(alerts []incidenttest.OpsgenieAlert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.Priority)
	}
	return out
}

type webhookAlert struct {
	Action        string
	Severity      string
	SeverityLevel int
	Flaky         bool
	Step          string
}

// lastWebhookAlert is the latest alert the webhook received for key.
func lastWebhookAlert(t *testing.T, w *incidenttest.Webhook, key string) webhookAlert {
	t.Helper()
	var last webhookAlert
	found := false
	for _, p := range w.Payloads() {
		if p.Alert != nil && p.Alert.DedupKey == key {
			last = webhookAlert{Action: p.Alert.Action, Severity: p.Alert.Severity, SeverityLevel: p.Alert.SeverityLevel, Flaky: p.Alert.Flaky, Step: p.Alert.Step}
			found = true
		}
	}
	if !found {
		t.Fatalf("the webhook received no alert for %s", key)
	}
	return last
}
