package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// Config is one smoke run's settings, after flags, environment and config file were merged and checked.
type Config struct {
	Target          string // with a trailing slash, as e2e.ParseBaseURL returns it
	Env             string
	ExpectVersion   string
	VersionPath     string
	VersionWait     time.Duration
	ReportDir       string
	ReportURL       string // with a trailing slash; empty: alerts carry file paths instead of links
	StateDir        string
	Retries         int
	Timeout         time.Duration // per attempt of one check
	RunTimeout      time.Duration // all checks together
	DeliveryTimeout time.Duration
	LabelFilter     string // the user's part; "smoke" is always AND-ed to it
	Focus           string
	Insecure        bool
	ConfigFile      string
}

// Defaults a person can rely on; --help prints them.
const (
	defaultVersionPath     = "version"
	defaultReportDir       = "smoke-report"
	defaultStateDir        = "smoke-state"
	defaultTimeout         = e2e.DefaultSpecTimeout
	defaultRunTimeout      = 10 * time.Minute
	defaultDeliveryTimeout = 2 * time.Minute
	maxRetries             = 5
)

// settingKind says how a raw value is parsed and how a config file must spell it.
type settingKind int

const (
	kindString settingKind = iota
	kindInt
	kindDuration
	kindBool
)

// setting is one configurable value. The same table makes the flags, reads the environment and the config
// file and writes --help, so the three spellings and their documentation cannot drift apart.
type setting struct {
	name  string // the flag, without dashes, and (with '-' as '_') the config file key
	env   string
	arg   string // placeholder in --help, e.g. URL
	kind  settingKind
	def   string // default, as a raw value; "" for none
	usage string
	apply func(c *Config, raw string) error
}

func (s setting) key() string { return strings.ReplaceAll(s.name, "-", "_") }

