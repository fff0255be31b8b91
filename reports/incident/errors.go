package incident

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DeliveryError is how a notification failed to reach one sender's API.
// Senders return it from Send; the [Deliverer] fills Attempts and scrubs
// Message before reporting it.
type DeliveryError struct {
	Sender string
	// Status is the HTTP status, or 0 when no response arrived (a network
	// error or a timeout).
	Status int
	// Message is the API's own explanation when it gave one (for a 4xx that
	// is what a person needs to fix the configuration), else what went wrong
	// on the way. It never holds a secret.
	Message string
	// Retryable is true for network errors, timeouts, 408, 429 and 5xx:
	// sending again later may succeed. Other 4xx will fail the same way.
	Retryable bool
	// RetryAfter is the wait the API asked for (Retry-After), 0 if none.
	RetryAfter time.Duration
	// Attempts is how many times the deliverer tried in this run.
	Attempts int
	// Err is the underlying cause, if any, such as context.DeadlineExceeded.
	Err error
}

func (e *DeliveryError) Error() string {
	var b strings.Builder
	b.WriteString("sending to " + e.Sender + ": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" " + t)
		}
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Message)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// ConfigError names the environment variable that is missing or malformed.
// It never includes the variable's value, which may be a secret.
type ConfigError struct {
	Var     string
	Problem string
}

func (e *ConfigError) Error() string {
	return "configuring incident senders: " + e.Var + ": " + e.Problem
}

// CorruptEntryError describes an outbox file that could not be read. The
// file is moved aside, not deleted, so a person can inspect it.
type CorruptEntryError struct {
	File    string // the name it had in the outbox
	MovedTo string // where it is now, empty if moving failed too
	Err     error
}

func (e *CorruptEntryError) Error() string {
	where := "left in place"
	if e.MovedTo != "" {
		where = "moved to " + e.MovedTo
	}
	return fmt.Sprintf("reading outbox entry %s: %v (%s)", e.File, e.Err, where)
}

func (e *CorruptEntryError) Unwrap() error { return e.Err }

// ErrStateLocked means another run holds the state directory.
var ErrStateLocked = errors.New("another smoke run is using the state directory")

// LockInterruptedError is a run stopped (SIGTERM, Ctrl-C) while it waited for another run to release the state
// directory: it never held the directory, so it wrote nothing there.
type LockInterruptedError struct {
	Dir   string
	Cause error // context.Cause of the cancelled context, e.g. "interrupted by SIGTERM"
}

func (e *LockInterruptedError) Error() string {
	return fmt.Sprintf("%v while waiting for another smoke run to release the state directory %s", e.Cause, e.Dir)
}

func (e *LockInterruptedError) Unwrap() error { return e.Cause }
