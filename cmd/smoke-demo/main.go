// Command smoke-demo shows the post-deploy smoke runner doing its job, end to end, on this machine: it builds
// cmd/smoke, serves the fixture editor, starts a real Prometheus Alertmanager on loopback and runs the smoke
// runner three times, as three deploys would:
//
//  1. a healthy deploy: exit 0, no alert;
//  2. a deploy with the incident's bug (the blur-hides-button regression): exit 1, one severity 1 alert in
//     Alertmanager's GET /api/v2/alerts;
//  3. the fix: exit 0, the alert resolved.
//
// It prints each step and what it checked, and exits 1 if any expectation failed. Everything it starts
// (Alertmanager, the fixture server, the smoke runner and its Chromium) is stopped at the end, on failure and
// on Ctrl-C too. make smoke-demo runs it; it needs Chromium and prometheus-alertmanager (make installs both).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/e2e-harness/e2e/fixtures"
)

const (
	demoVersion = "1.4.2"
	demoEnv     = "demo"
	// The demo runs the incident's own check only, so the broken deploy raises exactly one alert and each run
	// takes seconds; without --focus the runner runs every smoke spec.
	demoFocus = "inserts Current User's email at the caret"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("smoke-demo", flag.ContinueOnError)
	out := fs.String("out", filepath.Join("out", "smoke-demo"), "directory for the smoke binary, reports and state (emptied first)")
	smokeBin := fs.String("smoke", "", "a smoke binary to use instead of building cmd/smoke")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	d := &demo{out: *out}
	defer d.stopAll()
	if err := d.prepare(ctx, *smokeBin); err != nil {
		fmt.Fprintln(os.Stderr, "smoke-demo:", err)
		return 2
	}
	ok := d.steps(ctx)
	if ctx.Err() != nil {
		fmt.Println("\nsmoke-demo: interrupted; stopping everything it started")
		return 130
	}
	if !ok {
		fmt.Println("\nsmoke-demo: FAILED: an expectation above did not hold")
		return 1
	}
	fmt.Println("\nsmoke-demo: all three deploys behaved as expected. Reports and state are in", d.out)
	return 0
}

type demo struct {
	out      string
	reports  string // where the reports are served, as a pipeline would publish them
	smoke    string
	fixture  *fixtures.Server
	am       *alertmanager
	stoppers []func()
	failed   bool
}

func (d *demo) stopAll() {
	for i := len(d.stoppers) - 1; i >= 0; i-- {
		d.stoppers[i]()
	}
}

func (d *demo) prepare(ctx context.Context, smokeBin string) error {
	if err := os.RemoveAll(d.out); err != nil {
		return fmt.Errorf("emptying %s: %w", d.out, err)
	}
	if err := os.MkdirAll(d.out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", d.out, err)
	}
	d.smoke = smokeBin
	if d.smoke == "" {
		d.smoke = filepath.Join(d.out, "bin", "smoke")
		fmt.Println("smoke-demo: building the smoke runner (go build ./cmd/smoke) …")
		build := exec.CommandContext(ctx, "go", "build", "-o", d.smoke, "github.com/e2e-harness/e2e/cmd/smoke")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
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
	fmt.Printf("smoke-demo: fixture editor (version %s) at %s/\n", demoVersion, srv.URL())

	// Alerts link to the report and screenshot under --report-url; the demo publishes its reports the way a
	// pipeline would, on loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the report server: %w", err)
	}
	reportServer := &http.Server{Handler: http.FileServer(http.Dir(d.out)), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = reportServer.Serve(l) }()
	d.stoppers = append(d.stoppers, func() { _ = reportServer.Close() })
	d.reports = "http://" + l.Addr().String() + "/"
	fmt.Printf("smoke-demo: reports published at %s while the demo runs\n", d.reports)

	am, err := startAlertmanager(ctx, filepath.Join(d.out, "alertmanager"))
	if err != nil {
		return err
	}
	d.am = am
	d.stoppers = append(d.stoppers, am.stop)
	fmt.Printf("smoke-demo: Prometheus Alertmanager at %s (pid %d)\n", am.url, am.cmd.Process.Pid)
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
	check := ""
	if alerts := d.expectAlerts(ctx, 1); len(alerts) == 1 {
		a := alerts[0]
		check = a.Labels["check"]
		d.check(a.Labels["severity"] == "critical", "the alert is severity 1 (severity=%s)", a.Labels["severity"])
		d.check(a.Labels["env"] == demoEnv && a.Labels["check"] != "", "it names the environment and check (env=%s, check=%s)", a.Labels["env"], a.Labels["check"])
		d.check(a.Annotations["step"] != "", "it names the failing step: %q", a.Annotations["step"])
		d.check(strings.Contains(a.Annotations["cause"], "input not received"), "it gives the cause in the harness's words: %s", firstLine(a.Annotations["cause"], 160))
		d.check(a.Annotations["version"] == demoVersion, "it names the deployed version (%s)", a.Annotations["version"])
		d.check(a.Annotations["report_url"] != "" && a.Annotations["screenshot_url"] != "", "it links to the report (%s) and the screenshot", a.Annotations["report_url"])
		d.check(d.am.sawNotification("firing", check), "Alertmanager notified its receiver that the check is firing")
	}

	d.step(3, "the fix is deployed")
	if !d.expectExit(ctx, d.runSmoke(ctx, 3, healthy), 0) {
		return false
	}
	d.expectAlerts(ctx, 0)
	if ctx.Err() == nil && check != "" {
		d.check(d.am.sawNotification("resolved", check), "Alertmanager notified its receiver that the check is resolved")
	}
	return !d.failed
}

