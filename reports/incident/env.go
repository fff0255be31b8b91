package incident

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// EnvVar documents one environment variable read by [SendersFromEnv], for
// the runner's --help and the README.
type EnvVar struct {
	Name   string
	Sender string // the sender it configures
	Doc    string // one line
	// Secret variables may instead name a file holding the value in
	// Name+"_FILE" (for mounted secrets), and are never printed.
	Secret bool
	// Required variables enable their sender; the others only adjust it.
	Required bool
}

// FileSuffix turns a secret variable's name into the variable naming a file
// that holds the value, e.g. PAGERDUTY_ROUTING_KEY_FILE.
const FileSuffix = "_FILE"

// DisableVar turns incident systems off explicitly, by sender name.
const DisableVar = "SMOKE_DISABLE"

// senderNames are the names SMOKE_DISABLE accepts, in SendersFromEnv's order.
var senderNames = []string{"pagerduty", "opsgenie", "statuspage", "alertmanager", "slack", "webhook"}

// EnvVars lists every variable SendersFromEnv reads, grouped by sender.
func EnvVars() []EnvVar {
	return []EnvVar{
		{Name: DisableVar, Sender: "every system",
			Doc: "comma-separated systems to leave off even though their variables are set, e.g. pagerduty,slack (names: " +
				strings.Join(senderNames, ", ") + "). A required variable that is set but empty, which is what CI passes " +
				"for a secret it does not have, is an error (exit 2) unless its system is listed here; an unset one simply " +
				"leaves its system off"},
		{Name: "PAGERDUTY_ROUTING_KEY", Sender: "pagerduty", Secret: true, Required: true,
			Doc: "Events API v2 integration (routing) key; enables PagerDuty alerts and deploy change events"},
		{Name: "PAGERDUTY_URL", Sender: "pagerduty",
			Doc: "Events API base URL (default " + DefaultPagerDutyURL + ")"},
		{Name: "OPSGENIE_API_KEY", Sender: "opsgenie", Secret: true, Required: true,
			Doc: "API integration key; enables Opsgenie alerts"},
		{Name: "OPSGENIE_URL", Sender: "opsgenie",
			Doc: "API base URL (default " + DefaultOpsgenieURL + "; EU: https://api.eu.opsgenie.com)"},
		{Name: "STATUSPAGE_API_KEY", Sender: "statuspage", Secret: true, Required: true,
			Doc: "Statuspage API key; with STATUSPAGE_PAGE_ID enables status page incidents"},
		{Name: "STATUSPAGE_PAGE_ID", Sender: "statuspage", Required: true,
			Doc: "id of the page to open incidents on"},
		{Name: "STATUSPAGE_COMPONENTS", Sender: "statuspage",
			Doc: "feature=component-id pairs, comma separated (e.g. insert-dynamic-data=abc123,canvas=def456); features that share a component share one incident, open while any of them fails"},
		{Name: "STATUSPAGE_URL", Sender: "statuspage",
			Doc: "API base URL (default " + DefaultStatuspageURL + ")"},
		{Name: "ALERTMANAGER_URL", Sender: "alertmanager", Required: true,
			Doc: "Alertmanager base URL, e.g. http://alertmanager:9093 (user:password@ is sent as basic auth); enables Alertmanager alerts"},
		{Name: "ALERTMANAGER_ALERT_TTL", Sender: "alertmanager",
			Doc: "how long a firing alert lasts without a new run, as a Go duration (default 24h)"},
		{Name: "SLACK_WEBHOOK_URL", Sender: "slack", Secret: true, Required: true,
			Doc: "Slack incoming webhook URL; enables Slack messages"},
		{Name: "SMOKE_WEBHOOK_URL", Sender: "webhook", Secret: true, Required: true,
			Doc: "URL receiving " + WebhookSchema + " JSON posts; enables the generic webhook"},
		{Name: "SMOKE_WEBHOOK_SECRET", Sender: "webhook", Secret: true,
			Doc: "HMAC-SHA256 key; when set, requests carry " + WebhookSignatureHeader + ": sha256=<hex>"},
	}
}

