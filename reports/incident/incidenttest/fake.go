package incidenttest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Response scripts one answer of a fake. The zero value answers as the real
// API does on success.
type Response struct {
	// Status is the HTTP status to answer with. 0 or a 2xx means "process
	// the request and answer as the API would".
	Status int
	// Message is the error text, rendered in the API's own error format.
	Message string
	// RetryAfter, if set, is sent as the Retry-After header.
	RetryAfter string
	// Hang makes the fake never answer: the request ends only when the
	// client gives up (its timeout or context) or the fake is closed.
	Hang bool
}

// Accept answers as the API does on success.
func Accept() Response { return Response{} }

// Reject answers status with message in the API's error format, e.g.
// Reject(400, "Event object is invalid").
func Reject(status int, message string) Response {
	return Response{Status: status, Message: message}
}

// RateLimited answers 429 with the given Retry-After value ("2" or an HTTP
// date; empty for none).
func RateLimited(retryAfter string) Response {
	return Response{Status: http.StatusTooManyRequests, Message: "rate limit exceeded", RetryAfter: retryAfter}
}

// ServerError answers 500.
func ServerError() Response {
	return Response{Status: http.StatusInternalServerError, Message: "internal server error"}
}

// Hang never answers.
func Hang() Response { return Response{Hang: true} }

// Request is one request a fake received.
type Request struct {
	Method string
	// Path is the escaped path as sent, e.g. /v2/alerts/smoke%2Fprod%2Fx/close.
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
	// Problems lists how the request broke the API's schema; such a request
	// was answered 400.
	Problems []string
	// Status is what the fake answered (0 for a hang).
	Status int
}

// fake is the machinery the API fakes share: recording, scripting,
// validation failures, hangs.
type fake struct {
	t       testing.TB
	api     string
	srv     *httptest.Server
	release chan struct{}

	mu       sync.Mutex
	script   []Response
	requests []Request
	lenient  bool

	// errorBody renders an error in the API's format.
	errorBody func(status int, message string) (contentType string, body []byte)
}

// handler processes a request that passed validation and was not scripted
// to fail; it returns the status and body to answer.
type handler func(req *Request) (status int, contentType string, body []byte)

func newFake(t testing.TB, api string, errorBody func(int, string) (string, []byte)) *fake {
	t.Helper()
	f := &fake{t: t, api: api, release: make(chan struct{}), errorBody: errorBody}
	return f
}

func (f *fake) start(route func(req *Request) (problems []string, h handler)) {
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
		problems, h := route(&req)
		if len(problems) > 0 {
			req.Problems = problems
			req.Status = http.StatusBadRequest
			f.record(req)
			f.violation(req)
			f.writeError(w, http.StatusBadRequest, strings.Join(problems, "; "), "")
			return
		}
		resp, scripted := f.next()
		switch {
		case scripted && resp.Hang:
			f.record(req)
			select {
			case <-r.Context().Done():
			case <-f.release:
			}
			return
		case scripted && resp.Status >= 300:
			req.Status = resp.Status
			f.record(req)
			f.writeError(w, resp.Status, resp.Message, resp.RetryAfter)
			return
		}
		status, ctype, out := h(&req)
		req.Status = status
		f.record(req)
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = w.Write(out)
	}))
	f.t.Cleanup(f.Close)
}

func (f *fake) writeError(w http.ResponseWriter, status int, message, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	ctype, body := f.errorBody(status, message)
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (f *fake) violation(req Request) {
	f.mu.Lock()
	lenient := f.lenient
	f.mu.Unlock()
	if !lenient {
		f.t.Errorf("%s fake: %s %s breaks the API schema: %s", f.api, req.Method, req.Path, strings.Join(req.Problems, "; "))
	}
}

func (f *fake) record(req Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
}

func (f *fake) next() (Response, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.script) == 0 {
		return Response{}, false
	}
	r := f.script[0]
	f.script = f.script[1:]
	return r, true
}

// URL is the fake's base URL, for a sender's BaseURL.
func (f *fake) URL() string { return f.srv.URL }

// Client returns an HTTP client for the fake.
func (f *fake) Client() *http.Client { return f.srv.Client() }

// Script queues answers for the next requests, one each, in order; after
// the script runs out the fake answers as the API would. Requests that
// break the schema are answered 400 without using the script.
func (f *fake) Script(responses ...Response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, responses...)
}

// Requests returns every request received, in order.
func (f *fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// AllowInvalid stops schema violations from failing the test; they are
// still answered 400 and listed in Request.Problems. For tests of the
// fakes' own validation.
func (f *fake) AllowInvalid() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lenient = true
}

// Close releases hanging requests and stops the server. It runs
// automatically at the end of the test.
func (f *fake) Close() {
	select {
	case <-f.release:
		return
	default:
		close(f.release)
	}
	f.srv.Close()
}

// checkCommon checks what every API here requires of a request with a body.
func checkCommon(req *Request, wantMethod string) []string {
	var problems []string
	if req.Method != wantMethod {
		problems = append(problems, fmt.Sprintf("method %s, want %s", req.Method, wantMethod))
	}
	ua := req.Header.Get("User-Agent")
	if ua == "" || strings.HasPrefix(ua, "Go-http-client/") {
		problems = append(problems, fmt.Sprintf("User-Agent %q: set one that names the client", ua))
	}
	if wantMethod == http.MethodGet {
		return problems
	}
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		problems = append(problems, fmt.Sprintf("Content-Type %q, want application/json", req.Header.Get("Content-Type")))
	}
	if !json.Valid(req.Body) {
		problems = append(problems, "body is not valid JSON")
	}
	return problems
}

// decodeBody decodes a request's body as the API's T and checks it against the API's schema, each step only
// while the request has no problem yet (a body that does not decode is not worth validating). problems are
// those already found in the request.
func decodeBody[T any](req *Request, problems []string, validate func(T) []string) (T, []string) {
	var v T
	if len(problems) == 0 {
		problems = append(problems, strictDecode(req.Body, &v)...)
	}
	if len(problems) == 0 {
		problems = append(problems, validate(v)...)
	}
	return v, problems
}

// keep appends an accepted item to one of a fake's lists, under the lock that guards them.
func keep[T any](f *fake, list *[]T, v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*list = append(*list, v)
}

// kept returns a copy of one of a fake's lists, taken under the lock that guards them.
func kept[T any](f *fake, list *[]T) []T {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(*list)
}

// openKeys returns the keys of a fake's open alerts, sorted, taken under the lock that guards them.
func openKeys[V any](f *fake, open map[string]V) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(open))
	for k := range open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// strictDecode decodes body into v, reporting fields the API does not know,
// which a real API would silently ignore and so hide a typo.
func strictDecode(body []byte, v any) []string {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return []string{"decoding body: " + err.Error()}
	}
	return nil
}

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// pathSegments splits an escaped path into unescaped segments, so an
// escaped "/" inside an identifier stays inside its segment.
func pathSegments(escaped string) []string {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}
