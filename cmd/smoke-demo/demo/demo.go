package demo

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

const (
	demoVersion = "1.4.2"
	demoEnv     = "demo"
	// The demo runs the incident's own check only, so the broken deploy raises exactly one alert and each run
	// takes seconds; without --focus the runner runs every smoke spec.
	demoFocus = "inserts Current User's email at the caret"
)

// Options say where the demo works and which runner it runs.
type Options struct {
	Out      string // directory for the smoke binary, reports and state; emptied first
	SmokeBin string // a smoke binary to use instead of building cmd/smoke
	Stdout   io.Writer
}

// Exit codes of Run besides 0 (every expectation held).
const (
	ExitFailed      = 1   // an expectation did not hold
	ExitCouldNotRun = 2   // the demo could not set itself up
	ExitInterrupted = 130 // Ctrl-C or SIGTERM
)

// Run runs the three deploys and returns the exit code.
func Run(ctx context.Context, o Options) int {
	d := &demo{Options: o}
	defer d.stopAll()
	if err := d.prepare(ctx); err != nil {
		fmt.Fprintln(o.Stdout, "smoke-demo:", err)
		return ExitCouldNotRun
	}
	ok := d.steps(ctx)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(o.Stdout, "\nsmoke-demo: interrupted; stopping everything it started")
		return ExitInterrupted
	case !ok:
		fmt.Fprintln(o.Stdout, "\nsmoke-demo: FAILED: an expectation above did not hold")
		return ExitFailed
	}
	fmt.Fprintln(o.Stdout, "\nsmoke-demo: all three deploys behaved as expected. Reports and state are in", o.Out)
	return 0
}

type demo struct {
	Options
	reports  string // where the reports are served, as a pipeline would publish them
	fixture  *fixtures.Server
	am       *incidenttest.Alertmanager
	stoppers []func()
	failed   bool
}

func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.Stdout, format+"\n", args...) }

func (d *demo) stopAll() {
	for i := len(d.stoppers) - 1; i >= 0; i-- {
		d.stoppers[i]()
	}
}

func (d *demo) prepare(ctx context.Context) error {
	if err := os.RemoveAll(d.Out); err != nil {
		return fmt.Errorf("emptying %s: %w", d.Out, err)
	}
	if err := os.MkdirAll(filepath.Join(d.Out, "alertmanager"), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", d.Out, err)
	}
	if d.SmokeBin == "" {
		d.SmokeBin = filepath.Join(d.Out, "bin", "smoke")
		d.say("smoke-demo: building the smoke runner (go build ./cmd/smoke) …")
		build := exec.CommandContext(ctx, "go", "build", "-o", d.SmokeBin, "github.com/e2e-harness/e2e/cmd/smoke")
		build.Stdout, build.Stderr = d.Stdout, d.Stdout
		if err := build.Run(); err != nil {
			return fmt.Errorf("building cmd/smoke: %w", err)
		}
	}

	srv, err := fixtures.Serve(ctx, "127.0.0.1:0", fixtures.WithVersion(demoVersion))
	if err != nil {
		return fmt.Errorf("serving the fixture editor: %w", err)
	}
	d.fixture = srv
	d.stoppers = append(d.stoppers, func() { _ = srv.Close() })
	d.say("smoke-demo: fixture editor (version %s) at %s/", demoVersion, srv.URL())

	// Alerts link to the report and screenshot under --report-url; the demo publishes its reports the way a
	// pipeline would, on loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the report server: %w", err)
	}
	reportServer := &http.Server{Handler: http.FileServer(http.Dir(d.Out)), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = reportServer.Serve(l) }()
	d.stoppers = append(d.stoppers, func() { _ = reportServer.Close() })
	d.reports = "http://" + l.Addr().String() + "/"
	d.say("smoke-demo: reports published at %s while the demo runs", d.reports)

	am, err := incidenttest.RunAlertmanager(ctx, filepath.Join(d.Out, "alertmanager"), incidenttest.GroupBy("alertname", "env", "feature"))
	if err != nil {
		return err
	}
	d.am = am
	d.stoppers = append(d.stoppers, am.Stop)
	d.say("smoke-demo: Prometheus Alertmanager at %s", am.URL)
	return nil
}

