package artifact

import "time"

// Diagnostics is diagnostics.json: what the harness knew about the spec's session when it ended, already
// through the harness's redaction. The binary parts (screenshot, filmstrip) and the protocol trace are files
// of their own.
type Diagnostics struct {
	URL             string           `json:"url"`
	Title           string           `json:"title"`
	BrowserVersion  string           `json:"browserVersion"`
	Actions         []Action         `json:"actions"`
	Console         []ConsoleMessage `json:"console"`
	PageErrors      []PageError      `json:"pageErrors"`
	Dialogs         []string         `json:"dialogs"`
	Untrusted       []UntrustedEvent `json:"untrusted"`
	UntrustedReason string           `json:"untrustedReason,omitempty"`
	Network         []NetworkEntry   `json:"network"`
	TraceDropped    int              `json:"traceDropped"`    // older protocol messages the harness did not keep
	Notes           []string         `json:"notes,omitempty"` // what could not be collected, and why
}

// Action is one entry of the harness's action log: what the spec asked for, what it waited for, how it ended.
type Action struct {
	Action   string        `json:"action"`
	Locator  string        `json:"locator,omitempty"`
	Detail   string        `json:"detail,omitempty"` // typed text (masked when secret), key combination, URL
	Element  string        `json:"element,omitempty"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	Attempts int           `json:"attempts,omitempty"`
	Waits    []CheckWait   `json:"waits,omitempty"`
	Error    string        `json:"error,omitempty"`

	// For pointer actions: where the mouse pressed, the target's box then, and where each event of the input
	// really went (the landing proof).
	Point     *Point    `json:"point,omitempty"`
	TargetBox *Box      `json:"targetBox,omitempty"`
	Landings  []Landing `json:"landings,omitempty"`
}

// Point is a position in the top-level viewport's CSS pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Box is an element's border box in the top-level viewport's CSS pixels.
type Box struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Landing is where one event of an action's input went.
type Landing struct {
	Event    string `json:"event"`    // pointerdown, pointerup, click, keydown, beforeinput, hover, …
	Element  string `json:"element"`  // the element that received it
	InTarget bool   `json:"inTarget"` // whether that is the target or inside it
	Box      *Box   `json:"box,omitempty"`
}

// CheckWait is how long an action waited on one actionability check.
type CheckWait struct {
	Check  string        `json:"check"`
	Waited time.Duration `json:"waited"`
	Last   string        `json:"last,omitempty"` // the check's last failing state
}

// ConsoleMessage is one console call of the page.
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

// UntrustedEvent is script-dispatched input (isTrusted === false) that reached the page.
type UntrustedEvent struct {
	Type   string `json:"type"`
	Target string `json:"target"`
	URL    string `json:"url"`
}

// NetworkEntry is one request of the page and what became of it.
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
