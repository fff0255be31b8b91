package harness

import (
	"context"
	"time"
)

// Diagnostics is what the harness knows about a session that helps a person understand a failure without
// running the spec again. Everything in it has been through the session's redaction: secret headers, query
// parameters, form fields and values marked secret are masked.
type Diagnostics struct {
	URL             string            `json:"url"`
	Title           string            `json:"title"`
	BrowserVersion  string            `json:"browserVersion"`
	Screenshot      []byte            `json:"-"` // PNG of the viewport when the diagnostics were taken
	Filmstrip       []ScreencastFrame `json:"-"` // the last screencast frames before that, oldest first
	Actions         []ActionRecord    `json:"actions"`
	Console         []ConsoleMessage  `json:"console"`
	PageErrors      []PageError       `json:"pageErrors"`
	Dialogs         []string          `json:"dialogs"`
	Untrusted       []UntrustedEvent  `json:"untrusted"`
	UntrustedReason string            `json:"untrustedReason,omitempty"`
	Network         []NetworkEntry    `json:"network"`
	Trace           []TraceLine       `json:"-"` // the session's raw DevTools protocol traffic, newest kept
	TraceDropped    int               `json:"traceDropped"`
	Notes           []string          `json:"notes,omitempty"` // what could not be collected, and why
}

// ScreencastFrame is one frame of the page's screencast (the filmstrip of a failing spec).
type ScreencastFrame struct {
	Time time.Time `json:"time"`
	JPEG []byte    `json:"-"`
}

// NetworkEntry is one request the page made and what became of it.
type NetworkEntry struct {
	RequestID       string            `json:"requestId"`
	URL             string            `json:"url"`
	Method          string            `json:"method"`
	ResourceType    string            `json:"resourceType"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	PostData        string            `json:"postData,omitempty"`
	Status          int               `json:"status"`
	StatusText      string            `json:"statusText"`
	ResponseHeaders map[string]string `json:"responseHeaders"`
	MimeType        string            `json:"mimeType"`
	Protocol        string            `json:"protocol"`
	Started         time.Time         `json:"started"`
	Finished        time.Time         `json:"finished"`
	EncodedBytes    int64             `json:"encodedBytes"`
	Failure         string            `json:"failure,omitempty"` // net::ERR_…, or "canceled"
}

// Failed reports a request that did not complete or got an error status.
func (e NetworkEntry) Failed() bool { return e.Failure != "" || e.Status >= 400 }

// Diagnostics collects the session's diagnostics. It does its best: what cannot be had (a screenshot of a
// crashed page) is left out and said in Notes, never an error.
func (s *Session) Diagnostics(ctx context.Context) *Diagnostics {
	d := &Diagnostics{BrowserVersion: s.browser.version}
	p := s.page
	if p.crashed() == nil {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if shot, err := p.Screenshot(ctx); err == nil {
			d.Screenshot = shot
		} else {
			d.Notes = append(d.Notes, "no screenshot: "+err.Error())
		}
		var nav struct {
			URL   string `json:"url"`
			Title string `json:"title"`
		}
		if err := p.world.call(ctx, "navigationStatus", nil, &nav); err == nil {
			d.URL, d.Title = nav.URL, nav.Title
		} else {
			d.Notes = append(d.Notes, "no URL: "+err.Error())
		}
	} else {
		d.Notes = append(d.Notes, "no screenshot: "+p.crashed().Error())
	}
	d.Filmstrip = p.filmstrip()
	d.Network = p.networkEntries()
	latest := p.film.latest()
	s.mu.Lock()
	d.Actions = append([]ActionRecord(nil), s.actions...)
	for i := range d.Actions {
		if d.Actions[i].After == nil {
			// The page did not repaint after the action: it still looks as the latest frame shows it.
			d.Actions[i].After = latest
		}
	}
	d.Console = append([]ConsoleMessage(nil), s.console...)
	d.PageErrors = append([]PageError(nil), s.pageErrors...)
	d.Dialogs = append([]string(nil), s.dialogs...)
	d.Untrusted = append([]UntrustedEvent(nil), s.untrusted...)
	d.UntrustedReason = s.untrustedReason
	secrets := append([]string(nil), s.secrets...)
	s.mu.Unlock()
	if s.trace != nil {
		d.Trace, d.TraceDropped = s.trace.snapshot()
	}
	redactDiagnostics(d, secrets)
	return d
}
