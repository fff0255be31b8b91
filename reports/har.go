package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/har"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// credentialHeaders never go into a HAR file, whatever the harness left in them: a HAR is made to be shared,
// pasted into tickets and opened in other tools.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
}

// harCreator names this project in the files it writes.
var harCreator = &har.Creator{Name: "e2e-harness reports", Version: "1"}

// BuildHAR converts a spec's network log into a HAR 1.2 log. The harness already redacted secrets; on top of
// that, cookies and credential headers are left out entirely.
func BuildHAR(d *artifact.Diagnostics) *har.HAR {
	log := &har.Log{Version: "1.2", Creator: harCreator, Entries: []*har.Entry{}}
	if d == nil {
		return &har.HAR{Log: log}
	}
	if d.BrowserVersion != "" {
		name, version, ok := strings.Cut(d.BrowserVersion, "/")
		if !ok {
			name, version = "Chromium", d.BrowserVersion
		}
		log.Browser = &har.Creator{Name: name, Version: version}
	}
	var first time.Time
	for _, n := range d.Network {
		if !n.Started.IsZero() && (first.IsZero() || n.Started.Before(first)) {
			first = n.Started
		}
	}
	const pageID = "page_1"
	if len(d.Network) > 0 || d.URL != "" {
		if first.IsZero() {
			first = time.Unix(0, 0).UTC()
		}
		log.Pages = []*har.Page{{
			StartedDateTime: harTime(first), ID: pageID, Title: pageTitle(d), PageTimings: &har.PageTimings{},
		}}
	}
	for _, n := range d.Network {
		e := harEntry(n)
		e.Pageref = pageID
		log.Entries = append(log.Entries, e)
	}
	return &har.HAR{Log: log}
}

func pageTitle(d *artifact.Diagnostics) string {
	if d.Title != "" {
		return d.Title
	}
	return d.URL
}

func harEntry(n artifact.NetworkEntry) *har.Entry {
	total := -1.0
	if !n.Started.IsZero() && !n.Finished.IsZero() && !n.Finished.Before(n.Started) {
		total = float64(n.Finished.Sub(n.Started)) / float64(time.Millisecond)
	}
	started := n.Started
	if started.IsZero() {
		started = time.Unix(0, 0).UTC()
	}
	e := &har.Entry{
		StartedDateTime: harTime(started),
		Time:            max(total, 0),
		Request:         harRequest(n),
		Response:        harResponse(n),
		Cache:           &har.Cache{},
		// Only the total is known: the harness does not keep per-phase timings, so it all counts as waiting.
		Timings: &har.Timings{Send: 0, Wait: max(total, 0), Receive: 0},
		Comment: n.Failure,
	}
	return e
}

func harRequest(n artifact.NetworkEntry) *har.Request {
	req := &har.Request{
		Method:      n.Method,
		URL:         withoutFragment(n.URL),
		HTTPVersion: httpVersion(n.Protocol),
		Cookies:     []*har.Cookie{},
		Headers:     harHeaders(n.RequestHeaders),
		QueryString: queryString(n.URL),
		HeadersSize: -1,
		BodySize:    0,
	}
	if n.PostData != "" {
		req.BodySize = int64(len(n.PostData))
		req.PostData = harPostData(n.PostData, header(n.RequestHeaders, "Content-Type"))
	}
	return req
}

func harResponse(n artifact.NetworkEntry) *har.Response {
	res := &har.Response{
		Status:      int64(n.Status),
		StatusText:  n.StatusText,
		HTTPVersion: httpVersion(n.Protocol),
		Cookies:     []*har.Cookie{},
		Headers:     harHeaders(n.ResponseHeaders),
		Content:     &har.Content{Size: n.EncodedBytes, MimeType: n.MimeType},
		RedirectURL: header(n.ResponseHeaders, "Location"),
		HeadersSize: -1,
		BodySize:    -1,
		Comment:     n.Failure,
	}
	if n.Status == 0 {
		res.HTTPVersion = ""
	}
	if !n.Finished.IsZero() && n.Failure == "" {
		res.BodySize = n.EncodedBytes
	}
	return res
}

// harHeaders sorts headers by name (the protocol hands out a map) and leaves out credentials.
func harHeaders(h map[string]string) []*har.NameValuePair {
	out := []*har.NameValuePair{}
	names := make([]string, 0, len(h))
	for k := range h {
		if !credentialHeaders[strings.ToLower(k)] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		// The protocol joins repeated headers with newlines; HAR wants one pair per value.
		for _, v := range strings.Split(h[k], "\n") {
			out = append(out, &har.NameValuePair{Name: k, Value: v})
		}
	}
	return out
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func queryString(raw string) []*har.NameValuePair {
	out := []*har.NameValuePair{}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return out
	}
	for _, part := range strings.Split(u.RawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			name, value = k, v
		}
		out = append(out, &har.NameValuePair{Name: name, Value: value})
	}
	return out
}

func harPostData(body, contentType string) *har.PostData {
	mediaType := contentType
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		mediaType = mt
	}
	pd := &har.PostData{MimeType: contentType, Text: body, Params: []*har.Param{}}
	if mediaType == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(body); err == nil {
			names := make([]string, 0, len(form))
			for k := range form {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				for _, v := range form[k] {
					pd.Params = append(pd.Params, &har.Param{Name: k, Value: v})
				}
			}
		}
	}
	return pd
}

func withoutFragment(raw string) string {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		return raw[:i]
	}
	return raw
}

// httpVersion turns the protocol's ALPN names into what HAR viewers expect.
func httpVersion(protocol string) string {
	switch strings.ToLower(protocol) {
	case "":
		return ""
	case "h2":
		return "HTTP/2"
	case "h3", "h3-29":
		return "HTTP/3"
	case "http/1.0", "http/1.1":
		return strings.ToUpper(protocol)
	default:
		return protocol
	}
}

func harTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// WriteHAR writes h as indented JSON to path.
func WriteHAR(path string, h *har.HAR) error {
	body, err := jsonv2.Marshal(h)
	if err != nil {
		return fmt.Errorf("encoding the HAR: %w", err)
	}
	// cdproto's JSON layer has no indenting option; HAR files get read by people too.
	var indented bytes.Buffer
	if err := json.Indent(&indented, body, "", "  "); err != nil {
		return fmt.Errorf("indenting the HAR: %w", err)
	}
	if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
