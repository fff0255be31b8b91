package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/har"
	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/google/go-cmp/cmp"
)

func harDiagnostics() *artifact.Diagnostics {
	start := t0.Add(time.Second)
	return &artifact.Diagnostics{
		URL: "http://app.test/editor?doc=1", Title: "Fixture Editor", BrowserVersion: "Chrome/156.0.8078.79",
		Network: []artifact.NetworkEntry{
			{
				RequestID: "1", URL: "http://app.test/api/login?next=%2Fhome&token=[redacted]#top", Method: "POST", ResourceType: "Fetch",
				RequestHeaders: map[string]string{
					"Content-Type": "application/x-www-form-urlencoded", "Cookie": "session=abc",
					"authorization": "Bearer xyz", "Proxy-Authorization": "Basic 123", "Accept": "*/*",
				},
				PostData: "user=ann&password=[redacted]",
				Status:   200, StatusText: "OK", Protocol: "h2", MimeType: "application/json",
				ResponseHeaders: map[string]string{"Set-Cookie": "session=abc; HttpOnly\nother=1", "Content-Type": "application/json", "X-Trace": "a\nb"},
				Started:         start, Finished: start.Add(120 * time.Millisecond), EncodedBytes: 310,
			},
			{
				RequestID: "2", URL: "http://blocked.test/pixel.gif", Method: "GET", ResourceType: "Image",
				Started: start.Add(time.Second), Finished: start.Add(time.Second + 5*time.Millisecond), Failure: "net::ERR_NAME_NOT_RESOLVED",
			},
			{
				RequestID: "3", URL: "http://app.test/old", Method: "GET", ResourceType: "Document", Status: 302, StatusText: "Found",
				Protocol: "http/1.1", ResponseHeaders: map[string]string{"Location": "/new"}, Started: start.Add(2 * time.Second),
			},
		},
	}
}

func TestTheHARLeavesOutCookiesAndCredentialHeaders(t *testing.T) {
	h := BuildHAR(harDiagnostics())
	login := h.Log.Entries[0]
	names := func(pairs []*har.NameValuePair) []string {
		var out []string
		for _, p := range pairs {
			out = append(out, p.Name+": "+p.Value)
		}
		return out
	}
	if diff := cmp.Diff([]string{"Accept: */*", "Content-Type: application/x-www-form-urlencoded"}, names(login.Request.Headers)); diff != "" {
		t.Errorf("request headers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Content-Type: application/json", "X-Trace: a", "X-Trace: b"}, names(login.Response.Headers)); diff != "" {
		t.Errorf("response headers (-want +got):\n%s", diff)
	}
	if len(login.Request.Cookies) != 0 || len(login.Response.Cookies) != 0 {
		t.Error("the HAR carries cookies")
	}
	body, err := jsonv2.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"session=abc", "Bearer xyz", "Basic 123"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the HAR holds %q", secret)
		}
	}
}

func TestTheHARDescribesEachRequest(t *testing.T) {
	h := BuildHAR(harDiagnostics())
	if h.Log.Version != "1.2" || h.Log.Creator == nil || h.Log.Browser.Name != "Chrome" || h.Log.Browser.Version != "156.0.8078.79" {
		t.Errorf("log header: version %q creator %+v browser %+v", h.Log.Version, h.Log.Creator, h.Log.Browser)
	}
	if len(h.Log.Pages) != 1 || h.Log.Pages[0].Title != "Fixture Editor" {
		t.Errorf("pages: %+v", h.Log.Pages)
	}
	login, failed, redirect := h.Log.Entries[0], h.Log.Entries[1], h.Log.Entries[2]
	if login.Request.URL != "http://app.test/api/login?next=%2Fhome&token=[redacted]" {
		t.Errorf("request URL %q keeps its fragment or lost its query", login.Request.URL)
	}
	var query []string
	for _, q := range login.Request.QueryString {
		query = append(query, q.Name+"="+q.Value)
	}
	if diff := cmp.Diff([]string{"next=/home", "token=[redacted]"}, query); diff != "" {
		t.Errorf("query string (-want +got):\n%s", diff)
	}
	if pd := login.Request.PostData; pd == nil || pd.Text != "user=ann&password=[redacted]" || len(pd.Params) != 2 || pd.Params[0].Name != "password" {
		t.Errorf("post data: %+v", pd)
	}
	if login.Request.HTTPVersion != "HTTP/2" || login.Time != 120 || login.Timings.Wait != 120 || login.StartedDateTime != "2026-11-22T10:00:01.000Z" {
		t.Errorf("login entry: version %q time %v wait %v started %q", login.Request.HTTPVersion, login.Time, login.Timings.Wait, login.StartedDateTime)
	}
	if login.Response.Content.Size != 310 || login.Response.BodySize != 310 || login.Response.Content.MimeType != "application/json" {
		t.Errorf("login response content: %+v body %d", login.Response.Content, login.Response.BodySize)
	}
	if failed.Response.Status != 0 || failed.Comment != "net::ERR_NAME_NOT_RESOLVED" || failed.Response.BodySize != -1 {
		t.Errorf("failed request: status %d comment %q body %d", failed.Response.Status, failed.Comment, failed.Response.BodySize)
	}
	if redirect.Response.RedirectURL != "/new" || redirect.Time != 0 {
		t.Errorf("redirect: %q, time %v (unfinished requests have no duration)", redirect.Response.RedirectURL, redirect.Time)
	}
}

func TestAHARFileIsValidJSONWithEmptyListsNotNulls(t *testing.T) {
	path := filepath.Join(t.TempDir(), artifact.FileHAR)
	if err := WriteHAR(path, BuildHAR(&artifact.Diagnostics{URL: "http://app.test/"})); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("network.har is not JSON: %v", err)
	}
	if entries, ok := doc["log"]["entries"].([]any); !ok || len(entries) != 0 {
		t.Errorf("entries = %#v, want an empty list (HAR viewers reject null)", doc["log"]["entries"])
	}
	if err := WriteHAR(path, BuildHAR(harDiagnostics())); err != nil {
		t.Fatal(err)
	}
	body, _ = os.ReadFile(path)
	var back har.HAR
	if err := jsonv2.Unmarshal(body, &back); err != nil || len(back.Log.Entries) != 3 {
		t.Fatalf("cdproto cannot read back the HAR it wrote (%v)", err)
	}
}
