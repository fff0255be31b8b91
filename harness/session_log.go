package harness

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// ActionRecord is one entry of a session's action log: what the spec asked for, what the harness waited for and
// how it ended. Reports show it so a failure can be read without running the spec again.
type ActionRecord struct {
	Action   string        `json:"action"`
	Locator  string        `json:"locator,omitempty"`
	Detail   string        `json:"detail,omitempty"` // typed text (masked when secret), key combination, URL
	Element  string        `json:"element,omitempty"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	Attempts int           `json:"attempts,omitempty"`
	Waits    []CheckWait   `json:"waits,omitempty"`
	Error    string        `json:"error,omitempty"`

	// For pointer actions: where the mouse pressed (top-level viewport CSS pixels), the target's box then, and
	// where each event of the input really went (the landing proof).
	Point     *Point    `json:"point,omitempty"`
	TargetBox *Box      `json:"targetBox,omitempty"`
	Landings  []Landing `json:"landings,omitempty"`

	// The page as it looked just before the action and just after it: screencast frames, when the filmstrip
	// is on. After is the first frame drawn once the action ended (the latest one, if the page did not repaint).
	Before *ScreencastFrame `json:"-"`
	After  *ScreencastFrame `json:"-"`
}

// Landing is where one event of an action's input went.
type Landing struct {
	Event    string `json:"event"`         // pointerdown, pointerup, click, keydown, beforeinput, hover, …
	Element  string `json:"element"`       // the element that received it
	InTarget bool   `json:"inTarget"`      // whether that is the target or inside it
	Box      *Box   `json:"box,omitempty"` // the receiving element's box when it arrived
}

// CheckWait says how long an action waited on one check before it passed (or until the action gave up).
type CheckWait struct {
	Check  Check         `json:"check"`
	Waited time.Duration `json:"waited"`
	Last   string        `json:"last,omitempty"` // the check's last failing state
}

// ConsoleMessage is a console call the page made.
type ConsoleMessage struct {
	Time  time.Time `json:"time"`
	Level string    `json:"level"` // log, info, warning, error, …
	Text  string    `json:"text"`
	Where string    `json:"where,omitempty"`
}

// PageError is an uncaught exception or unhandled rejection in the page.
type PageError struct {
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
	Where   string    `json:"where,omitempty"`
}

// UntrustedEvent is an input event that page script dispatched (isTrusted === false), which no person produced.
type UntrustedEvent struct {
	Type   string `json:"type"`
	Target string `json:"target"`
	URL    string `json:"url"`
}

func (e UntrustedEvent) String() string {
	return fmt.Sprintf("untrusted %s on %s (%s)", e.Type, e.Target, e.URL)
}

const maxLogEntries = 500

func (s *Session) recordAction(r ActionRecord) {
	s.mu.Lock()
	r.Detail = maskSecrets(r.Detail, s.secrets)
	r.Error = maskSecrets(r.Error, s.secrets)
	if len(s.actions) >= maxLogEntries {
		s.mu.Unlock()
		return
	}
	s.actions = append(s.actions, r)
	i := len(s.actions) - 1
	s.mu.Unlock()
	// The page before the action, when no frame had reached us as it started: frames carry the time they were
	// painted and arrive later than that on a busy machine, so the first one to arrive still counts if it was
	// painted before the action began.
	if r.Before == nil {
		s.page.film.firstAfter(time.Time{}, func(f *ScreencastFrame) {
			if !f.Time.Before(r.Start) {
				return
			}
			s.mu.Lock()
			if i < len(s.actions) && s.actions[i].Before == nil {
				s.actions[i].Before = f
			}
			s.mu.Unlock()
		})
	}
	// The page as the action left it: the first frame drawn once it ended.
	s.page.film.firstAfter(r.Start.Add(r.Duration), func(f *ScreencastFrame) {
		s.mu.Lock()
		if i < len(s.actions) {
			s.actions[i].After = f
		}
		s.mu.Unlock()
	})
}

func (s *Session) recordUntrusted(payload string) {
	var e UntrustedEvent
	if json.Unmarshal([]byte(payload), &e) != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.untrusted) < maxLogEntries {
		s.untrusted = append(s.untrusted, e)
	}
}

func (s *Session) recordConsole(e *proto.RuntimeConsoleAPICalled) {
	parts := make([]string, 0, len(e.Args))
	for _, a := range e.Args {
		parts = append(parts, remoteObjectText(a))
	}
	m := ConsoleMessage{Time: time.Now(), Level: string(e.Type), Text: strings.Join(parts, " ")}
	if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
		f := e.StackTrace.CallFrames[0]
		m.Where = fmt.Sprintf("%s:%d:%d", f.URL, f.LineNumber+1, f.ColumnNumber+1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m.Text = maskSecrets(m.Text, s.secrets)
	if len(s.console) < maxLogEntries {
		s.console = append(s.console, m)
	}
}

func (s *Session) recordPageError(e *proto.RuntimeExceptionThrown) {
	d := e.ExceptionDetails
	pe := PageError{Time: time.Now(), Message: exceptionText(d)}
	if d.URL != "" {
		pe.Where = fmt.Sprintf("%s:%d:%d", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pe.Message = maskSecrets(pe.Message, s.secrets)
	if len(s.pageErrors) < maxLogEntries {
		s.pageErrors = append(s.pageErrors, pe)
	}
}

func (s *Session) recordDialog(e *proto.PageJavascriptDialogOpening) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dialogs = append(s.dialogs, fmt.Sprintf("%s dialog dismissed: %q", e.Type, e.Message))
}

func remoteObjectText(o *proto.RuntimeRemoteObject) string {
	if o == nil {
		return ""
	}
	if !o.Value.Nil() {
		if o.Type == proto.RuntimeRemoteObjectTypeString {
			return o.Value.Str()
		}
		return o.Value.JSON("", "")
	}
	if o.UnserializableValue != "" {
		return string(o.UnserializableValue)
	}
	return o.Description
}

func maskSecrets(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "••••••")
		}
	}
	return text
}

// lockedCopy copies one of the session's logs under the lock its recorders take, so the caller can keep it.
func lockedCopy[T any](mu *sync.Mutex, log *[]T) []T {
	mu.Lock()
	defer mu.Unlock()
	return append([]T(nil), (*log)...)
}

// Actions returns the session's action log so far.
func (s *Session) Actions() []ActionRecord { return lockedCopy(&s.mu, &s.actions) }

// ConsoleMessages returns what the page logged to its console.
func (s *Session) ConsoleMessages() []ConsoleMessage { return lockedCopy(&s.mu, &s.console) }

// PageErrors returns the page's uncaught exceptions.
func (s *Session) PageErrors() []PageError { return lockedCopy(&s.mu, &s.pageErrors) }

// Dialogs returns the JavaScript dialogs the harness dismissed.
func (s *Session) Dialogs() []string { return lockedCopy(&s.mu, &s.dialogs) }

// UntrustedEvents returns the script-dispatched input events that reached the page.
func (s *Session) UntrustedEvents() []UntrustedEvent { return lockedCopy(&s.mu, &s.untrusted) }

// UntrustedEventsError is the failure for a session that saw untrusted input without declaring why.
type UntrustedEventsError struct {
	Events []UntrustedEvent
}

func (e *UntrustedEventsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d untrusted input events reached the page; a person cannot produce them, so the spec may pass where users fail. "+
		"If the spec dispatches them on purpose, declare it with AllowUntrustedEvents(reason):", len(e.Events))
	for i, ev := range e.Events {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … and %d more", len(e.Events)-5)
			break
		}
		fmt.Fprintf(&b, "\n    %s", ev)
	}
	return b.String()
}

// CheckUntrustedEvents returns an *UntrustedEventsError when untrusted input reached the page and the session
// did not declare why with AllowUntrustedEvents.
func (s *Session) CheckUntrustedEvents() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.untrusted) == 0 || s.untrustedReason != "" {
		return nil
	}
	return &UntrustedEventsError{Events: append([]UntrustedEvent(nil), s.untrusted...)}
}
