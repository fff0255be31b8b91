package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// TargetTimeout bounds one request to the target outside the browser: a target that accepts a connection and
// never answers must not hang a run.
const TargetTimeout = 15 * time.Second

// TargetClient is the HTTP client for what is asked of the target outside the browser (does it answer, which
// version does it serve): through the environment's proxy, and accepting an invalid TLS certificate only when
// insecure says so (E2E_INSECURE, smoke --insecure). The browser has its own TLS setting, Config.Insecure.
func TargetClient(insecure bool) *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // only with E2E_INSECURE / --insecure
		Proxy:           http.ProxyFromEnvironment,
	}}
}

// CheckTarget makes sure the target answers before any browser is started, and says in one line what is wrong
// when it does not: a refused connection, a name that does not resolve, an invalid certificate, a 5xx.
func CheckTarget(ctx context.Context, target string, insecure bool) error {
	ctx, cancel := context.WithTimeout(ctx, TargetTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("target %s: %w", target, err)
	}
	res, err := TargetClient(insecure).Do(req)
	if err != nil {
		return fmt.Errorf("target %s is unreachable: %s", target, ExplainUnreachable(err))
	}
	defer res.Body.Close()
	if res.StatusCode >= 500 {
		return fmt.Errorf("target %s answers HTTP %d: the deployment is not serving", target, res.StatusCode)
	}
	return nil
}

// IsCertificateError reports whether a request failed because the target's TLS certificate was refused
// (self-signed, expired, for another host): a problem of the run's setup or of the site's certificate, not
// evidence that the site is down.
func IsCertificateError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostErr) || errors.As(err, &invalid)
}

// ExplainUnreachable says in a few words why a request to the target got no answer.
func ExplainUnreachable(err error) string {
	var dnsErr *net.DNSError
	switch {
	case IsCertificateError(err):
		return "its TLS certificate is not valid (" + RootCause(err) + "); for a test deployment with a self-signed certificate use --insecure (smoke) or E2E_INSECURE=1 (make e2e)"
	case errors.As(err, &dnsErr):
		return "the host name does not resolve (" + dnsErr.Err + ")"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", TargetTimeout)
	}
	return RootCause(err)
}

// RootCause is the innermost error's text: "connection refused" rather than the whole Get "…": dial tcp … chain.
func RootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// Preflight checks the environment of a run: the variables parse, the browser binary or endpoint is there and
// is a browser, the target answers. The first problem is returned as one line.
// A malformed variable is a *VariableError.
func Preflight(ctx context.Context, getenv func(string) string) error {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return &VariableError{Err: err}
	}
	if err := CheckBrowser(ctx, getenv); err != nil {
		return err
	}
	if err := checkDisplay(cfg.Browser, getenv); err != nil {
		return err
	}
	if cfg.BaseURL != "" {
		return CheckTarget(ctx, cfg.BaseURL, cfg.Insecure)
	}
	return nil
}

// PreflightNotes are what a run will not do that its variables asked for, and why: not errors, since the run
// itself is fine (PAUSE_ON_FAILURE=1 in CI, say).
func PreflightNotes(getenv func(string) string) []string {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil || !cfg.PauseOnFailure {
		return nil
	}
	if ok, why := PauseAvailable(getenv); !ok {
		return []string{fmt.Sprintf("%s=1 will not pause: %s", EnvPauseOnFailure, why)}
	}
	return nil
}

// checkDisplay fails a headed run on a machine without a display before any spec starts. (A display that is
// named but not there is found when the browser starts; the run then stops with the harness's ErrNoDisplay.)
func checkDisplay(b BrowserConfig, getenv func(string) string) error {
	if !b.Headed || b.BrowserURL != "" || b.LauncherURL != "" {
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("%s=1: %w", EnvHeaded, harness.ErrNoDisplay)
	}
	return nil
}

// CheckBrowser makes sure the browser the environment names is there before a run starts: the variables parse,
// a DevTools endpoint answers, or the binary exists and is a Chrome or Chromium. The smoke runner calls it too.
func CheckBrowser(ctx context.Context, getenv func(string) string) error {
	b, err := BrowserConfigFromEnv(getenv)
	if err != nil {
		return &VariableError{Err: err}
	}
	if b.BrowserURL != "" {
		if err := harness.CheckEndpoint(ctx, b.BrowserURL); err != nil {
			return fmt.Errorf("%s: %w", EnvBrowserURL, err)
		}
		return nil
	}
	if b.LauncherURL != "" {
		return nil
	}
	bin, err := harness.FindChrome(b.ChromeBin)
	if err != nil {
		if b.ChromeBin != "" {
			return fmt.Errorf("%s: %w", EnvChromeBin, err)
		}
		return err
	}
	return harness.CheckBrowserBinary(ctx, bin)
}