// SendersFromEnv returns a sender for every incident system whose required
// variables are set (see [EnvVars]), in a fixed order. A partial or
// malformed configuration is an error naming each wrong variable, never its
// value; all problems are reported at once, joined, each a *[ConfigError].
// No variables at all is not an error: it yields no senders.
//
// getenv cannot tell an empty variable from an unset one, so here both mean
// "not set"; [SendersFromLookup] tells them apart, as a runner should.
//
// Secret variables may be given as NAME_FILE, the path of a file holding
// the value (trailing whitespace trimmed).
func SendersFromEnv(getenv func(string) string) ([]Sender, error) {
	return SendersFromLookup(func(name string) (string, bool) { v := getenv(name); return v, v != "" })
}

// SendersFromLookup is [SendersFromEnv] with lookup, such as os.LookupEnv,
// which says whether a variable is set at all. A required variable that is
// set but empty is then an error: CI passes an empty value for a secret it
// does not have, and an incident system turned off by a missing secret would
// be silence where an alert was meant to be. Listing the system in
// SMOKE_DISABLE turns it off on purpose, whatever its variables say.
func SendersFromLookup(lookup func(string) (string, bool)) ([]Sender, error) {
	return sendersFromEnv(lookup, os.ReadFile)
}

// DisabledSenders returns the systems SMOKE_DISABLE turns off, or the error
// SendersFromLookup reports for it.
func DisabledSenders(lookup func(string) (string, bool)) ([]string, error) {
	e := &envReader{lookup: lookup}
	off := e.disabledSet()
	if len(e.errs) > 0 {
		return nil, e.errs[0]
	}
	var names []string
	for _, n := range senderNames {
		if off[n] {
			names = append(names, n)
		}
	}
	return names, nil
}

// keyAndURL reads the settings of a sender that one secret enables, with an optional base URL: ok when the
// secret is set; without it, a URL set anyway is reported as an orphan.
func (e *envReader) keyAndURL(sender, keyVar, urlVar string) (key Secret, base string, ok bool) {
	e.requireNotBlank(sender, keyVar)
	key, base = e.secret(keyVar), e.baseURL(urlVar)
	if key.IsZero() {
		e.orphans(keyVar, urlVar)
		return key, base, false
	}
	return key, base, true
}

