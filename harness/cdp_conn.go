package harness

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod/lib/cdp"
)

// cdpConn sits between rod and the DevTools connection. It notices when the connection drops (the browser
// died), and it lets a session record its raw protocol traffic for the failure trace.
type cdpConn struct {
	client   *cdp.Client
	ws       *cdp.WebSocket
	events   chan *cdp.Event
	lost     chan struct{} // closed when the connection is found dead
	lostOnce sync.Once

	tracers sync.Map // session id → *protocolTrace
	heard   sync.Map // session id → *atomic.Int64: when the browser last sent anything for that session
}

// heardFrom notes that the browser sent something for a session: an answer or an event. A page that sends
// nothing at all for a long time is hung; one that answers slowly is only slow.
func (c *cdpConn) heardFrom(sessionID string) {
	if sessionID == "" {
		return
	}
	v, ok := c.heard.Load(sessionID)
	if !ok {
		v, _ = c.heard.LoadOrStore(sessionID, new(atomic.Int64))
	}
	v.(*atomic.Int64).Store(time.Now().UnixNano())
}

// lastHeard is when the browser last sent anything for the session, zero when never.
func (c *cdpConn) lastHeard(sessionID string) time.Time {
	v, ok := c.heard.Load(sessionID)
	if !ok {
		return time.Time{}
	}
	return time.Unix(0, v.(*atomic.Int64).Load())
}

func dialCDP(ctx context.Context, wsURL string, header map[string][]string) (*cdpConn, error) {
	ws := &cdp.WebSocket{}
	if err := ws.Connect(ctx, wsURL, header); err != nil {
		return nil, err
	}
	c := &cdpConn{client: cdp.New().Start(ws), ws: ws, events: make(chan *cdp.Event), lost: make(chan struct{})}
	go c.forward()
	return c, nil
}

func (c *cdpConn) forward() {
	defer c.markLost()
	defer close(c.events)
	for e := range c.client.Event() {
		c.heardFrom(e.SessionID)
		if t, ok := c.tracers.Load(e.SessionID); ok {
			t.(*protocolTrace).event(e.Method, e.Params)
		}
		c.events <- e
	}
}

// Event implements rod.CDPClient.
func (c *cdpConn) Event() <-chan *cdp.Event { return c.events }

// Call implements rod.CDPClient.
func (c *cdpConn) Call(ctx context.Context, sessionID, method string, params any) ([]byte, error) {
	t, tracing := c.tracers.Load(sessionID)
	var id int64
	if tracing {
		id = t.(*protocolTrace).request(method, params)
	}
	res, err := c.client.Call(ctx, sessionID, method, params)
	if err == nil {
		c.heardFrom(sessionID)
	}
	if tracing {
		t.(*protocolTrace).response(id, method, res, err)
	}
	if err != nil && ctx.Err() == nil && (c.isLost() || isTransportError(err)) {
		// The failed call may learn of the dead connection before the event stream does: mark it lost now, so
		// that everything waiting on the browser hears of it at once.
		c.markLost()
		return nil, &CrashError{What: "the browser process exited (the DevTools connection closed)", During: method}
	}
	return res, err
}

func (c *cdpConn) markLost() { c.lostOnce.Do(func() { close(c.lost) }) }

// isTransportError reports a failure of the connection itself: anything but the browser's own error answer
// or the caller's context ending.
func isTransportError(err error) bool {
	var ce *cdp.Error
	return !errors.As(err, &ce) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c *cdpConn) isLost() bool {
	select {
	case <-c.lost:
		return true
	default:
		return false
	}
}

func (c *cdpConn) close() error { return c.ws.Close() }

// isContextGone reports CDP errors that mean "the JavaScript context you used no longer exists" (navigation).
func isContextGone(err error) bool {
	var ce *cdp.Error
	if !errors.As(err, &ce) {
		return false
	}
	return ce.Code == cdp.ErrCtxNotFound.Code && (ce.Message == cdp.ErrCtxNotFound.Message ||
		ce.Message == cdp.ErrCtxDestroyed.Message || ce.Message == "Inspected target navigated or closed")
}

// rawJSON turns CDP params into JSON for the trace, whatever rod passed.
func rawJSON(v any) json.RawMessage {
	switch x := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		return x
	case []byte:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
