package incident

import (
	"context"
	"sync"
	"time"
)

// Limiter paces requests to an API with a per-key rate limit.
type Limiter interface {
	// Wait blocks until the next request may go, or ctx ends.
	Wait(ctx context.Context) error
}

// IntervalLimiter lets one request through per Interval. It is deliberately
// simpler than a token bucket: the smoke runner sends a handful of requests,
// so smoothing bursts buys nothing, and a fixed spacing is easy to reason
// about in tests (inject Now and Sleep).
type IntervalLimiter struct {
	Interval time.Duration
	Now      func() time.Time                           // empty: time.Now
	Sleep    func(context.Context, time.Duration) error // empty: a timer that honours ctx

	mu   sync.Mutex
	next time.Time
}

// NewIntervalLimiter returns a limiter allowing one request per interval.
func NewIntervalLimiter(interval time.Duration) *IntervalLimiter {
	return &IntervalLimiter{Interval: interval}
}

func (l *IntervalLimiter) Wait(ctx context.Context) error {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	sleep := sleepContext
	if l.Sleep != nil {
		sleep = l.Sleep
	}
	// Reserve the slot under the lock and sleep outside it, so concurrent
	// callers queue up one interval apart instead of all at once.
	l.mu.Lock()
	t := now()
	at := l.next
	if at.Before(t) {
		at = t
	}
	l.next = at.Add(l.Interval)
	l.mu.Unlock()
	if wait := at.Sub(t); wait > 0 {
		return sleep(ctx, wait)
	}
	return ctx.Err()
}

// sleepContext waits for d or until ctx ends, whichever is first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
