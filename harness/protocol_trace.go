package harness

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// TraceLine is one DevTools protocol message of a session: a command sent, its answer, or an event.
type TraceLine struct {
	Time   time.Time       `json:"time"`
	Kind   string          `json:"kind"` // "command", "result", "event"
	ID     int64           `json:"id,omitempty"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// protocolTrace keeps the most recent protocol traffic of one session, bounded so a long spec cannot grow it
// without limit. It is kept so that a failing spec can show what the browser was told and what it answered.
type protocolTrace struct {
	mu    sync.Mutex
	seq   int64
	lines []TraceLine
	limit int
	drops int

	// maskInput hides what is typed while a secret is entered: typed one key at a time, a password would sit in
	// the trace a character per command, out of reach of any search for the whole value.
	maskInput bool
}

func newProtocolTrace(limit int) *protocolTrace { return &protocolTrace{limit: limit} }

// maxTracedMessage bounds one traced message: screenshots and screencast frames are kept elsewhere.
const maxTracedMessage = 32 << 10

func (t *protocolTrace) add(l TraceLine) {
	l.Params, l.Result = bounded(l.Params), bounded(l.Result)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) >= t.limit {
		// Drop the oldest half at once: amortised O(1) and the newest traffic, which explains a failure, stays.
		n := len(t.lines) / 2
		t.drops += n
		t.lines = append(t.lines[:0], t.lines[n:]...)
	}
	t.lines = append(t.lines, l)
}

func (t *protocolTrace) request(method string, params any) int64 {
	t.mu.Lock()
	t.seq++
	id := t.seq
	masked := t.maskInput && (method == "Input.dispatchKeyEvent" || method == "Input.insertText")
	t.mu.Unlock()
	raw := rawJSON(params)
	if masked {
		raw = json.RawMessage(`{"masked":"secret input"}`)
	}
	t.add(TraceLine{Time: time.Now(), Kind: "command", ID: id, Method: method, Params: raw})
	return id
}

// masking hides typed input from the trace until the returned function is called.
func (t *protocolTrace) masking() (stop func()) {
	if t == nil {
		return func() {}
	}
	t.mu.Lock()
	t.maskInput = true
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		t.maskInput = false
		t.mu.Unlock()
	}
}

func (t *protocolTrace) response(id int64, method string, result []byte, err error) {
	l := TraceLine{Time: time.Now(), Kind: "result", ID: id, Method: method, Result: result}
	if err != nil {
		l.Error = err.Error()
	}
	t.add(l)
}

func (t *protocolTrace) event(method string, params json.RawMessage) {
	t.add(TraceLine{Time: time.Now(), Kind: "event", Method: method, Params: params})
}

func (t *protocolTrace) snapshot() (lines []TraceLine, dropped int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TraceLine(nil), t.lines...), t.drops
}

func bounded(m json.RawMessage) json.RawMessage {
	if len(m) <= maxTracedMessage {
		return m
	}
	return json.RawMessage(fmt.Sprintf(`{"omitted":"%d bytes"}`, len(m)))
}
