package reports

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// maxTraceSteps bounds the steps a trace view shows: the last ones, which led to the failure. trace/index.json
// keeps them all.
const maxTraceSteps = 200

// traceView is a spec's trace in the report: a list of steps, one frame at a time with the press point, the
// target's box and the boxes of elements that received the input instead drawn over it, and the filmstrip
// with each frame's time. The images are data: URIs, each in the HTML once (imagePool); the script shows them
// by reference.
type traceView struct {
	Width, Height float64 // the viewport, the coordinate space of the overlays
	Steps         []traceStepView
	Start         int // the step shown first: the failing one
	Film          []traceFilmView
	Pool          []pooledImage // frames no other image of the card carries
	Omitted       int
	Notes         []string
}

type traceStepView struct {
	Index      int
	ID         string
	Group      string
	NewGroup   bool
	Failure    bool // the entry for the failure itself, shown with the final screenshot
	Action     string
	Locator    string
	Detail     string
	Element    string
	Start      time.Duration
	Took       time.Duration
	Attempts   int
	Waits      []waitView
	Error      string
	Where      string // for the failure entry: file:line
	Missed     bool   // some of its input landed outside the target
	Before     string // pool ids; empty when there is no frame
	After      string
	Point      *artifact.Point
	Target     *artifact.Box
	Receivers  []receiverView
	Landings   []artifact.Landing
	Radius     float64 // of the press point, in viewport pixels
	RingRadius float64
	FontSize   float64
}

// receiverView is an element that received some of a step's input although it is not the target.
type receiverView struct {
	Box     artifact.Box
	Events  string // "pointerup, click"
	Element string
	LabelX  float64 // where the events' names are written: above the box, or inside it at the top edge
	LabelY  float64
}

type traceFilmView struct {
	Ref  string
	At   time.Duration
	Step int // the step it belongs to, -1 before the first
}

// imagePool gives every distinct image of a spec's card one id and one data: URI, however many places show it.
type imagePool struct {
	prefix string
	ids    map[[32]byte]string
	images []pooledImage
}

type pooledImage struct {
	ID  string
	Src template.URL
}

func newImagePool(prefix string) *imagePool {
	return &imagePool{prefix: prefix, ids: map[[32]byte]string{}}
}

// known returns the id an image already has, or gives it one for an <img> the template renders elsewhere
// (the screenshot, a filmstrip frame) that carries it.
func (p *imagePool) known(img []byte) string {
	sum := sha256.Sum256(img)
	if id, ok := p.ids[sum]; ok {
		return id
	}
	id := fmt.Sprintf("%s-img%d", p.prefix, len(p.ids))
	p.ids[sum] = id
	return id
}

// add returns the image's id, putting its data URI into the pool when no <img> carries it yet; "" when it is
// not an image or does not fit the budget.
func (p *imagePool) add(img []byte, fits func(n int) bool) string {
	sum := sha256.Sum256(img)
	if id, ok := p.ids[sum]; ok {
		return id
	}
	mime := imageMIME(img)
	if mime == "" || len(img) > maxInlineFrame || !fits(len(img)) {
		return ""
	}
	id := p.known(img)
	p.images = append(p.images, pooledImage{ID: id, Src: template.URL(dataURI(mime, img))})
	return id
}

