package incident_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// check is one check of the Insert dynamic data feature.
func check(name string, outcome incident.Outcome, critical bool) incident.CheckResult {
	return incident.CheckResult{Env: "prod", Check: "insert-dynamic-data." + name, Title: name, Feature: "insert-dynamic-data",
		FeatureName: "Insert dynamic data", Critical: critical, Outcome: outcome, Version: "1.4.2",
		Step: "clicking " + name, Cause: name + " broke"}
}

// One broken feature is one alert, however many of its checks fail; it lists each with its step and cause, is
// severity 1 when a failing check is critical, and is resolved only when all its checks pass.
func TestOneAlertPerFeatureListsItsFailingChecks(t *testing.T) {
	s := loadedState(t)
	alerts := s.Update([]incident.CheckResult{
		check("a", incident.Failed, false), check("b", incident.Passed, true), check("c", incident.Failed, true),
	}, t0)
	if len(alerts) != 1 {
		t.Fatalf("alerts %+v, want one for the feature", alerts)
	}
	a := alerts[0]
	if a.DedupKey != "smoke/prod/insert-dynamic-data" || a.Severity != incident.SeverityCritical || a.ChecksRun != 3 {
		t.Errorf("alert %s severity %s checks run %d", a.DedupKey, a.Severity, a.ChecksRun)
	}
	if len(a.Checks) != 2 || a.Checks[0].Check != "insert-dynamic-data.a" || a.Checks[1].Step != "clicking c" || a.Step != "clicking a" || a.Cause != "a broke" {
		t.Errorf("checks %+v, step %q cause %q: want a then c, a's step and cause first", a.Checks, a.Step, a.Cause)
	}
	if h := a.Headline(); !strings.HasPrefix(h, `SEV1: Insert dynamic data broken on prod (version 1.4.2): 2 of 3 checks fail; first "a" at step "clicking a": a broke`) {
		t.Errorf("headline %q", h)
	}

	// The same failure again is a repeat: chat senders skip it, incident APIs refresh.
	again := s.Update([]incident.CheckResult{check("a", incident.Failed, false), check("b", incident.Passed, true), check("c", incident.Failed, true)}, t1)
	if len(again) != 1 || !again[0].Repeat || !again[0].Since.Equal(t0) {
		t.Errorf("unchanged failure gave %+v, want a repeat keeping Since", again)
	}
	// A changed set of failing checks updates the one alert: same key, not a repeat.
	changed := s.Update([]incident.CheckResult{check("a", incident.Passed, false), check("b", incident.Passed, true), check("c", incident.Failed, true)}, t1)
	if len(changed) != 1 || changed[0].Repeat || changed[0].DedupKey != a.DedupKey || len(changed[0].Checks) != 1 {
		t.Errorf("changed set gave %+v, want an update of the same alert", changed)
	}
	// Not every check ran (a focused run): the one still failing was not looked at, so nothing is resolved.
	if partial := s.Update([]incident.CheckResult{check("a", incident.Passed, false)}, t1); len(partial) != 0 {
		t.Errorf("a run without the failing check resolved the feature: %+v", partial)
	}
	resolved := s.Update([]incident.CheckResult{check("a", incident.Passed, false), check("b", incident.Passed, true), check("c", incident.Passed, true)}, t1)
	if len(resolved) != 1 || resolved[0].Action != incident.ActionResolve || resolved[0].Severity != incident.SeverityCritical {
		t.Errorf("recovery gave %+v", resolved)
	}
}