// settings lists every option in the order --help shows them.
var settings = []setting{
	{name: "target", env: "SMOKE_TARGET", arg: "URL", kind: kindString,
		usage: "the deployed site to check, an http:// or https:// URL (required)",
		apply: func(c *Config, raw string) error {
			if u, err := url.Parse(raw); err == nil && u.User != nil {
				// The glue writes the page's URL into reports and the browser into screenshots: a password
				// there would leak. Shown without the credentials, of course.
				u.User = nil
				return fmt.Errorf("%s: a target URL with user:password@ is not supported; credentials would end up in the reports", u)
			}
			u, err := e2e.ParseBaseURL(raw)
			if err != nil {
				return fmt.Errorf("%q is not a usable target: %w", raw, err)
			}
			c.Target = u
			return nil
		}},
	{name: "env", env: "SMOKE_ENV", arg: "NAME", kind: kindString,
		usage: "the environment's name, e.g. prod or staging; part of every alert's dedup key (required)",
		apply: func(c *Config, raw string) error {
			if !envNamePattern.MatchString(raw) {
				return fmt.Errorf("%q is not an environment name: use 1 to 64 letters, digits, '.', '_' or '-'", raw)
			}
			c.Env = raw
			return nil
		}},
	{name: "expect-version", env: "SMOKE_EXPECT_VERSION", arg: "V", kind: kindString,
		usage: "the version the deploy should have put live; checked at --version-path before anything else. A different or missing version is a severity 1 \"deploy not live\" alert",
		apply: func(c *Config, raw string) error {
			if strings.ContainsAny(raw, "\n\r") || len(raw) > 200 {
				return fmt.Errorf("%q is not a version: one line, at most 200 characters", raw)
			}
			c.ExpectVersion = strings.TrimSpace(raw)
			return nil
		}},
	{name: "version-path", env: "SMOKE_VERSION_PATH", arg: "PATH", kind: kindString, def: defaultVersionPath,
		usage: "where the target says which version it serves, relative to --target (\"version\" under https://x/app/ is https://x/app/version; \"/version\" is at the host's root)",
		apply: func(c *Config, raw string) error {
			u, err := url.Parse(raw)
			if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") || u.Fragment != "" {
				return fmt.Errorf("%q is not a path: give a path such as version or /api/version, not a URL", raw)
			}
			c.VersionPath = raw
			return nil
		}},
	{name: "version-wait", env: "SMOKE_VERSION_WAIT", arg: "D", kind: kindDuration, def: "0s",
		usage: "keep polling --version-path this long until --expect-version is live, for rolling deploys (0: check once)",
		apply: func(c *Config, raw string) error {
			d, err := parseDuration(raw, 0, time.Hour)
			c.VersionWait = d
			return err
		}},
	{name: "report-dir", env: "SMOKE_REPORT_DIR", arg: "DIR", kind: kindString, def: defaultReportDir,
		usage: "where the reports go: junit.xml and report.json (as make e2e writes them), smoke.json (this run's checks, alerts and deliveries) and specs/<slug>/ with a failed check's screenshot and trace",
		apply: func(c *Config, raw string) error { c.ReportDir = raw; return nil }},
	{name: "report-url", env: "SMOKE_REPORT_URL", arg: "URL", kind: kindString,
		usage: "where the pipeline publishes --report-dir; alerts then link to <URL>/report.html (or report.json) and to the failure screenshot. Without it alerts carry the files' paths in their details",
		apply: func(c *Config, raw string) error {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%q is not an absolute http:// or https:// URL", raw)
			}
			if u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("%q has a query or fragment; give the URL of the report directory", raw)
			}
			if !strings.HasSuffix(u.Path, "/") {
				u.Path += "/"
			}
			c.ReportURL = u.String()
			return nil
		}},
	{name: "state-dir", env: "SMOKE_STATE_DIR", arg: "DIR", kind: kindString, def: defaultStateDir,
		usage: "where open alerts (incidents.json) and undelivered notifications (outbox/) are kept between runs; keep it across runs, one run at a time",
		apply: func(c *Config, raw string) error { c.StateDir = raw; return nil }},
	{name: "retries", env: "SMOKE_RETRIES", arg: "N", kind: kindInt, def: "1",
		usage: fmt.Sprintf("run a failing check up to N more times before declaring it failed (0 to %d); one that passes on a retry is reported as a warning", maxRetries),
		apply: func(c *Config, raw string) error {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 || n > maxRetries {
				return fmt.Errorf("%q is not a number of retries from 0 to %d", raw, maxRetries)
			}
			c.Retries = n
			return nil
		}},
	{name: "timeout", env: "SMOKE_TIMEOUT", arg: "D", kind: kindDuration, def: defaultTimeout.String(),
		usage: "time limit of one attempt of one check, as a Go duration",
		apply: func(c *Config, raw string) error {
			d, err := parseDuration(raw, time.Second, 10*time.Minute)
			c.Timeout = d
			return err
		}},
	{name: "run-timeout", env: "SMOKE_RUN_TIMEOUT", arg: "D", kind: kindDuration, def: defaultRunTimeout.String(),
		usage: "time limit of all checks together; checks still running then are abandoned and the run exits 2",
		apply: func(c *Config, raw string) error {
			d, err := parseDuration(raw, 10*time.Second, 2*time.Hour)
			c.RunTimeout = d
			return err
		}},
	{name: "delivery-timeout", env: "SMOKE_DELIVERY_TIMEOUT", arg: "D", kind: kindDuration, def: defaultDeliveryTimeout.String(),
		usage: "how long delivering alerts may hold up the pipeline, retries included; what is not delivered by then waits in the outbox",
		apply: func(c *Config, raw string) error {
			d, err := parseDuration(raw, time.Second, 30*time.Minute)
			c.DeliveryTimeout = d
			return err
		}},
	{name: "label-filter", env: "SMOKE_LABEL_FILTER", arg: "EXPR", kind: kindString,
		usage: "a Ginkgo label expression AND-ed with \"smoke\", to run fewer checks, e.g. critical or '!slow'",
		apply: func(c *Config, raw string) error {
			if _, err := types.ParseLabelFilter(raw); err != nil {
				return fmt.Errorf("%q is not a label expression: %s", raw, oneLine(err.Error()))
			}
			c.LabelFilter = raw
			return nil
		}},
	{name: "focus", env: "SMOKE_FOCUS", arg: "REGEXP", kind: kindString,
		usage: "run only the smoke checks whose spec text matches this regular expression",
		apply: func(c *Config, raw string) error {
			if _, err := regexp.Compile(raw); err != nil {
				return fmt.Errorf("%q is not a regular expression: %v", raw, err)
			}
			c.Focus = raw
			return nil
		}},
	{name: "insecure", env: "SMOKE_INSECURE", kind: kindBool, def: "false",
		usage: "accept an invalid TLS certificate on the target (a test deployment with a self-signed certificate); without it such a target exits 2",
		apply: func(c *Config, raw string) error {
			b, err := parseBool(raw)
			c.Insecure = b
			return err
		}},
	{name: "config", env: "SMOKE_CONFIG", arg: "FILE", kind: kindString,
		usage: "a JSON file with any of the settings above, keyed by flag name with '_' for '-' (e.g. {\"target\": \"https://…\", \"retries\": 2, \"timeout\": \"45s\"}); the environment and flags override it",
		apply: func(c *Config, raw string) error { c.ConfigFile = raw; return nil }},
}

var envNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func parseDuration(raw string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 2m", raw)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is outside %s to %s", d, lo, hi)
	}
	return d, nil
}

func parseBool(raw string) (bool, error) {
	switch strings.ToLower(raw) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", raw)
}

// rawFlag records a flag's text and whether it was given; parsing waits until every source is known, so that
// all three sources report errors the same way.
type rawFlag struct {
	value  string
	given  bool
	isBool bool
}

func (f *rawFlag) String() string { return f.value }
func (f *rawFlag) Set(v string) error {
	f.value, f.given = v, true
	return nil
}
func (f *rawFlag) IsBoolFlag() bool { return f.isBool }

// errHelp asks for the usage text.
var errHelp = errors.New("help requested")

// loadConfig merges defaults, the config file, the environment and the flags, in rising precedence. It checks
// everything and returns every problem, each one line naming where the bad value came from, together with the
// settings it could read: a run that cannot start still needs its environment's name to report that.
func loadConfig(args []string, getenv func(string) string) (Config, []error) {
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported as one line below, not with the flag package's usage dump
	fs.Usage = func() {}
	flags := map[string]*rawFlag{}
	for _, s := range settings {
		f := &rawFlag{isBool: s.kind == kindBool}
		flags[s.name] = f
		fs.Var(f, s.name, s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, []error{errHelp}
		}
		// The flags after the bad one are lost, but the environment may still name the environment to alert.
		c, _ := mergeConfig(nil, getenv)
		return c, []error{fmt.Errorf("%s (smoke --help lists the flags)", flagError(err))}
	}
	if fs.NArg() > 0 {
		c, _ := mergeConfig(flags, getenv)
		return c, []error{fmt.Errorf("unexpected argument %q: every setting is a flag (smoke --help lists them)", fs.Arg(0))}
	}
	return mergeConfig(flags, getenv)
}

// flagError rewrites the flag package's message in the spelling --help uses (--name, not -name).
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + strings.TrimLeft(name, "-")
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + strings.TrimLeft(name, "-") + " needs a value"
	}
	return msg
}

func mergeConfig(flags map[string]*rawFlag, getenv func(string) string) (Config, []error) {
	var c Config
	var errs []error
	bad := map[string]bool{} // settings with a bad value, which must not also be reported as missing
	apply := func(s setting, raw, source string) {
		if err := s.apply(&c, raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", source, err))
			bad[s.name] = true
		}
	}
	for _, s := range settings {
		if s.def != "" {
			apply(s, s.def, "default of --"+s.name)
		}
	}

	// The config file is named by a flag or the environment, so find it first.
	file := getenv("SMOKE_CONFIG")
	if f := flags["config"]; f != nil && f.given {
		file = f.value
	}
	fileFailed := false
	if file != "" {
		values, err := readConfigFile(file)
		if err != nil {
			errs = append(errs, err)
			fileFailed = true
		}
		for _, s := range settings {
			if raw, ok := values[s.key()]; ok {
				apply(s, raw, fmt.Sprintf("config file %s: %q", file, s.key()))
			}
		}
	}
	for _, s := range settings {
		if raw := getenv(s.env); raw != "" {
			apply(s, raw, s.env)
		}
	}
	for _, s := range settings {
		if f := flags[s.name]; f != nil && f.given {
			apply(s, f.value, "--"+s.name)
		}
	}
	c.ConfigFile = file

	// A broken file may well have held the missing settings: its own error is the one to fix first.
	if c.Target == "" && !bad["target"] && !fileFailed {
		errs = append(errs, errors.New("--target is required (or SMOKE_TARGET): the URL of the deployed site to check"))
	}
	if c.Env == "" && !bad["env"] && !fileFailed {
		errs = append(errs, errors.New("--env is required (or SMOKE_ENV): the environment's name, e.g. prod"))
	}
	return c, errs
}

