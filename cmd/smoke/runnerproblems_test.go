package main

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// A private CA that Go trusts (SSL_CERT_FILE) and Chromium does not: the version check passes, and the browser
// is asked before any check runs. That is the runner's problem, exit 2 and the smoke-runner alert, with one line
// saying what to fix, not a severity 1 alert for a feature that was never looked at.
func TestTargetTheBrowserDoesNotTrustIsTheRunnersProblem(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(fixtures.Handler(fixtures.WithVersion(fixtureVer)))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the browser refusing the certificate is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "private-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	hook := incidenttest.NewWebhook(t, "")
	p := newPipeline(t, map[string]string{"SSL_CERT_FILE": caFile, "SMOKE_WEBHOOK_URL": hook.WebhookURL()})

	r := p.run("--target", srv.URL+"/", "--env", "prod", "--expect-version", fixtureVer, "--focus", incidentFocus, "--retries", "0")
	expectCode(t, r, runner.ExitCouldNotRun)
	if !strings.Contains(r.stdout, "deploy is live") {
		t.Fatalf("Go did not trust the private CA, so this test proves nothing:\n%s", r)
	}
	const want = "the browser does not trust the target's TLS certificate (net::ERR_CERT_AUTHORITY_INVALID)"
	if !containsLine(r.stderrLines(), want) {
		t.Errorf("no line on stderr says %q:\n%s", want, r.stderr)
	}
	if line := r.lastLine(); !strings.HasPrefix(line, "smoke: exit 2: the smoke run could not do its job: "+want) {
		t.Errorf("last line = %q", line)
	}
	if strings.Contains(r.stdout, "Running Suite") {
		t.Errorf("the checks ran although the browser cannot load the target:\n%s", r)
	}
	if a := lastWebhookAlert(t, hook, "smoke/prod/"+runner.CheckRunner); a.Action != "trigger" || a.Severity != "error" {
		t.Errorf("smoke-runner alert %+v, want an error trigger", a)
	}
	for _, pl := range hook.Payloads() {
		if pl.Alert != nil && pl.Alert.DedupKey == "smoke/prod/"+incidentFeature {
			t.Errorf("the feature was alerted about, though no check ran: %+v", pl.Alert)
		}
	}
}

