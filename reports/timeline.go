package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/inspector"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// TimelineKind groups timeline events for display and filtering.
type TimelineKind string

const (
	KindNavigation TimelineKind = "navigation"
	KindLoad       TimelineKind = "load"
	KindInput      TimelineKind = "input"
	KindConsole    TimelineKind = "console"
	KindError      TimelineKind = "error"
	KindNetwork    TimelineKind = "network"
	KindDialog     TimelineKind = "dialog"
	KindScript     TimelineKind = "script"
)

// TimelineEvent is one protocol message a person would care about, decoded into words.
type TimelineEvent struct {
	Time    time.Time
	Kind    TimelineKind
	Method  string // the protocol method it came from
	Summary string
	Problem bool // an error, a failed request, a crash: shown highlighted
}

// Timeline is a spec's protocol trace reduced to what explains a failure.
type Timeline struct {
	Events    []TimelineEvent
	Decoded   int // trace lines decoded into typed values
	Undecoded int // lines cdproto could not decode (a changed protocol type, or a value the redaction replaced)
}

// BuildTimeline decodes a spec's raw protocol trace with cdproto into typed events and keeps those that
// explain what happened: navigations and loads, trusted input, console calls, exceptions, dialogs, crashes,
// document and API requests, and every failed request. Screencast frames, acks and the harness's own
// queries are left out.
func BuildTimeline(lines []artifact.TraceLine) Timeline {
	var t Timeline
	requests := map[network.RequestID]string{} // id → "METHOD url", to name failures
	for _, l := range lines {
		if skippedMethods[l.Method] {
			continue
		}
		var (
			ev  TimelineEvent
			ok  bool
			err error
		)
		switch l.Kind {
		case "event":
			ev, ok, err = decodeEvent(l, requests)
		case "command":
			ev, ok, err = decodeCommand(l)
		case "result":
			ev, ok, err = decodeResult(l)
		default:
			continue
		}
		var unknown cdp.ErrUnknownCommandOrEvent
		switch {
		case errors.As(err, &unknown):
			continue // deprecated or experimental messages cdproto does not model; none of them explain a failure
		case err != nil:
			t.Undecoded++
			continue
		}
		t.Decoded++
		if ok {
			ev.Time, ev.Method = l.Time, l.Method
			ev.Summary = clip(ev.Summary, maxTimelineText)
			t.Events = append(t.Events, ev)
		}
	}
	return t
}

const maxTimelineText = 300

// skippedMethods are frequent and say nothing about the page: the screencast that fed the filmstrip and the
// harness's own injected queries.
var skippedMethods = map[string]bool{
	"Page.screencastFrame": true, "Page.screencastFrameAck": true, "Page.screencastVisibilityChanged": true,
	"Runtime.callFunctionOn": true, "Runtime.executionContextCreated": true, "Runtime.executionContextDestroyed": true,
	"Runtime.executionContextsCleared": true, "Network.dataReceived": true, "Network.requestWillBeSentExtraInfo": true,
	"Network.responseReceivedExtraInfo": true, "Network.loadingFinished": true, "Network.policyUpdated": true,
	"Page.lifecycleEvent": true, "Page.frameStartedLoading": true, "Page.frameStoppedLoading": true,
	"Page.captureScreenshot": true, "Runtime.bindingCalled": true,
}

func decodeEvent(l artifact.TraceLine, requests map[network.RequestID]string) (TimelineEvent, bool, error) {
	v, err := cdproto.UnmarshalMessage(&cdproto.Message{Method: cdproto.MethodType(l.Method), Params: jsonv2.Value(l.Params)})
	if err != nil {
		return TimelineEvent{}, false, err
	}
	switch e := v.(type) {
	case *page.EventFrameNavigated:
		if e.Frame == nil || e.Frame.ParentID != "" {
			return TimelineEvent{}, false, nil // the canvas iframe and the like: the main frame tells the story
		}
		return TimelineEvent{Kind: KindNavigation, Summary: "navigated to " + e.Frame.URL + e.Frame.URLFragment}, true, nil
	case *page.EventNavigatedWithinDocument:
		return TimelineEvent{Kind: KindNavigation, Summary: "same-document navigation to " + e.URL}, true, nil
	case *page.EventDomContentEventFired:
		return TimelineEvent{Kind: KindLoad, Summary: "DOMContentLoaded"}, true, nil
	case *page.EventLoadEventFired:
		return TimelineEvent{Kind: KindLoad, Summary: "load"}, true, nil
	case *page.EventJavascriptDialogOpening:
		return TimelineEvent{Kind: KindDialog, Summary: fmt.Sprintf("%s dialog: %s", e.Type, e.Message), Problem: true}, true, nil
	case *runtime.EventConsoleAPICalled:
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			parts = append(parts, remoteObjectText(a))
		}
		problem := e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert
		return TimelineEvent{Kind: KindConsole, Summary: fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")), Problem: problem}, true, nil
	case *runtime.EventExceptionThrown:
		return TimelineEvent{Kind: KindError, Summary: "uncaught: " + exceptionText(e.ExceptionDetails), Problem: true}, true, nil
	case *cdplog.EventEntryAdded:
		if e.Entry == nil || e.Entry.Level != cdplog.EntryLevelError {
			return TimelineEvent{}, false, nil
		}
		return TimelineEvent{Kind: KindConsole, Summary: fmt.Sprintf("browser log (%s): %s", e.Entry.Source, e.Entry.Text), Problem: true}, true, nil
	case *inspector.EventTargetCrashed:
		return TimelineEvent{Kind: KindError, Summary: "the page crashed", Problem: true}, true, nil
	case *network.EventRequestWillBeSent:
		if e.Request == nil {
			return TimelineEvent{}, false, nil
		}
		name := e.Request.Method + " " + e.Request.URL
		requests[e.RequestID] = name
		if !interestingResource(e.Type) {
			return TimelineEvent{}, false, nil
		}
		return TimelineEvent{Kind: KindNetwork, Summary: fmt.Sprintf("request %s (%s)", name, e.Type)}, true, nil
	case *network.EventResponseReceived:
		if e.Response == nil || (e.Response.Status < 400 && !interestingResource(e.Type)) {
			return TimelineEvent{}, false, nil
		}
		return TimelineEvent{Kind: KindNetwork, Summary: fmt.Sprintf("response %d %s for %s", e.Response.Status, e.Response.StatusText, e.Response.URL),
			Problem: e.Response.Status >= 400}, true, nil
	case *network.EventLoadingFailed:
		what := requests[e.RequestID]
		if what == "" {
			what = "a request"
		}
		reason := e.ErrorText
		if e.Canceled {
			reason = "canceled"
		}
		if e.BlockedReason != "" {
			reason += ", blocked: " + string(e.BlockedReason)
		}
		return TimelineEvent{Kind: KindNetwork, Summary: fmt.Sprintf("failed %s: %s", what, reason), Problem: true}, true, nil
	}
	return TimelineEvent{}, false, nil
}

