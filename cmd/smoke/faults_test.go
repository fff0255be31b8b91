package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// passingRun is a run whose one check passes, so what the exit code says is only about delivery.
func passingRun(target string) []string {
	return []string{"--target", target, "--env", "prod", "--focus", incidentFocus, "--retries", "0",
		"--delivery-timeout", "3s"}
}

// An API that is down for a whole run costs nothing but time: the notifications wait in the outbox, the run
// exits 3, and the next run sends them first, in order. A 429 on the way is honoured and retried, and the
// notification is delivered once. (The outbox knows a sender by its name, not its URL, so "down" is simply a
// URL nothing listens on.)
func TestAPIDownForAWholeRunIsDeliveredByTheNextRun(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": closedURL(t)})

	down := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, down, runner.ExitUndelivered)
	kept := outboxEntries(t, p.stateDir)
	if len(kept) == 0 || kept[0].Notification.Change == nil {
		t.Fatalf("the outbox holds %+v, want this run's change event first:\n%s", kept, down)
	}
	if !strings.Contains(down.stdout, "pending in the outbox") || !strings.Contains(down.stdout, "connection refused") {
		t.Errorf("the run did not say what is pending and why:\n%s", down)
	}

	pd := incidenttest.NewPagerDuty(t)
	p.env["PAGERDUTY_URL"] = pd.URL()
	pd.Script(incidenttest.RateLimited("1"))
	back := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, back, runner.ExitPassed)
	if left := outboxEntries(t, p.stateDir); len(left) != 0 {
		t.Errorf("%d entries left in the outbox after a good run", len(left))
	}
	changes := pd.Changes()
	if len(changes) != 2 {
		t.Fatalf("PagerDuty accepted %d change events, want 2 (the kept one, once, then this run's): %+v", len(changes), changes)
	}
	if kept0 := kept[0].Notification.Change.Timestamp.UTC().Format(time.RFC3339); changes[0].Payload.Timestamp != kept0 {
		t.Errorf("the first change delivered is from %s, want the kept one from %s", changes[0].Payload.Timestamp, kept0)
	}
	statuses := map[int]int{}
	for _, r := range pd.Requests() {
		statuses[r.Status]++
	}
	if statuses[429] != 1 || statuses[202] != len(pd.Requests())-1 {
		t.Errorf("answers %v: want one 429, then only 202s", statuses)
	}
}

// A 400 says the notification itself is wrong: it is reported with the API's message, not retried, and not
// kept (sending the same bytes again cannot succeed), and the run exits 3.
func TestRejectedNotificationIsReportedNotRetried(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	pd.Script(incidenttest.Reject(400, "Event object is invalid: routing_key unknown"))
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()})

	r := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, r, runner.ExitUndelivered)
	if !strings.Contains(r.stdout, "rejected change prod") || !strings.Contains(r.stdout, "Event object is invalid: routing_key unknown") {
		t.Errorf("the rejection and the API's message are not in the output:\n%s", r)
	}
	changeRequests := 0
	for _, req := range pd.Requests() {
		if req.Path == "/v2/change/enqueue" {
			changeRequests++
		}
	}
	if changeRequests != 1 {
		t.Errorf("the rejected change event was sent %d times, want once", changeRequests)
	}
	if left := outboxEntries(t, p.stateDir); len(left) != 0 {
		t.Errorf("the rejected notification was kept: %+v", left)
	}
}

// Killing the runner while it waits for an API loses nothing, because every notification is written to the
// outbox before the first attempt to send it and removed only once accepted: the next run delivers it. (A
// kill after the API accepted it but before the removal would send it twice; the dedup key absorbs that.)
func TestKillingTheRunnerMidDeliveryLosesNothing(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	pd.Script(incidenttest.Hang())
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()})

	wait, cmd := p.start(passingRun(f.URL() + "/")...)
	waitFor(t, "the runner to be stuck sending", time.Minute, func() bool { return len(pd.Requests()) > 0 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("killing the runner: %v", err)
	}
	killed := wait()
	if killed.code != -1 {
		t.Fatalf("want the runner killed, got %s", killed)
	}
	kept := outboxEntries(t, p.stateDir)
	if len(kept) == 0 || kept[0].Notification.Change == nil {
		t.Fatalf("the outbox holds %+v after the kill, want the change event being sent", kept)
	}

	next := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, next, runner.ExitPassed)
	changes := pd.Changes()
	if len(changes) != 2 {
		t.Fatalf("PagerDuty accepted %d change events, want the killed run's and this run's", len(changes))
	}
	if want := kept[0].Notification.Change.Timestamp.UTC().Format(time.RFC3339); changes[0].Payload.Timestamp != want {
		t.Errorf("first change delivered is from %s, want the killed run's from %s", changes[0].Payload.Timestamp, want)
	}
}
