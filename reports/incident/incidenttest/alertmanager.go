package incidenttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// AlertmanagerMissing is the one line a test fails with when the binary is
// not installed: the tests need the real server, so they fail, not skip.
const AlertmanagerMissing = "prometheus-alertmanager not found: apt-get install prometheus-alertmanager (make test and make smoke-demo install it)"

// Alertmanager is a real Prometheus Alertmanager running on loopback,
// routing every alert to a webhook receiver that records what it gets.
type Alertmanager struct {
	// URL is the API base URL, for incident.Alertmanager.BaseURL.
	URL string

	hook   *httptest.Server
	cmd    *exec.Cmd
	exited chan struct{}
	log    *syncBuffer

	mu            sync.Mutex
	notifications []AlertmanagerNotification
	changed       chan struct{}
}

// AlertmanagerAlert is an alert as GET /api/v2/alerts returns it.
type AlertmanagerAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
	Status       struct {
		State string `json:"state"`
	} `json:"status"`
}

// AlertmanagerNotification is one webhook notification (payload version 4).
type AlertmanagerNotification struct {
	Version      string                      `json:"version"`
	Status       string                      `json:"status"` // firing or resolved
	Receiver     string                      `json:"receiver"`
	GroupLabels  map[string]string           `json:"groupLabels"`
	CommonLabels map[string]string           `json:"commonLabels"`
	Alerts       []AlertmanagerNotifiedAlert `json:"alerts"`
}

// AlertmanagerNotifiedAlert is one alert of a webhook notification.
type AlertmanagerNotifiedAlert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Fingerprint string            `json:"fingerprint"`
}

// alertmanagerConfig groups by every label unless told otherwise
// ([GroupBy]), so each alert is notified on its own, with waits short enough
// for tests.
const alertmanagerConfig = `route:
  receiver: recorder
  group_by: %s
  group_wait: 50ms
  group_interval: 100ms
  repeat_interval: 1h
receivers:
  - name: recorder
    webhook_configs:
      - url: %q
        send_resolved: true
`

// StartAlertmanager runs an Alertmanager (see [RunAlertmanager]) in a
// temporary directory for one test and stops it, removing its files, when
// the test ends. It fails the test with AlertmanagerMissing when the binary
// is not installed.
func StartAlertmanager(t testing.TB, opts ...AlertmanagerOption) *Alertmanager {
	t.Helper()
	am, err := RunAlertmanager(context.Background(), t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err.Error())
	}
	t.Cleanup(am.Stop)
	return am
}

// RunAlertmanager starts prometheus-alertmanager on a free loopback port
// with its config and storage in dir and waits until it is ready, for a
// program such as cmd/smoke-demo; the caller stops it with Stop. Linux ends
// it when the caller's process dies, and a Ctrl-C in a terminal does not
// reach it, so it can still take what an interrupted smoke run delivers.
func RunAlertmanager(ctx context.Context, dir string, opts ...AlertmanagerOption) (*Alertmanager, error) {
	cfg := alertmanagerSettings{groupBy: []string{"..."}}
	for _, o := range opts {
		o(&cfg)
	}
	bin := alertmanagerBinary()
	if bin == "" {
		return nil, errors.New(AlertmanagerMissing)
	}
	am := &Alertmanager{changed: make(chan struct{})}
	am.hook = httptest.NewServer(http.HandlerFunc(am.receive))

	config := filepath.Join(dir, "am.yml")
	if err := os.WriteFile(config, fmt.Appendf(nil, alertmanagerConfig, groupByYAML(cfg.groupBy), am.hook.URL+"/hook"), 0o600); err != nil {
		am.hook.Close()
		return nil, fmt.Errorf("writing alertmanager config: %w", err)
	}

	// A free port can be taken by someone else between our check and the
	// server's bind, so a failed start is retried on a new port.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			am.hook.Close()
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		storage, err := os.MkdirTemp(dir, "data-")
		if err != nil {
			am.hook.Close()
			return nil, fmt.Errorf("creating alertmanager storage: %w", err)
		}
		lastErr = am.start(ctx, bin, config, storage, port)
		if lastErr == nil {
			return am, nil
		}
	}
	am.hook.Close()
	return nil, fmt.Errorf("starting alertmanager: %w\n%s", lastErr, am.log.String())
}

