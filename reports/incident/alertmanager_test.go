package incident_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// amPost is one alert as posted to /api/v2/alerts.
type amPost struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
}

// captureAlertmanager records posts; the real server is exercised in
// alertmanager_real_test.go, this checks the exact payload.
func captureAlertmanager(t *testing.T) (*httptest.Server, func() [][]amPost) {
	var mu sync.Mutex
	var posts [][]amPost
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v2/alerts" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var batch []amPost
		if err := json.Unmarshal(body, &batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		posts = append(posts, batch)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() [][]amPost {
		mu.Lock()
		defer mu.Unlock()
		return append([][]amPost(nil), posts...)
	}
}

func TestAlertmanagerFiringAlertOutlivesResolveTimeout(t *testing.T) {
	srv, posts := captureAlertmanager(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	s := &incident.Alertmanager{BaseURL: srv.URL, TTL: 6 * time.Hour, Now: func() time.Time { return now }}
	a := criticalFailure()
	a.Since = now.Add(-time.Hour)
	if err := s.Send(t.Context(), a.Notification()); err != nil {
		t.Fatal(err)
	}
	got := posts()[0]
	if len(got) != 1 {
		t.Fatalf("posted %d alerts", len(got))
	}
	al := got[0]
	want := map[string]string{"alertname": incident.AlertnameSmokeCheck, "env": "prod", "feature": "insert-dynamic-data", "severity": "critical", "source": "e2e-smoke"}
	for k, v := range want {
		if al.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, al.Labels[k], v)
		}
	}
	if len(al.Labels) != len(want) {
		t.Errorf("labels = %v", al.Labels)
	}
	if !al.EndsAt.Equal(now.Add(6*time.Hour)) || !al.StartsAt.Equal(a.Since) {
		t.Errorf("startsAt %v endsAt %v", al.StartsAt, al.EndsAt)
	}
	for _, k := range []string{"summary", "description", "step", "cause", "version", "report_url", "screenshot_url"} {
		if al.Annotations[k] == "" {
			t.Errorf("annotation %s is empty", k)
		}
	}
	if al.GeneratorURL != a.ReportURL {
		t.Errorf("generatorURL = %q", al.GeneratorURL)
	}
}

func TestAlertmanagerNeverSendsEmptyValues(t *testing.T) {
	srv, posts := captureAlertmanager(t)
	s := &incident.Alertmanager{BaseURL: srv.URL}
	a := incident.NewTrigger("prod", "editor-loads", incident.SeverityError) // no step, cause, links
	if err := s.Send(t.Context(), a.Notification()); err != nil {
		t.Fatal(err)
	}
	for _, al := range posts()[0] {
		for k, v := range al.Labels {
			if v == "" {
				t.Errorf("empty label %s", k)
			}
		}
		for k, v := range al.Annotations {
			if v == "" {
				t.Errorf("empty annotation %s", k)
			}
		}
	}
}

func TestAlertmanagerResolvesTheAlertTheSeverityChangeReplaced(t *testing.T) {
	srv, posts := captureAlertmanager(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	s := &incident.Alertmanager{BaseURL: srv.URL, Now: func() time.Time { return now }}

	a := criticalFailure()
	a.PreviousSeverity = incident.SeverityError
	r := incident.NewResolve("prod", "insert-dynamic-data")
	r.Severity = incident.SeverityCritical
	lost := incident.NewResolve("prod", "insert-dynamic-data") // state lost: severity unknown
	for _, n := range []incident.Notification{a.Notification(), r.Notification(), lost.Notification()} {
		if err := s.Send(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	p := posts()
	if len(p[0]) != 2 || p[0][0].Labels["severity"] != "critical" || p[0][1].Labels["severity"] != "error" || p[0][1].EndsAt.After(now) {
		t.Errorf("severity change posted %+v", p[0])
	}
	if len(p[1]) != 1 || p[1][0].Labels["severity"] != "critical" || p[1][0].EndsAt.After(now) {
		t.Errorf("resolve posted %+v", p[1])
	}
	if len(p[2]) != 4 {
		t.Errorf("a resolve of unknown severity posted %d alerts, want one per severity", len(p[2]))
	}
	for _, al := range p[2] {
		if al.StartsAt.After(al.EndsAt) {
			t.Errorf("startsAt %v after endsAt %v: Alertmanager rejects that", al.StartsAt, al.EndsAt)
		}
	}
}
