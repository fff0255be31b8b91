package incident_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// testClock is a clock whose Sleep advances time instantly and records the
// wait, so retry tests take milliseconds and can assert on the backoff.
type testClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *testClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// testPolicy retries quickly; a hung request times out after 100ms of real
// time, the only real waiting in these tests.
var testPolicy = incident.RetryPolicy{
	MaxAttempts:    3,
	BaseDelay:      time.Second,
	MaxDelay:       8 * time.Second,
	MaxRetryAfter:  30 * time.Second,
	AttemptTimeout: 100 * time.Millisecond,
	Deadline:       time.Minute,
}

// newDeliverer returns a deliverer with an outbox in a temp dir, the test
// clock and no jitter.
func newDeliverer(t *testing.T, senders ...incident.Sender) (*incident.Deliverer, *testClock) {
	t.Helper()
	outbox, err := incident.OpenOutbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	return &incident.Deliverer{
		Senders: senders,
		Outbox:  outbox,
		Policy:  testPolicy,
		Now:     clock.Now,
		Sleep:   clock.Sleep,
		Jitter:  func(d time.Duration) time.Duration { return d },
	}, clock
}

// criticalFailure is the incident's story: the critical editor button
// broke on a deploy.
// sendOne sends n and returns the one request body the fake accepted for it.
func sendOne[T any](t *testing.T, s incident.Sender, n incident.Notification, accepted func() []T) T {
	t.Helper()
	if err := s.Send(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	got := accepted()
	if len(got) != 1 {
		t.Fatalf("%s accepted %d requests, want 1: %+v", s.Name(), len(got), got)
	}
	return got[0]
}

func criticalFailure() incident.Alert {
	a := incident.NewTrigger("prod", "insert-dynamic-data", incident.SeverityCritical)
	a.Step = "click Insert dynamic data"
	a.Cause = `<div class="field"> blurred on mousedown and hid <button data-testid="insert-dynamic-data">`
	a.Version = "1.4.2"
	a.TargetURL = "https://app.example.com/editor"
	a.ReportURL = "https://ci.example.com/smoke/123/report.html"
	a.ScreenshotURL = "https://ci.example.com/smoke/123/insert-dynamic-data.png"
	a.Timestamp = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	return a
}

func deliver(t *testing.T, d *incident.Deliverer, notes ...incident.Notification) *incident.Report {
	t.Helper()
	rep, err := d.Deliver(t.Context(), notes...)
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return rep
}

func outboxLen(t *testing.T, o *incident.Outbox) int {
	t.Helper()
	entries, corrupt, err := o.List()
	if err != nil || len(corrupt) > 0 {
		t.Fatalf("listing outbox: %v %v", err, corrupt)
	}
	return len(entries)
}
