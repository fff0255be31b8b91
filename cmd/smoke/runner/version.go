package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// The version convention: GET <target>/<version-path> answers 200 with either a JSON object whose "version"
// member is a string ({"version":"1.4.2"}, what the fixture server's /version serves), a JSON string, or a
// plain-text body whose first line is the version. The comparison is exact after trimming white space: 1.4.2
// is not v1.4.2.

// versionProbe is what the target said about its version.
type versionProbe struct {
	URL     string
	Version string // empty when none could be read
	// Err says why no version could be read: unreachable, an HTTP error, a body that is not a version.
	Err error
	// TLS is set when Err is an invalid certificate: a problem with the runner's configuration (--insecure)
	// or the site's certificate, not evidence about the deploy.
	TLS bool
}

// probeVersion reads the version the target serves once.
func probeVersion(ctx context.Context, client *http.Client, versionURL string) versionProbe {
	p := versionProbe{URL: versionURL}
	ctx, cancel := context.WithTimeout(ctx, e2e.TargetTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, versionURL, nil)
	if err != nil {
		p.Err = fmt.Errorf("building the version request: %w", err)
		return p
	}
	req.Header.Set("Accept", "application/json, text/plain;q=0.9")
	req.Header.Set("User-Agent", incident.UserAgent)
	res, err := client.Do(req)
	if err != nil {
		p.TLS = e2e.IsCertificateError(err)
		p.Err = fmt.Errorf("the target is unreachable: %s", e2e.ExplainUnreachable(err))
		return p
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		p.Err = fmt.Errorf("reading the version: %w", err)
		return p
	}
	if res.StatusCode != http.StatusOK {
		p.Err = fmt.Errorf("GET %s answered HTTP %d, not a version (see --version-path)", versionURL, res.StatusCode)
		return p
	}
	v, err := parseVersionBody(res.Header.Get("Content-Type"), body)
	if err != nil {
		p.Err = fmt.Errorf("GET %s: %w", versionURL, err)
		return p
	}
	p.Version = v
	return p
}

// waitForVersion polls until the target serves want or the wait is over; a certificate error ends it at once
// because waiting cannot fix it.
func waitForVersion(ctx context.Context, client *http.Client, versionURL, want string, wait time.Duration) versionProbe {
	deadline := time.Now().Add(wait)
	for {
		p := probeVersion(ctx, client, versionURL)
		if p.TLS || p.Version == want || time.Now().After(deadline) || ctx.Err() != nil {
			return p
		}
		select {
		case <-ctx.Done():
			return p
		case <-time.After(min(2*time.Second, time.Until(deadline))):
		}
	}
}

func parseVersionBody(contentType string, body []byte) (string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	text := strings.TrimSpace(string(body))
	if mt == "application/json" || strings.HasPrefix(text, "{") || strings.HasPrefix(text, `"`) {
		var obj struct {
			Version *string `json:"version"`
		}
		if err := json.Unmarshal(body, &obj); err == nil && obj.Version != nil {
			return checkVersionText(*obj.Version)
		}
		var s string
		if err := json.Unmarshal(body, &s); err == nil {
			return checkVersionText(s)
		}
		return "", errors.New(`the JSON has no string "version" member; want {"version":"1.4.2"} or a plain-text body`)
	}
	if mt == "text/html" || strings.HasPrefix(text, "<") {
		return "", errors.New("the answer is an HTML page, not a version (see --version-path)")
	}
	line, _, _ := strings.Cut(text, "\n")
	return checkVersionText(line)
}

func checkVersionText(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", errors.New("the version is empty")
	case len(v) > 200 || !utf8.ValidString(v):
		return "", errors.New("the answer is not a version (longer than 200 characters or not text)")
	}
	return v, nil
}
