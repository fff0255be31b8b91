package harness

import (
	"context"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// filmstripFrames is how many screencast frames a session keeps: the last moments before a failure.
const filmstripFrames = 12

// filmstripRecorder keeps the newest screencast frames of a page. Chromium sends a frame only when the page
// repaints, so a still page costs nothing.
//
// It also hands out the frames of the action trace: the latest frame when an action starts (the page as it was
// before), and the first frame drawn after an action ended (the page as the action left it).
type filmstripRecorder struct {
	mu      sync.Mutex
	frames  []ScreencastFrame
	waiting []frameWait
}

// frameWait is an action waiting for the first frame drawn after it ended.
type frameWait struct {
	after time.Time
	got   func(*ScreencastFrame)
}

func (f *filmstripRecorder) add(fr ScreencastFrame) {
	f.mu.Lock()
	if len(f.frames) == filmstripFrames {
		copy(f.frames, f.frames[1:])
		f.frames = f.frames[:filmstripFrames-1]
	}
	f.frames = append(f.frames, fr)
	var ready []frameWait
	kept := f.waiting[:0]
	for _, w := range f.waiting {
		if !fr.Time.Before(w.after) {
			ready = append(ready, w)
		} else {
			kept = append(kept, w)
		}
	}
	f.waiting = kept
	f.mu.Unlock()
	frame := &fr
	for _, w := range ready {
		w.got(frame)
	}
}

// latest is the newest frame, nil before the first.
func (f *filmstripRecorder) latest() *ScreencastFrame {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.frames) == 0 {
		return nil
	}
	fr := f.frames[len(f.frames)-1]
	return &fr
}

// firstAfter calls got with the first frame drawn at or after t (a frame already drawn counts).
func (f *filmstripRecorder) firstAfter(t time.Time, got func(*ScreencastFrame)) {
	f.mu.Lock()
	for i := range f.frames {
		if !f.frames[i].Time.Before(t) {
			fr := f.frames[i]
			f.mu.Unlock()
			got(&fr)
			return
		}
	}
	if len(f.waiting) < maxLogEntries {
		f.waiting = append(f.waiting, frameWait{after: t, got: got})
	}
	f.mu.Unlock()
}

func (p *Page) filmstrip() []ScreencastFrame {
	p.film.mu.Lock()
	defer p.film.mu.Unlock()
	return append([]ScreencastFrame(nil), p.film.frames...)
}

// startScreencast asks for small JPEG frames: enough to see what the user saw, cheap enough to leave on.
func (p *Page) startScreencast(ctx context.Context) error {
	c, done := p.client(ctx)
	defer done()
	quality, width, height, nth := 40, 480, 270, 2
	return proto.PageStartScreencast{Format: proto.PageStartScreencastFormatJpeg, Quality: &quality,
		MaxWidth: &width, MaxHeight: &height, EveryNthFrame: &nth}.Call(c)
}

func (p *Page) screencastFrame(e *proto.PageScreencastFrame) {
	when := time.Now()
	if e.Metadata != nil && e.Metadata.Timestamp != 0 {
		when = e.Metadata.Timestamp.Time()
	}
	p.film.add(ScreencastFrame{Time: when, JPEG: e.Data})
	// The next frame comes only after this one is acknowledged.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, done := p.client(ctx)
		defer done()
		_ = proto.PageScreencastFrameAck{SessionID: e.SessionID}.Call(c)
	}()
}
