package runner

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// Config is one smoke run's settings. The tags are the command line's grammar (read with kong by cmd/smoke):
// each field's flag, environment variable, default and help in one place; a config file's key is the flag
// name with '_' for '-'. [Config.Check] then says which values the runner cannot use.
type Config struct {
	Target string `name:"target" env:"SMOKE_TARGET" placeholder:"URL" help:"the deployed site to check, an http:// or https:// URL (required)"`
	Env    string `name:"env" env:"SMOKE_ENV" placeholder:"NAME" help:"the environment's name, e.g. prod or staging; part of every alert's dedup key (required)"`
	// Location is where the run comes from; it labels the alerts but is not part of their dedup keys.
	Location string `name:"location" env:"SMOKE_LOCATION" placeholder:"NAME" help:"where this run comes from, e.g. eu-west or ci, for runs of one environment from several places: it goes into every alert's labels and details but not into its dedup key, so one broken feature seen from three places is one incident"`

	// DeployFailed turns the run into the report of a failed deployment: no browser, no checks.
	DeployFailed string `name:"deploy-failed" env:"SMOKE_DEPLOY_FAILED" placeholder:"REASON" help:"report that the deployment itself failed, for a pipeline's failure path: raises a severity 1 'deploy' alert with REASON through the same systems, outbox and exit codes, without a browser or --target (--expect-version names the version that did not go out). The next run whose deploy is live (--expect-version served) resolves it"`

	ExpectVersion string        `name:"expect-version" env:"SMOKE_EXPECT_VERSION" placeholder:"V" help:"the version the deploy should have put live; checked at --version-path before anything else. A different or missing version is a severity 1 'deploy not live' alert"`
	VersionPath   string        `name:"version-path" env:"SMOKE_VERSION_PATH" placeholder:"PATH" default:"version" help:"where the target says which version it serves, relative to --target ('version' under https://x/app/ is https://x/app/version; '/version' is at the host's root)"`
	VersionWait   time.Duration `name:"version-wait" env:"SMOKE_VERSION_WAIT" placeholder:"D" default:"0s" help:"keep polling --version-path this long until --expect-version is live, for rolling deploys (0: check once)"`

	ReportDir string `name:"report-dir" env:"SMOKE_REPORT_DIR" placeholder:"DIR" default:"smoke-report" help:"where the reports go: junit.xml and report.json (as make e2e writes them), smoke.json (this run's checks, alerts and deliveries) and specs/<slug>/ with a failed check's screenshot and trace"`
	// ReportURL ends in a slash after Check; empty: alerts carry file paths instead of links.
	ReportURL string `name:"report-url" env:"SMOKE_REPORT_URL" placeholder:"URL" help:"where the pipeline publishes --report-dir; alerts then link to <URL>/report.html (or report.json) and to the failure screenshot. Without it alerts carry the files' paths in their details"`
	StateDir  string `name:"state-dir" env:"SMOKE_STATE_DIR" placeholder:"DIR" default:"smoke-state" help:"where open alerts (incidents.json) and undelivered notifications (outbox/) are kept between runs; keep it across runs, one run at a time"`

	Retries int `name:"retries" env:"SMOKE_RETRIES" placeholder:"N" default:"1" help:"run a failing check up to N more times before declaring it failed (0 to 5); one that passes on a retry is reported as a warning"`
	// Timeout is per attempt of one check; its default is the suites' own (e2e.DefaultSpecTimeout, a test
	// keeps the two equal).
	Timeout         time.Duration `name:"timeout" env:"SMOKE_TIMEOUT" placeholder:"D" default:"30s" help:"time limit of one attempt of one check, as a Go duration"`
	RunTimeout      time.Duration `name:"run-timeout" env:"SMOKE_RUN_TIMEOUT" placeholder:"D" default:"10m" help:"time limit of all checks together; checks still running then are abandoned and the run exits 2"`
	DeliveryTimeout time.Duration `name:"delivery-timeout" env:"SMOKE_DELIVERY_TIMEOUT" placeholder:"D" default:"2m" help:"how long delivering alerts may hold up the pipeline, retries included; what is not delivered by then waits in the outbox"`

	// LabelFilter is the user's part; "smoke" is always AND-ed to it.
	LabelFilter string `name:"label-filter" env:"SMOKE_LABEL_FILTER" placeholder:"EXPR" help:"a Ginkgo label expression AND-ed with 'smoke', to run fewer checks, e.g. critical or '!slow'"`
	Focus       string `name:"focus" env:"SMOKE_FOCUS" placeholder:"REGEXP" help:"run only the smoke checks whose spec text matches this regular expression"`
	Insecure    bool   `name:"insecure" env:"SMOKE_INSECURE" help:"accept an invalid TLS certificate on the target (a test deployment with a self-signed certificate); without it such a target exits 2. As a variable: 1 or 0 (also true/false, yes/no, on/off)"`

	ConfigFile string `name:"config" env:"SMOKE_CONFIG" placeholder:"FILE" help:"a JSON file with any of the settings above, keyed by flag name with '_' for '-' (e.g. {\"target\": \"https://…\", \"retries\": 2, \"timeout\": \"45s\"}); the environment and flags override it"`
}

