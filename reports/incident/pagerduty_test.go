package incident_test

import (
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func TestPagerDutyTriggerCarriesSeverityStepCauseVersionAndLinks(t *testing.T) {
	pd := incidenttest.NewPagerDuty(t)
	s := &incident.PagerDuty{RoutingKey: incident.NewSecret("R0UTINGKEY"), BaseURL: pd.URL()}
	a := criticalFailure()
	ev := sendOne(t, s, a.Notification(), pd.Events)
	if ev.RoutingKey != "R0UTINGKEY" || ev.EventAction != "trigger" || ev.DedupKey != "smoke/prod/insert-dynamic-data" {
		t.Errorf("envelope = %+v", ev)
	}
	p := ev.Payload
	if p.Severity != "critical" || p.Component != "insert-dynamic-data" || p.Group != "prod" || p.Source != "app.example.com" {
		t.Errorf("payload = %+v", p)
	}
	if p.Timestamp != "2026-11-21T10:00:00Z" {
		t.Errorf("timestamp = %q", p.Timestamp)
	}
	for k, want := range map[string]string{"step": a.Step, "cause": a.Cause, "version": "1.4.2", "report_url": a.ReportURL} {
		if p.CustomDetails[k] != want {
			t.Errorf("custom_details[%s] = %v, want %q", k, p.CustomDetails[k], want)
		}
	}
	if len(ev.Images) != 1 || ev.Images[0].Src != a.ScreenshotURL {
		t.Errorf("images = %+v", ev.Images)
	}
	if len(ev.Links) == 0 || ev.Links[0].Href != a.ReportURL {
		t.Errorf("links = %+v: the report comes first", ev.Links)
	}
	if got := pd.Open(); len(got) != 1 || got[0] != a.DedupKey {
		t.Errorf("open alerts = %v", got)
	}
}

func TestPagerDutyOmitsNonHTTPSScreenshotsAndCutsLongSummaries(t *testing.T) {
	pd := incidenttest.NewPagerDuty(t)
	s := &incident.PagerDuty{RoutingKey: incident.NewSecret("k"), BaseURL: pd.URL()}
	a := criticalFailure()
	a.ScreenshotURL = "http://ci.internal/shot.png"
	a.Summary = strings.Repeat("ü", 1500)
	ev := sendOne(t, s, a.Notification(), pd.Events)
	if len(ev.Images) != 0 {
		t.Errorf("an http screenshot was sent as an image: %+v", ev.Images)
	}
	if got := []rune(ev.Payload.Summary); len(got) != 1024 {
		t.Errorf("summary has %d runes, want 1024", len(got))
	}
}

func TestPagerDutyResolveAndChangeEvent(t *testing.T) {
	pd := incidenttest.NewPagerDuty(t)
	s := &incident.PagerDuty{RoutingKey: incident.NewSecret("k"), BaseURL: pd.URL()}
	ctx := t.Context()
	if err := s.Send(ctx, criticalFailure().Notification()); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, incident.NewResolve("prod", "insert-dynamic-data").Notification()); err != nil {
		t.Fatal(err)
	}
	if got := pd.Open(); len(got) != 0 {
		t.Errorf("still open after resolve: %v", got)
	}
	ch := incident.Change{Env: "prod", Version: "1.4.2", TargetURL: "https://app.example.com", Details: map[string]string{"commit": "abc123"}}
	if err := s.Send(ctx, ch.Notification()); err != nil {
		t.Fatal(err)
	}
	changes := pd.Changes()
	if len(changes) != 1 || changes[0].Payload.Summary != "Deployed 1.4.2 to prod" || changes[0].Payload.CustomDetails["commit"] != "abc123" {
		t.Errorf("change events = %+v", changes)
	}
}
