package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/google/go-cmp/cmp"
)

func traceLine(t *testing.T, at time.Duration, kind, method string, params any) artifact.TraceLine {
	return artifact.TraceLine{Time: t0.Add(at), Kind: kind, Method: method, Params: jsonRaw(t, params)}
}

func TestTheTimelineDecodesTheTraceIntoWhatHappened(t *testing.T) {
	ms := time.Millisecond
	lines := []artifact.TraceLine{
		traceLine(t, 1*ms, "command", "Page.navigate", map[string]any{"url": "http://app.test/?doc=1"}),
		{Time: t0.Add(2 * ms), Kind: "result", ID: 1, Method: "Page.navigate", Result: jsonRaw(t, map[string]any{"frameId": "F", "loaderId": "L"})},
		traceLine(t, 3*ms, "event", "Network.requestWillBeSent", map[string]any{"requestId": "r1", "loaderId": "L", "documentURL": "http://app.test/",
			"request":   map[string]any{"url": "http://app.test/?doc=1", "method": "GET", "headers": map[string]any{}, "initialPriority": "VeryHigh", "referrerPolicy": "no-referrer"},
			"timestamp": 1.0, "wallTime": 2.0, "initiator": map[string]any{"type": "other"}, "redirectHasExtraInfo": false, "type": "Document", "hasUserGesture": false}),
		traceLine(t, 4*ms, "event", "Network.requestWillBeSent", map[string]any{"requestId": "r2", "loaderId": "L", "documentURL": "http://app.test/",
			"request":   map[string]any{"url": "http://app.test/logo.png", "method": "GET", "headers": map[string]any{}, "initialPriority": "Low", "referrerPolicy": "no-referrer"},
			"timestamp": 1.0, "wallTime": 2.0, "initiator": map[string]any{"type": "parser"}, "redirectHasExtraInfo": false, "type": "Image", "hasUserGesture": false}),
		traceLine(t, 5*ms, "event", "Network.loadingFailed", map[string]any{"requestId": "r2", "timestamp": 1.5, "type": "Image", "errorText": "net::ERR_NAME_NOT_RESOLVED", "canceled": false}),
		traceLine(t, 6*ms, "event", "Page.frameNavigated", map[string]any{"frame": map[string]any{"id": "F", "loaderId": "L", "url": "http://app.test/?doc=1",
			"domainAndRegistry": "", "securityOrigin": "http://app.test", "mimeType": "text/html", "secureContextType": "InsecureScheme",
			"crossOriginIsolatedContextType": "NotIsolated", "gatedAPIFeatures": []any{}}, "type": "Navigation"}),
		traceLine(t, 7*ms, "event", "Page.loadEventFired", map[string]any{"timestamp": 2.0}),
		traceLine(t, 8*ms, "event", "Page.screencastFrame", map[string]any{"data": "AAAA", "sessionId": 1}),
		traceLine(t, 9*ms, "command", "Input.dispatchMouseEvent", map[string]any{"type": "mouseMoved", "x": 10, "y": 20}),
		traceLine(t, 10*ms, "command", "Input.dispatchMouseEvent", map[string]any{"type": "mousePressed", "x": 10.4, "y": 20, "button": "left", "clickCount": 1}),
		traceLine(t, 11*ms, "command", "Input.dispatchKeyEvent", map[string]any{"type": "keyDown", "key": "s", "text": "s"}),
		traceLine(t, 12*ms, "command", "Input.dispatchKeyEvent", map[string]any{"type": "rawKeyDown", "key": "Enter"}),
		traceLine(t, 13*ms, "command", "Input.insertText", map[string]any{"text": "hunter2"}),
		traceLine(t, 14*ms, "event", "Runtime.consoleAPICalled", map[string]any{"type": "error", "executionContextId": 1, "timestamp": 3.0,
			"args": []any{map[string]any{"type": "string", "value": "boom"}, map[string]any{"type": "number", "value": 42}}}),
		traceLine(t, 15*ms, "event", "Runtime.exceptionThrown", map[string]any{"timestamp": 3.0, "exceptionDetails": map[string]any{"exceptionId": 1,
			"text": "Uncaught", "lineNumber": 1, "columnNumber": 2, "exception": map[string]any{"type": "object", "description": "TypeError: x is undefined"}}}),
		traceLine(t, 16*ms, "event", "Page.javascriptDialogOpening", map[string]any{"url": "http://app.test/", "frameId": "F", "message": "Leave?", "type": "beforeunload", "hasBrowserHandler": false}),
		traceLine(t, 17*ms, "event", "Page.frameScheduledNavigation", map[string]any{"frameId": "F"}),
		traceLine(t, 18*ms, "event", "Network.responseReceived", map[string]any{"requestId": "r3", "loaderId": "L", "timestamp": 4.0, "type": "Fetch", "hasExtraInfo": false,
			"response": map[string]any{"url": "http://app.test/api/save", "status": 500, "statusText": "Internal Server Error", "headers": map[string]any{},
				"mimeType": "application/json", "charset": "", "connectionReused": false, "connectionId": 1, "encodedDataLength": 10, "securityState": "neutral"}}),
		{Time: t0.Add(19 * ms), Kind: "result", ID: 9, Method: "Input.dispatchMouseEvent", Error: "the target was detached"},
	}
	tl := BuildTimeline(lines)
	var got []string
	for _, e := range tl.Events {
		mark := ""
		if e.Problem {
			mark = "!"
		}
		got = append(got, string(e.Kind)+mark+" "+e.Summary)
	}
	want := []string{
		"navigation go to http://app.test/?doc=1",
		"network request GET http://app.test/?doc=1 (Document)",
		"network! failed GET http://app.test/logo.png: net::ERR_NAME_NOT_RESOLVED",
		"navigation navigated to http://app.test/?doc=1",
		"load load",
		"input mouse mousePressed left at 10,20",
		"input key (a character)",
		"input key Enter",
		"input text input (7 characters)",
		"console! console.error: boom 42",
		"error! uncaught: TypeError: x is undefined",
		"dialog! beforeunload dialog: Leave?",
		"network! response 500 Internal Server Error for http://app.test/api/save",
		"error! Input.dispatchMouseEvent failed: the target was detached",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	if tl.Undecoded != 0 {
		t.Errorf("%d lines undecoded", tl.Undecoded)
	}
	for _, e := range tl.Events {
		if strings.Contains(e.Summary, "hunter2") {
			t.Error("the timeline repeats typed text; only the harness's masked action log may show it")
		}
	}
}

func TestTheTimelineCountsWhatCdprotoCannotDecode(t *testing.T) {
	tl := BuildTimeline([]artifact.TraceLine{
		// The harness's redaction replaced a number with a string: the typed decode fails.
		traceLine(t, 0, "event", "Page.loadEventFired", map[string]any{"timestamp": "[redacted]"}),
		traceLine(t, 0, "command", "Input.dispatchMouseEvent", map[string]any{"type": "mousePressed", "x": "[redacted]", "y": 1}),
	})
	if tl.Undecoded != 2 || len(tl.Events) != 0 {
		t.Errorf("undecoded %d, events %v", tl.Undecoded, tl.Events)
	}
}
