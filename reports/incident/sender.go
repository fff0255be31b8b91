package incident

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Sender delivers notifications to one incident system.
//
// Send makes one attempt and returns nil once the API accepted the
// notification, or a *[DeliveryError] saying whether trying again could
// help. Retrying, backing off and keeping undelivered notifications are the
// [Deliverer]'s job, so every sender follows the same policy.
//
// Name must be stable across runs and made of lower-case letters, digits,
// '-' and '_': the outbox records it in file names, never the credentials,
// and the next run matches entries to senders by it.
type Sender interface {
	Name() string
	Send(ctx context.Context, n Notification) error
}

// Filter is implemented by senders that have nothing to do for some
// notifications (Opsgenie and Statuspage have no deploy markers). The
// deliverer does not put those in the outbox, so reports do not claim a
// delivery that never happened.
type Filter interface {
	Accepts(n Notification) bool
}

func accepts(s Sender, n Notification) bool {
	if f, ok := s.(Filter); ok {
		return f.Accepts(n)
	}
	return true
}

// UserAgent identifies every request, so the receiving side can tell the
// smoke runner's traffic apart in its logs.
const UserAgent = "e2e-harness-smoke/1 (+https://github.com/e2e-harness/e2e)"

// maxResponseBody bounds what is read of an answer: only error messages and
// small acknowledgements are expected.
const maxResponseBody = 1 << 20

// apiRequest is one HTTP exchange made by a sender.
type apiRequest struct {
	sender string
	client *http.Client
	method string
	url    string // may contain a credential; never printed
	header http.Header
	body   any // encoded as JSON; nil sends no body
	// rawBody, when set, is sent instead of body, for senders that sign
	// the exact bytes.
	rawBody []byte
	// retryable adds statuses an API uses for "slow down" beyond 429
	// (Statuspage answers 420).
	retryable func(status int) bool
}

// do sends the request and returns the response body for a 2xx, otherwise
// a *DeliveryError.
func (r apiRequest) do(ctx context.Context) ([]byte, http.Header, error) {
	shown := r.method + " " + EndpointOrigin(r.url)
	var payload io.Reader
	switch {
	case r.rawBody != nil:
		payload = bytes.NewReader(r.rawBody)
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, nil, &DeliveryError{Sender: r.sender, Message: "encoding the request: " + err.Error(), Err: err}
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, payload)
	if err != nil {
		// The error would quote the URL; say which request instead.
		return nil, nil, &DeliveryError{Sender: r.sender, Message: "building " + shown + ": malformed URL"}
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := r.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, transportError(r.sender, shown, err)
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if readErr != nil {
			// The API accepted the request; an unreadable acknowledgement
			// does not undo that.
			return nil, resp.Header, nil
		}
		return body, resp.Header, nil
	}
	status := resp.StatusCode
	return body, resp.Header, &DeliveryError{
		Sender:    r.sender,
		Status:    status,
		Message:   apiMessage(body),
		Retryable: retryableStatus(status) || (r.retryable != nil && r.retryable(status)),
		// An HTTP-date Retry-After is relative to the server's clock, so it
		// is compared with the real time, not an injected one.
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

// transportError turns a failed round trip into a retryable DeliveryError.
// The *url.Error is unwrapped because its message quotes the full URL,
// which for webhooks is the credential.
func transportError(sender, shown string, err error) *DeliveryError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	what := err.Error()
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		what = "timed out"
	case errors.Is(err, context.Canceled):
		what = "canceled"
	}
	// Cancellation is retryable too: the run is ending, not the API refusing,
	// so the notification must stay in the outbox.
	return &DeliveryError{Sender: sender, Message: fmt.Sprintf("%s: %s", shown, what), Retryable: true, Err: err}
}

// apiMessage pulls a readable explanation out of an error body. The APIs
// here disagree on its shape: PagerDuty {"message","errors":[...]},
// Opsgenie {"message"}, Statuspage {"error"}, Alertmanager a JSON string or
// {"message"}, Slack plain text.
func apiMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		if msg := messageFrom(v); msg != "" {
			return truncate(OneLine(msg), 500)
		}
	}
	return truncate(OneLine(string(body)), 300)
}

func messageFrom(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var parts []string
		for _, e := range v {
			if s := messageFrom(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		var parts []string
		for _, key := range []string{"message", "error", "errors", "msg", "detail"} {
			if s := messageFrom(v[key]); s != "" && !slices.Contains(parts, s) {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ": ")
	}
	return ""
}

// joinURL appends an API path to a configured base URL, keeping any path
// prefix the base has (a proxy may mount the API below a path).
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + path
}
