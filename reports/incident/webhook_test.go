package incident_test

import (
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

func TestWebhookPostsSignedVersionedPayload(t *testing.T) {
	const secret = "hmac-secret-1"
	hook := incidenttest.NewWebhook(t, secret)
	s := &incident.Webhook{URL: incident.NewSecret(hook.WebhookURL()), Secret: incident.NewSecret(secret)}
	a := criticalFailure()
	if err := s.Send(t.Context(), a.Notification()); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), incident.Change{Env: "prod", Version: "1.4.2"}.Notification()); err != nil {
		t.Fatal(err)
	}
	got := hook.Payloads()
	if len(got) != 2 {
		t.Fatalf("got %d payloads", len(got))
	}
	p := got[0]
	if p.Schema != "smoke-alert/v1" || p.Kind != "alert" || p.Alert.Severity != "critical" || p.Alert.SeverityLevel != 1 ||
		p.Alert.Step != a.Step || p.Alert.Version != "1.4.2" || p.Alert.DedupKey != a.DedupKey {
		t.Errorf("alert payload = %+v", p.Alert)
	}
	if got[1].Kind != "change" || got[1].Change.Summary != "Deployed 1.4.2 to prod" {
		t.Errorf("change payload = %+v", got[1])
	}
	req := hook.Requests()[0]
	if !incident.VerifyWebhookSignature([]byte(secret), req.Body, req.Header.Get(incident.WebhookSignatureHeader)) {
		t.Error("VerifyWebhookSignature rejects the sender's own signature")
	}
	if incident.VerifyWebhookSignature([]byte("other"), req.Body, req.Header.Get(incident.WebhookSignatureHeader)) {
		t.Error("VerifyWebhookSignature accepts a signature under another secret")
	}
}

func TestWebhookWithoutSecretSendsNoSignature(t *testing.T) {
	hook := incidenttest.NewWebhook(t, "")
	s := &incident.Webhook{URL: incident.NewSecret(hook.WebhookURL())}
	if err := s.Send(t.Context(), incident.NewResolve("prod", "x").Notification()); err != nil {
		t.Fatal(err)
	}
	if h := hook.Requests()[0].Header.Get(incident.WebhookSignatureHeader); h != "" {
		t.Errorf("signature %q sent without a secret", h)
	}
}
