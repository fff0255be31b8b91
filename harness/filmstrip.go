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
type filmstripRecorder struct {
	mu     sync.Mutex
	frames []Frame
}

func (f *filmstripRecorder) add(fr Frame) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.frames) == filmstripFrames {
		copy(f.frames, f.frames[1:])
		f.frames = f.frames[:filmstripFrames-1]
	}
	f.frames = append(f.frames, fr)
}

func (p *Page) filmstrip() []Frame {
	p.film.mu.Lock()
	defer p.film.mu.Unlock()
	return append([]Frame(nil), p.film.frames...)
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
	p.film.add(Frame{Time: when, JPEG: e.Data})
	// The next frame comes only after this one is acknowledged.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, done := p.client(ctx)
		defer done()
		_ = proto.PageScreencastFrameAck{SessionID: e.SessionID}.Call(c)
	}()
}