// Per-check alerts a state file of the old format knows are retired by the first run with feature keys: the
// ones whose checks ran now, pointing at their feature's alert; in a complete run also the ones whose check is
// gone; the runner's own checks, whose key did not change, only in their label form.
func TestPerCheckAlertsAreRetiredByTheFirstFeatureRun(t *testing.T) {
	dir := t.TempDir()
	since := t0.Add(-time.Hour)
	open := map[string]any{}
	for _, c := range []string{"insert-dynamic-data.a", "insert-dynamic-data.gone", "smoke-runner", "deploy-live", "other.kept"} {
		open[incident.DedupKey("prod", c)] = map[string]any{"env": "prod", "check": c, "severity": "critical", "since": since, "last_seen": since}
	}
	open[incident.DedupKey("staging", "insert-dynamic-data.a")] = map[string]any{"env": "staging", "check": "insert-dynamic-data.a", "severity": "error", "since": since, "last_seen": since}
	data, _ := json.Marshal(map[string]any{"format": "smoke-state/v1", "open": open})
	if err := os.WriteFile(filepath.Join(dir, incident.StateFileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := incident.LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	runner := incident.CheckResult{Env: "prod", Check: "smoke-runner", Outcome: incident.Passed}
	results := []incident.CheckResult{check("a", incident.Failed, true), runner}

	// A focused run: only what ran is retired.
	alerts := s.UpdateRun(results, t0, incident.UpdateOptions{Keep: []string{"deploy-live"}})
	got := map[string]incident.Alert{}
	for _, a := range alerts {
		got[string(a.Action)+" "+a.DedupKey] = a
	}
	retired := got["resolve smoke/prod/insert-dynamic-data.a"]
	if !retired.PerCheck || retired.ReplacedBy != "smoke/prod/insert-dynamic-data" || retired.Severity != incident.SeverityCritical || retired.LabelsOnly {
		t.Errorf("the per-check alert of a check that ran: %+v", retired)
	}
	if a := got["trigger smoke/prod/insert-dynamic-data"]; a.Severity != incident.SeverityCritical {
		t.Errorf("no feature trigger: %v", alerts)
	}
	if a := got["resolve smoke/prod/smoke-runner"]; !a.PerCheck || !a.LabelsOnly {
		t.Errorf("the runner's own check, same key: want a labels-only retirement, got %+v (all: %v)", a, alerts)
	}
	for _, k := range []string{"resolve smoke/prod/insert-dynamic-data.gone", "resolve smoke/prod/deploy-live", "resolve smoke/staging/insert-dynamic-data.a"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s in a focused run of another environment's or another check's", k)
		}
	}
	// smoke-runner lives on as a feature alert, resolved by its passing result for every sender.
	if !slices.ContainsFunc(alerts, func(a incident.Alert) bool {
		return a.DedupKey == "smoke/prod/smoke-runner" && a.Action == incident.ActionResolve && !a.PerCheck && !a.LabelsOnly
	}) {
		t.Errorf("the passing runner check did not resolve its alert: %+v", alerts)
	}

	// A complete run retires what is gone, but not the runner's own checks that simply did not run.
	alerts = s.UpdateRun(results, t1, incident.UpdateOptions{Complete: true, Keep: []string{"deploy-live"}})
	var keys []string
	for _, a := range alerts {
		keys = append(keys, string(a.Action)+" "+a.DedupKey)
	}
	for _, want := range []string{"resolve smoke/prod/insert-dynamic-data.gone", "resolve smoke/prod/other.kept"} {
		if !slices.Contains(keys, want) {
			t.Errorf("complete run: %q missing from %q", want, keys)
		}
	}
	if slices.Contains(keys, "resolve smoke/prod/deploy-live") || slices.Contains(keys, "resolve smoke/staging/insert-dynamic-data.a") {
		t.Errorf("complete run retired what it must keep: %q", keys)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	back, _ := incident.LoadState(dir)
	if o, ok := back.Open["smoke/prod/deploy-live"]; !ok || !o.PerCheck {
		t.Errorf("the kept per-check alert lost its kind on save: %+v", back.Open)
	}
}

// Only Alertmanager, which knows an alert by its labels, takes a labels-only retirement; a repeat is not
// posted to chat again.
func TestSendersSkipWhatIsNotTheirs(t *testing.T) {
	labelsOnly := incident.Alert{Action: incident.ActionResolve, DedupKey: "smoke/prod/smoke-runner", Env: "prod", Check: "smoke-runner", PerCheck: true, LabelsOnly: true}.Notification()
	repeat := incident.NewTrigger("prod", "insert-dynamic-data", incident.SeverityCritical)
	repeat.Repeat = true
	for _, tc := range []struct {
		sender           incident.Filter
		labelsOnly, rept bool
	}{
		{&incident.Alertmanager{}, true, true},
		{&incident.PagerDuty{}, false, true},
		{&incident.Opsgenie{}, false, true},
		{&incident.Statuspage{}, false, true},
		{&incident.Slack{}, false, false},
		{&incident.Webhook{}, false, true},
	} {
		if got := tc.sender.Accepts(labelsOnly); got != tc.labelsOnly {
			t.Errorf("%T accepts a labels-only retirement: %v", tc.sender, got)
		}
		if got := tc.sender.Accepts(repeat.Notification()); got != tc.rept {
			t.Errorf("%T accepts a repeat: %v", tc.sender, got)
		}
	}
}

// Features that share a status page component share its incident; one that recovers leaves the incident open
// while another feature on the component still fails.
func TestStatuspageOneIncidentPerComponent(t *testing.T) {
	fake := incidenttest.NewStatuspage(t, "pg1")
	sp := &incident.Statuspage{APIKey: incident.NewSecret("k"), PageID: "pg1", BaseURL: fake.URL(), Limiter: noWait{},
		Components: map[string]string{"insert-dynamic-data": "editor", "autosave": "editor"}}
	send := func(a incident.Alert) {
		t.Helper()
		if err := sp.Send(t.Context(), a.Notification()); err != nil {
			t.Fatal(err)
		}
	}
	send(incident.NewTrigger("prod", "insert-dynamic-data", incident.SeverityCritical))
	send(incident.NewTrigger("prod", "autosave", incident.SeverityCritical))
	if n := len(fake.Incidents()); n != 1 {
		t.Fatalf("%d incidents for one component, want 1", n)
	}
	first := incident.NewResolve("prod", "insert-dynamic-data")
	first.OpenFeatures = []string{"autosave"}
	send(first)
	if len(fake.Unresolved()) != 1 || fake.ComponentStatus("editor") != "major_outage" {
		t.Errorf("a recovered feature resolved the component another still breaks: %+v", fake.Incidents())
	}
	send(incident.NewResolve("prod", "autosave"))
	if len(fake.Unresolved()) != 0 || fake.ComponentStatus("editor") != "operational" {
		t.Errorf("the component's incident stayed open: %+v", fake.Incidents())
	}
}

// An empty secret is what CI gives for a missing one: an error naming the variable, unless its system is
// turned off on purpose; an unset one leaves the system off.
func TestEmptySecretIsAnErrorUnlessDisabled(t *testing.T) {
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	_, err := incident.SendersFromLookup(lookup(map[string]string{"PAGERDUTY_ROUTING_KEY": "", "SLACK_WEBHOOK_URL": "https://hooks.example.com/x/y"}))
	if err == nil || !strings.Contains(err.Error(), "PAGERDUTY_ROUTING_KEY: is set but empty") || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("err = %v, want one line naming PAGERDUTY_ROUTING_KEY", err)
	}
	senders, err := incident.SendersFromLookup(lookup(map[string]string{"PAGERDUTY_ROUTING_KEY": "", "SMOKE_DISABLE": "pagerduty", "SLACK_WEBHOOK_URL": "https://hooks.example.com/x/y"}))
	if err != nil || len(senders) != 1 || senders[0].Name() != "slack" {
		t.Errorf("disabled PagerDuty: %v, %v", senders, err)
	}
	if off, _ := incident.DisabledSenders(lookup(map[string]string{"SMOKE_DISABLE": "Slack, pagerduty"})); !slices.Equal(off, []string{"pagerduty", "slack"}) {
		t.Errorf("DisabledSenders = %q", off)
	}
	if senders, err := incident.SendersFromLookup(lookup(nil)); err != nil || len(senders) != 0 {
		t.Errorf("nothing set: %v, %v", senders, err)
	}
	// Set and disabled: the system stays off even with a good key.
	if senders, err := incident.SendersFromLookup(lookup(map[string]string{"PAGERDUTY_ROUTING_KEY": "k", "SMOKE_DISABLE": "pagerduty"})); err != nil || len(senders) != 0 {
		t.Errorf("disabled with a key: %v, %v", senders, err)
	}
	// A configured webhook with an empty signing secret would send unsigned requests.
	if _, err := incident.SendersFromLookup(lookup(map[string]string{"SMOKE_WEBHOOK_URL": "https://hooks.example.com/a/b", "SMOKE_WEBHOOK_SECRET": ""})); err == nil ||
		!strings.Contains(err.Error(), "SMOKE_WEBHOOK_SECRET: is set but empty") {
		t.Errorf("empty webhook secret: %v", err)
	}
}

// A run stopped while it waits for another run's lock returns at once, with the reason, and delivers nothing.
func TestOpenRunStopsWaitingForTheLockWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	first, problems := incident.OpenRun(t.Context(), dir, nil, incident.RunOptions{})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	defer first.Close()
	waiting := make(chan struct{})
	ctx, cancel := contextWithCancelCause(t)
	go func() {
		<-waiting
		cancel(errInterrupted)
	}()
	second, problems := incident.OpenRun(ctx, dir, nil, incident.RunOptions{Say: func(string, ...any) { close(waiting) }})
	defer second.Close()
	if second.Interrupted() == nil || len(problems) != 1 || !strings.HasPrefix(problems[0], "interrupted by SIGTERM while waiting for another smoke run to release the state directory "+dir) {
		t.Fatalf("problems %q, interrupted %v", problems, second.Interrupted())
	}
	if res := second.Deliver(t.Context(), incident.Batch{Env: "prod", Change: change("1")}); res.Report != nil || len(res.Problems) != 1 {
		t.Errorf("an interrupted run delivered: %+v", res)
	}
}

