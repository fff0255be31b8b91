package incident

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDedupKeyIsStableAndPathSafe(t *testing.T) {
	tests := []struct{ env, check, want string }{
		{"prod", "insert-dynamic-data", "smoke/prod/insert-dynamic-data"},
		{"eu/prod", "editor loads", "smoke/eu-prod/editor-loads"},
		{"staging", "Ünïcode?#", "smoke/staging/-n-code--"},
	}
	for _, tt := range tests {
		if got := DedupKey(tt.env, tt.check); got != tt.want {
			t.Errorf("DedupKey(%q, %q) = %q, want %q", tt.env, tt.check, got, tt.want)
		}
	}
	if NewTrigger("prod", "x", SeverityError).DedupKey != NewResolve("prod", "x").DedupKey {
		t.Error("a trigger and its resolve must share the dedup key")
	}
}

func TestTruncateNeverSplitsARune(t *testing.T) {
	s := strings.Repeat("é✓😀", 400) // 1200 runes, multi-byte each
	for _, limit := range []int{1, 2, 130, 1024} {
		got := truncate(s, limit)
		if !utf8.ValidString(got) {
			t.Fatalf("truncate(_, %d) produced invalid UTF-8", limit)
		}
		if n := utf8.RuneCountInString(got); n != limit {
			t.Errorf("truncate(_, %d) has %d runes", limit, n)
		}
		if !strings.HasSuffix(got, "…") {
			t.Errorf("truncate(_, %d) does not say it cut", limit)
		}
	}
	if got := truncate("short", 1024); got != "short" {
		t.Errorf("truncate changed a short string: %q", got)
	}
}

func TestSeverityIsWrittenByNameAndSeverityOneIsCritical(t *testing.T) {
	if SeverityCritical != 1 {
		t.Fatalf("SeverityCritical = %d, want 1", SeverityCritical)
	}
	for _, s := range Severities() {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("round trip of %v via %s gave %v, %v", s, b, back, err)
		}
	}
	if _, err := ParseSeverity("sev0"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}

func TestValidateRejectsWhatNoSenderCouldDeliver(t *testing.T) {
	tests := []struct {
		name string
		n    Notification
		want string
	}{
		{"empty", Notification{}, "empty"},
		{"both", Notification{Alert: &Alert{}, Change: &Change{}}, "both"},
		{"trigger without severity", NewTrigger("prod", "x", 0).Notification(), "needs a severity"},
		{"no dedup key", Alert{Action: ActionTrigger, Env: "prod", Check: "x", Severity: SeverityError}.Notification(), "dedup key"},
		{"bad action", Alert{Action: "ack", DedupKey: "k", Env: "e", Check: "c"}.Notification(), "not trigger or resolve"},
		{"change without version", Change{Env: "prod"}.Notification(), "version and summary"},
	}
	for _, tt := range tests {
		err := tt.n.Validate()
		if !errors.Is(err, ErrInvalidNotification) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidNotification mentioning %q", tt.name, err, tt.want)
		}
	}
	if err := NewResolve("prod", "x").Notification().Validate(); err != nil {
		t.Errorf("a resolve without severity is valid (state lost): %v", err)
	}
}

func TestHeadlineSaysWhatHappened(t *testing.T) {
	a := NewTrigger("prod", "insert-dynamic-data", SeverityCritical)
	a.Step, a.Cause, a.Version = "click Insert dynamic data", "button vanished\non mousedown", "1.4.2"
	if got := a.Headline(); !strings.HasPrefix(got, "SEV1: ") || !strings.Contains(got, "button vanished on mousedown") || strings.Contains(got, "\n") {
		t.Errorf("critical headline = %q", got)
	}
	a.Severity, a.Flaky = SeverityWarning, true
	if got := a.Headline(); !strings.Contains(got, "Flaky") || !strings.Contains(got, "passed on retry") {
		t.Errorf("flaky headline = %q", got)
	}
	r := NewResolve("prod", "insert-dynamic-data")
	if got := r.Headline(); !strings.Contains(got, "works again") {
		t.Errorf("resolve headline = %q", got)
	}
	a.Summary = "  custom\n summary "
	if got := a.Headline(); got != "custom summary" {
		t.Errorf("explicit summary = %q", got)
	}
	if got := (Change{Env: "prod", Version: "1.4.2", Timestamp: time.Now()}).Headline(); got != "Deployed 1.4.2 to prod" {
		t.Errorf("change headline = %q", got)
	}
}
