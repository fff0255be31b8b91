package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// Bad input exits 2 with one line that says what to fix, before any browser starts.
func TestBadInputExitsTwoWithOneClearLine(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	tlsTarget := selfSignedFixture(t)
	dir := t.TempDir()
	writeFile := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	healthy := f.URL() + "/"

	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // in the one line on stderr
	}{
		{name: "unknown flag", args: []string{"--target", healthy, "--env", "prod", "--retry", "2"},
			want: "unknown flag --retry (smoke --help lists the flags)"},
		{name: "invalid target URL", args: []string{"--target", "ftp://editor.example.com", "--env", "prod"},
			want: `--target: "ftp://editor.example.com" is not a usable target: want an http:// or https:// URL`},
		{name: "missing target", args: []string{"--env", "prod"},
			want: "--target is required"},
		{name: "invalid target from the environment", env: map[string]string{"SMOKE_TARGET": "editor.example.com"}, args: []string{"--env", "prod"},
			want: `SMOKE_TARGET: "editor.example.com" is not a usable target`},
		{name: "unreachable target", args: []string{"--target", closedURL(t) + "/", "--env", "prod"},
			want: "is unreachable: connection refused"},
		{name: "self-signed target without --insecure", args: []string{"--target", tlsTarget, "--env", "prod"},
			want: "TLS certificate is not valid"},
		{name: "self-signed target with --expect-version", args: []string{"--target", tlsTarget, "--env", "prod", "--expect-version", fixtureVer},
			want: "use --insecure"},
		{name: "missing Chromium", env: map[string]string{"CHROME_BIN": "/nonexistent/chromium"}, args: []string{"--target", healthy, "--env", "prod"},
			want: "no browser: CHROME_BIN: /nonexistent/chromium does not exist"},
		{name: "config file with a syntax error", args: []string{"--config", writeFile("syntax.json", "{\n  \"target\": \"https://x/\",\n  \"retries\": 2,,\n}")},
			want: "config file " + filepath.Join(dir, "syntax.json") + ": line 3, column 16: invalid character ','"},
		{name: "config file with an unknown key", args: []string{"--env", "prod", "--config", writeFile("typo.json", `{"target": "https://x/", "retrys": 2}`)},
			want: `unknown key "retrys" (did you mean "retries"?)`},
		{name: "config file with a wrong type", args: []string{"--env", "prod", "--config", writeFile("type.json", `{"target": "https://x/", "timeout": 30}`)},
			want: `"timeout": want a duration string such as "30s", got 30`},
		{name: "config file with a bad value", args: []string{"--config", writeFile("value.json", `{"target": "https://x/", "env": "prod", "retries": 9}`)},
			want: `"retries": "9" is not a number of retries from 0 to 5`},
		{name: "missing config file", args: []string{"--env", "prod", "--target", healthy, "--config", filepath.Join(dir, "absent.json")},
			want: "reading config file: open " + filepath.Join(dir, "absent.json") + ": no such file or directory"},
		{name: "bad label filter", args: []string{"--target", healthy, "--env", "prod", "--label-filter", "critical &&"},
			want: `--label-filter: "critical &&" is not a label expression`},
		{name: "configured but empty secret (a missing CI secret)", env: map[string]string{"PAGERDUTY_ROUTING_KEY": ""}, args: []string{"--target", healthy, "--env", "prod"},
			want: "PAGERDUTY_ROUTING_KEY: is set but empty (what CI passes for a secret it does not have): give it a value, unset it, or turn pagerduty off with SMOKE_DISABLE=pagerduty"},
		{name: "configured but empty secret file variable", env: map[string]string{"SLACK_WEBHOOK_URL_FILE": " "}, args: []string{"--target", healthy, "--env", "prod"},
			want: "SLACK_WEBHOOK_URL_FILE: is set but empty"},
		{name: "configured but empty Alertmanager URL", env: map[string]string{"ALERTMANAGER_URL": ""}, args: []string{"--target", healthy, "--env", "prod"},
			want: "ALERTMANAGER_URL: is set but empty"},
		{name: "unknown system in SMOKE_DISABLE", env: map[string]string{"SMOKE_DISABLE": "pagerduty,slak"}, args: []string{"--target", healthy, "--env", "prod"},
			want: `SMOKE_DISABLE: "slak" is not an incident system: use pagerduty, opsgenie, statuspage, alertmanager, slack, webhook`},
		{name: "bad location", args: []string{"--target", healthy, "--env", "prod", "--location", "eu west"},
			want: `--location: "eu west" is not a location name`},
		{name: "half-configured incident system", env: map[string]string{"STATUSPAGE_API_KEY": statusKey}, args: []string{"--target", healthy, "--env", "prod"},
			want: "STATUSPAGE_PAGE_ID: is not set, but STATUSPAGE_API_KEY is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newPipeline(t, tc.env).run(tc.args...)
			expectCode(t, r, runner.ExitCouldNotRun)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("want one line on stderr containing %q, got:\n%s", tc.want, r.stderr)
			}
		})
	}
}