// MaxRetries bounds --retries: more attempts only hide a broken check for longer.
const MaxRetries = 5

// SettingError is a value the runner cannot use, by flag name; the caller says where the value came from.
type SettingError struct {
	Flag string
	Err  error
	// Missing: a required setting has no value at all; Err then says which and how to give one.
	Missing bool
}

var envNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Check checks every setting, puts Target and ReportURL into their canonical form (a trailing slash, so
// relative paths resolve below them) and trims ExpectVersion. It returns every problem.
func (c *Config) Check() []SettingError {
	var errs []SettingError
	bad := func(flag string, err error) { errs = append(errs, SettingError{Flag: flag, Err: err}) }
	missing := func(flag, what string) {
		errs = append(errs, SettingError{Flag: flag, Missing: true,
			Err: fmt.Errorf("--%s is required (or SMOKE_%s): %s", flag, strings.ToUpper(flag), what)})
	}

	switch target, err := checkTarget(c.Target); {
	case c.Target == "" && c.DeployFailed != "":
		// A failed deploy is reported without looking at the site.
	case c.Target == "":
		missing("target", "the URL of the deployed site to check")
	case err != nil:
		bad("target", err)
	default:
		c.Target = target
	}
	switch {
	case c.Env == "":
		missing("env", "the environment's name, e.g. prod")
	case !envNamePattern.MatchString(c.Env):
		bad("env", fmt.Errorf("%q is not an environment name: use 1 to 64 letters, digits, '.', '_' or '-'", c.Env))
	}
	if c.Location != "" && !envNamePattern.MatchString(c.Location) {
		bad("location", fmt.Errorf("%q is not a location name: use 1 to 64 letters, digits, '.', '_' or '-'", c.Location))
	}
	c.DeployFailed = strings.TrimSpace(c.DeployFailed)
	if len(c.DeployFailed) > 2000 {
		bad("deploy-failed", fmt.Errorf("the reason is %d characters long; keep it under 2000 (link to the deploy log instead)", len(c.DeployFailed)))
	}
	if strings.ContainsAny(c.ExpectVersion, "\n\r") || len(c.ExpectVersion) > 200 {
		bad("expect-version", fmt.Errorf("%q is not a version: one line, at most 200 characters", c.ExpectVersion))
	}
	c.ExpectVersion = strings.TrimSpace(c.ExpectVersion)
	if u, err := url.Parse(c.VersionPath); err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(c.VersionPath, "//") || u.Fragment != "" {
		bad("version-path", fmt.Errorf("%q is not a path: give a path such as version or /api/version, not a URL", c.VersionPath))
	}
	if c.ReportURL != "" {
		if u, err := checkReportURL(c.ReportURL); err != nil {
			bad("report-url", err)
		} else {
			c.ReportURL = u
		}
	}
	if c.Retries < 0 || c.Retries > MaxRetries {
		bad("retries", fmt.Errorf("%q is not a number of retries from 0 to %d", strconv.Itoa(c.Retries), MaxRetries))
	}
	for _, d := range []struct {
		flag   string
		v      time.Duration
		lo, hi time.Duration
	}{
		{"version-wait", c.VersionWait, 0, time.Hour},
		{"timeout", c.Timeout, time.Second, 10 * time.Minute},
		{"run-timeout", c.RunTimeout, 10 * time.Second, 2 * time.Hour},
		{"delivery-timeout", c.DeliveryTimeout, time.Second, 30 * time.Minute},
	} {
		if d.v < d.lo || d.v > d.hi {
			bad(d.flag, fmt.Errorf("%s is outside %s to %s", d.v, d.lo, d.hi))
		}
	}
	if c.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(c.LabelFilter); err != nil {
			bad("label-filter", fmt.Errorf("%q is not a label expression: %s", c.LabelFilter, incident.OneLine(err.Error())))
		}
	}
	if _, err := regexp.Compile(c.Focus); err != nil {
		bad("focus", fmt.Errorf("%q is not a regular expression: %v", c.Focus, err))
	}
	return errs
}

func checkTarget(raw string) (string, error) {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		// The glue writes the page's URL into reports and the browser into screenshots: a password there
		// would leak. Shown without the credentials, of course.
		u.User = nil
		return "", fmt.Errorf("%s: a target URL with user:password@ is not supported; credentials would end up in the reports", u)
	}
	u, err := e2e.ParseBaseURL(raw)
	if err != nil {
		return "", fmt.Errorf("%q is not a usable target: %w", raw, err)
	}
	return u, nil
}

func checkReportURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http:// or https:// URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q has a query or fragment; give the URL of the report directory", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
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
