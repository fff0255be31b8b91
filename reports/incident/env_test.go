package incident_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func senderNames(senders []incident.Sender) []string {
	var names []string
	for _, s := range senders {
		names = append(names, s.Name())
	}
	return names
}

func TestSendersFromEnvEnablesEachFullyConfiguredSender(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "pd-key")
	if err := os.WriteFile(keyFile, []byte("pd-key-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	senders, err := incident.SendersFromEnv(env(map[string]string{
		"PAGERDUTY_ROUTING_KEY_FILE": keyFile,
		"OPSGENIE_API_KEY":           "og-key",
		"OPSGENIE_URL":               "https://api.eu.opsgenie.com",
		"STATUSPAGE_API_KEY":         "sp-key",
		"STATUSPAGE_PAGE_ID":         "page1",
		"STATUSPAGE_COMPONENTS":      " insert-dynamic-data=abc123 , editor-loads=def456,",
		"ALERTMANAGER_URL":           "http://alertmanager:9093",
		"ALERTMANAGER_ALERT_TTL":     "72h",
		"SLACK_WEBHOOK_URL":          "https://hooks.slack.com/services/T/B/X",
		"SMOKE_WEBHOOK_URL":          "https://hooks.example.com/smoke",
		"SMOKE_WEBHOOK_SECRET":       "hmac",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pagerduty", "opsgenie", "statuspage", "alertmanager", "slack", "webhook"}
	if got := senderNames(senders); !slices.Equal(got, want) {
		t.Fatalf("senders = %v, want %v", got, want)
	}
	if pd := senders[0].(*incident.PagerDuty); pd.RoutingKey.Reveal() != "pd-key-from-file" {
		t.Errorf("routing key from file = %q", pd.RoutingKey.Reveal())
	}
	if og := senders[1].(*incident.Opsgenie); og.BaseURL != "https://api.eu.opsgenie.com" {
		t.Errorf("Opsgenie base = %q", og.BaseURL)
	}
	sp := senders[2].(*incident.Statuspage)
	if sp.Components["insert-dynamic-data"] != "abc123" || sp.Components["editor-loads"] != "def456" || len(sp.Components) != 2 {
		t.Errorf("components = %v", sp.Components)
	}
	if am := senders[3].(*incident.Alertmanager); am.TTL != 72*time.Hour {
		t.Errorf("TTL = %v", am.TTL)
	}
}

func TestSendersFromEnvWithNothingSetIsNotAnError(t *testing.T) {
	senders, err := incident.SendersFromEnv(env(nil))
	if err != nil || len(senders) != 0 {
		t.Errorf("SendersFromEnv() = %v, %v", senders, err)
	}
}

func TestSendersFromEnvNamesTheWrongVariableWithoutItsValue(t *testing.T) {
	const secretish = "SUPERSECRETVALUE"
	tests := []struct {
		name    string
		vars    map[string]string
		wantVar string
		want    string
	}{
		{"statuspage key without page", map[string]string{"STATUSPAGE_API_KEY": secretish}, "STATUSPAGE_PAGE_ID", "is not set"},
		{"statuspage page without key", map[string]string{"STATUSPAGE_PAGE_ID": "p"}, "STATUSPAGE_API_KEY", "is not set"},
		{"components without key", map[string]string{"STATUSPAGE_COMPONENTS": "a=b"}, "STATUSPAGE_COMPONENTS", "STATUSPAGE_API_KEY is not"},
		{"malformed components", map[string]string{"STATUSPAGE_API_KEY": secretish, "STATUSPAGE_PAGE_ID": "p", "STATUSPAGE_COMPONENTS": "a=b,editor-loads"}, "STATUSPAGE_COMPONENTS", `entry 2 "editor-loads"`},
		{"duplicate component", map[string]string{"STATUSPAGE_API_KEY": secretish, "STATUSPAGE_PAGE_ID": "p", "STATUSPAGE_COMPONENTS": "a=b,a=c"}, "STATUSPAGE_COMPONENTS", "mapped twice"},
		{"pagerduty url without key", map[string]string{"PAGERDUTY_URL": "https://pd.example.com"}, "PAGERDUTY_URL", "PAGERDUTY_ROUTING_KEY is not"},
		{"malformed slack url", map[string]string{"SLACK_WEBHOOK_URL": "hooks.slack.com/services/" + secretish}, "SLACK_WEBHOOK_URL", "not an absolute URL"},
		{"ftp webhook", map[string]string{"SMOKE_WEBHOOK_URL": "ftp://x/" + secretish}, "SMOKE_WEBHOOK_URL", `scheme "ftp"`},
		{"webhook secret without url", map[string]string{"SMOKE_WEBHOOK_SECRET": secretish}, "SMOKE_WEBHOOK_SECRET", "SMOKE_WEBHOOK_URL is not"},
		{"ttl without url", map[string]string{"ALERTMANAGER_ALERT_TTL": "1h"}, "ALERTMANAGER_ALERT_TTL", "ALERTMANAGER_URL is not"},
		{"bad ttl", map[string]string{"ALERTMANAGER_URL": "http://am:9093", "ALERTMANAGER_ALERT_TTL": "a day"}, "ALERTMANAGER_ALERT_TTL", "not a duration"},
		{"negative ttl", map[string]string{"ALERTMANAGER_URL": "http://am:9093", "ALERTMANAGER_ALERT_TTL": "-1h"}, "ALERTMANAGER_ALERT_TTL", "not positive"},
		{"both key and file", map[string]string{"OPSGENIE_API_KEY": secretish, "OPSGENIE_API_KEY_FILE": "/run/secrets/og"}, "OPSGENIE_API_KEY", "both directly and through"},
		{"missing key file", map[string]string{"OPSGENIE_API_KEY_FILE": "/nonexistent/og-key"}, "OPSGENIE_API_KEY_FILE", "/nonexistent/og-key"},
		{"bad page id", map[string]string{"STATUSPAGE_API_KEY": secretish, "STATUSPAGE_PAGE_ID": "p/../x"}, "STATUSPAGE_PAGE_ID", "contains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			senders, err := incident.SendersFromEnv(env(tt.vars))
			if err == nil {
				t.Fatalf("no error; senders %v", senderNames(senders))
			}
			var ce *incident.ConfigError
			if !errors.As(err, &ce) || ce.Var != tt.wantVar {
				t.Fatalf("error %v does not name %s", err, tt.wantVar)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretish) {
				t.Errorf("error prints the value: %q", err)
			}
		})
	}
}

func TestSendersFromEnvReportsEveryProblemAtOnce(t *testing.T) {
	_, err := incident.SendersFromEnv(env(map[string]string{
		"STATUSPAGE_API_KEY": "k",
		"SLACK_WEBHOOK_URL":  "not a url",
	}))
	for _, v := range []string{"STATUSPAGE_PAGE_ID", "SLACK_WEBHOOK_URL"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("error %v does not mention %s", err, v)
		}
	}
}

func TestEnvVarsDocumentsEveryVariableRead(t *testing.T) {
	read := map[string]bool{}
	_, _ = incident.SendersFromEnv(func(k string) string { read[k] = true; return "" })
	documented := map[string]bool{}
	for _, v := range incident.EnvVars() {
		if v.Doc == "" || v.Sender == "" {
			t.Errorf("%s is undocumented", v.Name)
		}
		documented[v.Name] = true
		if v.Secret {
			documented[v.Name+incident.FileSuffix] = true
		}
	}
	for k := range read {
		if !documented[k] {
			t.Errorf("SendersFromEnv reads %s, which EnvVars does not list", k)
		}
	}
	for k := range documented {
		if !read[k] {
			t.Errorf("EnvVars lists %s, which SendersFromEnv never reads", k)
		}
	}
}
