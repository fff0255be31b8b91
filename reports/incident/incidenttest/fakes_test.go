package incidenttest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// recorder captures what a fake reports to its test, so the fakes' own
// failure reporting can be tested.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprint(args...)
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) { r.Fatal(fmt.Sprintf(format, args...)) }
func (r *recorder) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

func post(t *testing.T, url string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	return do(t, http.MethodPost, url, header, body)
}

func do(t *testing.T, method, url string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "fakes-test/1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestFakesRejectRequestsThatBreakTheSchema(t *testing.T) {
	genie := http.Header{"Authorization": {"GenieKey k"}}
	oauth := http.Header{"Authorization": {"OAuth k"}}
	validTrigger := `{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"x","severity":"critical"}}`
	tests := []struct {
		name   string
		fake   func(testing.TB) (url string)
		method string
		path   string
		header http.Header
		body   string
		want   string
	}{
		{"pagerduty unknown severity", pdURL, "POST", "/v2/enqueue", nil,
			`{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"x","severity":"sev1"}}`, "payload.severity"},
		{"pagerduty long summary", pdURL, "POST", "/v2/enqueue", nil,
			`{"routing_key":"k","event_action":"trigger","payload":{"summary":"` + strings.Repeat("x", 1025) + `","source":"x","severity":"info"}}`, "limit is 1024"},
		{"pagerduty http image", pdURL, "POST", "/v2/enqueue", nil,
			strings.Replace(validTrigger, `}}`, `},"images":[{"src":"http://x/y.png"}]}`, 1), "must be an https URL"},
		{"pagerduty misspelt field", pdURL, "POST", "/v2/enqueue", nil,
			strings.Replace(validTrigger, "dedup_key", "dedupkey", 1), "unknown field"},
		{"pagerduty resolve without key", pdURL, "POST", "/v2/enqueue", nil, `{"routing_key":"k","event_action":"resolve"}`, "dedup_key is required"},
		{"pagerduty wrong content type", pdURL, "POST", "/v2/enqueue", http.Header{"Content-Type": {"text/plain"}}, validTrigger, "Content-Type"},
		{"pagerduty default user agent", pdURL, "POST", "/v2/enqueue", http.Header{"User-Agent": {"Go-http-client/1.1"}}, validTrigger, "User-Agent"},
		{"opsgenie without GenieKey", ogURL, "POST", "/v2/alerts", http.Header{"Authorization": {"Bearer k"}}, `{"message":"m"}`, "GenieKey"},
		{"opsgenie long message", ogURL, "POST", "/v2/alerts", genie, `{"message":"` + strings.Repeat("m", 131) + `"}`, "limit is 130"},
		{"opsgenie bad priority", ogURL, "POST", "/v2/alerts", genie, `{"message":"m","priority":"P0"}`, "priority"},
		{"opsgenie bad identifier type", ogURL, "POST", "/v2/alerts/x/close?identifierType=name", genie, `{}`, "identifierType"},
		{"statuspage without OAuth", spURL, "POST", "/v1/pages/page1/incidents", nil, `{"incident":{"name":"n"}}`, "OAuth"},
		{"statuspage bad status", spURL, "POST", "/v1/pages/page1/incidents", oauth, `{"incident":{"name":"n","status":"broken"}}`, "incident.status"},
		{"statuspage bad component status", spURL, "POST", "/v1/pages/page1/incidents", oauth, `{"incident":{"name":"n","components":{"c":"down"}}}`, "incident.components"},
		{"statuspage bad impact", spURL, "POST", "/v1/pages/page1/incidents", oauth, `{"incident":{"name":"n","impact_override":"sev1"}}`, "impact_override"},
		{"statuspage nameless incident", spURL, "POST", "/v1/pages/page1/incidents", oauth, `{"incident":{"status":"investigating"}}`, "name is required"},
		{"slack empty message", slackURL, "POST", "", nil, `{}`, "text or blocks"},
		{"slack oversized section", slackURL, "POST", "", nil, `{"text":"t","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"` + strings.Repeat("x", 3001) + `"}}]}`, "limit is 3000"},
		{"slack unknown block", slackURL, "POST", "", nil, `{"text":"t","blocks":[{"type":"table"}]}`, "block type"},
		{"webhook bad signature", hookURL, "POST", "", http.Header{"X-Smoke-Signature": {"sha256=00"}}, `{"schema":"smoke-alert/v1"}`, "X-Smoke-Signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.fake(t)
			resp, body := do(t, tt.method, base+tt.path, tt.header, tt.body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tt.want) {
				t.Errorf("answered %d %q, want 400 mentioning %q", resp.StatusCode, body, tt.want)
			}
		})
	}
}

// lenient makes a fake answer schema violations 400 without failing the test, for the tests of that answer.
func lenient[F interface{ AllowInvalid() }](f F) F {
	f.AllowInvalid()
	return f
}