// What the outbox could not keep and the API did not take is lost, and the report says so instead of
// claiming it is pending.
func TestUnsavedUndeliveredNotificationsAreLostNotPending(t *testing.T) {
	down := incidenttest.NewWebhook(t, "")
	for range 5 {
		down.Script(incidenttest.ServerError())
	}
	d := &incident.Deliverer{Senders: []incident.Sender{&incident.Webhook{URL: incident.NewSecret(down.WebhookURL())}}, Policy: testPolicy,
		Sleep: newTestClock().Sleep, Jitter: func(d time.Duration) time.Duration { return d }}
	rep := deliver(t, d, criticalFailure().Notification())
	if rep.Lost() != 1 || rep.Pending() != 0 || rep.OK() || !strings.Contains(rep.String(), "1 lost") {
		t.Errorf("report %s: lost %d pending %d", rep, rep.Lost(), rep.Pending())
	}
}

var errInterrupted = errors.New("interrupted by SIGTERM")

func contextWithCancelCause(t *testing.T) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(t.Context())
	t.Cleanup(func() { cancel(nil) })
	return ctx, cancel
}

// Alertmanager knows an alert by its labels: a feature's alert carries feature (and location), never check,
// so a changed set of failing checks is the same alert; a retiring resolve carries the old check label, so it
// ends the alert the old runner opened.
func TestAlertmanagerLabelsAFeatureAndItsLocation(t *testing.T) {
	srv, posts := captureAlertmanager(t)
	am := &incident.Alertmanager{BaseURL: srv.URL}
	a := incident.NewTrigger("prod", "insert-dynamic-data", incident.SeverityCritical)
	a.Location = "eu-west"
	a.Checks = []incident.FailingCheck{{Check: "insert-dynamic-data.a", Title: "inserts", Step: "clicking", Cause: "input not received"}}
	a.ChecksRun = 8
	retire := incident.Alert{Action: incident.ActionResolve, DedupKey: "smoke/prod/insert-dynamic-data.a", Env: "prod",
		Check: "insert-dynamic-data.a", Severity: incident.SeverityCritical, PerCheck: true, ReplacedBy: "smoke/prod/insert-dynamic-data"}
	for _, n := range []incident.Notification{a.Notification(), retire.Notification()} {
		if err := am.Send(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	p := posts()
	trigger := p[0][0]
	if trigger.Labels["feature"] != "insert-dynamic-data" || trigger.Labels["location"] != "eu-west" || trigger.Labels["check"] != "" {
		t.Errorf("trigger labels %v", trigger.Labels)
	}
	if trigger.Annotations["checks_failing"] != "1 of 8" || !strings.Contains(trigger.Annotations["failing_checks"], "1. inserts\n   step: clicking\n   cause: input not received") {
		t.Errorf("annotations %v", trigger.Annotations)
	}
	old := p[1][0]
	if old.Labels["check"] != "insert-dynamic-data.a" || old.Labels["feature"] != "" || old.Labels["location"] != "" || old.Labels["severity"] != "critical" || !old.EndsAt.Before(time.Now()) {
		t.Errorf("retiring resolve %+v", old)
	}
}
