package incident_test

import (
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func TestSlackMessageIsConciseAndEscaped(t *testing.T) {
	sl := incidenttest.NewSlack(t)
	s := &incident.Slack{WebhookURL: incident.NewSecret(sl.WebhookURL())}
	a := criticalFailure()
	a.Cause = strings.Repeat("<b>&amp;</b> ", 400) + "```"
	m := sendOne(t, s, a.Notification(), sl.Messages)
	if !strings.Contains(m.Text, "SEV1") || !strings.Contains(m.Text, "insert-dynamic-data") {
		t.Errorf("text = %q", m.Text)
	}
	var all strings.Builder
	for _, b := range m.Blocks {
		if b.Text != nil {
			all.WriteString(b.Text.Text + "\n")
		}
		for _, f := range b.Fields {
			all.WriteString(f.Text + "\n")
		}
		for _, e := range b.Elements {
			all.WriteString(e.Text + "\n")
		}
	}
	text := all.String()
	for _, want := range []string{"*Step*", "*Version*\n1.4.2", "<https://ci.example.com/smoke/123/report.html|Smoke report>", "&lt;b&gt;", "smoke/prod/insert-dynamic-data"} {
		if !strings.Contains(text, want) {
			t.Errorf("blocks lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "<b>") {
		t.Error("the cause's HTML reached Slack unescaped")
	}
}

func TestSlackSkipsPrecautionaryResolvesButPostsDeploys(t *testing.T) {
	sl := incidenttest.NewSlack(t)
	s := &incident.Slack{WebhookURL: incident.NewSecret(sl.WebhookURL())}
	r := incident.NewResolve("prod", "editor-loads")
	r.Precautionary = true
	if s.Accepts(r.Notification()) {
		t.Error("a precautionary resolve would tell the channel a healthy check recovered")
	}
	if err := s.Send(t.Context(), incident.Change{Env: "prod", Version: "1.4.2"}.Notification()); err != nil {
		t.Fatal(err)
	}
	if msgs := sl.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Deployed 1.4.2 to prod") {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestSlackWrongWebhookPathIsARejection(t *testing.T) {
	sl := incidenttest.NewSlack(t)
	s := &incident.Slack{WebhookURL: incident.NewSecret(sl.URL() + "/services/wrong")}
	err := s.Send(t.Context(), criticalFailure().Notification())
	if err == nil || !strings.Contains(err.Error(), "no_service") || strings.Contains(err.Error(), "/services/wrong") {
		t.Errorf("Send = %v, want Slack's no_service without the URL path", err)
	}
}
