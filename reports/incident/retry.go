package incident

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy is the one retry policy every sender is delivered with.
// Zero fields take the defaults of [DefaultRetryPolicy].
type RetryPolicy struct {
	// MaxAttempts bounds the attempts per notification and sender in one
	// run; what is still undelivered stays in the outbox for the next run.
	MaxAttempts int
	// BaseDelay is the first backoff; each retry doubles it, up to MaxDelay,
	// and jitter picks a wait between half and all of it so that runners
	// started together do not retry in lockstep.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter is the longest Retry-After honoured within a run. An
	// API asking for a longer pause gets it: the notification waits in the
	// outbox instead of holding up the deploy pipeline.
	MaxRetryAfter time.Duration
	// AttemptTimeout bounds one request; a hung API counts as a retryable
	// failure.
	AttemptTimeout time.Duration
	// Deadline bounds a whole Deliver or Flush call, retries included.
	Deadline time.Duration
}

// DefaultRetryPolicy suits a smoke run in a deploy pipeline: a few retries
// over seconds, never more than two minutes in total. PagerDuty's advice to
// wait longer between retries is met by the outbox: the next run retries.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:    4,
		BaseDelay:      2 * time.Second,
		MaxDelay:       30 * time.Second,
		MaxRetryAfter:  60 * time.Second,
		AttemptTimeout: 15 * time.Second,
		Deadline:       2 * time.Minute,
	}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	p.MaxAttempts = positiveOr(p.MaxAttempts, d.MaxAttempts)
	p.BaseDelay = positiveOr(p.BaseDelay, d.BaseDelay)
	p.MaxDelay = positiveOr(p.MaxDelay, d.MaxDelay)
	p.MaxRetryAfter = positiveOr(p.MaxRetryAfter, d.MaxRetryAfter)
	p.AttemptTimeout = positiveOr(p.AttemptTimeout, d.AttemptTimeout)
	p.Deadline = positiveOr(p.Deadline, d.Deadline)
	return p
}

// positiveOr is v, or def where v is zero or negative (unset, or a value no policy can mean).
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// backoff returns the wait after the given failed attempt (1-based), before
// jitter.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// equalJitter keeps at least half the backoff, so retries still slow down,
// and spreads the rest.
func equalJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// parseRetryAfter reads a Retry-After header in either form HTTP allows:
// delay-seconds or an HTTP date. Anything else, or a time in the past, is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		// Bound it before multiplying so a silly value cannot overflow.
		const longest = 7 * 24 * 3600
		return time.Duration(min(max(secs, 0), longest)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
