package incident_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func TestOpsgenieCreatesP1UnderTheDedupAliasAndClosesByAlias(t *testing.T) {
	og := incidenttest.NewOpsgenie(t)
	s := &incident.Opsgenie{APIKey: incident.NewSecret("genie-key"), BaseURL: og.URL()}
	a := criticalFailure()
	a.Cause = strings.Repeat("a long harness call log line\n", 40)
	c := sendOne(t, s, a.Notification(), og.Alerts)
	if c.Priority != "P1" || c.Alias != "smoke/prod/insert-dynamic-data" || c.Entity != "insert-dynamic-data" {
		t.Errorf("create = %+v", c)
	}
	if n := utf8.RuneCountInString(c.Message); n > 130 {
		t.Errorf("message has %d characters", n)
	}
	if c.Details["step"] != a.Step || c.Details["version"] != "1.4.2" || !strings.Contains(c.Description, a.Step) {
		t.Errorf("details = %v, description = %q", c.Details, c.Description)
	}
	if got := og.Requests()[0].Header.Get("Authorization"); got != "GenieKey genie-key" {
		t.Errorf("Authorization = %q", got)
	}

	if err := s.Send(t.Context(), incident.NewResolve("prod", "insert-dynamic-data").Notification()); err != nil {
		t.Fatal(err)
	}
	closes := og.Closes()
	if len(closes) != 1 || closes[0].Identifier != a.DedupKey || closes[0].IdentifierType != "alias" {
		t.Errorf("closes = %+v", closes)
	}
	if open := og.Open(); len(open) != 0 {
		t.Errorf("still open: %v", open)
	}
}

func TestOpsgenieCloseOfAnUnknownAliasIsNotAFailure(t *testing.T) {
	og := incidenttest.NewOpsgenie(t)
	og.Script(incidenttest.Reject(404, "Alert does not exist"))
	s := &incident.Opsgenie{APIKey: incident.NewSecret("k"), BaseURL: og.URL()}
	if err := s.Send(t.Context(), incident.NewResolve("prod", "x").Notification()); err != nil {
		t.Errorf("closing an alert that is not open: %v", err)
	}
}

func TestOpsgenieIgnoresDeployMarkers(t *testing.T) {
	s := &incident.Opsgenie{APIKey: incident.NewSecret("k")}
	if s.Accepts(incident.Change{Env: "prod", Version: "1"}.Notification()) {
		t.Error("Opsgenie accepted a change; it has no such concept")
	}
}