func (d *demo) step(n int, what string) {
	fmt.Printf("\n=== Deploy %d: %s ===\n", n, what)
}

// runSmoke runs the smoke runner as a pipeline would, with the state directory shared by all three deploys,
// and streams its output indented.
func (d *demo) runSmoke(ctx context.Context, n int, target string) int {
	if ctx.Err() != nil {
		return -1
	}
	args := []string{
		"--target", target, "--env", demoEnv, "--expect-version", demoVersion, "--focus", demoFocus,
		"--report-dir", filepath.Join(d.out, fmt.Sprintf("deploy-%d", n)), "--state-dir", filepath.Join(d.out, "state"),
		"--report-url", fmt.Sprintf("%sdeploy-%d/", d.reports, n),
	}
	fmt.Printf("$ ALERTMANAGER_URL=%s smoke %s\n", d.am.url, shellQuote(args))
	cmd := exec.CommandContext(ctx, d.smoke, args...)
	cmd.Env = append(os.Environ(), "ALERTMANAGER_URL="+d.am.url)
	// Stopping the demo interrupts the runner, so it stops its browser and keeps its alerts in the outbox
	// (after a Ctrl-C in a terminal it has the signal already; the runner counts both as one).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 45 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Println("  │ " + sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	})
	err := cmd.Run()
	pw.Close()
	wg.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	fmt.Println("smoke-demo: running smoke:", err)
	return -1
}

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
func (d *demo) expectAlerts(ctx context.Context, want int) []amAlert {
	var alerts []amAlert
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for ctx.Err() == nil {
		alerts, err = d.am.alerts(ctx)
		if (err == nil && len(alerts) == want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		d.check(false, "GET %s/api/v2/alerts: %v", d.am.url, err)
		return nil
	}
	var shown []string
	for _, a := range alerts {
		shown = append(shown, fmt.Sprintf("%s{env=%s, check=%s, severity=%s}", a.Labels["alertname"], a.Labels["env"], a.Labels["check"], a.Labels["severity"]))
	}
	list := ""
	if len(shown) > 0 {
		list = ": " + strings.Join(shown, "; ")
	}
	d.check(len(alerts) == want, "Alertmanager lists %d active %s (want %d)%s", len(alerts), plural(len(alerts), "alert", "alerts"), want, list)
	return alerts
}

func (d *demo) check(ok bool, format string, args ...any) {
	mark := "✓"
	if !ok {
		mark = "✗"
		d.failed = true
	}
	fmt.Printf("smoke-demo: %s %s\n", mark, fmt.Sprintf(format, args...))
}

// alertmanager is Debian's prometheus-alertmanager, run for the demo with a webhook receiver in this process
// that records the notifications it sends.
type alertmanager struct {
	url    string
	cmd    *exec.Cmd
	exited chan struct{}
	hook   *http.Server

	mu       sync.Mutex
	notified map[string]bool // "firing <check>", "resolved <check>"
}

const alertmanagerConfig = `route:
  receiver: demo
  group_by: ['...']
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: demo
    webhook_configs:
      - url: %q
        send_resolved: true
`

func startAlertmanager(ctx context.Context, dir string) (*alertmanager, error) {
	bin := ""
	for _, name := range []string{"prometheus-alertmanager", "alertmanager"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return nil, errors.New("prometheus-alertmanager not found: apt-get install prometheus-alertmanager (make smoke-demo installs it)")
	}
	am := &alertmanager{exited: make(chan struct{}), notified: map[string]bool{}}
	hookListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for Alertmanager's notifications: %w", err)
	}
	am.hook = &http.Server{Handler: http.HandlerFunc(am.receive), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = am.hook.Serve(hookListener) }()

	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		am.stop()
		return nil, fmt.Errorf("creating Alertmanager's directory: %w", err)
	}
	config := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(config, fmt.Appendf(nil, alertmanagerConfig, "http://"+hookListener.Addr().String()+"/"), 0o644); err != nil {
		am.stop()
		return nil, fmt.Errorf("writing Alertmanager's config: %w", err)
	}
	port, err := freePort()
	if err != nil {
		am.stop()
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	logFile, err := os.Create(filepath.Join(dir, "alertmanager.log"))
	if err != nil {
		am.stop()
		return nil, fmt.Errorf("creating Alertmanager's log: %w", err)
	}
	am.cmd = exec.Command(bin, "--config.file="+config, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=")
	am.cmd.Stdout, am.cmd.Stderr = logFile, logFile
	am.cmd.SysProcAttr = childProcAttr()
	if err := am.cmd.Start(); err != nil {
		logFile.Close()
		am.stop()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() { _ = am.cmd.Wait(); logFile.Close(); close(am.exited) }()
	am.url = "http://" + addr

	deadline := time.Now().Add(20 * time.Second)
	for !am.ready(ctx) {
		select {
		case <-am.exited:
			am.stop()
			return nil, fmt.Errorf("Alertmanager exited at start; see %s", logFile.Name())
		case <-ctx.Done():
			am.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			am.stop()
			return nil, fmt.Errorf("Alertmanager not ready after 20s; see %s", logFile.Name())
		}
	}
	return am, nil
}

func (am *alertmanager) ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, am.url+"/-/ready", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// stop ends Alertmanager (SIGTERM, then SIGKILL) and the receiver.
func (am *alertmanager) stop() {
	if am.cmd != nil && am.cmd.Process != nil {
		_ = am.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-am.exited:
		case <-time.After(5 * time.Second):
			_ = am.cmd.Process.Kill()
			<-am.exited
		}
	}
	if am.hook != nil {
		_ = am.hook.Close()
	}
}

type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func (am *alertmanager) alerts(ctx context.Context) ([]amAlert, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, am.url+"/api/v2/alerts?active=true", nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	var alerts []amAlert
	if err := json.NewDecoder(res.Body).Decode(&alerts); err != nil {
		return nil, fmt.Errorf("decoding the alerts: %w", err)
	}
	return alerts, nil
}

// receive prints each notification Alertmanager sends, as an on-call engineer would receive it.
func (am *alertmanager) receive(w http.ResponseWriter, r *http.Request) {
	var n struct {
		Status string `json:"status"`
		Alerts []struct {
			Status      string            `json:"status"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"alerts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, a := range n.Alerts {
		what := firstLine(a.Annotations["summary"], 200)
		if what == "" {
			// A resolve carries only the labels that identify the alert.
			what = fmt.Sprintf("%s{env=%s, check=%s, severity=%s}", a.Labels["alertname"], a.Labels["env"], a.Labels["check"], a.Labels["severity"])
		}
		fmt.Printf("smoke-demo: Alertmanager notified its receiver: %s %s\n", strings.ToUpper(a.Status), what)
		am.mu.Lock()
		am.notified[a.Status+" "+a.Labels["check"]] = true
		am.mu.Unlock()
	}
}

// sawNotification waits a few seconds for Alertmanager to notify its receiver that check is firing or
// resolved: that is what would page a person.
func (am *alertmanager) sawNotification(status, check string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		am.mu.Lock()
		ok := am.notified[status+" "+check]
		am.mu.Unlock()
		if ok {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func firstLine(s string, limit int) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(line); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " '\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
