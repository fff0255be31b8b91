package harness_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

func TestUntrustedClickFromPageScriptIsRecordedAndFailsTheCheck(t *testing.T) {
	p, ctx := openWithContext(t, "untrusted.html")
	if _, err := p.Evaluate(ctx, `fakeClick()`); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1") // the script click "works": that is the danger
	s := p.Session()
	events := s.UntrustedEvents()
	if len(events) != 1 || events[0].Type != "click" || !strings.Contains(events[0].Target, `data-testid="go"`) {
		t.Fatalf("untrusted events: %+v", events)
	}
	err := s.CheckUntrustedEvents()
	var ue *harness.UntrustedEventsError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "untrusted click on <button") {
		t.Fatalf("want an *UntrustedEventsError naming the click, got %v", err)
	}
	s.AllowUntrustedEvents("the baseline drives the page from script on purpose")
	if err := s.CheckUntrustedEvents(); err != nil {
		t.Errorf("declared untrusted events still fail: %v", err)
	}
}

func TestTrustedInputLeavesNoUntrustedEvents(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	if err := p.ByLabel("Name").Type(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if err := p.ByLabel("I agree").Check(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Session().CheckUntrustedEvents(); err != nil {
		t.Fatal(err)
	}
}

func TestUntrustedEventsInsideAnIframeAreRecordedToo(t *testing.T) {
	p, ctx := openWithContext(t, "frame.html")
	if err := p.ByTestID("canvas").Frame().ByTestID("inner").WaitFor(ctx, harness.Visible); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Evaluate(ctx, `document.querySelector('iframe').contentDocument.querySelector('[data-testid=inner]').click()`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(p.Session().UntrustedEvents()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	events := p.Session().UntrustedEvents()
	if len(events) != 1 || !strings.HasSuffix(events[0].URL, "frame_inner.html") {
		t.Fatalf("untrusted events: %+v", events)
	}
}

func TestActionLogRecordsChecksAndOutcome(t *testing.T) {
	p := open(t, "overlay.html")
	_ = p.ByTestID("go").Click(short(t))
	log := p.Session().Actions()
	if len(log) != 1 {
		t.Fatalf("action log: %+v", log)
	}
	a := log[0]
	if a.Action != "click" || a.Locator != "testid=go" || a.Error == "" || a.Attempts < 2 {
		t.Errorf("record: %+v", a)
	}
	if len(a.Waits) == 0 || a.Waits[0].Check != "receives events" || !strings.Contains(a.Waits[0].Last, "tooltip-layer") {
		t.Errorf("waits: %+v", a.Waits)
	}
}

func TestSecretTextIsMaskedInTheActionLog(t *testing.T) {
	p := open(t, "form.html")
	if err := p.ByLabel("Name").Fill(context.Background(), "hunter2-secret", harness.Secret()); err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Session().Actions() {
		if strings.Contains(a.Detail+a.Error, "hunter2") {
			t.Fatalf("the secret is in the log: %+v", a)
		}
	}
}

func TestGotoAHostOutsideTheAllowListFailsWithAHint(t *testing.T) {
	s, err := testBrowser().NewSession(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Page().Goto(context.Background(), "http://example.com/")
	var ne *harness.NavigationError
	if !errors.As(err, &ne) || !strings.Contains(ne.Reason, "ERR_NAME_NOT_RESOLVED") || !strings.Contains(ne.Hint, "WithAllowedHosts") {
		t.Fatalf("want a hermetic-network NavigationError, got %v", err)
	}
}

func TestGotoAPageAnsweringHTTP500Fails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken deploy", http.StatusInternalServerError)
	}))
	defer srv.Close()
	s, err := testBrowser().NewSession(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Page().Goto(context.Background(), srv.URL)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("want an HTTP 500 NavigationError, got %v", err)
	}
	if err := s.Page().Goto(context.Background(), srv.URL, harness.AllowHTTPError()); err != nil {
		t.Fatalf("AllowHTTPError: %v", err)
	}
}

// A page whose load event never fires (a request that never ends) must fail within the navigation timeout.
func TestGotoAPageThatNeverFinishesLoadingTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow.png" {
			<-release
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<img src="/slow.png">`))
	}))
	defer srv.Close()
	defer close(release)
	s, err := testBrowser().NewSession(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err = s.Page().Goto(ctx, srv.URL)
	var ne *harness.NavigationError
	if !errors.As(err, &ne) || !strings.Contains(ne.Reason, "did not reach its load event") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a load timeout, got %v", err)
	}
	if err := s.Page().Goto(context.Background(), srv.URL, harness.WaitForDOMContentLoaded()); err != nil {
		t.Errorf("DOMContentLoaded: %v", err)
	}
}
