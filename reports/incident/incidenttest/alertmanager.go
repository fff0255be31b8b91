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
	"sync"
	"testing"
	"time"
)

// AlertmanagerMissing is the one line a test fails with when the binary is
// not installed: the tests need the real server, so they fail, not skip.
const AlertmanagerMissing = "prometheus-alertmanager not found: apt-get install prometheus-alertmanager (make test installs it)"

// Alertmanager is a real Prometheus Alertmanager running on loopback for one
// test, routing every alert to a webhook receiver that records what it
// gets.
type Alertmanager struct {
	// URL is the API base URL, for incident.Alertmanager.BaseURL.
	URL string

	hook *httptest.Server
	cmd  *exec.Cmd
	log  *syncBuffer

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
	Version      string            `json:"version"`
	Status       string            `json:"status"` // firing or resolved
	Receiver     string            `json:"receiver"`
	GroupLabels  map[string]string `json:"groupLabels"`
	CommonLabels map[string]string `json:"commonLabels"`
	Alerts       []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
		StartsAt    time.Time         `json:"startsAt"`
		EndsAt      time.Time         `json:"endsAt"`
		Fingerprint string            `json:"fingerprint"`
	} `json:"alerts"`
}

// alertmanagerConfig groups by every label, so each alert is notified on
// its own, with waits short enough for tests.
const alertmanagerConfig = `route:
  receiver: recorder
  group_by: ['...']
  group_wait: 50ms
  group_interval: 100ms
  repeat_interval: 1h
receivers:
  - name: recorder
    webhook_configs:
      - url: %q
        send_resolved: true
`

// StartAlertmanager starts prometheus-alertmanager on a free loopback port
// with a temporary config and storage directory, waits until it is ready,
// and stops it (and removes its files) when the test ends. It fails the
// test with AlertmanagerMissing when the binary is not installed.
func StartAlertmanager(t testing.TB) *Alertmanager {
	t.Helper()
	bin := alertmanagerBinary()
	if bin == "" {
		t.Fatal(AlertmanagerMissing)
	}
	am := &Alertmanager{changed: make(chan struct{})}
	am.hook = httptest.NewServer(http.HandlerFunc(am.receive))
	t.Cleanup(am.hook.Close)

	dir := t.TempDir()
	config := filepath.Join(dir, "am.yml")
	if err := os.WriteFile(config, fmt.Appendf(nil, alertmanagerConfig, am.hook.URL+"/hook"), 0o600); err != nil {
		t.Fatalf("writing alertmanager config: %v", err)
	}

	// A free port can be taken by someone else between our check and the
	// server's bind, so a failed start is retried on a new port.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatalf("finding a free port: %v", err)
		}
		storage, err := os.MkdirTemp(dir, "data-")
		if err != nil {
			t.Fatalf("creating alertmanager storage: %v", err)
		}
		lastErr = am.start(t, bin, config, storage, port)
		if lastErr == nil {
			return am
		}
	}
	t.Fatalf("starting alertmanager: %v\n%s", lastErr, am.log.String())
	return nil
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

func (am *Alertmanager) start(t testing.TB, bin, config, storage string, port int) error {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	am.log = &syncBuffer{}
	cmd := exec.Command(bin,
		"--config.file="+config,
		"--storage.path="+storage,
		"--web.listen-address="+addr,
		"--cluster.listen-address=", // empty disables clustering and its port
	)
	cmd.Stdout, cmd.Stderr = am.log, am.log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	url := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			return errors.New("alertmanager exited before it was ready")
		default:
		}
		if ready(url) {
			break
		}
		if time.Now().After(deadline) {
			stop()
			return errors.New("alertmanager not ready after 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	am.URL = url
	am.cmd = cmd
	t.Cleanup(stop)
	return nil
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
