package incident

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
)

const redacted = "[REDACTED]"

// Secret holds a credential: a routing key, an API key, an HMAC secret or a
// webhook URL (whose path is the credential). Every way of printing or
// encoding it yields "[REDACTED]"; only [Secret.Reveal] returns the value,
// and only code building a request calls it.
//
// The value sits behind a pointer so that even a struct holding a Secret in
// an unexported field, printed with %+v (where fmt cannot call methods),
// shows an address rather than the value.
type Secret struct{ value *string }

// NewSecret wraps v. Surrounding whitespace, such as the newline a secret
// file ends with, is trimmed.
func NewSecret(v string) Secret {
	v = strings.TrimSpace(v)
	return Secret{value: &v}
}

// Reveal returns the value, for the one place that puts it on the wire.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) Format(f fmt.State, _ rune)   { _, _ = io.WriteString(f, redacted) }
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }

// SecretHolder is implemented by senders that hold credentials, so a
// [Redactor] can be built from the configured senders alone.
type SecretHolder interface {
	Secrets() []Secret
}

// Redactor replaces every known secret value in text with "[REDACTED]".
// The runner passes everything it prints through Scrub; the [Deliverer]
// applies it to every error and log line it produces. A nil *Redactor
// scrubs nothing.
type Redactor struct {
	mu       sync.RWMutex
	forms    []string
	replacer *strings.Replacer
}

// NewRedactor returns a redactor for the given secrets.
func NewRedactor(secrets ...Secret) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// RedactorFor returns a redactor for the secrets of every sender that is a
// [SecretHolder], plus extra.
func RedactorFor(senders []Sender, extra ...Secret) *Redactor {
	r := NewRedactor(extra...)
	for _, s := range senders {
		if h, ok := s.(SecretHolder); ok {
			r.Add(h.Secrets()...)
		}
	}
	return r
}

// Add registers more secrets.
func (r *Redactor) Add(secrets ...Secret) {
	var forms []string
	for _, s := range secrets {
		forms = append(forms, secretForms(s.Reveal())...)
	}
	r.addForms(forms)
}

// merge returns a redactor for the secrets of both r and other.
func (r *Redactor) merge(other *Redactor) *Redactor {
	out := &Redactor{}
	for _, x := range []*Redactor{r, other} {
		if x == nil {
			continue
		}
		x.mu.RLock()
		forms := slices.Clone(x.forms)
		x.mu.RUnlock()
		out.addForms(forms)
	}
	return out
}

func (r *Redactor) addForms(forms []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, form := range forms {
		if !slices.Contains(r.forms, form) {
			r.forms = append(r.forms, form)
		}
	}
	// Longest first: strings.Replacer tries the old strings in argument
	// order at each position, so a whole webhook URL must win over its path.
	slices.SortFunc(r.forms, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(r.forms))
	for _, f := range r.forms {
		pairs = append(pairs, f, redacted)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// Scrub returns s with every secret replaced.
func (r *Redactor) Scrub(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// ScrubError returns an error whose message is scrubbed and which still
// unwraps to err, so errors.Is and errors.As keep working.
func (r *Redactor) ScrubError(err error) error {
	if err == nil {
		return nil
	}
	msg := r.Scrub(err.Error())
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// secretForms lists the spellings under which a secret may turn up in
// output: as is, query-escaped, JSON-escaped, and for a URL its path, query
// and password, which carry the credential even when printed apart from the
// host.
func secretForms(v string) []string {
	if v == "" {
		return nil
	}
	forms := []string{v, url.QueryEscape(v)}
	if b, err := json.Marshal(v); err == nil {
		forms = append(forms, strings.Trim(string(b), `"`))
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		// Short fragments such as "/" or "/v1" would blank out ordinary
		// text; a credential-bearing path is long.
		const minPart = 8
		for _, part := range []string{u.Path, u.EscapedPath(), u.RawQuery, u.Fragment} {
			if len(part) >= minPart {
				forms = append(forms, part)
			}
		}
		if p, ok := u.User.Password(); ok && p != "" {
			forms = append(forms, p, url.QueryEscape(p))
		}
	}
	var out []string
	for _, f := range forms {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// EndpointOrigin shows only an endpoint's scheme and host: a webhook URL's path is its credential, and any URL
// may carry a password or token. Use it for the incident systems' own URLs.
func EndpointOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparseable URL)"
	}
	return u.Scheme + "://" + u.Host
}

// DisplayURL shows a URL that is not a secret by itself (the target, its version endpoint) the way alerts and
// reports may carry it: without user information, query or fragment, where passwords and tokens hide.
func DisplayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparseable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
