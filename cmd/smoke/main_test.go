package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/reports/incident"
)

// smokeBin is the runner, built once: the tests drive the binary a pipeline would run, exit codes included.
var smokeBin string

func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv(runner.SpecProcessEnv); ok {
		// Never reached through the built binary; guards against a test binary started as a spec process.
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "smoke-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating a directory for the smoke binary:", err)
		os.Exit(2)
	}
	smokeBin = filepath.Join(dir, "smoke")
	// Built as make smoke builds the binary that ships (static, -trimpath), so the tests drive that binary.
	build := exec.Command("go", "build", "-trimpath", "-o", smokeBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the smoke binary:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The check the incident was about, and the only one most runs need: running one spec keeps each run to a
// couple of seconds.
const (
	incidentFocus = "inserts Current User's email at the caret"
	incidentCheck = "insert-dynamic-data.inserts-current-user-s-email-at-the-caret-in-the-middle-of-existing-text"
	// incidentFeature is the check's feature: its alert's dedup key is smoke/<env>/insert-dynamic-data.
	incidentFeature = "insert-dynamic-data"
	fixtureVer      = "1.2.3"
)

// fixture serves the fixture editor at version 1.2.3 for one test.
func fixture(t *testing.T) *fixtures.Server {
	t.Helper()
	srv, err := fixtures.Serve(context.Background(), "127.0.0.1:0", fixtures.WithVersion(fixtureVer))
	if err != nil {
		t.Fatalf("serving the fixture editor: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// smokeRun is one run of the binary.
type smokeRun struct {
	code      int
	stdout    string
	stderr    string
	reportDir string
	stateDir  string
	took      time.Duration
}

func (r smokeRun) String() string {
	return fmt.Sprintf("exit %d after %s\n--- stdout\n%s\n--- stderr\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// pipeline runs the binary with a fixed environment and state directory, as successive deploys of one
// pipeline would.
type pipeline struct {
	t        *testing.T
	env      map[string]string
	stateDir string
	// reportDir, when set, is every run's report directory instead of a new one each.
	reportDir string
	runs      int
}

func newPipeline(t *testing.T, env map[string]string) *pipeline {
	t.Helper()
	return &pipeline{t: t, env: env, stateDir: filepath.Join(t.TempDir(), "state")}
}

// runSlots bounds how many runs (each with its own Chromium) the parallel tests make at once: on a small CI
// machine more would only slow each other down until the suite's own timing budgets fail.
var runSlots = make(chan struct{}, 2)

// run starts the binary and waits; each run gets its own report directory.
func (r *pipeline) run(args ...string) smokeRun {
	r.t.Helper()
	runSlots <- struct{}{}
	defer func() { <-runSlots }()
	cmd, res, out := r.command(args...)
	start := time.Now()
	err := cmd.Run()
	res.took = time.Since(start)
	return r.finish(cmd, res, out, err)
}

// start starts the binary without waiting; wait collects it.
func (r *pipeline) start(args ...string) (wait func() smokeRun, cmd *exec.Cmd) {
	wait, cmd, _ = r.startWatching(args...)
	return wait, cmd
}

// startWatching is start, and stdout returns what the run printed so far.
func (r *pipeline) startWatching(args ...string) (wait func() smokeRun, cmd *exec.Cmd, stdout func() string) {
	r.t.Helper()
	runSlots <- struct{}{}
	cmd, res, out := r.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		<-runSlots
		r.t.Fatalf("starting smoke: %v", err)
	}
	return func() smokeRun {
		r.t.Helper()
		err := cmd.Wait()
		<-runSlots
		res.took = time.Since(start)
		return r.finish(cmd, res, out, err)
	}, cmd, out.stdout.String
}

func (r *pipeline) command(args ...string) (*exec.Cmd, smokeRun, *outputs) {
	r.runs++
	res := smokeRun{reportDir: filepath.Join(r.t.TempDir(), fmt.Sprintf("report-%d", r.runs)), stateDir: r.stateDir}
	if r.reportDir != "" {
		res.reportDir = r.reportDir
	}
	all := append([]string{"--report-dir", res.reportDir, "--state-dir", r.stateDir}, args...)
	cmd := exec.Command(smokeBin, all...)
	cmd.Env = testEnviron(r.env)
	out := &outputs{}
	cmd.Stdout, cmd.Stderr = &out.stdout, &out.stderr
	return cmd, res, out
}

func (r *pipeline) finish(cmd *exec.Cmd, res smokeRun, out *outputs, err error) smokeRun {
	r.t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		res.code = exit.ExitCode()
	case errors.As(err, &exit):
		res.code = -1 // killed by a signal
	default:
		r.t.Fatalf("running smoke: %v", err)
	}
	res.stdout, res.stderr = out.stdout.String(), out.stderr.String()
	r.t.Logf("smoke %s: exit %d in %s", strings.Join(cmd.Args[5:], " "), res.code, res.took.Round(time.Millisecond))
	return res
}

// outputs may be read while the run goes on (a test waiting for a line), so they lock.
type outputs struct{ stdout, stderr lockedBuffer }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnviron is this process's environment without anything that configures the runner or an incident
// system (a developer's shell must not change what a test sees), plus env.
func testEnviron(env map[string]string) []string {
	drop := map[string]bool{}
	for _, v := range incident.EnvVars() {
		drop[v.Name], drop[v.Name+incident.FileSuffix] = true, true
	}
	var out []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !drop[name] && !strings.HasPrefix(name, "SMOKE_") {
			out = append(out, kv)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func expectCode(t *testing.T, r smokeRun, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("want exit %d, got %s", want, r)
	}
}

// flakyTarget serves the blur-hides-button regression to the first editor page a run opens and the healthy
// editor from then on, so the incident's check fails on its first attempt and passes on the retry. An editor
// page is recognised by its ?doc= parameter: every attempt opens a new document.
type flakyTarget struct {
	fixture *fixtures.Server
	mu      sync.Mutex
	docs    map[string]bool
	broken  bool
}

func newFlakyTarget(t *testing.T, f *fixtures.Server) string {
	t.Helper()
	ft := &flakyTarget{fixture: f, docs: map[string]bool{}}
	srv := &http.Server{Handler: ft}
	l := listen(t)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String() + "/"
}

func (ft *flakyTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ft.mu.Lock()
	if doc := r.URL.Query().Get("doc"); r.URL.Path == "/" && doc != "" && !ft.docs[doc] {
		ft.docs[doc] = true
		ft.broken = len(ft.docs) == 1
	}
	prefix := ""
	if ft.broken {
		prefix = "/regressions/blur-hides-button"
	}
	ft.mu.Unlock()
	target, _ := url.Parse(ft.fixture.URL())
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.URL.Path = prefix + r.URL.Path
			pr.Out.URL.RawPath = ""
		},
		// The browser must fetch each attempt's scripts anew, not the broken ones from its cache.
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set("Cache-Control", "no-store")
			res.Header.Del("ETag")
			res.Header.Del("Last-Modified")
			return nil
		},
	}
	proxy.ServeHTTP(w, r)
}

// secrets used by the tests: recognisable, so a leak is obvious in a failure message.
const (
	pdKey        = "pdROUTINGkey0123456789abcdef"
	opsgenieKey  = "ogAPIkey-0123-4567-89ab-cdefSECRET"
	statusKey    = "spAPIkeySECRET0123456789"
	webhookHMAC  = "whHMACsecret0123456789"
	statusPageID = "pg123"
	componentID  = "cmpIDD"
)

// outboxEntries lists the outbox's entries.
func outboxEntries(t *testing.T, stateDir string) []incident.OutboxEntry {
	t.Helper()
	o, err := incident.OpenOutbox(filepath.Join(stateDir, "outbox"))
	if err != nil {
		t.Fatalf("opening the outbox: %v", err)
	}
	entries, corrupt, err := o.List()
	if err != nil || len(corrupt) > 0 {
		t.Fatalf("listing the outbox: %v %v", err, corrupt)
	}
	return entries
}

// listen opens a loopback listener on a free port for a test server.
func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening on loopback: %v", err)
	}
	return l
}

// closedURL is an http:// URL on which nothing listens: an API that is down.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// lastLine is the run's last line on stdout: the exit code and its reason.
func (r smokeRun) lastLine() string {
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	return lines[len(lines)-1]
}

// stderrLines are the run's problem lines.
func (r smokeRun) stderrLines() []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
