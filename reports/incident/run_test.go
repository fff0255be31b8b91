package incident_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func failing(check string, critical bool) incident.CheckResult {
	return incident.CheckResult{Env: "prod", Check: check, Critical: critical, Outcome: incident.Failed,
		Step: "clicking", Cause: "input not received", Version: "1.4.2", TargetURL: "https://app.example.com"}
}

func passing(check string) incident.CheckResult {
	return incident.CheckResult{Env: "prod", Check: check, Outcome: incident.Passed, Version: "1.4.3"}
}

func change(version string) incident.Change {
	return incident.Change{Env: "prod", Version: version, Summary: "Deploy of " + version, TargetURL: "https://app.example.com"}
}

func openRun(t *testing.T, dir string, senders []incident.Sender, opts incident.RunOptions) *incident.Run {
	t.Helper()
	if opts.Deadline == 0 {
		opts.Deadline = 10 * time.Second
	}
	run, problems := incident.OpenRun(t.Context(), dir, senders, opts)
	if len(problems) > 0 {
		t.Fatalf("opening the run: %v", problems)
	}
	t.Cleanup(run.Close)
	run.StartFlush(t.Context())
	return run
}

// When one incident system refuses the run's alerts, the others are told (a smoke-delivery alert), and the
// run after the system works again resolves that alert.
func TestRunReportsARefusingSenderThroughTheOthersAndResolvesItLater(t *testing.T) {
	dir := t.TempDir()
	pdFake, pd := pagerDuty(t)
	refusing := incidenttest.NewWebhook(t, "")
	refusing.Script(incidenttest.Reject(400, "unknown hook"), incidenttest.Reject(400, "unknown hook"))
	deliveryKey := incident.DedupKey("prod", incident.CheckDelivery)

	run := openRun(t, dir, []incident.Sender{pd, &incident.Webhook{URL: incident.NewSecret(refusing.WebhookURL())}}, incident.RunOptions{})
	res := run.Deliver(t.Context(), incident.Batch{Env: "prod", Change: change("1.4.2"), Results: []incident.CheckResult{failing("editor-loads", true)}})
	if !res.Failed() || res.Report.Rejected() != 2 {
		t.Fatalf("want the webhook's two notifications rejected, got:\n%s", res.Report)
	}
	if res.Meta == nil || res.Meta.Delivered() != 1 {
		t.Fatalf("the smoke-delivery alert was not delivered through PagerDuty: %+v", res.Meta)
	}
	ev, ok := pdFake.OpenAlert(deliveryKey)
	if !ok || !strings.Contains(ev.Payload.Summary, "could not be delivered to webhook") || !strings.Contains(ev.Payload.Summary, "unknown hook") {
		t.Errorf("PagerDuty's smoke-delivery alert: %+v", ev.Payload)
	}
	if !slices.Equal(res.Notifications, []string{"change prod 1.4.2", "trigger smoke/prod/editor-loads (critical)"}) {
		t.Errorf("notifications %q", res.Notifications)
	}
	run.Close()

	working := incidenttest.NewWebhook(t, "")
	run = openRun(t, dir, []incident.Sender{pd, &incident.Webhook{URL: incident.NewSecret(working.WebhookURL())}}, incident.RunOptions{})
	res = run.Deliver(t.Context(), incident.Batch{Env: "prod", Change: change("1.4.3"), Results: []incident.CheckResult{passing("editor-loads")}})
	if res.Failed() {
		t.Fatalf("the second run failed:\n%s", res.Report)
	}
	if _, open := pdFake.OpenAlert(deliveryKey); open {
		t.Errorf("the smoke-delivery alert stayed open once every sender worked")
	}
	if _, open := run.State().Open[deliveryKey]; open || len(run.State().Open) != 0 {
		t.Errorf("state after recovery: %v", run.State().Open)
	}
}

// A check about the run itself does not reach the public status page unless mapped to a component.
func TestRunKeepsPrivateChecksOffTheStatusPage(t *testing.T) {
	fake := incidenttest.NewStatuspage(t, "pg1")
	sp := &incident.Statuspage{APIKey: incident.NewSecret("sp-key"), PageID: "pg1", BaseURL: fake.URL(),
		Limiter: incident.NewIntervalLimiter(0)}
	run := openRun(t, t.TempDir(), []incident.Sender{sp}, incident.RunOptions{Private: []string{"smoke-runner"}})
	res := run.Deliver(t.Context(), incident.Batch{Env: "prod", Change: change("1.4.2"), Results: []incident.CheckResult{failing("smoke-runner", false), failing("editor-loads", true)}})
	if res.Failed() {
		t.Fatalf("delivery failed:\n%s", res.Report)
	}
	var names []string
	for _, inc := range fake.Incidents() {
		names = append(names, inc.Name)
	}
	if len(names) != 1 || !strings.Contains(names[0], "editor-loads") {
		t.Errorf("status page incidents %q, want only the product's check", names)
	}
}

// A summary given for a check replaces its trigger's headline.
func TestRunUsesTheRunnersSummaryForItsOwnChecks(t *testing.T) {
	pdFake, pd := pagerDuty(t)
	run := openRun(t, t.TempDir(), []incident.Sender{pd}, incident.RunOptions{})
	run.Deliver(t.Context(), incident.Batch{Env: "prod", Change: change("1.4.2"), Results: []incident.CheckResult{failing("deploy-live", true)},
		Summaries: map[string]string{"deploy-live": "SEV1: Deploy not live on prod: serves 1.4.1"}})
	if ev, ok := pdFake.OpenAlert("smoke/prod/deploy-live"); !ok || ev.Payload.Summary != "SEV1: Deploy not live on prod: serves 1.4.1" {
		t.Errorf("PagerDuty alert %+v", ev.Payload)
	}
}