// "The smoke run itself could not run" is reported to the incident systems like any other failure, and the
// next run that works resolves it.
func TestRunnerFailureIsReportedAndResolved(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	hook := incidenttest.NewWebhook(t, "")
	p := newPipeline(t, map[string]string{"SMOKE_WEBHOOK_URL": hook.WebhookURL(), "CHROME_BIN": "/nonexistent/chromium"})
	key := "smoke/prod/" + runner.CheckRunner

	r := p.run("--target", f.URL()+"/", "--env", "prod")
	expectCode(t, r, runner.ExitCouldNotRun)
	if a := lastWebhookAlert(t, hook, key); a.Action != "trigger" || a.Severity != "error" {
		t.Errorf("webhook got %+v for %s, want an error trigger", a, key)
	}
	for _, p := range hook.Payloads() {
		if p.Alert != nil && p.Alert.DedupKey == key && !strings.Contains(p.Alert.Cause, "no browser") {
			t.Errorf("the alert's cause %q does not say what went wrong", p.Alert.Cause)
		}
	}

	// A configuration error is reported too, as long as the environment's name is known.
	r = p.run("--target", "not a url", "--env", "prod")
	expectCode(t, r, runner.ExitCouldNotRun)
	if n := len(hook.Payloads()); n < 4 {
		t.Errorf("the configuration error was not reported (%d payloads)", n)
	}

	delete(p.env, "CHROME_BIN")
	r = p.run("--target", f.URL()+"/", "--env", "prod", "--focus", incidentFocus, "--retries", "0")
	expectCode(t, r, runner.ExitPassed)
	if a := lastWebhookAlert(t, hook, key); a.Action != "resolve" {
		t.Errorf("the working run did not resolve %s: %+v", key, a)
	}
}

// A deploy that did not go live is the silent failure of the incident: severity 1, exit 1, and the browser
// checks are not run against the old build. An unreachable target counts the same once a version is
// expected.
func TestDeployNotLiveIsSeverityOne(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()})
	key := "smoke/prod/" + runner.FeatureDeploy

	r := p.run("--target", f.URL()+"/", "--env", "prod", "--expect-version", "1.2.4")
	expectCode(t, r, runner.ExitCheckFailed)
	if strings.Contains(r.stdout, "Running Suite") {
		t.Errorf("the browser checks ran against the old build:\n%s", r)
	}
	ev, ok := pd.OpenAlert(key)
	if !ok {
		t.Fatalf("no PagerDuty alert %s; events %+v", key, pd.Events())
	}
	if ev.Payload.Severity != "critical" || !strings.Contains(ev.Payload.Summary, "SEV1: Deploy not live on prod") ||
		!strings.Contains(ev.Payload.Summary, "serves version 1.2.3, not 1.2.4") {
		t.Errorf("deploy-not-live alert: severity %q, summary %q", ev.Payload.Severity, ev.Payload.Summary)
	}
	if changes := pd.Changes(); len(changes) != 1 || !strings.Contains(changes[0].Payload.Summary, "DEPLOY NOT LIVE") {
		t.Errorf("the deploy marker does not say the deploy is not live: %+v", changes)
	}

	r = p.run("--target", closedURL(t)+"/", "--env", "prod", "--expect-version", "1.2.4")
	expectCode(t, r, runner.ExitCheckFailed)
	if ev, _ := pd.OpenAlert(key); !strings.Contains(ev.Payload.Summary, "unreachable") {
		t.Errorf("the alert for an unreachable target says %q", ev.Payload.Summary)
	}

	r = p.run("--target", f.URL()+"/", "--env", "prod", "--expect-version", "1.2.3", "--label-filter", "critical", "--focus", incidentFocus, "--retries", "0")
	expectCode(t, r, runner.ExitPassed)
	if _, open := pd.OpenAlert(key); open {
		t.Errorf("the live deploy did not resolve %s", key)
	}
}
