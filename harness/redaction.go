package harness

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces what diagnostics must not carry.
const Redacted = "[redacted]"

// secretHeaders carry credentials in every request that has them.
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "x-auth-token": true, "x-csrf-token": true,
}

// secretName matches query parameters, form fields and JSON keys that usually hold credentials.
var secretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|secret|token|api[-_]?key|access[-_]?key|auth|session|signature|sig|credential|otp|cookie)`)

// redactor masks credentials in diagnostics: by header and field name, and every value the spec marked
// secret (typed into a password field, or passed with the Secret option).
type redactor struct{ secrets []string }

func (r redactor) text(s string) string { return maskSecrets(s, r.secrets) }

func (r redactor) headers(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		if secretHeaders[strings.ToLower(k)] {
			out[k] = Redacted
			continue
		}
		out[k] = r.text(r.url(v))
	}
	return out
}

// url masks secret-looking query parameters; anything that is not a URL with a query is returned as is.
func (r redactor) url(raw string) string {
	if !strings.Contains(raw, "?") || !strings.Contains(raw, "=") {
		return r.text(raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return r.text(raw)
	}
	q := u.Query()
	changed := maskSecretValues(q)
	if changed {
		u.RawQuery = q.Encode()
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
			changed = true
		}
	}
	if !changed {
		return r.text(raw)
	}
	return r.text(u.String())
}

// maskSecretValues replaces the values of the secret-named keys of a query or form, and tells whether it did.
func maskSecretValues(v url.Values) bool {
	changed := false
	for k := range v {
		if secretName.MatchString(k) {
			v.Set(k, Redacted)
			changed = true
		}
	}
	return changed
}

// body masks secret fields of a form-encoded or JSON request body.
func (r redactor) body(b string) string {
	trimmed := strings.TrimSpace(b)
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		var v any
		if json.Unmarshal([]byte(trimmed), &v) == nil {
			out, err := json.Marshal(r.jsonValue("", v))
			if err == nil {
				return string(out)
			}
		}
	}
	if form, err := url.ParseQuery(trimmed); err == nil && len(form) > 0 && strings.Contains(trimmed, "=") {
		if maskSecretValues(form) {
			return r.text(form.Encode())
		}
	}
	return r.text(b)
}

// jsonValue walks a decoded JSON value: secret keys lose their value, strings lose secrets and secret query
// parameters. key is the key the value sits under.
func (r redactor) jsonValue(key string, v any) any {
	if key != "" && (secretHeaders[strings.ToLower(key)] || secretName.MatchString(key)) {
		switch v.(type) {
		case string, float64, bool:
			return Redacted
		case nil:
			return nil
		}
	}
	if s, ok := v.(string); ok {
		// The protocol repeats headers and bodies in raw forms: the header block as text (headersText) and request
		// bodies base64-encoded (postDataEntries[].bytes).
		switch key {
		case "headersText", "requestHeadersText":
			return r.headerText(s)
		case "bytes":
			if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
				return base64.StdEncoding.EncodeToString([]byte(r.body(string(raw))))
			}
			return Redacted
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			x[k] = r.jsonValue(k, val)
		}
		// Header lists ({name, value} pairs) and cookies name the secret in a sibling field.
		if name, ok := x["name"].(string); ok {
			if _, has := x["value"]; has && (secretHeaders[strings.ToLower(name)] || secretName.MatchString(name)) {
				x["value"] = Redacted
			}
		}
		return x
	case []any:
		for i, val := range x {
			x[i] = r.jsonValue("", val)
		}
		return x
	case string:
		return r.url(x)
	}
	return v
}

// headerText masks secret headers in a raw HTTP header block ("Name: value" lines).
func (r redactor) headerText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if name, _, ok := strings.Cut(l, ":"); ok && secretHeaders[strings.ToLower(strings.TrimSpace(name))] {
			lines[i] = name + ": " + Redacted
			if strings.HasSuffix(l, "\r") {
				lines[i] += "\r"
			}
			continue
		}
		lines[i] = r.text(r.url(l))
	}
	return strings.Join(lines, "\n")
}

// raw redacts a JSON message of the protocol trace.
func (r redactor) raw(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return m
	}
	var v any
	if json.Unmarshal(m, &v) != nil {
		return json.RawMessage(r.text(string(m)))
	}
	out, err := json.Marshal(r.jsonValue("", v))
	if err != nil {
		return nil
	}
	return out
}

func redactDiagnostics(d *Diagnostics, secrets []string) {
	r := redactor{secrets: secrets}
	d.URL = r.url(d.URL)
	d.Title = r.text(d.Title)
	for i := range d.Actions {
		a := &d.Actions[i]
		a.Detail, a.Error, a.Element = r.text(a.Detail), r.text(a.Error), r.text(a.Element)
		for j := range a.Waits {
			a.Waits[j].Last = r.text(a.Waits[j].Last)
		}
	}
	for i := range d.Console {
		d.Console[i].Text = r.text(d.Console[i].Text)
		d.Console[i].Where = r.url(d.Console[i].Where)
	}
	for i := range d.PageErrors {
		d.PageErrors[i].Message = r.text(d.PageErrors[i].Message)
		d.PageErrors[i].Where = r.url(d.PageErrors[i].Where)
	}
	for i := range d.Dialogs {
		d.Dialogs[i] = r.text(d.Dialogs[i])
	}
	for i := range d.Untrusted {
		d.Untrusted[i].Target = r.text(d.Untrusted[i].Target)
		d.Untrusted[i].URL = r.url(d.Untrusted[i].URL)
	}
	for i := range d.Network {
		n := &d.Network[i]
		n.URL = r.url(n.URL)
		n.RequestHeaders = r.headers(n.RequestHeaders)
		n.ResponseHeaders = r.headers(n.ResponseHeaders)
		n.PostData = r.body(n.PostData)
	}
	for i := range d.Trace {
		l := &d.Trace[i]
		l.Params, l.Result, l.Error = r.raw(l.Params), r.raw(l.Result), r.text(l.Error)
	}
}
