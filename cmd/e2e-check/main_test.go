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

// Each bad input gets exit code 2 and one line that says what is wrong and, where it helps, what to do.
func TestBadInputIsOneClearLineAndExitCode2(t *testing.T) {
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
		want string
	}{
		{"malformed BASE_URL", []string{"BASE_URL=localhost:8080"}, `BASE_URL="localhost:8080": want an http:// or https:// URL`},
		{"unreachable BASE_URL", []string{"BASE_URL=http://127.0.0.1:1/"}, "is unreachable: connection refused"},
		{"BASE_URL answering 500", []string{"BASE_URL=" + broken.URL}, "answers HTTP 500"},
		{"self-signed BASE_URL", []string{"BASE_URL=" + selfSigned.URL}, "TLS certificate is not valid"},
		{"CHROME_BIN pointing at nothing", []string{"CHROME_BIN=/nonexistent/chromium"}, "CHROME_BIN: /nonexistent/chromium does not exist"},
		{"CHROME_BIN not a browser", []string{"CHROME_BIN=" + notABrowser}, "is not a Chrome or Chromium browser"},
		{"E2E_BROWSER_URL unreachable", []string{"E2E_BROWSER_URL=ws://127.0.0.1:1/devtools/browser/x"}, "no DevTools endpoint answers"},
		{"E2E_BROWSER_URL malformed", []string{"E2E_BROWSER_URL=chromium"}, "E2E_BROWSER_URL"},
		{"bad shard", []string{"E2E_SHARD=4/3"}, "E2E_SHARD=\"4/3\""},
		{"bad timeout", []string{"E2E_ACTION_TIMEOUT=fast"}, "E2E_ACTION_TIMEOUT=\"fast\": want a positive duration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary)
			cmd.Env = append(cleanEnv(), tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("want exit 2, got %v: %s", err, out)
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

// cleanEnv is the environment without the variables under test, so the developer's own settings do not leak in.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "BASE_URL" || name == "CHROME_BIN" || strings.HasPrefix(name, "E2E_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