// readConfigFile reads a JSON object of settings and returns each value as the raw text its parser takes.
// It says exactly what is wrong: where a syntax error is (line and column), which key is unknown (and what was
// probably meant), which value has the wrong JSON type.
func readConfigFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	where := "config file " + path
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("%s: %s", where, jsonProblem(data, err))
	}
	if obj == nil {
		return nil, fmt.Errorf("%s: want a JSON object such as {\"target\": \"https://…\", \"env\": \"prod\"}", where)
	}
	if dec.More() {
		line, col := position(data, int(dec.InputOffset()))
		return nil, fmt.Errorf("%s: line %d, column %d: unexpected text after the JSON object", where, line, col)
	}
	out := map[string]string{}
	var errs []error
	for _, key := range sortedKeys(obj) {
		s, ok := settingByKey(key)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: unknown key %q%s", where, key, suggestion(key)))
			continue
		}
		raw, err := jsonValue(s, obj[key])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q: %w", where, key, err))
			continue
		}
		if s.name == "config" {
			errs = append(errs, fmt.Errorf("%s: %q cannot be set inside a config file", where, key))
			continue
		}
		out[key] = raw
	}
	return out, errors.Join(errs...)
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func settingByKey(key string) (setting, bool) {
	for _, s := range settings {
		if s.key() == key {
			return s, true
		}
	}
	return setting{}, false
}

// jsonValue checks the JSON type a setting needs: strings for text and durations ("30s", since a bare number
// would hide its unit), integers, booleans.
func jsonValue(s setting, msg json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return "", err
	}
	switch s.kind {
	case kindInt:
		if f, ok := v.(float64); ok && f == float64(int(f)) {
			return strconv.Itoa(int(f)), nil
		}
		return "", fmt.Errorf("want a whole number, got %s", msg)
	case kindBool:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
		return "", fmt.Errorf("want true or false, got %s", msg)
	case kindDuration:
		if str, ok := v.(string); ok {
			return str, nil
		}
		return "", fmt.Errorf("want a duration string such as \"30s\", got %s", msg)
	}
	if str, ok := v.(string); ok {
		return str, nil
	}
	return "", fmt.Errorf("want a string, got %s", msg)
}

// suggestion names the key a typo most likely meant.
func suggestion(key string) string {
	best, bestDist := "", 4
	for _, s := range settings {
		if d := editDistance(strings.ToLower(key), s.key()); d < bestDist {
			best, bestDist = s.key(), d
		}
	}
	if best == "" {
		var keys []string
		for _, s := range settings {
			keys = append(keys, s.key())
		}
		return " (known keys: " + strings.Join(keys, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// jsonProblem turns a decoding error into "line L, column C: what", which is what a person editing the file
// needs.
func jsonProblem(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the offending byte too.
		line, col := position(data, int(syntax.Offset)-1)
		return fmt.Sprintf("line %d, column %d: %s", line, col, syntax.Error())
	case errors.As(err, &typeErr):
		return "want a JSON object such as {\"target\": \"https://…\", \"env\": \"prod\"}, got " + typeErr.Value
	case errors.Is(err, io.EOF):
		return "the file is empty; want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return fmt.Sprintf("line %d, column %d: the file ends inside the JSON object", line, col)
	}
	return err.Error()
}

func position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	line = 1 + bytes.Count(data[:offset], []byte("\n"))
	col = offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}

// labelFilter is the expression the run uses: only smoke checks, narrowed by the user's expression.
func (c Config) labelFilter() string {
	if c.LabelFilter == "" {
		return e2e.Smoke
	}
	return e2e.Smoke + " && (" + c.LabelFilter + ")"
}

// versionURL resolves --version-path against the target.
func (c Config) versionURL() string {
	base, err := url.Parse(c.Target)
	if err != nil {
		return c.Target + c.VersionPath
	}
	ref, err := url.Parse(c.VersionPath)
	if err != nil {
		return c.Target + c.VersionPath
	}
	return base.ResolveReference(ref).String()
}
