package incident_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// Every byte the package produces (errors, reports, log lines, outbox and
// state files) must be free of every configured secret, even when an API
// echoes the secret back in its error message.
func TestNoSecretReachesAnyOutput(t *testing.T) {
	const (
		pdKey    = "PDKEY0123456789abcdef0123456789ab"
		ogKey    = "OGKEY-5f1e-4c1d-9d4b-6a7e8f9a0b1c"
		spKey    = "SPKEY-89abcdef"
		hmacKey  = "HMACKEY-secret-for-signing"
		amPasswd = "AMPASSWORD-basic-auth"
	)
	pd := incidenttest.NewPagerDuty(t)
	og := incidenttest.NewOpsgenie(t)
	sp := incidenttest.NewStatuspage(t, "page1")
	hook := incidenttest.NewWebhook(t, hmacKey)
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Alertmanager behind a proxy that quotes the credentials it got.
		user, pass, _ := r.BasicAuth()
		http.Error(w, fmt.Sprintf("bad gateway for %s:%s", user, pass), http.StatusBadGateway)
	}))
	t.Cleanup(am.Close)
	deadSlack := httptest.NewServer(http.NotFoundHandler())
	slackURL := deadSlack.URL + "/services/T0000/B0000/SLACKTOKENxyz987"
	deadSlack.Close()

	// Every API fails, several quoting the credential they were sent.
	pd.Script(incidenttest.Reject(400, "Invalid routing key "+pdKey))
	og.Script(incidenttest.Reject(401, "Key "+ogKey+" is not valid"))
	sp.Script(incidenttest.Reject(401, "Could not authenticate OAuth "+spKey))
	hook.Script(
		incidenttest.Reject(403, "signature for "+hook.WebhookURL()+" rejected"),
		incidenttest.ServerError(), incidenttest.ServerError(),
	)

	senders, err := incident.SendersFromEnv(env(map[string]string{
		"PAGERDUTY_ROUTING_KEY": pdKey,
		"PAGERDUTY_URL":         pd.URL(),
		"OPSGENIE_API_KEY":      ogKey,
		"OPSGENIE_URL":          og.URL(),
		"STATUSPAGE_API_KEY":    spKey,
		"STATUSPAGE_PAGE_ID":    "page1",
		"STATUSPAGE_URL":        sp.URL(),
		"ALERTMANAGER_URL":      strings.Replace(am.URL, "http://", "http://smoke:"+amPasswd+"@", 1),
		"SLACK_WEBHOOK_URL":     slackURL,
		"SMOKE_WEBHOOK_URL":     hook.WebhookURL(),
		"SMOKE_WEBHOOK_SECRET":  hmacKey,
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range senders {
		if st, ok := s.(*incident.Statuspage); ok {
			st.Limiter = noWait{}
		}
	}
	var logs bytes.Buffer
	d, _ := newDeliverer(t, senders...)
	d.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	stateDir := t.TempDir()
	state, err := incident.LoadState(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	alerts := state.Update([]incident.CheckResult{{
		Env: "prod", Check: "insert-dynamic-data", Critical: true, Outcome: incident.Failed,
		Step: "click", Cause: "the harness saw " + slackURL + " in the page", // a cause quoting a secret
	}}, t0)
	rep := deliver(t, d, alerts[0].Notification())
	if err := state.Save(); err != nil {
		t.Fatal(err)
	}

	if rep.Delivered() != 0 {
		t.Fatalf("every API was set up to fail:\n%s", rep)
	}
	var out strings.Builder
	out.WriteString(rep.String())
	fmt.Fprintf(&out, "%v\n%+v\n%#v\n", rep.Err(), rep, rep)
	for _, sr := range rep.Senders {
		for _, dl := range append(sr.Pending, sr.Rejected...) {
			fmt.Fprintf(&out, "%v %+v %#v\n", dl.Err, dl.Err, dl.Err.Err)
		}
	}
	for _, s := range senders {
		fmt.Fprintf(&out, "%v %+v %#v\n", s, s, s)
	}
	out.WriteString(logs.String())

	secrets := []string{pdKey, ogKey, spKey, hmacKey, amPasswd, "SLACKTOKENxyz987", "smoke-TESTtoken987654321"}
	for _, s := range secrets {
		if strings.Contains(out.String(), s) {
			t.Errorf("output contains %q:\n%s", s, out.String())
		}
	}
	for _, want := range []string{"Invalid routing key [REDACTED]", "POST http://127.0.0.1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q, so the test may prove nothing:\n%s", want, out.String())
		}
	}
	assertNoSecretsInDir(t, d.Outbox.Dir(), secrets...)
	assertNoSecretsInDir(t, stateDir, secrets...)
}
