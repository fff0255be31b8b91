package harness

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// FilmstripMode says when a page records its screencast.
//
// The screencast is the costliest thing a passing spec pays for and never uses: each frame is composited in
// full and read back for it (on the minimal bench page, a fifth of the suite's time and two thirds of the GPU
// process's CPU). A filmstrip matters when a spec fails, and a spec that fails has almost always waited first,
// for an element that did not show, a check that did not pass or an assertion that did not come true; so by
// default the recording starts there.
type FilmstripMode int

const (
	// FilmstripWhenWaiting starts the screencast the first time the page makes the harness wait: an element
	// that is not actionable at the first look or moves as the pointer reaches it, a WaitFor whose state is not
	// there yet, an action that fails, and (through StartFilmstrip) an assertion that does not hold at once or a
	// spec that is retried. The recording begins with the page as it is then; the frames of actions that went
	// through at once before it are not there.
	FilmstripWhenWaiting FilmstripMode = iota
	// FilmstripAlways records from the page's first paint: every action of the trace has its frames.
	FilmstripAlways
	// FilmstripOff records nothing; a failing spec still has its screenshot.
	FilmstripOff
)

func (m FilmstripMode) String() string {
	switch m {
	case FilmstripWhenWaiting:
		return "when-waiting"
	case FilmstripAlways:
		return "on"
	case FilmstripOff:
		return "off"
	}
	return fmt.Sprintf("FilmstripMode(%d)", int(m))
}

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

// StartFilmstrip starts recording the page's screencast now, when its browser records it only once it can
// matter (FilmstripWhenWaiting): suites call it when a spec is retried, and the e2e matchers when an assertion
// has to wait. It returns at once, and leaves a page that records already, or records nothing, as it is.
func (p *Page) StartFilmstrip() {
	if p.claimFilmstrip() {
		go p.recordFilmstrip(5 * time.Second) // bounded, and cut short when the session closes
	}
}

// startFilmstripNow is StartFilmstrip for an action that has just failed: it returns once the page as the
// action left it is in the filmstrip, because the spec usually ends right after, and its trace with it.
func (p *Page) startFilmstripNow() {
	if p.claimFilmstrip() {
		p.recordFilmstrip(2 * time.Second)
	}
}

// claimFilmstrip reports whether the caller is the one to start the recording: the page records only once it
// can matter, and nobody has started it yet.
func (p *Page) claimFilmstrip() bool {
	return p.session.browser.cfg.filmstrip == FilmstripWhenWaiting && p.filmStarted.CompareAndSwap(false, true)
}

func (p *Page) recordFilmstrip(within time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if p.startScreencast(ctx) == nil { // a page that is closing has no frames left to show
		p.seedFrame(ctx)
	}
}

// seedFrame adds the viewport as it is now to the filmstrip, as a JPEG like the screencast's frames (at full
// size: a clip to scale it down would be in document coordinates, the top of the page rather than what a
// scrolled viewport shows): a screencast sends its first frame only when the page next repaints, and a page
// that waits in vain often never does.
func (p *Page) seedFrame(ctx context.Context) {
	c, done := p.client(ctx)
	defer done()
	quality := 40
	res, err := proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatJpeg, Quality: &quality}.Call(c)
	if err != nil {
		return
	}
	p.film.add(ScreencastFrame{Time: time.Now(), JPEG: res.Data})
}

// screencastWidth is the filmstrip's frame width in pixels.
const screencastWidth = 480

// startScreencast asks for small JPEG frames: enough to see what the user saw.
func (p *Page) startScreencast(ctx context.Context) error {
	c, done := p.client(ctx)
	defer done()
	quality, width, height, nth := 40, screencastWidth, screencastWidth*9/16, 2
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