func sendersFromEnv(lookup func(string) (string, bool), readFile func(string) ([]byte, error)) ([]Sender, error) {
	e := &envReader{lookup: lookup, readFile: readFile}
	off := e.disabledSet()
	var senders []Sender

	if !off["pagerduty"] {
		if key, base, ok := e.keyAndURL("pagerduty", "PAGERDUTY_ROUTING_KEY", "PAGERDUTY_URL"); ok {
			senders = append(senders, &PagerDuty{RoutingKey: key, BaseURL: base})
		}
	}

	if !off["opsgenie"] {
		if key, base, ok := e.keyAndURL("opsgenie", "OPSGENIE_API_KEY", "OPSGENIE_URL"); ok {
			senders = append(senders, &Opsgenie{APIKey: key, BaseURL: base})
		}
	}

	if !off["statuspage"] {
		e.requireNotBlank("statuspage", "STATUSPAGE_API_KEY", "STATUSPAGE_PAGE_ID")
		key, page := e.secret("STATUSPAGE_API_KEY"), e.plain("STATUSPAGE_PAGE_ID")
		components, base := e.componentMap("STATUSPAGE_COMPONENTS"), e.baseURL("STATUSPAGE_URL")
		switch {
		case !key.IsZero() && page != "":
			if strings.ContainsAny(page, "/?#") {
				e.fail("STATUSPAGE_PAGE_ID", "contains '/', '?' or '#'; a page id is a short alphanumeric code")
			}
			senders = append(senders, &Statuspage{APIKey: key, PageID: page, Components: components, BaseURL: base})
		case e.failed("STATUSPAGE_PAGE_ID") || e.failed("STATUSPAGE_API_KEY"):
		case !key.IsZero():
			e.fail("STATUSPAGE_PAGE_ID", "is not set, but STATUSPAGE_API_KEY is; set both to enable Statuspage")
		case page != "":
			e.fail("STATUSPAGE_API_KEY", "is not set (nor STATUSPAGE_API_KEY_FILE), but STATUSPAGE_PAGE_ID is; set both to enable Statuspage")
		default:
			e.orphans("STATUSPAGE_API_KEY", "STATUSPAGE_COMPONENTS", "STATUSPAGE_URL")
		}
	}

	if !off["alertmanager"] {
		e.requireNotBlank("alertmanager", "ALERTMANAGER_URL")
		if base, ttl := e.baseURL("ALERTMANAGER_URL"), e.duration("ALERTMANAGER_ALERT_TTL"); base != "" {
			am := &Alertmanager{BaseURL: base, TTL: ttl}
			// Credentials in the URL move to fields where they cannot be
			// printed by accident along with the sender.
			if u, err := url.Parse(base); err == nil && u.User != nil {
				if p, ok := u.User.Password(); ok {
					am.Username, am.Password = u.User.Username(), NewSecret(p)
					u.User = nil
					am.BaseURL = u.String()
				}
			}
			senders = append(senders, am)
		} else if !e.failed("ALERTMANAGER_URL") {
			e.orphans("ALERTMANAGER_URL", "ALERTMANAGER_ALERT_TTL")
		}
	}

	if !off["slack"] {
		e.requireNotBlank("slack", "SLACK_WEBHOOK_URL")
		if hook := e.secretURL("SLACK_WEBHOOK_URL"); !hook.IsZero() {
			senders = append(senders, &Slack{WebhookURL: hook})
		}
	}

	if !off["webhook"] {
		e.requireNotBlank("webhook", "SMOKE_WEBHOOK_URL")
		hook, secret := e.secretURL("SMOKE_WEBHOOK_URL"), e.secret("SMOKE_WEBHOOK_SECRET")
		if !hook.IsZero() {
			// An empty signing secret would send unsigned requests a receiver may trust.
			e.requireNotBlank("webhook", "SMOKE_WEBHOOK_SECRET")
			senders = append(senders, &Webhook{URL: hook, Secret: secret})
		} else if !e.failed("SMOKE_WEBHOOK_URL") {
			e.orphans("SMOKE_WEBHOOK_URL", "SMOKE_WEBHOOK_SECRET")
		}
	}

	if len(e.errs) > 0 {
		return nil, errors.Join(e.errs...)
	}
	return senders, nil
}

// envReader collects every configuration problem instead of stopping at the
// first, so one run of the runner shows all that needs fixing.
type envReader struct {
	lookup   func(string) (string, bool)
	readFile func(string) ([]byte, error)
	errs     []error
	seen     map[string]bool // variables that were set, directly or by file
}

func (e *envReader) getenv(name string) string {
	v, _ := e.lookup(name)
	return v
}

// blank reports a variable that is set to nothing but white space.
func (e *envReader) blank(name string) bool {
	v, set := e.lookup(name)
	return set && strings.TrimSpace(v) == ""
}

// requireNotBlank fails each of names (or its NAME_FILE) that is set but empty, unless the other spelling
// holds a value.
func (e *envReader) requireNotBlank(sender string, names ...string) {
	for _, name := range names {
		for _, n := range []string{name, name + FileSuffix} {
			other := name
			if n == name {
				other = name + FileSuffix
			}
			if _, isSecret := secretVars[name]; !isSecret && n != name {
				continue
			}
			if e.blank(n) && strings.TrimSpace(e.getenv(other)) == "" {
				e.fail(n, fmt.Sprintf("is set but empty (what CI passes for a secret it does not have): give it a value, unset it, or turn %s off with %s=%s", sender, DisableVar, sender))
			}
		}
	}
}

// secretVars are the variables that may also be given as NAME_FILE.
var secretVars = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, v := range EnvVars() {
		if v.Secret {
			m[v.Name] = struct{}{}
		}
	}
	return m
}()

// disabledSet parses SMOKE_DISABLE.
func (e *envReader) disabledSet() map[string]bool {
	off := map[string]bool{}
	raw := e.getenv(DisableVar)
	for _, name := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' }) {
		name = strings.ToLower(name)
		if !slices.Contains(senderNames, name) {
			e.fail(DisableVar, fmt.Sprintf("%q is not an incident system: use %s", name, strings.Join(senderNames, ", ")))
			continue
		}
		off[name] = true
	}
	return off
}

