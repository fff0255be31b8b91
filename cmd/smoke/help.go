package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/e2e-harness/e2e/reports/incident"
)

// usageIntro opens --help: what the runner is for and the smallest useful call.
const usageIntro = `Usage: smoke --target URL --env NAME [--expect-version V] [flags]

Post-deploy smoke checks. Runs the editor's specs labelled "smoke" (the same specs make e2e runs, built into
this binary) in headless Chromium against a freshly deployed site, after checking that the expected version is
the one being served, and reports the outcome to the configured incident systems: a failing check triggers an
alert under a stable dedup key, a recovered one resolves it, a check labelled "critical" is severity 1.

  smoke --target https://editor.example.com/ --env prod --expect-version "$GIT_SHA" \
        --report-dir smoke-report --report-url "https://ci.example.com/runs/$RUN_ID/smoke-report/" \
        --state-dir /var/lib/smoke

`

// usageSections follow the generated tables: the conventions a pipeline relies on.
const usageSections = `
Browser (read by the harness; Chromium must be installed, no Go toolchain is needed):
  CHROME_BIN                  Chromium or Chrome binary (default: /usr/bin/chromium, then chromium/chrome on PATH)
  E2E_BROWSER_URL             DevTools ws:// URL of a running browser to drive instead of launching one
  E2E_ACTION_TIMEOUT          how long one click or keystroke waits for its element (default 5s)
  E2E_NAVIGATION_TIMEOUT      how long a page load may take (default 15s)

Deployed version (--expect-version):
  GET <target>/<version-path> must answer 200 with {"version":"V"} (a JSON object with a string member
  "version"), a JSON string "V", or a plain-text body whose first line is V. The comparison is exact: 1.4.2 is
  not v1.4.2. A different version, an error status, an unreadable body or an unreachable target means the deploy
  is not live: a severity 1 alert on the check "deploy-live", exit 1, and the browser checks are not run, since
  they would test the old build. (Without --expect-version an unreachable target is exit 2, and the version, if
  the target serves one, only labels the alerts.) An invalid TLS certificate is exit 2 either way: it is the
  runner's setup to fix (--insecure for a self-signed test deployment), not evidence about the deploy.

Checks and alerts:
  Each smoke spec is one check. Its name is derived from the spec's text, each Describe/Context and the It as a
  lower-case slug joined by ".", e.g. insert-dynamic-data.inserts-current-user-s-email-at-the-caret-in-the-
  middle-of-existing-text (cut to 100 characters plus a hash when longer). The dedup key is
  smoke/<env>/<check>, the same in every incident system. Renaming a spec makes a new check: an alert open under
  the old name stays open (the run warns about it) until resolved by hand.
  A failing check labelled "critical" is severity 1: PagerDuty "critical", Opsgenie P1, a Statuspage incident
  with its component (STATUSPAGE_COMPONENTS) at major_outage. Other failing checks are "error", P3,
  partial_outage. A check that failed and then passed on a retry is a "warning", never dropped; it exits 0.
  Alerts carry the check, the environment, the failing step (the spec's last By before the failure), the cause
  in the harness's words, the version, and links to the report and the screenshot (under --report-url; without
  it, the files' paths in the alert details).
  Checks the runner makes itself: "deploy-live" (--expect-version, critical) and "smoke-runner" (the run could
  not do its job: bad configuration, no browser, unusable target, a browser crash, a timeout). A spec failed by
  a browser crash is reported as smoke-runner failing, not as its check failing. When some incident systems
  reject or cannot take alerts, the ones that work get a "smoke-delivery" alert. These three stay off a public
  status page unless mapped to a component in STATUSPAGE_COMPONENTS.
  Every run also sends a deploy marker: a PagerDuty change event (and a Slack/webhook note) with the version.

State and outbox (--state-dir; keep it between runs, e.g. a CI cache or a volume, one run at a time):
  incidents.json remembers which alerts are open, so a later passing run resolves exactly what an earlier run
  triggered, and chat senders announce only real recoveries. If it is lost, the next run sends a precautionary
  resolve for every passing check instead: the incident APIs treat resolving an alert that is not open as a
  no-op, so nothing stays open by mistake (chat senders skip those).
  outbox/ holds every notification from before its first send attempt until its API accepted it (one file per
  notification and system, written atomically). A run that is killed, times out or finds an API down loses
  nothing: the next run sends the outbox first, in order. A resend after a crash at the wrong moment is
  absorbed by the dedup key. A notification an API refuses with 400 is reported and dropped (sending the same
  bytes again cannot succeed); 408, 429 (honouring Retry-After) and 5xx are retried with backoff and jitter
  within --delivery-timeout.

Secrets (routing keys, API keys, webhook URLs, a password in --target) are never printed or written: all
output, smoke.json and the outbox are scrubbed, and the checks run in a child process whose environment
holds none of the incident variables, so reports and the browser cannot see them.

Exit codes:
  0  every check passed (some perhaps only on a retry: see the warnings)
  1  a check failed, or the deploy is not live (--expect-version)
  2  the runner could not do its job: bad flags, environment or config file, no browser, a target it cannot
     reach or trust, no check selected, a browser crash, the run's time limit
  3  every check passed, but alerts could not all be delivered (kept in the outbox for the next run, or
     rejected by an API), or the state could not be saved
  When several apply, the lowest non-zero code wins: a broken site (1) matters more to the pipeline than a
  broken run (2), which explains more than a delivery problem (3). Every non-zero state is also reported to
  the incident systems, when any are configured: failed checks as their alerts, 2 as a "smoke-runner" alert,
  3 as a "smoke-delivery" alert through the systems that still work.
`

// printUsage writes --help: the introduction, every setting with its flag, variable and config key, every
// incident variable, and the conventions.
func printUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString(usageIntro)
	b.WriteString("Settings (flag, environment variable, config file key; flags override the environment, which overrides\nthe config file):\n")
	for _, s := range settings {
		flag := "--" + s.name
		if s.arg != "" {
			flag += " " + s.arg
		}
		fmt.Fprintf(&b, "  %-26s %s, %q\n", flag, s.env, s.key())
		usage := s.usage
		if s.def != "" && s.kind != kindBool {
			usage += " (default " + s.def + ")"
		}
		for _, line := range wrap(usage, 100) {
			fmt.Fprintf(&b, "      %s\n", line)
		}
	}
	b.WriteString("\nIncident systems (environment only; each system is enabled by its required variables; secret ones may\ninstead name a file holding the value in NAME_FILE):\n")
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
	b.WriteString(usageSections)
	_, _ = io.WriteString(w, b.String())
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
