package incident_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func pagerDuty(t *testing.T) (*incidenttest.PagerDuty, *incident.PagerDuty) {
	fake := incidenttest.NewPagerDuty(t)
	return fake, &incident.PagerDuty{RoutingKey: incident.NewSecret("pd-key"), BaseURL: fake.URL()}
}

func TestRateLimitedThenAcceptedIsDeliveredExactlyOnceAfterRetryAfter(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.RateLimited("7"))
	d, clock := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Delivered() != 1 || !rep.OK() {
		t.Fatalf("report:\n%s", rep)
	}
	if got := rep.Senders[0].Delivered[0].Attempts; got != 2 {
		t.Errorf("attempts = %d, want 2", got)
	}
	if n := len(fake.Events()); n != 1 {
		t.Errorf("PagerDuty accepted %d events, want exactly 1", n)
	}
	if s := clock.Sleeps(); len(s) != 1 || s[0] != 7*time.Second {
		t.Errorf("slept %v, want [7s] as Retry-After asked (more than the 1s backoff)", s)
	}
	if n := outboxLen(t, d.Outbox); n != 0 {
		t.Errorf("%d entries left in the outbox", n)
	}
}

func TestRetryAfterAsHTTPDateIsHonoured(t *testing.T) {
	fake, pd := pagerDuty(t)
	d, clock := newDeliverer(t, pd)
	// The date is relative to the real clock the sender reads; allow for
	// a second of rounding.
	fake.Script(incidenttest.RateLimited(time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)))
	rep := deliver(t, d, criticalFailure().Notification())
	if rep.Delivered() != 1 {
		t.Fatalf("report:\n%s", rep)
	}
	if s := clock.Sleeps(); len(s) != 1 || s[0] < 3*time.Second || s[0] > 6*time.Second {
		t.Errorf("slept %v, want about 5s", s)
	}
}

func TestRejectionIsNotRetriedAndCarriesTheAPIMessage(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.Reject(400, "Event object is invalid: 'routing_key' is incorrect"))
	d, clock := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Rejected() != 1 || rep.Pending() != 0 {
		t.Fatalf("report:\n%s", rep)
	}
	rej := rep.Senders[0].Rejected[0]
	if rej.Attempts != 1 || len(fake.Requests()) != 1 || len(clock.Sleeps()) != 0 {
		t.Errorf("a 400 was retried: attempts %d, requests %d, sleeps %v", rej.Attempts, len(fake.Requests()), clock.Sleeps())
	}
	var de *incident.DeliveryError
	if !errors.As(rep.Err(), &de) || de.Status != 400 || de.Retryable || !strings.Contains(de.Message, "'routing_key' is incorrect") {
		t.Errorf("error = %v", rep.Err())
	}
	if !strings.Contains(rep.String(), "rejected") || !strings.Contains(rep.String(), "sending to pagerduty: HTTP 400") {
		t.Errorf("report does not say what was rejected:\n%s", rep)
	}
	if n := outboxLen(t, d.Outbox); n != 0 {
		t.Errorf("a rejected notification stayed in the outbox (%d)", n)
	}
}

func TestPersistentServerErrorsLeaveTheNotificationInTheOutbox(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.ServerError(), incidenttest.ServerError(), incidenttest.ServerError())
	d, clock := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Pending() != 1 || rep.Delivered() != 0 {
		t.Fatalf("report:\n%s", rep)
	}
	p := rep.Senders[0].Pending[0]
	if p.Attempts != testPolicy.MaxAttempts || p.Err.Status != 500 || !p.Err.Retryable {
		t.Errorf("pending = %+v / %v", p, p.Err)
	}
	if s := clock.Sleeps(); len(s) != 2 || s[0] != time.Second || s[1] != 2*time.Second {
		t.Errorf("backoff %v, want [1s 2s]", s)
	}
	if n := outboxLen(t, d.Outbox); n != 1 {
		t.Fatalf("outbox holds %d, want 1", n)
	}

	// The next run (the API is back) sends it first, and only once.
	rep = flush(t, d)
	if rep.Delivered() != 1 || len(fake.Events()) != 1 {
		t.Fatalf("flush:\n%s", rep)
	}
	rep = flush(t, d)
	if rep.Delivered() != 0 || len(fake.Events()) != 1 {
		t.Errorf("a second flush re-sent what was delivered:\n%s", rep)
	}
}