func (e *envReader) fail(name, problem string) {
	e.errs = append(e.errs, &ConfigError{Var: name, Problem: problem})
}

func (e *envReader) failed(name string) bool {
	for _, err := range e.errs {
		var ce *ConfigError
		if errors.As(err, &ce) && (ce.Var == name || ce.Var == name+FileSuffix) {
			return true
		}
	}
	return false
}

func (e *envReader) mark(name string) {
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	e.seen[name] = true
}

func (e *envReader) plain(name string) string {
	v := strings.TrimSpace(e.getenv(name))
	if v != "" {
		e.mark(name)
	}
	return v
}

func (e *envReader) secret(name string) Secret {
	direct := strings.TrimSpace(e.getenv(name))
	path := strings.TrimSpace(e.getenv(name + FileSuffix))
	switch {
	case e.failed(name) || e.failed(name+FileSuffix):
		return Secret{}
	case direct != "" && path != "":
		e.mark(name)
		e.fail(name, "is set both directly and through "+name+FileSuffix+"; set one")
		return Secret{}
	case direct != "":
		e.mark(name)
		return NewSecret(direct)
	case path != "":
		e.mark(name)
		b, err := e.readFile(path)
		if err != nil {
			// The path is not secret and says which mount is missing.
			if inner := errors.Unwrap(err); inner != nil {
				err = inner
			}
			e.fail(name+FileSuffix, fmt.Sprintf("reading %s: %v", path, err))
			return Secret{}
		}
		s := NewSecret(string(b))
		if s.IsZero() {
			e.fail(name+FileSuffix, "the file "+path+" is empty")
		}
		return s
	}
	return Secret{}
}

// secretURL reads a URL that is itself a credential (a webhook URL).
func (e *envReader) secretURL(name string) Secret {
	s := e.secret(name)
	if s.IsZero() {
		return s
	}
	if problem := urlProblem(s.Reveal()); problem != "" {
		e.fail(name, problem)
		return Secret{}
	}
	return s
}

func (e *envReader) baseURL(name string) string {
	v := e.plain(name)
	if v == "" {
		return ""
	}
	if problem := urlProblem(v); problem != "" {
		e.fail(name, problem)
		return ""
	}
	return v
}

func (e *envReader) duration(name string) time.Duration {
	v := e.plain(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		e.fail(name, fmt.Sprintf("%q is not a duration such as 24h or 90m", v))
	case d <= 0:
		e.fail(name, fmt.Sprintf("%q is not positive", v))
	}
	return d
}

// componentMap parses "feature=id,feature=id". Component ids are not secret,
// so the offending entry is quoted.
func (e *envReader) componentMap(name string) map[string]string {
	v := e.plain(name)
	if v == "" {
		return nil
	}
	m := map[string]string{}
	for i, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		check, id, ok := strings.Cut(entry, "=")
		check, id = strings.TrimSpace(check), strings.TrimSpace(id)
		switch {
		case !ok || check == "" || id == "":
			e.fail(name, fmt.Sprintf("entry %d %q is not feature=component-id", i+1, entry))
			continue
		case m[check] != "":
			e.fail(name, fmt.Sprintf("feature %q is mapped twice", check))
			continue
		}
		m[check] = id
	}
	return m
}

// orphans reports variables that only adjust a sender whose required
// variable (the first name) is missing: a half-configured sender is almost
// always a deploy mistake that would otherwise silence alerts.
func (e *envReader) orphans(required string, others ...string) {
	if e.failed(required) {
		return
	}
	for _, o := range others {
		if e.seen[o] && !e.failed(o) {
			e.fail(o, "is set, but "+required+" is not; set "+required+" (or "+required+FileSuffix+") to enable this sender, or unset "+o)
		}
	}
}

// urlProblem explains why raw is not an absolute http(s) URL, without
// quoting it.
func urlProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a valid URL"
	case u.Scheme == "":
		return "is not an absolute URL (it has no http:// or https://)"
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("has scheme %q; want http or https", u.Scheme)
	case u.Host == "":
		return "has no host"
	}
	return ""
}
