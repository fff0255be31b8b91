package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
)

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func load(t *testing.T, args []string, env map[string]string) (runner.Config, string) {
	t.Helper()
	c, problems, helped := loadConfig(args, envFrom(env), io.Discard)
	if helped {
		t.Fatalf("loadConfig(%q) printed the help", args)
	}
	if err := errors.Join(problems...); err != nil {
		return c, err.Error()
	}
	return c, ""
}

// Flags override the environment, which overrides the config file, which overrides the defaults.
func TestConfigPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "smoke.json")
	if err := os.WriteFile(file, []byte(`{"target": "https://file.example/", "env": "file", "retries": 3, "timeout": "45s", "insecure": true, "state_dir": "file-state"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, problems, _ := loadConfig([]string{"--config", file, "--env", "flag"}, envFrom(map[string]string{
		"SMOKE_ENV": "environ", "SMOKE_RETRIES": "2", "SMOKE_REPORT_URL": "https://ci.example/r/1", "SMOKE_STATE_DIR": "env-state",
	}), io.Discard)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := runner.Config{
		Target: "https://file.example/", Env: "flag", Retries: 2, Timeout: 45 * time.Second, Insecure: true,
		ReportURL: "https://ci.example/r/1/", VersionPath: "version", ReportDir: "smoke-report",
		StateDir: "env-state", RunTimeout: 10 * time.Minute, DeliveryTimeout: 2 * time.Minute, ConfigFile: file,
	}
	if c != want {
		t.Errorf("config\n got %+v\nwant %+v", c, want)
	}
}

// The config file may also be named by the environment, and a flag turns a boolean from the file off.
func TestConfigFileFromTheEnvironmentAndBooleanFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "smoke.json")
	if err := os.WriteFile(file, []byte(`{"target": "https://file.example/", "env": "prod", "insecure": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, msg := load(t, []string{"--insecure=off"}, map[string]string{"SMOKE_CONFIG": file})
	if msg != "" || c.Insecure || c.Target != "https://file.example/" {
		t.Errorf("config %+v, problems %q", c, msg)
	}
	c, msg = load(t, nil, map[string]string{"SMOKE_CONFIG": file, "SMOKE_INSECURE": "No"})
	if msg != "" || c.Insecure {
		t.Errorf("SMOKE_INSECURE=No: config %+v, problems %q", c, msg)
	}
}

// A bad value names where it came from, every bad value is reported at once, and one bad setting is not also
// reported as missing.
func TestConfigErrorsNameTheirSource(t *testing.T) {
	_, got := load(t, []string{"--retries", "x", "--timeout", "5", "--insecure=maybe"},
		map[string]string{"SMOKE_TARGET": "//nohost", "SMOKE_ENV": "pr od", "SMOKE_RUN_TIMEOUT": "1s"})
	for _, want := range []string{
		`--retries: "x" is not a whole number`,
		`--timeout: "5" is not a duration such as 30s or 2m`,
		`--insecure: "maybe": want 1 or 0 (also true/false, yes/no, on/off)`,
		`SMOKE_TARGET: "//nohost" is not a usable target`,
		`SMOKE_ENV: "pr od" is not an environment name`,
		`SMOKE_RUN_TIMEOUT: 1s is outside 10s to 2h0m0s`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "is required") || strings.Contains(got, "--timeout: 0s") || strings.Contains(got, "retries: \"0\"") {
		t.Errorf("a bad setting was reported twice or as missing:\n%s", got)
	}
}

func TestConfigFileErrorsSayWhereAndWhat(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "smoke.json")
	for _, tc := range []struct{ content, want string }{
		{"{\n  \"target\": \"https://x/\",\n  \"retries\": 2,,\n}", file + `: line 3, column 16: invalid character ','`},
		{`{"retrys": 2}`, `unknown key "retrys" (did you mean "retries"?)`},
		{`{"colour": "red"}`, `unknown key "colour" (known keys: delivery_timeout, deploy_failed, env,`},
		{`{"timeout": 30}`, `: "timeout": want a duration string such as "30s", got 30`},
		{`{"retries": 2.5}`, `: "retries": want a whole number, got 2.5`},
		{`{"insecure": "yes"}`, `: "insecure": want true or false, got "yes"`},
		{`{"config": "other.json"}`, `"config" cannot be set inside a config file`},
		{`{"retries": 9}`, `config file ` + file + `: "retries": "9" is not a number of retries from 0 to 5`},
		{`[1]`, `want a JSON object`},
		{`{} {}`, `line 1, column 4: unexpected text after the JSON object`},
		{``, `the file is empty`},
	} {
		if err := os.WriteFile(file, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, got := load(t, []string{"--config", file, "--env", "prod", "--target", "https://x/"}, nil)
		if !strings.Contains(got, tc.want) || strings.Count(got, "\n") > 0 {
			t.Errorf("%s: want one problem containing %q, got:\n%s", tc.content, tc.want, got)
		}
	}
}

// A broken config file may have held the required settings: its own error is the one to fix first.
func TestBrokenConfigFileIsNotAlsoReportedAsMissingSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "smoke.json")
	if err := os.WriteFile(file, []byte(`{"target": "https://x/",`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, got := load(t, []string{"--config", file}, nil)
	if !strings.Contains(got, "ends inside the JSON object") || strings.Contains(got, "is required") {
		t.Errorf("problems:\n%s", got)
	}
}

// A bad flag stops kong's parse; the environment still names the environment, so the run can report that it
// could not run.
func TestUnknownFlagKeepsTheEnvironmentsSettings(t *testing.T) {
	c, got := load(t, []string{"--target", "https://x/", "--retrys", "2"}, map[string]string{"SMOKE_ENV": "prod", "SMOKE_STATE_DIR": "st"})
	if got != `unknown flag --retrys, did you mean "--retries"? (smoke --help lists the flags)` {
		t.Errorf("problem %q", got)
	}
	if c.Env != "prod" || c.StateDir != "st" {
		t.Errorf("config after a bad flag: %+v", c)
	}
}

// Pipelines written for the Go flag package's -name spelling keep working.
func TestSingleDashLongFlagsStillWork(t *testing.T) {
	c, got := load(t, []string{"-target", "https://x/", "-env=prod", "-insecure"}, nil)
	if got != "" || c.Target != "https://x/" || c.Env != "prod" || !c.Insecure {
		t.Errorf("config %+v, problems %q", c, got)
	}
}

func TestTargetWithCredentialsIsRefusedWithoutQuotingThem(t *testing.T) {
	_, got := load(t, []string{"--target", "https://bob:hunter2@editor.example/", "--env", "prod"}, nil)
	if !strings.Contains(got, "--target: https://editor.example/: a target URL with user:password@ is not supported") || strings.Contains(got, "hunter2") {
		t.Errorf("problems %q", got)
	}
}