func flush(t *testing.T, d *incident.Deliverer) *incident.Report {
	t.Helper()
	rep, err := d.Flush(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// flakyTransport fails the first n round trips with a network error.
type flakyTransport struct {
	failures atomic.Int32
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.failures.Add(-1) >= 0 {
		return nil, errors.New("connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestNetworkErrorsAreRetried(t *testing.T) {
	fake, pd := pagerDuty(t)
	tr := &flakyTransport{}
	tr.failures.Store(2)
	pd.Client = &http.Client{Transport: tr}
	d, _ := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Delivered() != 1 || rep.Senders[0].Delivered[0].Attempts != 3 || len(fake.Events()) != 1 {
		t.Errorf("report:\n%s", rep)
	}
}

func TestUnreachableAPIIsPendingWithoutLeakingTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	hook := srv.URL + "/services/T000/B000/SECRETPATH"
	srv.Close() // nothing listens there any more
	d, _ := newDeliverer(t, &incident.Slack{WebhookURL: incident.NewSecret(hook)})

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Pending() != 1 {
		t.Fatalf("report:\n%s", rep)
	}
	if strings.Contains(rep.String(), "SECRETPATH") || !strings.Contains(rep.String(), "POST http://127.0.0.1") {
		t.Errorf("report should name only scheme and host:\n%s", rep)
	}
}

func TestHungAPITimesOutAndIsRetried(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.Hang())
	d, _ := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Delivered() != 1 || rep.Senders[0].Delivered[0].Attempts != 2 {
		t.Errorf("report:\n%s", rep)
	}
}

func TestRetryAfterBeyondTheCapWaitsForTheNextRun(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.RateLimited("3600"))
	d, clock := newDeliverer(t, pd)

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Pending() != 1 || len(clock.Sleeps()) != 0 || len(fake.Requests()) != 1 {
		t.Errorf("report:\n%s\nsleeps %v", rep, clock.Sleeps())
	}
	if !strings.Contains(rep.Err().Error(), "longer than this run waits") {
		t.Errorf("error does not explain why it stopped: %v", rep.Err())
	}
}

func TestDeadlineBoundsTheWholeDelivery(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.RateLimited("20"), incidenttest.RateLimited("20"), incidenttest.RateLimited("20"))
	d, clock := newDeliverer(t, pd)
	d.Policy.Deadline = 30 * time.Second

	rep := deliver(t, d, criticalFailure().Notification())

	if rep.Pending() != 1 || len(clock.Sleeps()) != 1 {
		t.Errorf("report:\n%s\nsleeps %v", rep, clock.Sleeps())
	}
}

func TestPendingEntryHoldsBackLaterOnesForTheSameSender(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.ServerError(), incidenttest.ServerError(), incidenttest.ServerError())
	sl := incidenttest.NewSlack(t)
	slack := &incident.Slack{WebhookURL: incident.NewSecret(sl.WebhookURL())}
	d, _ := newDeliverer(t, pd, slack)

	trigger := criticalFailure()
	resolve := incident.NewResolve("prod", "insert-dynamic-data")
	rep := deliver(t, d, trigger.Notification(), resolve.Notification())

	pdRep, slRep := rep.Senders[0], rep.Senders[1]
	if len(pdRep.Pending) != 2 || pdRep.Pending[1].Attempts != 0 {
		t.Errorf("pagerduty: the resolve overtook the pending trigger:\n%s", rep)
	}
	if len(slRep.Delivered) != 2 {
		t.Errorf("slack should not wait for pagerduty:\n%s", rep)
	}

	rep = flush(t, d)
	evs := fake.Events()
	if rep.Delivered() != 2 || len(evs) != 2 || evs[0].EventAction != "trigger" || evs[1].EventAction != "resolve" {
		t.Errorf("next run sent %d events out of order or incompletely:\n%s", len(evs), rep)
	}
}

