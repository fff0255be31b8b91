package runner

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// valid is a configuration every check accepts, as the defaults in Config's tags make it.
func valid() Config {
	return Config{Target: "https://x.example/app", Env: "prod", VersionPath: "version", ReportDir: "smoke-report",
		StateDir: "smoke-state", Retries: 1, Timeout: 30 * time.Second, RunTimeout: 10 * time.Minute, DeliveryTimeout: 2 * time.Minute}
}

func TestCheckAcceptsTheDefaultsAndCanonicalisesURLs(t *testing.T) {
	c := valid()
	c.ReportURL = "https://ci.example/r/1"
	c.ExpectVersion = " 1.4.2 "
	if errs := c.Check(); len(errs) > 0 {
		t.Fatalf("problems: %v", errs)
	}
	if c.Target != "https://x.example/app/" || c.ReportURL != "https://ci.example/r/1/" || c.ExpectVersion != "1.4.2" {
		t.Errorf("not canonical: %+v", c)
	}
}

func TestCheckNamesEveryBadSetting(t *testing.T) {
	c := valid()
	c.Target, c.Env, c.VersionPath, c.ReportURL = "ftp://x", "", "https://other/version", "https://ci/?x=1"
	c.Retries, c.Timeout, c.VersionWait, c.LabelFilter, c.Focus = 6, time.Hour, -time.Second, "critical &&", "("
	got := map[string]string{}
	for _, e := range c.Check() {
		got[e.Flag] = e.Err.Error()
		if e.Missing != (e.Flag == "env") {
			t.Errorf("%s: Missing = %v", e.Flag, e.Missing)
		}
	}
	for flag, want := range map[string]string{
		"target":       `"ftp://x" is not a usable target`,
		"env":          "--env is required (or SMOKE_ENV)",
		"version-path": "is not a path",
		"report-url":   "has a query or fragment",
		"retries":      `"6" is not a number of retries from 0 to 5`,
		"timeout":      "1h0m0s is outside 1s to 10m0s",
		"version-wait": "-1s is outside 0s to 1h0m0s",
		"label-filter": `"critical &&" is not a label expression`,
		"focus":        `"(" is not a regular expression`,
	} {
		if !strings.Contains(got[flag], want) {
			t.Errorf("%s: got %q, want it to contain %q", flag, got[flag], want)
		}
	}
}

// The runner's default time per attempt is the suites' own, so a check gets the time it has under make e2e.
func TestDefaultTimeoutIsTheSuitesSpecTimeout(t *testing.T) {
	f, _ := reflect.TypeFor[Config]().FieldByName("Timeout")
	if d, err := time.ParseDuration(f.Tag.Get("default")); err != nil || d != e2e.DefaultSpecTimeout {
		t.Errorf("--timeout defaults to %q, the suites to %s", f.Tag.Get("default"), e2e.DefaultSpecTimeout)
	}
}

func TestLabelFilterIsAlwaysSmoke(t *testing.T) {
	c := valid()
	if c.labelFilter() != "smoke" {
		t.Errorf("label filter %q", c.labelFilter())
	}
	c.LabelFilter = "critical || slow"
	if got := c.labelFilter(); got != "smoke && (critical || slow)" {
		t.Errorf("the user's filter is not AND-ed with smoke: %q", got)
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
