package runner

import (
	"fmt"
	"io"
	"strings"

	"github.com/e2e-harness/e2e/reports/incident"
)

// Description opens --help after the usage line: what the runner is for and the smallest useful call.
const Description = `Post-deploy smoke checks. Runs the editor's specs labelled "smoke" (the same specs make e2e runs, built into
this binary) in headless Chromium against a freshly deployed site, after checking that the expected version is
the one being served, and reports the outcome to the configured incident systems: one alert per broken
feature, under a stable dedup key, listing every failing check with its step and cause; a recovered feature
resolves it; a failing check labelled "critical" makes it severity 1.

  smoke --target https://editor.example.com/ --env prod --expect-version "$GIT_SHA" \
        --report-dir smoke-report --report-url "https://ci.example.com/runs/$RUN_ID/smoke-report/" \
        --state-dir /var/lib/smoke
  smoke --env prod --deploy-failed "helm upgrade timed out" --expect-version "$GIT_SHA"   # a deploy's failure path

Every setting is a flag, an environment variable and a config file key: flags override the environment, which
overrides the config file (--config), which overrides the defaults.`

// manual follows the flags in --help: the conventions a pipeline relies on.
const manual = `
Browser (read by the harness; Chromium must be installed, no Go toolchain is needed):
  CHROME_BIN                  Chromium or Chrome binary (default: /usr/bin/chromium, then chromium/chrome on PATH)
  E2E_BROWSER_URL             DevTools ws:// URL of a running browser to drive instead of launching one
  E2E_ACTION_TIMEOUT          how long one click or keystroke waits for its element (default 5s)
  E2E_NAVIGATION_TIMEOUT      how long a page load may take (default 15s)

Deployed version (--expect-version):
  GET <target>/<version-path> must answer 200 with {"version":"V"} (a JSON object with a string member
  "version"), a JSON string "V", or a plain-text body whose first line is V. The comparison is exact: 1.4.2 is
  not v1.4.2. A different version, an error status, an unreadable body or an unreachable target means the deploy
  is not live: a severity 1 alert for the feature "deploy" (its check deploy-live), exit 1, and the browser
  checks are not run, since they would test the old build. (Without --expect-version an unreachable target is
  exit 2, and the version, if the target serves one, only labels the alerts.) An invalid TLS certificate is
  exit 2 either way: it is the runner's setup to fix (--insecure for a self-signed test deployment), not
  evidence about the deploy. Before the checks, the browser loads an https target once: a certificate Go
  trusts but Chromium does not (a private CA in SSL_CERT_FILE, which Chromium does not read) is exit 2 too,
  with one line saying so.

Checks, features and alerts:
  Each smoke spec is one check, named from its text: each Describe/Context and the It as a lower-case slug
  joined by ".", e.g. insert-dynamic-data.inserts-current-user-s-email-at-the-caret-in-the-middle-of-existing-
  text (cut to 100 characters plus a hash when longer). Checks are grouped by feature: the spec's top-level
  container (Describe("Insert dynamic data") is the feature insert-dynamic-data), unless a label
  feature:<name> names another. One alert per feature and environment, dedup key smoke/<env>/<feature>, the
  same in every incident system: one broken button is one page, however many checks it breaks.
  The alert lists every failing check of its feature with its step and cause, the first one in the summary
  ("SEV1: Insert dynamic data broken on prod (version V): 7 of 8 checks fail; first "…" at step "…": …"),
  plus the version, where the run came from (--location) and links to the report and the first screenshot
  (under --report-url; without it, the files' paths in the alert details). The step is the last By before the
  failure, else the It's text, else "setting up <container>" for a failure before the first step. smoke.json
  and the report keep every check's own detail.
  Severity 1 when a failing check is labelled "critical": PagerDuty "critical", Opsgenie P1, a Statuspage
  incident with its component at major_outage; otherwise "error", P3, partial_outage. A feature whose checks
  failed and then passed on a retry is a "warning", never dropped; it exits 0. A feature whose set of failing
  checks changes updates its open alert (no new page; chat posts the change), an unchanged one refreshes it
  (chat stays quiet). It is resolved once all its checks pass; a run that did not run a check that was failing
  (--focus, --label-filter) leaves the alert open. Statuspage: one incident per component
  (STATUSPAGE_COMPONENTS maps features to components), kept open while any of its features fails.
  Features the runner reports itself: "deploy" (checks deploy-live for --expect-version and deploy-failed for
  --deploy-failed; severity 1), "smoke-runner" (the run could not do its job: bad configuration, no browser,
  a target it cannot reach or the browser does not trust, an unwritable report directory, a browser crash, a
  timeout) and "smoke-delivery" (some incident systems rejected or could not take the alerts; sent through the
  ones that work). These stay off a public status page unless mapped to a component in STATUSPAGE_COMPONENTS.
  Every run also sends a deploy marker: a PagerDuty change event (and a Slack/webhook note) with the version.
  Before features, alerts were one per check (smoke/<env>/<check>); the first run of this version resolves
  those the state file knows as soon as their check runs again (or, in a run of every check, when the check is
  gone), so nothing stays open under an old key.

Locations (--location): runs of one environment from several places (a CronJob in each region, a scheduled
CI job) share the dedup key, so one broken feature is one PagerDuty incident; the location is in each alert's
details and, in Alertmanager, a label, so there each location keeps its own alert and a route with
group_by: [alertname, env, feature] notifies them together. Give each location its own --state-dir: a run
resolves only what it raised itself.

A failed deployment (--deploy-failed REASON): for the pipeline's failure path, when the deploy step failed
and the smoke checks will never start. No browser and no --target are needed; the severity 1 alert
smoke/<env>/deploy goes through the same systems and outbox, exit 1 (3 rules do not apply: 1 wins). The
next run with --expect-version whose deploy is live resolves it; a run without --expect-version cannot tell,
and leaves it open.

Between deploys: the same binary runs on a schedule from cmd/smoke/deploy/ (a Debian image with Chromium, a
Kubernetes CronJob with concurrencyPolicy: Forbid and the state on a volume, a scheduled GitHub Actions
workflow with the state in the cache).

State and outbox (--state-dir; keep it between runs, e.g. a CI cache or a volume, one run at a time):
  incidents.json remembers which alerts are open, so a later passing run resolves exactly what an earlier run
  triggered, and chat senders announce only real recoveries. If it is lost, the next run sends a precautionary
  resolve for every passing feature instead: the incident APIs treat resolving an alert that is not open as a
  no-op, so nothing stays open by mistake (chat senders skip those).
  outbox/ holds every notification from before its first send attempt until its API accepted it (one file per
  notification and system, written atomically). A run that is killed, times out or finds an API down loses
  nothing: the next run sends the outbox first, in order. A resend after a crash at the wrong moment is
  absorbed by the dedup key. A notification an API refuses with 400 is reported and dropped (sending the same
  bytes again cannot succeed); 408, 429 (honouring Retry-After) and 5xx are retried with backoff and jitter
  within --delivery-timeout. An outbox file that cannot be read is moved to outbox/corrupt/ and kept: it may
  hold an alert that never went out, so every run reports it (exit 3) until a person has read and deleted it.
  If the outbox itself cannot be written, alerts are still sent, and what fails is lost: the run says so.
  A run waits up to 15 minutes for another run to release the state directory; SIGTERM or Ctrl-C while it
  waits ends it at once (exit 2), having sent nothing.

Secrets (routing keys, API keys, webhook URLs, a password in --target) are never printed or written: all
output, smoke.json and the outbox are scrubbed, and the checks run in a child process whose environment
holds none of the incident variables, so reports and the browser cannot see them.

Exit codes:
  0  every check passed (some perhaps only on a retry: see the warnings)
  1  a check failed, the deploy is not live (--expect-version), or the deploy failed (--deploy-failed)
  2  the runner could not do its job: bad flags, environment or config file (an incident system's required
     variable that is set but empty, too), no browser, a target it cannot reach or that the browser does not
     trust (a certificate error in a check counts here, not as the check failing), an unwritable report
     directory, no check selected, a browser crash, the run's time limit, an interrupt
  3  every check passed, but alerts could not all be delivered (kept in the outbox for the next run, rejected by
     an API, lost because the outbox could not keep them), an unreadable outbox file waits in outbox/corrupt/,
     or the state could not be saved
  When several apply, the lowest non-zero code wins: a broken site (1) matters more to the pipeline than a
  broken run (2), which explains more than a delivery problem (3); the last line and smoke.json (exit_reason)
  still name all of it. When an alert was raised and no incident system took it (none configured, or every one
  down), the last line says "and nobody was told" and smoke.json has "delivered": false. Every non-zero state
  is also reported to the incident systems, when any are configured: failed checks as their feature's alert, 2
  as a "smoke-runner" alert, 3 as a "smoke-delivery" alert through the systems that still work.
`

// WriteManual writes what --help says after the flags: every incident system's variables, then the
// conventions (browser, version, checks and alerts, state and outbox, secrets, exit codes).
func WriteManual(w io.Writer) error {
	var b strings.Builder
	b.WriteString("\nIncident systems (environment only; each system is enabled by its required variables; secret ones may\ninstead name a file holding the value in NAME_FILE; a required one set but empty is an error, exit 2, unless\nSMOKE_DISABLE names its system):\n")
	sender := ""
	for _, v := range incident.EnvVars() {
		if v.Sender != sender {
			sender = v.Sender
			fmt.Fprintf(&b, "  %s:\n", sender)
		}
		var marks []string
		if v.Required {
			marks = append(marks, "enables it")
		}
		if v.Secret {
			marks = append(marks, "secret, or "+v.Name+incident.FileSuffix)
		}
		mark := ""
		if len(marks) > 0 {
			mark = " [" + strings.Join(marks, "; ") + "]"
		}
		fmt.Fprintf(&b, "    %s%s\n", v.Name, mark)
		for _, line := range wrap(v.Doc, 98) {
			fmt.Fprintf(&b, "        %s\n", line)
		}
	}
	b.WriteString(manual)
	_, err := io.WriteString(w, b.String())
	return err
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