func TestOldEntriesGoBeforeNewOnes(t *testing.T) {
	fake, pd := pagerDuty(t)
	d, _ := newDeliverer(t, pd)
	old := criticalFailure()
	old.Check, old.DedupKey = "editor-loads", incident.DedupKey("prod", "editor-loads")
	if _, err := d.Outbox.Put("pagerduty", old.Notification()); err != nil { // left by a previous run
		t.Fatal(err)
	}
	deliver(t, d, criticalFailure().Notification())
	evs := fake.Events()
	if len(evs) != 2 || evs[0].DedupKey != old.DedupKey {
		t.Errorf("events %+v: the older entry must go first", evs)
	}
}

func TestEntriesForAnUnconfiguredSenderStayInTheOutbox(t *testing.T) {
	_, pd := pagerDuty(t)
	d, _ := newDeliverer(t, pd)
	if _, err := d.Outbox.Put("opsgenie", criticalFailure().Notification()); err != nil {
		t.Fatal(err)
	}
	rep := flush(t, d)
	if rep.Pending() != 1 || !strings.Contains(rep.String(), "no sender named opsgenie") {
		t.Errorf("report:\n%s", rep)
	}
	if n := outboxLen(t, d.Outbox); n != 1 {
		t.Errorf("outbox holds %d, want the opsgenie entry kept", n)
	}
}

func TestCanceledRunKeepsEverything(t *testing.T) {
	fake, pd := pagerDuty(t)
	fake.Script(incidenttest.Hang())
	d, _ := newDeliverer(t, pd)
	d.Policy.AttemptTimeout = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for len(fake.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel() // the runner is told to stop while the API hangs
	}()
	rep, err := d.Deliver(ctx, criticalFailure().Notification())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pending() != 1 || outboxLen(t, d.Outbox) != 1 {
		t.Errorf("report:\n%s", rep)
	}
}

func TestDeliverRefusesInvalidNotificationsBeforeWritingAnything(t *testing.T) {
	_, pd := pagerDuty(t)
	d, _ := newDeliverer(t, pd)
	_, err := d.Deliver(t.Context(), criticalFailure().Notification(), incident.Notification{})
	if !errors.Is(err, incident.ErrInvalidNotification) {
		t.Fatalf("Deliver = %v", err)
	}
	if n := outboxLen(t, d.Outbox); n != 0 {
		t.Errorf("outbox holds %d after a refused call", n)
	}
}

func TestSendersThatIgnoreANotificationGetNoOutboxEntry(t *testing.T) {
	og := incidenttest.NewOpsgenie(t)
	d, _ := newDeliverer(t, &incident.Opsgenie{APIKey: incident.NewSecret("k"), BaseURL: og.URL()})
	rep := deliver(t, d, incident.Change{Env: "prod", Version: "1.4.2"}.Notification())
	if rep.Delivered()+rep.Pending()+rep.Rejected() != 0 || len(og.Requests()) != 0 {
		t.Errorf("report:\n%s", rep)
	}
}

func TestAlertTextIsScrubbedBeforeItIsStoredOrSent(t *testing.T) {
	fake, pd := pagerDuty(t)
	d, _ := newDeliverer(t, pd)
	a := criticalFailure()
	a.Cause = "request to pd-key failed" // a harness message quoting a secret
	deliver(t, d, a.Notification())
	if got := fake.Events()[0].Payload.CustomDetails["cause"]; got != "request to [REDACTED] failed" {
		t.Errorf("cause sent = %v", got)
	}
}
