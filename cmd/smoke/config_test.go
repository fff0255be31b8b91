package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Flags override the environment, which overrides the config file, which overrides the defaults.
func TestConfigPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "smoke.json")
	if err := os.WriteFile(file, []byte(`{"target": "https://file.example/", "env": "file", "retries": 3, "timeout": "45s", "insecure": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, errs := loadConfig([]string{"--config", file, "--env", "flag"}, envFrom(map[string]string{
		"SMOKE_ENV": "environ", "SMOKE_RETRIES": "2", "SMOKE_REPORT_URL": "https://ci.example/r/1",
	}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := Config{
		Target: "https://file.example/", Env: "flag", Retries: 2, Timeout: 45 * time.Second, Insecure: true,
		ReportURL: "https://ci.example/r/1/", VersionPath: defaultVersionPath, ReportDir: defaultReportDir,
		StateDir: defaultStateDir, RunTimeout: defaultRunTimeout, DeliveryTimeout: defaultDeliveryTimeout, ConfigFile: file,
	}
	if c != want {
		t.Errorf("config\n got %+v\nwant %+v", c, want)
	}
	if c.labelFilter() != "smoke" {
		t.Errorf("label filter %q", c.labelFilter())
	}
	c.LabelFilter = "critical || slow"
	if got := c.labelFilter(); got != "smoke && (critical || slow)" {
		t.Errorf("the user's filter is not AND-ed with smoke: %q", got)
	}
}

// A bad value names where it came from, and one bad setting is not also reported as missing.
func TestConfigErrorsNameTheirSource(t *testing.T) {
	_, errs := loadConfig([]string{"--retries", "x", "--timeout", "5"}, envFrom(map[string]string{"SMOKE_TARGET": "//nohost", "SMOKE_ENV": "pr od"}))
	var lines []string
	for _, err := range errs {
		lines = append(lines, err.Error())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		`--retries: "x" is not a number of retries from 0 to 5`,
		`--timeout: "5" is not a duration such as 30s or 2m`,
		`SMOKE_TARGET: "//nohost" is not a usable target`,
		`SMOKE_ENV: "pr od" is not an environment name`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "is required") {
		t.Errorf("a bad setting was also reported as missing:\n%s", got)
	}
}

func TestTargetWithCredentialsIsRefusedWithoutQuotingThem(t *testing.T) {
	_, errs := loadConfig([]string{"--target", "https://bob:hunter2@editor.example/", "--env", "prod"}, envFrom(nil))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "user:password@ is not supported") || strings.Contains(errs[0].Error(), "hunter2") {
		t.Errorf("errors %v", errs)
	}
}

func TestVersionURLResolvesAgainstTheTarget(t *testing.T) {
	for _, tc := range []struct{ target, path, want string }{
		{"https://x.example/app/", "version", "https://x.example/app/version"},
		{"https://x.example/app/", "/version", "https://x.example/version"},
		{"https://x.example/", "api/version.json", "https://x.example/api/version.json"},
	} {
		c := Config{Target: tc.target, VersionPath: tc.path}
		if got := c.versionURL(); got != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.target, tc.path, got, tc.want)
		}
	}
}

func TestVersionBodyConventions(t *testing.T) {
	for _, tc := range []struct{ ctype, body, want, err string }{
		{"application/json", `{"version":"1.4.2","commit":"abc"}`, "1.4.2", ""},
		{"application/json", `"1.4.2"`, "1.4.2", ""},
		{"text/plain", "1.4.2\nbuilt yesterday\n", "1.4.2", ""},
		{"", " v2 ", "v2", ""},
		{"text/html", "<!doctype html><title>Login</title>", "", "HTML page"},
		{"application/json", `{"build":"1"}`, "", `no string "version" member`},
		{"text/plain", "", "", "empty"},
	} {
		got, err := parseVersionBody(tc.ctype, []byte(tc.body))
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q %q: got %q, %v; want %q, %q", tc.ctype, tc.body, got, err, tc.want, tc.err)
		}
	}
}

// The spec process gets none of the incident systems' configuration, so nothing it runs can leak it.
func TestSpecProcessEnvironmentHoldsNoIncidentVariables(t *testing.T) {
	got := specEnviron([]string{"PATH=/bin", "PAGERDUTY_ROUTING_KEY=k", "OPSGENIE_API_KEY_FILE=/run/k",
		"SLACK_WEBHOOK_URL=https://hooks", "SMOKE_WEBHOOK_SECRET=s", "SMOKE_TARGET=https://x", "CHROME_BIN=/usr/bin/chromium"})
	if strings.Join(got, " ") != "PATH=/bin CHROME_BIN=/usr/bin/chromium" {
		t.Errorf("spec process environment: %v", got)
	}
}
