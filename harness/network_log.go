package harness

import (
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

const maxNetworkEntries = 1000

// networkLog follows the page's requests from the Network domain's events.
type networkLog struct {
	mu      sync.Mutex
	entries []*NetworkEntry
	byID    map[proto.NetworkRequestID]*networkRequest
}

type networkRequest struct {
	entry *NetworkEntry
	mono  proto.MonotonicTime // the request's start on the protocol's monotonic clock
}

func (n *networkLog) requestWillBeSent(e *proto.NetworkRequestWillBeSent) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byID == nil {
		n.byID = map[proto.NetworkRequestID]*networkRequest{}
	}
	if prev, ok := n.byID[e.RequestID]; ok && e.RedirectResponse != nil {
		// A redirect reuses the request id: close the previous hop with its redirect response.
		n.respond(prev, e.RedirectResponse)
		prev.entry.Finished = n.at(prev, e.Timestamp)
	}
	if len(n.entries) >= maxNetworkEntries {
		return
	}
	entry := &NetworkEntry{
		RequestID:      string(e.RequestID),
		URL:            e.Request.URL + e.Request.URLFragment,
		Method:         e.Request.Method,
		ResourceType:   string(e.Type),
		RequestHeaders: headerMap(e.Request.Headers),
		PostData:       e.Request.PostData,
		Started:        e.WallTime.Time(),
	}
	n.entries = append(n.entries, entry)
	n.byID[e.RequestID] = &networkRequest{entry: entry, mono: e.Timestamp}
}

func (n *networkLog) responseReceived(e *proto.NetworkResponseReceived) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if r, ok := n.byID[e.RequestID]; ok {
		n.respond(r, e.Response)
	}
}

func (n *networkLog) respond(r *networkRequest, res *proto.NetworkResponse) {
	r.entry.Status = res.Status
	r.entry.StatusText = res.StatusText
	r.entry.ResponseHeaders = headerMap(res.Headers)
	r.entry.MimeType = res.MIMEType
	r.entry.Protocol = res.Protocol
}

func (n *networkLog) loadingFinished(e *proto.NetworkLoadingFinished) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if r, ok := n.byID[e.RequestID]; ok {
		r.entry.Finished = n.at(r, e.Timestamp)
		r.entry.EncodedBytes = int64(e.EncodedDataLength)
		delete(n.byID, e.RequestID)
	}
}

func (n *networkLog) loadingFailed(e *proto.NetworkLoadingFailed) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if r, ok := n.byID[e.RequestID]; ok {
		r.entry.Finished = n.at(r, e.Timestamp)
		r.entry.Failure = e.ErrorText
		if e.Canceled {
			r.entry.Failure = "canceled"
		}
		delete(n.byID, e.RequestID)
	}
}

// at converts a monotonic protocol time into wall time through the request's own start.
func (n *networkLog) at(r *networkRequest, t proto.MonotonicTime) time.Time {
	return r.entry.Started.Add(time.Duration((float64(t) - float64(r.mono)) * float64(time.Second)))
}

func (n *networkLog) snapshot() []NetworkEntry {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]NetworkEntry, len(n.entries))
	for i, e := range n.entries {
		out[i] = *e
		out[i].RequestHeaders = copyHeaders(e.RequestHeaders)
		out[i].ResponseHeaders = copyHeaders(e.ResponseHeaders)
	}
	return out
}

func headerMap(h proto.NetworkHeaders) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = v.Str()
	}
	return out
}

func copyHeaders(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

func (p *Page) networkEntries() []NetworkEntry { return p.network.snapshot() }