// Each starts a lenient fake and returns the URL its sender would be configured with.
func pdURL(t testing.TB) string    { return lenient(incidenttest.NewPagerDuty(t)).URL() }
func ogURL(t testing.TB) string    { return lenient(incidenttest.NewOpsgenie(t)).URL() }
func spURL(t testing.TB) string    { return lenient(incidenttest.NewStatuspage(t, "page1")).URL() }
func slackURL(t testing.TB) string { return lenient(incidenttest.NewSlack(t)).WebhookURL() }
func hookURL(t testing.TB) string  { return lenient(incidenttest.NewWebhook(t, "secret")).WebhookURL() }

func TestASchemaViolationFailsTheTestUsingTheFake(t *testing.T) {
	rec := &recorder{TB: t}
	pd := incidenttest.NewPagerDuty(rec)
	post(t, pd.URL()+"/v2/enqueue", nil, `{"event_action":"trigger"}`)
	errs := rec.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "routing_key is required") {
		t.Errorf("reported %q", errs)
	}
	if reqs := pd.Requests(); len(reqs) != 1 || len(reqs[0].Problems) == 0 || reqs[0].Status != 400 {
		t.Errorf("recorded %+v", reqs)
	}
}

func TestScriptedResponsesComeInOrderThenTheAPIsOwn(t *testing.T) {
	pd := incidenttest.NewPagerDuty(t)
	pd.Script(incidenttest.RateLimited("3"), incidenttest.Reject(400, "Event object is invalid"), incidenttest.ServerError())
	event := `{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"x","severity":"error"}}`

	resp, _ := post(t, pd.URL()+"/v2/enqueue", nil, event)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("1st: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, body := post(t, pd.URL()+"/v2/enqueue", nil, event)
	if resp.StatusCode != 400 || !strings.Contains(body, `"message":"Event object is invalid"`) || !strings.Contains(body, `"errors"`) {
		t.Errorf("2nd: %d %s", resp.StatusCode, body)
	}
	if resp, _ = post(t, pd.URL()+"/v2/enqueue", nil, event); resp.StatusCode != 500 {
		t.Errorf("3rd: %d", resp.StatusCode)
	}
	resp, body = post(t, pd.URL()+"/v2/enqueue", nil, event)
	if resp.StatusCode != 202 || !strings.Contains(body, `"dedup_key":"d"`) {
		t.Errorf("4th: %d %s", resp.StatusCode, body)
	}
	if len(pd.Events()) != 1 || len(pd.Requests()) != 4 {
		t.Errorf("events %d requests %d: only the accepted one counts as an event", len(pd.Events()), len(pd.Requests()))
	}
}

func TestHangLastsUntilTheClientGivesUp(t *testing.T) {
	og := incidenttest.NewOpsgenie(t)
	og.Script(incidenttest.Hang())
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, og.URL()+"/v2/alerts", bytes.NewReader([]byte(`{"message":"m"}`)))
	req.Header.Set("Authorization", "GenieKey k")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fakes-test/1")
	start := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do = %v, want a timeout", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("the hang outlived the client's deadline")
	}
}

func TestStatuspageFakeKeepsIncidentsAndAnswersUnknownPages(t *testing.T) {
	sp := incidenttest.NewStatuspage(t, "page1")
	oauth := http.Header{"Authorization": {"OAuth k"}}
	resp, _ := post(t, sp.URL()+"/v1/pages/page1/incidents", oauth,
		`{"incident":{"name":"Editor down","status":"investigating","impact_override":"critical","body":"b","component_ids":["c1"],"components":{"c1":"major_outage"}}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	id := sp.Incidents()[0].ID
	resp, body := do(t, http.MethodGet, sp.URL()+"/v1/pages/page1/incidents/unresolved", oauth, "")
	if resp.StatusCode != 200 || !strings.Contains(body, `"id":"`+id+`"`) || !strings.Contains(body, `"body":"b"`) {
		t.Errorf("unresolved: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, http.MethodPatch, sp.URL()+"/v1/pages/page1/incidents/"+id, oauth, `{"incident":{"status":"resolved","components":{"c1":"operational"}}}`)
	if resp.StatusCode != 200 || sp.ComponentStatus("c1") != "operational" || len(sp.Unresolved()) != 0 {
		t.Errorf("patch: %d, component %q, unresolved %v", resp.StatusCode, sp.ComponentStatus("c1"), sp.Unresolved())
	}
	if resp, _ = do(t, http.MethodGet, sp.URL()+"/v1/pages/other/incidents/unresolved", oauth, ""); resp.StatusCode != 404 {
		t.Errorf("another page: %d, want 404", resp.StatusCode)
	}
}

func TestStartAlertmanagerFailsWithOneLineWhenTheBinaryIsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		incidenttest.StartAlertmanager(rec)
	}()
	<-done
	if rec.fatal != incidenttest.AlertmanagerMissing {
		t.Errorf("failed with %q, want %q", rec.fatal, incidenttest.AlertmanagerMissing)
	}
	if strings.Contains(rec.fatal, "\n") {
		t.Error("the message is not one line")
	}
}