// AlertmanagerOption adjusts the Alertmanager a test starts.
type AlertmanagerOption func(*alertmanagerSettings)

type alertmanagerSettings struct{ groupBy []string }

// GroupBy routes with group_by set to labels, as a production route would, e.g. GroupBy("alertname", "env",
// "feature"): alerts that differ only in other labels (a location) are then notified together, as one group.
func GroupBy(labels ...string) AlertmanagerOption {
	return func(s *alertmanagerSettings) { s.groupBy = labels }
}

func groupByYAML(labels []string) string {
	quoted := make([]string, len(labels))
	for i, l := range labels {
		quoted[i] = "'" + l + "'"
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func alertmanagerBinary() string {
	for _, name := range []string{"prometheus-alertmanager", "alertmanager"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (am *Alertmanager) start(ctx context.Context, bin, config, storage string, port int) error {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	am.log = &syncBuffer{}
	cmd := exec.Command(bin,
		"--config.file="+config,
		"--storage.path="+storage,
		"--web.listen-address="+addr,
		"--cluster.listen-address=", // empty disables clustering and its port
	)
	cmd.Stdout, cmd.Stderr = am.log, am.log
	cmd.SysProcAttr = alertmanagerProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	am.cmd, am.exited = cmd, exited

	url := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for !ready(url) {
		select {
		case <-exited:
			return errors.New("alertmanager exited before it was ready")
		case <-ctx.Done():
			am.kill()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			am.kill()
			return errors.New("alertmanager not ready after 20s")
		}
	}
	am.URL = url
	return nil
}

func (am *Alertmanager) kill() {
	_ = am.cmd.Process.Kill()
	<-am.exited
}

// Stop ends Alertmanager and its receiver.
func (am *Alertmanager) Stop() {
	am.kill()
	am.hook.Close()
}

func ready(base string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/-/ready", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (am *Alertmanager) receive(w http.ResponseWriter, r *http.Request) {
	var n AlertmanagerNotification
	if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	am.mu.Lock()
	am.notifications = append(am.notifications, n)
	close(am.changed)
	am.changed = make(chan struct{})
	am.mu.Unlock()
}

// Alerts returns the active alerts (GET /api/v2/alerts): resolved alerts
// are not listed.
func (am *Alertmanager) Alerts(ctx context.Context) ([]AlertmanagerAlert, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, am.URL+"/api/v2/alerts", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("listing alertmanager alerts: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("listing alertmanager alerts: HTTP %d: %s", resp.StatusCode, body)
	}
	var alerts []AlertmanagerAlert
	if err := json.Unmarshal(body, &alerts); err != nil {
		return nil, fmt.Errorf("listing alertmanager alerts: %w", err)
	}
	return alerts, nil
}

// Notifications returns the webhook notifications received so far.
func (am *Alertmanager) Notifications() []AlertmanagerNotification {
	am.mu.Lock()
	defer am.mu.Unlock()
	return slices.Clone(am.notifications)
}

// WaitForNotification waits until a notification satisfying match has
// arrived (including earlier ones) or ctx ends.
func (am *Alertmanager) WaitForNotification(ctx context.Context, match func(AlertmanagerNotification) bool) (AlertmanagerNotification, error) {
	for {
		am.mu.Lock()
		for _, n := range am.notifications {
			if match(n) {
				am.mu.Unlock()
				return n, nil
			}
		}
		changed := am.changed
		am.mu.Unlock()
		select {
		case <-ctx.Done():
			return AlertmanagerNotification{}, fmt.Errorf("waiting for an alertmanager notification: %w (got %d)", ctx.Err(), len(am.Notifications()))
		case <-changed:
		}
	}
}

// Log returns what the server printed, for failure messages.
func (am *Alertmanager) Log() string { return am.log.String() }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