// When the page a check loads fails in its BeforeEach (here the editor answers HTTP 500), the alert names the
// step as a person would ("setting up …"), never "in BeforeEach", and the cause is the harness's sentence,
// never a Go value dump such as <*harness.NavigationError | 0xc000…> {URL: …}.
func TestAlertTextNamesTheStepAndNeverAGoValue(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	target, _ := url.Parse(f.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("doc") != "" {
			http.Error(w, "upstream exploded", http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(broken.Close)
	hook := incidenttest.NewWebhook(t, "")
	p := newPipeline(t, map[string]string{"SMOKE_WEBHOOK_URL": hook.WebhookURL()})

	r := p.run("--target", broken.URL+"/", "--env", "prod", "--focus", incidentFocus, "--retries", "0")
	expectCode(t, r, runner.ExitCheckFailed)
	var alert *incident.WebhookAlert
	for _, pl := range hook.Payloads() {
		if pl.Alert != nil && pl.Alert.DedupKey == "smoke/prod/"+incidentFeature && pl.Alert.Action == "trigger" {
			alert = pl.Alert
		}
	}
	if alert == nil || len(alert.Checks) != 1 {
		t.Fatalf("no trigger with its one failing check for the feature:\n%s", r)
	}
	const step = `setting up "Insert dynamic data", before the check's first step`
	if alert.Step != step || alert.Checks[0].Step != step {
		t.Errorf("step = %q (check: %q), want %q", alert.Step, alert.Checks[0].Step, step)
	}
	if !strings.Contains(alert.Cause, "the server answered HTTP 500") {
		t.Errorf("cause = %q, want the navigation's reason", alert.Cause)
	}
	for _, text := range []string{alert.Summary, alert.Step, alert.Cause, alert.Checks[0].Cause} {
		for _, noise := range []string{"<*", "| 0x", "NavigationError", "Phase:", "in BeforeEach", "{"} {
			if strings.Contains(text, noise) {
				t.Errorf("alert text carries %q: %q", noise, text)
			}
		}
	}
}

// SIGTERM while the run waits for another run's state lock ends it at once, exit 2, saying so; it does not
// wait out the lock and then blame something else.
func TestSignalWhileWaitingForTheStateLockEndsTheRunAtOnce(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()})
	holder, problems := incident.OpenRun(t.Context(), p.stateDir, nil, incident.RunOptions{})
	if len(problems) > 0 {
		t.Fatalf("holding the state directory: %v", problems)
	}
	defer holder.Close()

	wait, cmd, stdout := p.startWatching(passingRun(f.URL() + "/")...)
	waitFor(t, "the runner to wait for the lock", time.Minute, func() bool {
		return strings.Contains(stdout(), "waiting for another smoke run to release "+p.stateDir)
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := wait()
	expectCode(t, r, runner.ExitCouldNotRun)
	const want = "smoke: exit 2: interrupted by SIGTERM while waiting for another smoke run to release the state directory "
	if line := r.lastLine(); !strings.HasPrefix(line, want) || !strings.HasSuffix(line, "nothing was checked or sent") {
		t.Errorf("last line = %q, want it to start %q", line, want)
	}
	if !containsLine(r.stderrLines(), "interrupted by SIGTERM while waiting") || strings.Contains(r.stdout+r.stderr, "no browser") {
		t.Errorf("the reason is not the signal:\n%s", r)
	}
	if n := len(pd.Requests()); n != 0 {
		t.Errorf("the interrupted run sent %d requests without holding the state", n)
	}
}

// An outbox file that cannot be read may hold an alert that never went out: the run says so on the console
// and in smoke.json, keeps the file for a person, and exits 3 until the person has dealt with it.
func TestCorruptOutboxEntryIsReportedKeptAndExitsThree(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	pd := incidenttest.NewPagerDuty(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": pd.URL()})
	outbox := filepath.Join(p.stateDir, "outbox")
	if err := os.MkdirAll(outbox, 0o700); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(outbox, "000000000007-pagerduty.json")
	if err := os.WriteFile(bad, []byte(`{"format": "smoke-outbox/v1", "seq": 7, "notif`), 0o600); err != nil {
		t.Fatal(err)
	}

	r := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, r, runner.ExitUndelivered)
	kept := filepath.Join(outbox, "corrupt", "000000000007-pagerduty.json")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("the unreadable file was not kept: %v", err)
	}
	if !containsLine(r.stderrLines(), "reading outbox entry "+bad) || !containsLine(r.stderrLines(), "read it, then delete it") {
		t.Errorf("no line on stderr names the unreadable entry:\n%s", r.stderr)
	}
	if line := r.lastLine(); !strings.Contains(line, "exit 3: alerts could not all be delivered: 1 unreadable outbox file kept in "+filepath.Join(outbox, "corrupt")) {
		t.Errorf("last line = %q", line)
	}
	var summary struct {
		Outbox struct{ Corrupt []string } `json:"outbox"`
	}
	readJSON(t, filepath.Join(r.reportDir, "smoke.json"), &summary)
	if len(summary.Outbox.Corrupt) != 1 || !strings.Contains(summary.Outbox.Corrupt[0], kept) {
		t.Errorf("smoke.json outbox.corrupt = %q", summary.Outbox.Corrupt)
	}

	again := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, again, runner.ExitUndelivered)
	if !containsLine(again.stderrLines(), "kept by an earlier run at "+kept) {
		t.Errorf("the next run forgot the kept file:\n%s", again.stderr)
	}
	if err := os.Remove(kept); err != nil {
		t.Fatal(err)
	}
	expectCode(t, p.run(passingRun(f.URL()+"/")...), runner.ExitPassed)
}

// A system turned off on purpose (SMOKE_DISABLE) ignores its empty secret, and says so; an unset variable is
// still simply "not configured".
func TestDisabledOrUnsetIncidentSystemsRunWithoutThem(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	off := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": "", incident.DisableVar: "pagerduty"}).run(passingRun(f.URL() + "/")...)
	expectCode(t, off, runner.ExitPassed)
	if !strings.Contains(off.stdout, "turned off by SMOKE_DISABLE: pagerduty") {
		t.Errorf("the run does not say PagerDuty is off:\n%s", off)
	}
	unset := newPipeline(t, nil).run(passingRun(f.URL() + "/")...)
	expectCode(t, unset, runner.ExitPassed)
	if !strings.Contains(unset.stdout, "no incident system is configured") {
		t.Errorf("an unset variable is not 'not configured':\n%s", unset)
	}
}

// A report directory that cannot be written is the runner's problem: exit 2, one line saying so, and no alert
// links to a report that was never written.
func TestUnwritableReportDirectoryIsExitTwoAndNoAlertLinksToIt(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	notADir := filepath.Join(t.TempDir(), "report")
	if err := os.WriteFile(notADir, []byte("a file where the report directory should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	hook := incidenttest.NewWebhook(t, "")
	p := newPipeline(t, map[string]string{"SMOKE_WEBHOOK_URL": hook.WebhookURL()})
	p.reportDir = notADir

	r := p.run("--target", f.RegressionURL("blur-hides-button"), "--env", "prod", "--focus", incidentFocus, "--retries", "0",
		"--report-url", "https://ci.example.com/runs/9/")
	expectCode(t, r, runner.ExitCheckFailed) // the broken feature outranks the broken run
	want := "the report directory " + notADir + " cannot be written (not a directory): no report is kept, and alerts carry no link to one"
	if !containsLine(r.stderrLines(), want) {
		t.Errorf("no line on stderr says %q:\n%s", want, r.stderr)
	}
	for _, pl := range hook.Payloads() {
		if pl.Alert != nil && (pl.Alert.ReportURL != "" || pl.Alert.ScreenshotURL != "") {
			t.Errorf("alert %s links to a report that was never written: %q %q", pl.Alert.DedupKey, pl.Alert.ReportURL, pl.Alert.ScreenshotURL)
		}
	}
	if a := lastWebhookAlert(t, hook, "smoke/prod/"+runner.CheckRunner); a.Action != "trigger" {
		t.Errorf("the unwritable report directory was not reported as the runner's problem: %+v", a)
	}

	passing := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, passing, runner.ExitCouldNotRun)
	if line := passing.lastLine(); !strings.HasPrefix(line, "smoke: exit 2: the smoke run could not do its job: "+want) {
		t.Errorf("last line = %q", line)
	}
}

// With an outbox that cannot be opened, alerts that fail now are lost, and the exit reason says exactly that:
// it must not claim they wait in the outbox.
func TestUnwritableOutboxExitReasonSaysWhatIsLost(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	p := newPipeline(t, map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": closedURL(t)})
	if err := os.MkdirAll(p.stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.stateDir, "outbox"), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := p.run(passingRun(f.URL() + "/")...)
	expectCode(t, r, runner.ExitCouldNotRun)
	line := r.lastLine()
	if strings.Contains(line, "kept in the outbox") || !strings.Contains(line, "lost: not delivered, and the outbox could not keep") {
		t.Errorf("last line = %q, want it to say the notifications are lost, not kept", line)
	}
	if !strings.Contains(line, "opening outbox") {
		t.Errorf("last line = %q, want it to name the outbox problem", line)
	}
}

// Exit 1 alone cannot tell a pipeline whether anybody was told: when no incident system took the alert, the
// last line and smoke.json say so.
func TestFailedCheckThatNobodyWasToldAboutSaysSo(t *testing.T) {
	t.Parallel()
	f := fixture(t)
	args := []string{"--target", f.RegressionURL("blur-hides-button"), "--env", "prod", "--focus", incidentFocus, "--retries", "0", "--delivery-timeout", "2s"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		why  string
	}{
		{"no incident system", nil, "— and nobody was told: no incident system is configured"},
		{"PagerDuty down", map[string]string{"PAGERDUTY_ROUTING_KEY": pdKey, "PAGERDUTY_URL": closedURL(t)},
			"— and nobody was told: no incident system took the alert smoke/prod/" + incidentFeature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newPipeline(t, tc.env).run(args...)
			expectCode(t, r, runner.ExitCheckFailed)
			if line := r.lastLine(); !strings.HasPrefix(line, "smoke: exit 1: 1 feature broken: "+incidentFeature) || !strings.Contains(line, tc.why) {
				t.Errorf("last line = %q, want it to say %q", line, tc.why)
			}
			var summary struct {
				Delivered *bool    `json:"delivered"`
				Untold    []string `json:"untold"`
			}
			readJSON(t, filepath.Join(r.reportDir, "smoke.json"), &summary)
			if summary.Delivered == nil || *summary.Delivered {
				t.Errorf("smoke.json delivered = %v, want false", summary.Delivered)
			}
		})
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}
