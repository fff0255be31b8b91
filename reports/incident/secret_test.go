package incident

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrintsItself(t *testing.T) {
	const value = "R0UT1NGKEY-do-not-print"
	s := NewSecret(value + "\n")
	if s.Reveal() != value {
		t.Fatalf("Reveal() = %q; the trailing newline of a secret file must be trimmed", s.Reveal())
	}
	holder := struct {
		Exported Secret
		hidden   Secret
	}{s, s}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &holder))
	}
	out = append(out, s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(holder))
	b, _ := json.Marshal(holder)
	out = append(out, string(b))
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("configured", "key", s, "holder", holder)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("configured", "key", s)
	out = append(out, logs.String())
	for _, o := range out {
		if strings.Contains(o, value) || strings.Contains(o, fmt.Sprintf("%x", value)) {
			t.Errorf("secret revealed in %q", o)
		}
	}
}

func TestRedactorScrubsEverySpellingOfASecret(t *testing.T) {
	hook := "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX?token=abc&x=1"
	r := NewRedactor(NewSecret("pd-routing-key-1234567890"), NewSecret(hook), NewSecret(""))
	inputs := []string{
		"key pd-routing-key-1234567890 leaked",
		`Post "` + hook + `": connection refused`,
		"path only: /services/T000/B000/XXXXSECRETXXXX",
		"escaped: " + strings.ReplaceAll(hook, "&", `\u0026`),
		"in a query: next=" + "https%3A%2F%2Fhooks.slack.com%2Fservices%2FT000%2FB000%2FXXXXSECRETXXXX%3Ftoken%3Dabc%26x%3D1",
	}
	for _, in := range inputs {
		got := r.Scrub(in)
		for _, leak := range []string{"pd-routing-key", "XXXXSECRETXXXX"} {
			if strings.Contains(got, leak) {
				t.Errorf("Scrub(%q) = %q still holds %q", in, got, leak)
			}
		}
		if !strings.Contains(got, "[REDACTED]") {
			t.Errorf("Scrub(%q) = %q does not mark the redaction", in, got)
		}
	}
	if got := r.Scrub("nothing secret here / at all"); got != "nothing secret here / at all" {
		t.Errorf("Scrub changed harmless text: %q", got)
	}
	var nilRedactor *Redactor
	if nilRedactor.Scrub("x") != "x" {
		t.Error("a nil Redactor must scrub nothing")
	}
}

func TestScrubErrorKeepsTheErrorChain(t *testing.T) {
	r := NewRedactor(NewSecret("s3cr3t-value"))
	err := r.ScrubError(fmt.Errorf("calling with s3cr3t-value: %w", context.DeadlineExceeded))
	if strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("ScrubError left the secret: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("ScrubError broke errors.Is")
	}
}

func TestEndpointOriginShowsOnlySchemeAndHost(t *testing.T) {
	if got := EndpointOrigin("https://user:pw@hooks.slack.com/services/T/B/X?y=1"); got != "https://hooks.slack.com" {
		t.Errorf("EndpointOrigin = %q", got)
	}
}

func TestDisplayURLKeepsThePathAndDropsCredentialsQueryAndFragment(t *testing.T) {
	if got := DisplayURL("https://user:pw@editor.example.com/app/version?token=s3cret#x"); got != "https://editor.example.com/app/version" {
		t.Errorf("DisplayURL = %q", got)
	}
}