func interestingResource(t network.ResourceType) bool {
	return t == network.ResourceTypeDocument || t == network.ResourceTypeXHR || t == network.ResourceTypeFetch
}

// decodeCommand reads what the harness told the browser to do. cdproto's UnmarshalMessage decodes a command's
// result, not its parameters, so parameters are decoded into the domain's own Params types.
func decodeCommand(l artifact.TraceLine) (TimelineEvent, bool, error) {
	switch l.Method {
	case input.CommandDispatchMouseEvent:
		var p input.DispatchMouseEventParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		if p.Type == input.DispatchMouseEventTypeMouseMoved {
			return TimelineEvent{}, false, nil // every click starts with a move; the press says it all
		}
		s := fmt.Sprintf("mouse %s", p.Type)
		if p.Button != "" && p.Button != input.MouseButtonNone {
			s += " " + string(p.Button)
		}
		s += fmt.Sprintf(" at %.0f,%.0f", p.X, p.Y)
		if p.ClickCount > 1 {
			s += fmt.Sprintf(" (click count %d)", p.ClickCount)
		}
		return TimelineEvent{Kind: KindInput, Summary: s}, true, nil
	case input.CommandDispatchKeyEvent:
		var p input.DispatchKeyEventParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		if p.Type != input.DispatchKeyEventTypeKeyDown && p.Type != input.DispatchKeyEventTypeRawKeyDown {
			return TimelineEvent{}, false, nil
		}
		return TimelineEvent{Kind: KindInput, Summary: "key " + keyName(p)}, true, nil
	case input.CommandInsertText:
		var p input.InsertTextParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		// Never the text itself: the action log shows typed text, masked where it was secret.
		return TimelineEvent{Kind: KindInput, Summary: fmt.Sprintf("text input (%d characters)", len([]rune(p.Text)))}, true, nil
	case input.CommandDispatchDragEvent:
		var p input.DispatchDragEventParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		return TimelineEvent{Kind: KindInput, Summary: fmt.Sprintf("drag %s at %.0f,%.0f", p.Type, p.X, p.Y)}, true, nil
	case page.CommandNavigate:
		var p page.NavigateParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		return TimelineEvent{Kind: KindNavigation, Summary: "go to " + p.URL}, true, nil
	case page.CommandReload:
		return TimelineEvent{Kind: KindNavigation, Summary: "reload"}, true, nil
	case runtime.CommandEvaluate:
		var p runtime.EvaluateParams
		if err := jsonv2.Unmarshal(l.Params, &p); err != nil {
			return TimelineEvent{}, false, err
		}
		return TimelineEvent{Kind: KindScript, Summary: "spec evaluated script: " + oneLine(p.Expression)}, true, nil
	}
	return TimelineEvent{}, false, nil
}

// keyName names a key without repeating a printable character: single characters are what someone typed, and
// typed text is shown only through the action log, where the harness masked secrets.
func keyName(p input.DispatchKeyEventParams) string {
	if len([]rune(p.Key)) > 1 {
		return p.Key
	}
	if p.Modifiers != 0 && p.Code != "" {
		return fmt.Sprintf("%s with modifiers %d", p.Code, p.Modifiers)
	}
	return "(a character)"
}

func decodeResult(l artifact.TraceLine) (TimelineEvent, bool, error) {
	if l.Error != "" {
		return TimelineEvent{Kind: KindError, Summary: fmt.Sprintf("%s failed: %s", l.Method, l.Error), Problem: true}, true, nil
	}
	if l.Method != page.CommandNavigate || len(l.Result) == 0 {
		return TimelineEvent{}, false, nil
	}
	v, err := cdproto.UnmarshalMessage(&cdproto.Message{Method: cdproto.MethodType(l.Method), Result: jsonv2.Value(l.Result)})
	if err != nil {
		return TimelineEvent{}, false, err
	}
	if r, ok := v.(*page.NavigateResult); ok && r.ErrorText != "" {
		return TimelineEvent{Kind: KindNavigation, Summary: "navigation failed: " + r.ErrorText, Problem: true}, true, nil
	}
	return TimelineEvent{}, false, nil
}

func remoteObjectText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if o.Type == runtime.RemoteObjectTypeString && json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	if o.UnserializableValue != "" {
		return string(o.UnserializableValue)
	}
	return o.Description
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most n runes, saying so.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + fmt.Sprintf("… (%d more characters)", len(r)-n)
}
