package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "e2e-check-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "e2e-check")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Each bad input gets one line that says what is wrong and, where it helps, what to do: exit code 3 for a value
// the person must correct, 2 for an environment the run cannot start in.
func TestBadInputIsOneClearLineAndItsOwnExitCode(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer broken.Close()
	selfSigned := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer selfSigned.Close()
	notABrowser := filepath.Join(t.TempDir(), "not-a-browser")
	if err := os.WriteFile(notABrowser, []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		code int
		want string
	}{
		{"malformed BASE_URL", []string{"BASE_URL=localhost:8080"}, 3, `BASE_URL="localhost:8080": want an http:// or https:// URL`},
		{"unreachable BASE_URL", []string{"BASE_URL=http://127.0.0.1:1/"}, 2, "is unreachable: connection refused"},
		{"BASE_URL answering 500", []string{"BASE_URL=" + broken.URL}, 2, "answers HTTP 500"},
		{"self-signed BASE_URL", []string{"BASE_URL=" + selfSigned.URL}, 2, "TLS certificate is not valid"},
		{"CHROME_BIN pointing at nothing", []string{"CHROME_BIN=/nonexistent/chromium"}, 2, "CHROME_BIN: /nonexistent/chromium does not exist"},
		{"CHROME_BIN not a browser", []string{"CHROME_BIN=" + notABrowser}, 2, "is not a Chrome or Chromium browser"},
		{"E2E_BROWSER_URL unreachable", []string{"E2E_BROWSER_URL=ws://127.0.0.1:1/devtools/browser/x"}, 2, "no DevTools endpoint answers"},
		{"E2E_BROWSER_URL malformed", []string{"E2E_BROWSER_URL=chromium"}, 3, "E2E_BROWSER_URL"},
		{"bad shard", []string{"E2E_SHARD=4/3"}, 3, "E2E_SHARD=\"4/3\""},
		{"bad timeout", []string{"E2E_ACTION_TIMEOUT=fast"}, 3, "E2E_ACTION_TIMEOUT=\"fast\": want a positive duration"},
		{"bad trace setting", []string{"E2E_TRACE=sometimes"}, 3, `E2E_TRACE="sometimes": want failing`},
		{"bad slow motion", []string{"SLOWMO=slow"}, 3, `SLOWMO="slow": want milliseconds`},
		{"bad pause setting", []string{"PAUSE_ON_FAILURE=please"}, 3, `PAUSE_ON_FAILURE="please": want 1 or 0`},
		{"headed without a display", []string{"HEADED=1", "DISPLAY=", "WAYLAND_DISPLAY="}, 2, "HEADED=1: a headed browser needs a display"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary)
			cmd.Env = append(cleanEnv(), tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
				t.Fatalf("want exit %d, got %v: %s", tc.code, err, out)
			}
			text := strings.TrimSpace(string(out))
			if strings.Count(text, "\n") != 0 || !strings.Contains(text, tc.want) {
				t.Fatalf("want one line saying %q, got:\n%s", tc.want, text)
			}
		})
	}
	// The self-signed deployment is accepted when the run says so.
	cmd := exec.Command(binary)
	cmd.Env = append(cleanEnv(), "BASE_URL="+selfSigned.URL, "E2E_INSECURE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("E2E_INSECURE=1 with a self-signed target: %v %s", err, out)
	}
}

// A make variable the Makefile does not know is a typo that would silently change nothing: make stops.
func TestUnknownMakeVariableStopsMake(t *testing.T) {
	cmd := exec.Command("make", "-n", "e2e", "LABELS=smoke")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "unknown variable(s) LABELS") {
		t.Fatalf("want make to stop naming LABELS, got %v: %s", err, out)
	}
}

// loopVars are the local loop's variables, and what would otherwise change how a run behaves (a make above this
// test passes its own command line down in MAKEFLAGS).
var loopVars = map[string]bool{"HEADED": true, "SLOWMO": true, "PAUSE_ON_FAILURE": true, "CI": true, "FOCUS": true,
	"LABEL_FILTER": true, "GINKGO_FLAGS": true, "MAKEFLAGS": true, "MAKELEVEL": true, "MFLAGS": true, "OUT": true, "PROCS": true}

// cleanEnv is the environment without the variables under test, so the developer's own settings do not leak in.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "BASE_URL" || name == "CHROME_BIN" || strings.HasPrefix(name, "E2E_") || loopVars[name] {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// PAUSE_ON_FAILURE is for a person at a terminal: in CI the check says once that it will not pause, and the run
// goes ahead.
func TestPauseOnFailureSaysWhyItWillNotPauseInCI(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = append(cleanEnv(), "PAUSE_ON_FAILURE=1", "CI=true")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "e2e: PAUSE_ON_FAILURE=1 will not pause: CI is set, and a run in CI never waits for a person" {
		t.Errorf("want exit 0 and one note, got %v: %q", err, out)
	}
}
