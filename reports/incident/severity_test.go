package incident_test

import (
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// The incident this project exists for was ranked below severity 1 because
// "only the editor" broke. Every system must rank a broken critical check
// at its top severity, and lower ones below it.
func TestSeverityMapsTheSameWayEverywhere(t *testing.T) {
	tests := []struct {
		sev        incident.Severity
		pagerduty  string
		opsgenie   string
		impact     string // Statuspage incident impact
		component  string // Statuspage component status
		slackLabel string
	}{
		{incident.SeverityCritical, "critical", "P1", "critical", "major_outage", "SEV1"},
		{incident.SeverityError, "error", "P3", "minor", "partial_outage", "Error"},
		{incident.SeverityWarning, "warning", "P4", "", "", "Flaky"},
	}
	for _, tt := range tests {
		t.Run(tt.sev.String(), func(t *testing.T) {
			a := criticalFailure()
			a.Severity = tt.sev
			a.Flaky = tt.sev == incident.SeverityWarning
			n := a.Notification()

			pd := incidenttest.NewPagerDuty(t)
			og := incidenttest.NewOpsgenie(t)
			sp := incidenttest.NewStatuspage(t, "page1")
			sl := incidenttest.NewSlack(t)
			am, amPosts := captureAlertmanager(t)
			senders := []incident.Sender{
				&incident.PagerDuty{RoutingKey: incident.NewSecret("k"), BaseURL: pd.URL()},
				&incident.Opsgenie{APIKey: incident.NewSecret("k"), BaseURL: og.URL()},
				&incident.Statuspage{APIKey: incident.NewSecret("k"), PageID: "page1", BaseURL: sp.URL(), Limiter: noWait{},
					Components: map[string]string{"insert-dynamic-data": "cmp"}},
				&incident.Slack{WebhookURL: incident.NewSecret(sl.WebhookURL())},
				&incident.Alertmanager{BaseURL: am.URL},
			}
			for _, s := range senders {
				if err := s.Send(t.Context(), n); err != nil {
					t.Fatalf("%s: %v", s.Name(), err)
				}
			}
			if got := pd.Events()[0].Payload.Severity; got != tt.pagerduty {
				t.Errorf("PagerDuty severity %q, want %q", got, tt.pagerduty)
			}
			if got := og.Alerts()[0].Priority; got != tt.opsgenie {
				t.Errorf("Opsgenie priority %q, want %q", got, tt.opsgenie)
			}
			if tt.impact == "" {
				if len(sp.Incidents()) != 0 {
					t.Errorf("Statuspage opened an incident for %s", tt.sev)
				}
			} else if incs := sp.Incidents(); len(incs) != 1 || incs[0].Impact != tt.impact || sp.ComponentStatus("cmp") != tt.component {
				t.Errorf("Statuspage incidents %+v component %q, want impact %q component %q", incs, sp.ComponentStatus("cmp"), tt.impact, tt.component)
			}
			if got := sl.Messages()[0].Text; !strings.Contains(got, tt.slackLabel) {
				t.Errorf("Slack text %q lacks %q", got, tt.slackLabel)
			}
			if got := amPosts()[0][0].Labels["severity"]; got != tt.pagerduty {
				t.Errorf("Alertmanager severity label %q, want %q", got, tt.pagerduty)
			}
		})
	}
}
