package harness

import (
	"context"
	"sync"
	"time"
)

// sessionPool keeps a few sessions prepared ahead (browser context, page, harness installed: ~200 ms of work),
// filled in the background while specs run, so a spec's setup is only its own first navigation.
type sessionPool struct {
	b    *Browser
	size int

	mu      sync.Mutex
	ready   []*Session
	filling int
	stopped bool
	changed chan struct{} // closed and replaced when a fill ends
}

func newSessionPool(b *Browser, size int) *sessionPool {
	p := &sessionPool{b: b, size: size, changed: make(chan struct{})}
	p.mu.Lock()
	p.refillLocked()
	p.mu.Unlock()
	return p
}

// take returns a prepared session, or prepares one now when none is ready (a prepared one that arrives later
// waits for the next spec). The pool is refilled once the taken session's first page has loaded: preparing a
// session at the same time as that load would slow the load down, on a small machine by half.
func (p *sessionPool) take(ctx context.Context) (*Session, error) {
	p.mu.Lock()
	if n := len(p.ready); n > 0 {
		s := p.ready[n-1]
		p.ready = p.ready[:n-1]
		p.mu.Unlock()
		s.page.afterFirstLoad = p.refill
		return s, nil
	}
	p.refillLocked()
	p.mu.Unlock()
	return p.b.prepareSession(ctx)
}

func (p *sessionPool) refill() {
	p.mu.Lock()
	p.refillLocked()
	p.mu.Unlock()
}

func (p *sessionPool) refillLocked() {
	for !p.stopped && len(p.ready)+p.filling < p.size {
		p.filling++
		p.b.background.Add(1) // Close waits for fills under way, so none outlives the browser
		go p.fillOne()
	}
}

func (p *sessionPool) fillOne() {
	defer p.b.background.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := p.b.prepareSession(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.filling--
	close(p.changed)
	p.changed = make(chan struct{})
	if err != nil {
		return // take prepares inline, and reports the error where a spec can see it
	}
	if p.stopped {
		_ = s.Close()
		return
	}
	p.ready = append(p.ready, s)
}

func (p *sessionPool) stop() {
	p.mu.Lock()
	p.stopped = true
	ready := p.ready
	p.ready = nil
	p.mu.Unlock()
	for _, s := range ready {
		_ = s.Close()
	}
}

// full waits until no fill is under way (the pool holds its sessions, or the last fill failed).
func (p *sessionPool) full(ctx context.Context) error {
	for {
		p.mu.Lock()
		done := p.filling == 0
		ch := p.changed
		p.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
