package recorder

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/e2e-harness/e2e/harness"
)

// Options says where to record and what to call the spec.
type Options struct {
	// URL is where the recording starts (required): the spec's first step opens it.
	URL string
	// BaseURL is the deployment the spec is about: URLs under it are written relative to e2e.BaseURL(), so the
	// spec runs against any deployment. Empty: URL's directory.
	BaseURL string

	// Package, Describe and It name the written spec (defaults: "recorded", "Recorded session", "does what
	// was recorded").
	Package, Describe, It string

	// Headless runs a launched browser without a window (tests, machines without a display). Otherwise the
	// browser is headed and needs a display (harness.ErrNoDisplay without one).
	Headless bool
	// Overlay shows the recorder's toolbar in the page (assert text, visible, value, count). The key
	// combinations Alt+Shift+T, V, A and C work without it.
	Overlay bool

	// Browser records in this already-open browser (the recorder opens a session of its own in it and leaves
	// the browser open). Otherwise BrowserURL connects to a running browser's DevTools endpoint
	// (E2E_BROWSER_URL), or the browser BrowserOptions name is opened (harness.Open: launched here, or through
	// a launcher service).
	Browser        *harness.Browser
	BrowserURL     string
	BrowserOptions []harness.BrowserOption

	// TestIDAttribute is the attribute test ids live in (data-testid).
	TestIDAttribute string

	// Log receives what the recorder wants a person to know (a locator it could not confirm, a page error).
	Log func(line string)
}

func (o Options) withDefaults() (Options, error) {
	u, err := url.Parse(o.URL)
	if o.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("recorder: the start URL %q is not an http(s) URL", o.URL)
	}
	if o.BaseURL == "" {
		base := *u
		base.RawQuery, base.Fragment = "", ""
		base.Path = base.Path[:strings.LastIndex(base.Path, "/")+1]
		if base.Path == "" {
			base.Path = "/"
		}
		o.BaseURL = base.String()
	}
	if o.Package == "" {
		o.Package = "recorded"
	}
	if !validPackage(o.Package) {
		return o, errors.New("recorder: " + o.Package + " is not a Go package name")
	}
	if o.Describe == "" {
		o.Describe = "Recorded session"
	}
	if o.It == "" {
		o.It = "does what was recorded"
	}
	if o.TestIDAttribute == "" {
		o.TestIDAttribute = "data-testid"
	}
	if o.Log == nil {
		o.Log = func(string) {}
	}
	return o, nil
}

func validPackage(name string) bool {
	for i, r := range name {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return name != "" && name != "main"
}
