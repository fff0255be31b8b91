package harness_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

func TestDiagnosticsOfAFailedClick(t *testing.T) {
	p, ctx := openWithContext(t, "overlay.html")
	if _, err := p.Evaluate(ctx, `console.error('boom from the page'); setTimeout(() => { throw new Error('uncaught in a timer') }, 0); fetch('/missing.json')`); err != nil {
		t.Fatal(err)
	}
	_ = p.ByTestID("go").Click(short(t))
	d := p.Session().Diagnostics(ctx)
	if !strings.HasSuffix(d.URL, "/overlay.html") || d.Title != "overlay" {
		t.Errorf("url %q title %q", d.URL, d.Title)
	}
	if len(d.Screenshot) < 100 || string(d.Screenshot[1:4]) != "PNG" {
		t.Errorf("no PNG screenshot (%d bytes)", len(d.Screenshot))
	}
	if len(d.Filmstrip) == 0 {
		t.Errorf("no filmstrip frames")
	}
	if len(d.Actions) != 1 || d.Actions[0].Error == "" {
		t.Errorf("actions: %+v", d.Actions)
	}
	if len(d.Console) == 0 || d.Console[0].Level != "error" || d.Console[0].Text != "boom from the page" {
		t.Errorf("console: %+v", d.Console)
	}
	if len(d.PageErrors) == 0 || !strings.Contains(d.PageErrors[0].Message, "uncaught in a timer") {
		t.Errorf("page errors: %+v", d.PageErrors)
	}
	var missing *harness.NetworkEntry
	for i, n := range d.Network {
		if strings.HasSuffix(n.URL, "/missing.json") {
			missing = &d.Network[i]
		}
	}
	if missing == nil || missing.Status != 404 || !missing.Failed() {
		t.Errorf("network: %+v", d.Network)
	}
	if len(d.Trace) == 0 {
		t.Errorf("no protocol trace")
	}
}

// A password typed through a login form must not appear anywhere in the diagnostics, nor credentials in
// headers, query strings or request bodies.
func TestDiagnosticsRedactSecrets(t *testing.T) {
	p, ctx := openWithContext(t, "credentials.html")
	const password = "correct-horse-battery-staple"
	if err := p.ByLabel("Password").Fill(ctx, password); err != nil {
		t.Fatal(err)
	}
	// The page reads the password from its field: the spec's own script never contains a secret.
	if _, err := p.Evaluate(ctx, `sendCredentials(document.querySelector('[data-testid=password]').value)`); err != nil {
		t.Fatal(err)
	}
	d := p.Session().Diagnostics(ctx)
	all, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	trace, _ := json.Marshal(d.Trace)
	everything := string(all) + string(trace)
	for _, secret := range []string{password, "tok-123456", "abc-bearer-xyz"} {
		if i := strings.Index(everything, secret); i >= 0 {
			t.Errorf("%q is in the diagnostics: …%s…", secret, everything[max(0, i-300):min(len(everything), i+100)])
		}
	}
	if !strings.Contains(everything, "page=2") {
		t.Errorf("redaction removed harmless query parameters too")
	}
}
