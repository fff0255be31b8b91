package main

import (
	"bytes"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// Every credential the runner is given stays out of everything it prints and writes, on a run that gives
// them every chance to leak: a failing check (alert text, screenshots, reports), an incident system that is
// down (errors, the outbox), a secret read from a file. This run also shows that --insecure accepts a
// self-signed target: it gets as far as the failing check.
func TestSecretsNeverAppearInAnyOutput(t *testing.T) {
	t.Parallel()
	target := selfSignedFixture(t)
	fk, env := startFakes(t)
	for range 10 {
		fk.slack.Script(incidenttest.ServerError()) // Slack is down: its notifications go to the outbox
	}
	const amPassword = "amBASICauthPASSWORD42"
	var amPosts atomic.Int32
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pw, ok := r.BasicAuth(); !ok || pw != amPassword {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		amPosts.Add(1)
	}))
	t.Cleanup(am.Close)
	amURL, _ := url.Parse(am.URL)
	amURL.User = url.UserPassword("smoke", amPassword)
	env["ALERTMANAGER_URL"] = amURL.String()
	keyFile := filepath.Join(t.TempDir(), "opsgenie-key")
	if err := os.WriteFile(keyFile, []byte(opsgenieKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	delete(env, "OPSGENIE_API_KEY")
	env["OPSGENIE_API_KEY_FILE"] = keyFile

	p := newPipeline(t, env)
	r := p.run("--target", target+"regressions/blur-hides-button/", "--insecure", "--env", "prod",
		"--expect-version", fixtureVer, "--focus", incidentFocus, "--retries", "0", "--delivery-timeout", "2s")
	expectCode(t, r, runner.ExitCheckFailed)
	if _, ok := fk.pd.OpenAlert("smoke/prod/" + incidentFeature); !ok || amPosts.Load() == 0 || len(fk.og.Alerts()) == 0 {
		t.Fatalf("the alerts did not go out, so this test proves nothing:\n%s", r)
	}
	if len(outboxEntries(t, p.stateDir)) == 0 {
		t.Fatalf("nothing waits in the outbox, so this test does not look at it:\n%s", r)
	}

	secrets := map[string]string{
		"PagerDuty routing key":     pdKey,
		"Opsgenie API key":          opsgenieKey,
		"Statuspage API key":        statusKey,
		"webhook HMAC secret":       webhookHMAC,
		"Slack webhook token":       lastPathPart(fk.slack.WebhookURL()),
		"webhook URL token":         lastPathPart(fk.webhook.WebhookURL()),
		"Alertmanager password":     amPassword,
		"Slack webhook URL escaped": url.QueryEscape(fk.slack.WebhookURL()),
	}
	outputs := map[string][]byte{"stdout": []byte(r.stdout), "stderr": []byte(r.stderr)}
	for _, dir := range []string{r.reportDir, r.stateDir} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, readErr := os.ReadFile(path)
				if readErr != nil {
					t.Errorf("reading %s: %v", path, readErr)
				}
				outputs[path] = data
			}
			return nil
		})
	}
	for _, want := range []string{"smoke.json", "junit.xml", "report.json", "incidents.json", "screenshot.png"} {
		if !hasOutput(outputs, want) {
			t.Errorf("the run wrote no %s, so it was not checked", want)
		}
	}
	for where, data := range outputs {
		for what, secret := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("the %s appears in %s", what, where)
			}
		}
	}
}

// selfSignedFixture serves the fixture editor over TLS with httptest's own certificate, which nothing trusts.
func selfSignedFixture(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(fixtures.Handler(fixtures.WithVersion(fixtureVer)))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point of these tests
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func lastPathPart(raw string) string {
	u, _ := url.Parse(raw)
	return u.Path[strings.LastIndex(u.Path, "/")+1:]
}

func hasOutput(outputs map[string][]byte, name string) bool {
	for path := range outputs {
		if filepath.Base(path) == name {
			return true
		}
	}
	return false
}