// traceViewOf builds the trace view of a spec's action trace. shot is the pool id of the final screenshot
// ("" when it is not in the report), shown for the failure entry.
func traceViewOf(id string, tr *artifact.ActionTrace, pool *imagePool, shot string, fits func(int) bool, failureWhere string) *traceView {
	v := &traceView{Width: 1280, Height: 720}
	if tr.Viewport != nil && tr.Viewport.Width > 0 && tr.Viewport.Height > 0 {
		v.Width, v.Height = tr.Viewport.Width, tr.Viewport.Height
	} else {
		v.Notes = append(v.Notes, "the trace does not say how big the viewport was; the marks on the frames assume 1280×720")
	}
	steps := tr.Steps
	first := 0
	if len(steps) > maxTraceSteps {
		v.Omitted = len(steps) - maxTraceSteps
		first = v.Omitted
		steps = steps[first:]
	}
	missing := 0
	ref := func(p string) string {
		if p == "" {
			return ""
		}
		img, ok := tr.Images[p]
		if !ok {
			missing++
			return ""
		}
		r := pool.add(img, fits)
		if r == "" {
			missing++
		}
		return r
	}
	radius, font := v.Width/90, v.Width/70
	group := ""
	for i, s := range steps {
		sv := traceStepView{Index: i, ID: fmt.Sprintf("%s-step-%d", id, i), Group: clip(s.Group, maxShortText),
			Action: s.Action, Locator: clip(s.Locator, maxShortText), Detail: clip(s.Detail, maxShortText), Element: clip(s.Element, maxText),
			Start: msDuration(s.StartedMs), Took: msDuration(s.TookMs), Attempts: s.Attempts, Error: clip(s.Error, maxText),
			Before: ref(s.Before), After: ref(s.After), Point: s.Point, Target: s.TargetBox, Radius: radius, RingRadius: radius * 2.4, FontSize: font}
		sv.NewGroup = sv.Group != "" && sv.Group != group
		group = sv.Group
		for _, w := range s.Waits {
			share := 0.0
			if s.TookMs > 0 {
				share = min(w.WaitedMs/s.TookMs, 1)
			}
			sv.Waits = append(sv.Waits, waitView{Check: w.Check, Waited: msDuration(w.WaitedMs), Last: clip(w.Last, maxShortText), Share: share})
		}
		for _, l := range s.Landings {
			l.Element = clip(l.Element, maxShortText)
			sv.Landings = append(sv.Landings, l)
		}
		sv.Receivers, sv.Missed = receiversOf(s.Landings, v.Width, v.Height, font)
		v.Steps = append(v.Steps, sv)
	}
	v.Start = len(v.Steps) - 1
	for i, s := range v.Steps {
		if s.Error != "" {
			v.Start = i
		}
	}
	if f := tr.Failure; f != nil {
		v.Steps = append(v.Steps, traceStepView{Index: len(v.Steps), ID: fmt.Sprintf("%s-step-%d", id, len(v.Steps)), Failure: true,
			Action: "failed", Error: clip(strings.TrimSpace(f.Message), maxText), Where: failureWhere, Start: msDuration(f.AtMs),
			Before: shot, After: shot})
		if v.Start < 0 || v.Steps[v.Start].Error == "" {
			v.Start = len(v.Steps) - 1
		}
	}
	v.Start = max(v.Start, 0)
	for _, f := range tr.Filmstrip {
		r := ref(f.Image)
		if r == "" {
			continue
		}
		step := f.Step - first
		if f.Step < first {
			step = -1
		}
		v.Film = append(v.Film, traceFilmView{Ref: r, At: msDuration(f.AtMs), Step: step})
	}
	if missing > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("%d frames are not in this report (missing, or over its image budget); trace/frames/ has all of them", missing))
	}
	v.Pool = pool.images
	return v
}

// receiversOf groups the landings that missed the target by the element that got them, in the order they
// happened: for the incident's bug, pointerup on a label and click on the row around it.
func receiversOf(landings []artifact.Landing, viewportWidth, height, font float64) ([]receiverView, bool) {
	var out []receiverView
	missed := false
	for _, l := range landings {
		if l.InTarget {
			continue
		}
		missed = true
		if l.Box == nil {
			continue
		}
		merged := false
		for i := range out {
			if out[i].Element == l.Element && out[i].Box == *l.Box {
				out[i].Events += ", " + l.Event
				merged = true
			}
		}
		if !merged {
			out = append(out, receiverView{Box: *l.Box, Events: l.Event, Element: clip(l.Element, maxShortText)})
		}
	}
	for i := range out {
		if name := shortElement(out[i].Element); name != "" {
			out[i].Events += " → " + name
		}
		b := out[i].Box
		out[i].LabelY = b.Y - font*0.35
		if b.Y < font*1.2 {
			out[i].LabelY = b.Y + font
		}
		// Two receivers whose boxes start at the same height would write their names over each other.
		for j := 0; j < i; j++ {
			if abs(out[j].LabelY-out[i].LabelY) < font && abs(out[j].Box.X-b.X) < font*8 {
				out[i].LabelY += font * 1.1
			}
		}
		out[i].LabelY = min(out[i].LabelY, height-font*0.2)
		// Kept inside the frame: a receiver near its right edge gets its name written leftwards from there.
		width := float64(len([]rune(out[i].Events))) * font * 0.6
		out[i].LabelX = max(0, min(b.X, viewportWidth-width))
	}
	return out, missed
}

var (
	elementTag   = regexp.MustCompile(`^<([a-zA-Z][a-zA-Z0-9-]*)`)
	elementID    = regexp.MustCompile(`^<[^>]*?\sid="([^"]+)"`)
	elementClass = regexp.MustCompile(`^<[^>]*?\sclass="([^" ]+)`)
)

// shortElement names an element as a CSS selector would, tag and id or first class (label.field-label), for the
// few words that fit on a frame; the details under it show the element in full.
func shortElement(desc string) string {
	m := elementTag.FindStringSubmatch(desc)
	if m == nil {
		return ""
	}
	name := strings.ToLower(m[1])
	// A class says what the element is for; ids are often generated (expression-text-1-label).
	if class := elementClass.FindStringSubmatch(desc); class != nil {
		return name + "." + class[1]
	}
	if id := elementID.FindStringSubmatch(desc); id != nil {
		return name + "#" + id[1]
	}
	return name
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
