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

// CheckTarget makes sure the target answers before any browser is started, and says in one line what is wrong
// when it does not: a refused connection, a name that does not resolve, an invalid certificate, a 5xx.
func CheckTarget(ctx context.Context, target string, insecure bool) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // only with E2E_INSECURE / --insecure
		Proxy:           http.ProxyFromEnvironment,
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("target %s: %w", target, err)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("target %s is unreachable: %s", target, explainDialError(err))
	}
	defer res.Body.Close()
	if res.StatusCode >= 500 {
		return fmt.Errorf("target %s answers HTTP %d: the deployment is not serving", target, res.StatusCode)
	}
	return nil
}

func explainDialError(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var opErr *net.OpError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostErr):
		return "its TLS certificate is not valid (" + rootCause(err) + "); for a test deployment with a self-signed certificate set E2E_INSECURE=1 (smoke: --insecure)"
	case errors.As(err, &dnsErr):
		return "the host name does not resolve (" + dnsErr.Err + ")"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within 15s"
	case errors.As(err, &opErr):
		return rootCause(err)
	}
	return rootCause(err)
}

// rootCause is the innermost error's text: "connection refused" rather than the whole Get "…": dial tcp … chain.
func rootCause(err error) string {
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
func Preflight(ctx context.Context, getenv func(string) string) error {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if _, err := harness.OptionsFromEnv(getenv); err != nil {
		return err
	}
	if u := getenv(harness.EnvBrowserURL); u != "" {
		if err := harness.CheckEndpoint(ctx, u); err != nil {
			return err
		}
	} else if getenv(harness.EnvLauncher) == "" {
		bin, err := harness.FindChrome(getenv(harness.EnvChromeBin))
		if err != nil {
			if getenv(harness.EnvChromeBin) != "" {
				return fmt.Errorf("%s: %w", harness.EnvChromeBin, err)
			}
			return err
		}
		if err := harness.CheckBrowserBinary(ctx, bin); err != nil {
			return err
		}
	}
	if cfg.BaseURL != "" {
		return CheckTarget(ctx, cfg.BaseURL, cfg.Insecure)
	}
	return nil
}