func (d *demo) steps(ctx context.Context) bool {
	healthy := d.fixture.URL() + "/"
	broken := d.fixture.RegressionURL("blur-hides-button")

	d.step(1, "a healthy deploy")
	if !d.expectExit(ctx, d.runSmoke(ctx, 1, healthy), 0) {
		return false
	}
	d.expectAlerts(ctx, 0)

	d.step(2, "a deploy with the incident's bug: the field's blur hides the Insert dynamic data button")
	if !d.expectExit(ctx, d.runSmoke(ctx, 2, broken), 1) {
		return false
	}
	feature := ""
	if alerts := d.expectAlerts(ctx, 1); len(alerts) == 1 {
		a := alerts[0]
		feature = a.Labels["feature"]
		d.check(a.Labels["severity"] == "critical", "the alert is severity 1 (severity=%s)", a.Labels["severity"])
		d.check(a.Labels["env"] == demoEnv && a.Labels["feature"] != "", "it names the environment and the broken feature (env=%s, feature=%s)", a.Labels["env"], a.Labels["feature"])
		d.check(a.Annotations["failing_checks"] != "", "it lists the failing checks: %s", firstLine(a.Annotations["failing_checks"], 160))
		d.check(a.Annotations["step"] != "", "it names the failing step: %q", a.Annotations["step"])
		d.check(strings.Contains(a.Annotations["cause"], "input not received"), "it gives the cause in the harness's words: %s", firstLine(a.Annotations["cause"], 160))
		d.check(a.Annotations["version"] == demoVersion, "it names the deployed version (%s)", a.Annotations["version"])
		d.check(a.Annotations["report_url"] != "" && a.Annotations["screenshot_url"] != "", "it links to the report (%s) and the screenshot", a.Annotations["report_url"])
		d.check(d.notified(ctx, "firing", feature), "Alertmanager notified its receiver that the feature is broken")
	}

	d.step(3, "the fix is deployed")
	if !d.expectExit(ctx, d.runSmoke(ctx, 3, healthy), 0) {
		return false
	}
	d.expectAlerts(ctx, 0)
	if ctx.Err() == nil && feature != "" {
		d.check(d.notified(ctx, "resolved", feature), "Alertmanager notified its receiver that the feature's alert is resolved")
	}
	return !d.failed
}

func (d *demo) step(n int, what string) { d.say("\n=== Deploy %d: %s ===", n, what) }

// expectExit checks the runner's exit code; it reports false when the demo was interrupted, as nothing more
// is worth checking then.
func (d *demo) expectExit(ctx context.Context, got, want int) bool {
	if ctx.Err() != nil {
		return false
	}
	d.check(got == want, "smoke exited %d (want %d)", got, want)
	return true
}

// expectAlerts waits briefly for Alertmanager to list want active alerts (a resolve takes a moment to show)
// and returns them.
func (d *demo) expectAlerts(ctx context.Context, want int) []incidenttest.AlertmanagerAlert {
	var alerts []incidenttest.AlertmanagerAlert
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for ctx.Err() == nil {
		alerts, err = d.am.Alerts(ctx)
		if (err == nil && len(alerts) == want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		d.check(false, "GET %s/api/v2/alerts: %v", d.am.URL, err)
		return nil
	}
	var shown []string
	for _, a := range alerts {
		shown = append(shown, describe(a.Labels))
	}
	list := ""
	if len(shown) > 0 {
		list = ": " + strings.Join(shown, "; ")
	}
	noun := "alerts"
	if len(alerts) == 1 {
		noun = "alert"
	}
	d.check(len(alerts) == want, "Alertmanager lists %d active %s (want %d)%s", len(alerts), noun, want, list)
	return alerts
}

// notified waits a few seconds for Alertmanager to notify its receiver that feature is firing or resolved
// (that is what would page a person) and prints the notification as an on-call engineer would get it.
func (d *demo) notified(ctx context.Context, status, feature string) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := d.am.WaitForNotification(ctx, func(n incidenttest.AlertmanagerNotification) bool {
		return n.Status == status && n.CommonLabels["feature"] == feature
	})
	if err != nil {
		return false
	}
	for _, a := range n.Alerts {
		what := firstLine(a.Annotations["summary"], 200)
		if what == "" {
			// A resolve carries only the labels that identify the alert.
			what = describe(a.Labels)
		}
		d.say("smoke-demo: Alertmanager notified its receiver: %s %s", strings.ToUpper(a.Status), what)
	}
	return true
}

func (d *demo) check(ok bool, format string, args ...any) {
	mark := "✓"
	if !ok {
		mark = "✗"
		d.failed = true
	}
	d.say("smoke-demo: %s %s", mark, fmt.Sprintf(format, args...))
}

func describe(labels map[string]string) string {
	return fmt.Sprintf("%s{env=%s, feature=%s, severity=%s}", labels["alertname"], labels["env"], labels["feature"], labels["severity"])
}

func firstLine(s string, limit int) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(line); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return line
}
