package incident_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// noWait is a limiter for tests that are not about pacing.
type noWait struct{}

func (noWait) Wait(ctx context.Context) error { return ctx.Err() }

func newStatuspage(t *testing.T) (*incidenttest.Statuspage, *incident.Statuspage) {
	fake := incidenttest.NewStatuspage(t, "page1")
	return fake, &incident.Statuspage{
		APIKey:     incident.NewSecret("sp-key"),
		PageID:     "page1",
		Components: map[string]string{"insert-dynamic-data": "cmp-insert"},
		BaseURL:    fake.URL(),
		Limiter:    noWait{},
	}
}

func TestStatuspageCriticalOpensOneIncidentWithMajorOutage(t *testing.T) {
	fake, s := newStatuspage(t)
	ctx := t.Context()
	for range 2 { // a repeated trigger must not open a second incident
		if err := s.Send(ctx, criticalFailure().Notification()); err != nil {
			t.Fatal(err)
		}
	}
	incs := fake.Incidents()
	if len(incs) != 1 {
		t.Fatalf("got %d incidents, want 1", len(incs))
	}
	inc := incs[0]
	if inc.Impact != "critical" || inc.Status != "investigating" || fake.ComponentStatus("cmp-insert") != "major_outage" {
		t.Errorf("incident = %+v, component %q", inc, fake.ComponentStatus("cmp-insert"))
	}
	if !strings.Contains(inc.Updates[0], incident.StatuspageMarker("smoke/prod/component/cmp-insert")) {
		t.Errorf("first update lacks the marker: %q", inc.Updates[0])
	}
	if strings.Contains(inc.Updates[0], "mousedown") || strings.Contains(inc.Updates[0], "ci.example.com") {
		t.Errorf("the public page shows the internal cause or links: %q", inc.Updates[0])
	}
	if got := fake.Requests()[1].Header.Get("Authorization"); got != "OAuth sp-key" {
		t.Errorf("Authorization = %q", got)
	}
	// The second trigger only looked: GET, POST, GET.
	if n := len(fake.Requests()); n != 3 {
		t.Errorf("made %d requests, want 3 (an unchanged incident is not re-posted)", n)
	}
}

func TestStatuspageEscalatesFlakesToMonitoringAndResolves(t *testing.T) {
	fake, s := newStatuspage(t)
	ctx := t.Context()
	a := criticalFailure()
	a.Severity = incident.SeverityError
	send := func(a incident.Alert) {
		t.Helper()
		if err := s.Send(ctx, a.Notification()); err != nil {
			t.Fatal(err)
		}
	}
	send(a)
	if inc := fake.Incidents()[0]; inc.Impact != "minor" || fake.ComponentStatus("cmp-insert") != "partial_outage" {
		t.Fatalf("error trigger gave %+v / %s", inc, fake.ComponentStatus("cmp-insert"))
	}
	a.Severity, a.PreviousSeverity = incident.SeverityCritical, incident.SeverityError
	send(a)
	if inc := fake.Incidents()[0]; inc.Impact != "critical" || fake.ComponentStatus("cmp-insert") != "major_outage" {
		t.Fatalf("escalation gave %+v / %s", inc, fake.ComponentStatus("cmp-insert"))
	}
	flaky := a
	flaky.Severity, flaky.Flaky = incident.SeverityWarning, true
	send(flaky)
	if inc := fake.Incidents()[0]; inc.Status != "monitoring" || fake.ComponentStatus("cmp-insert") != "degraded_performance" {
		t.Fatalf("flake gave %+v / %s", inc, fake.ComponentStatus("cmp-insert"))
	}
	send(incident.NewResolve("prod", "insert-dynamic-data"))
	if inc := fake.Incidents()[0]; inc.Status != "resolved" || fake.ComponentStatus("cmp-insert") != "operational" {
		t.Fatalf("resolve gave %+v / %s", inc, fake.ComponentStatus("cmp-insert"))
	}
	if n := len(fake.Incidents()); n != 1 {
		t.Errorf("%d incidents, want 1 throughout", n)
	}
}

func TestStatuspageFindsTheIncidentWithoutLocalState(t *testing.T) {
	fake, s := newStatuspage(t)
	// Left open by an earlier run, plus one for a check whose key merely
	// starts with ours and one a person opened.
	mine := fake.AddIncident(incidenttest.StatuspageIncident{Name: "insert-dynamic-data failing on prod", Status: "investigating", Impact: "critical",
		Updates: []string{"Our check fails.\n\n" + incident.StatuspageMarker("smoke/prod/component/cmp-insert")}})
	fake.AddIncident(incidenttest.StatuspageIncident{Name: "other", Status: "investigating", Impact: "minor",
		Updates: []string{incident.StatuspageMarker("smoke/prod/component/cmp-insert-v2")}})
	fake.AddIncident(incidenttest.StatuspageIncident{Name: "Database maintenance", Status: "identified", Impact: "major"})

	if err := s.Send(t.Context(), incident.NewResolve("prod", "insert-dynamic-data").Notification()); err != nil {
		t.Fatal(err)
	}
	for _, inc := range fake.Incidents() {
		wantResolved := inc.ID == mine
		if (inc.Status == "resolved") != wantResolved {
			t.Errorf("incident %s %q has status %s", inc.ID, inc.Name, inc.Status)
		}
	}
}

func TestStatuspageLeavesThePageAloneForFlakesWithoutAnIncident(t *testing.T) {
	fake, s := newStatuspage(t)
	a := criticalFailure()
	a.Severity, a.Flaky = incident.SeverityWarning, true
	if err := s.Send(t.Context(), a.Notification()); err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("a flake without an incident changed the page: %s %s", r.Method, r.Path)
		}
	}
	if err := s.Send(t.Context(), incident.NewResolve("prod", "never-failed").Notification()); err != nil {
		t.Fatal(err)
	}
	if len(fake.Incidents()) != 0 {
		t.Errorf("incidents = %+v", fake.Incidents())
	}
}

func TestStatuspageCheckWithoutComponentStillGetsAnIncident(t *testing.T) {
	fake, s := newStatuspage(t)
	a := incident.NewTrigger("prod", "autosave", incident.SeverityCritical)
	if err := s.Send(t.Context(), a.Notification()); err != nil {
		t.Fatal(err)
	}
	incs := fake.Incidents()
	if len(incs) != 1 || len(incs[0].Components) != 0 || incs[0].Impact != "critical" {
		t.Errorf("incidents = %+v", incs)
	}
}

func TestStatuspageTreats420AsRateLimiting(t *testing.T) {
	fake, s := newStatuspage(t)
	fake.Script(incidenttest.Reject(420, "Enhance your calm"))
	err := s.Send(t.Context(), criticalFailure().Notification())
	var de *incident.DeliveryError
	if !errors.As(err, &de) || !de.Retryable || de.Status != 420 {
		t.Errorf("Send = %v, want a retryable DeliveryError", err)
	}
}

func TestIntervalLimiterSpacesRequestsOneSecondApart(t *testing.T) {
	// Time stands still, as if three requests arrived at once: each must
	// wait one interval longer than the one before.
	now := newTestClock().Now()
	var mu sync.Mutex
	var waits []time.Duration
	l := &incident.IntervalLimiter{
		Interval: time.Second,
		Now:      func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, d)
			return nil
		},
	}
	for range 3 {
		if err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if len(waits) != 2 || waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Errorf("waits = %v, want [1s 2s]", waits)
	}
}
