package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ActionTrace is trace/index.json: the spec's actions as steps a person (or another tool) can walk through,
// each with the page before and after it and, for pointer actions, where the mouse pressed and where each
// event really went. The README's "The trace format" section documents it for other tools; Version changes
// when a field changes meaning.
//
// Every …Ms field is milliseconds since StartedAt (the spec's start). Image paths are relative to the trace/
// folder and always under frames/.
type ActionTrace struct {
	Version   int           `json:"version"`
	Spec      string        `json:"spec"`
	StartedAt time.Time     `json:"startedAt"`
	Viewport  *Size         `json:"viewport,omitempty"` // the top-level viewport in CSS pixels: the space of every point and box
	Steps     []TraceStep   `json:"steps"`
	Filmstrip []TraceFrame  `json:"filmstrip,omitempty"` // the screencast's last frames, oldest first
	Failure   *TraceFailure `json:"failure,omitempty"`

	// Images are the files the index names, by their path relative to trace/ ("frames/003.jpg").
	Images map[string][]byte `json:"-"`
}

// ActionTraceVersion is the version of the format this package writes.
const ActionTraceVersion = 1

// TraceStep is one action of the spec.
type TraceStep struct {
	Action    string      `json:"action"`
	Locator   string      `json:"locator,omitempty"`
	Detail    string      `json:"detail,omitempty"`  // typed text (masked when secret), key combination
	Element   string      `json:"element,omitempty"` // what the locator resolved to
	Group     string      `json:"group,omitempty"`   // the By step it ran in
	StartedMs float64     `json:"startedMs"`
	TookMs    float64     `json:"tookMs"`
	Attempts  int         `json:"attempts,omitempty"`
	Waits     []TraceWait `json:"waits,omitempty"` // each actionability check it waited on
	Error     string      `json:"error,omitempty"`

	// For pointer actions: where the mouse pressed, the target's border box then, and where each event of the
	// input really went, with the receiving element's box (the landing proof).
	Point     *Point    `json:"point,omitempty"`
	TargetBox *Box      `json:"targetBox,omitempty"`
	Landings  []Landing `json:"landings,omitempty"`

	// The page just before the action and as the action left it (the first frame drawn after it ended).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// TraceWait is how long a step waited on one actionability check.
type TraceWait struct {
	Check    string  `json:"check"`
	WaitedMs float64 `json:"waitedMs"`
	Last     string  `json:"last,omitempty"` // the check's last failing state
}

// TraceFrame is one screencast frame with the time it was drawn and the step it belongs to: the last step that
// had started by then, -1 for a frame drawn before the first step.
type TraceFrame struct {
	Image string  `json:"image"`
	AtMs  float64 `json:"atMs"`
	Step  int     `json:"step"`
}

// TraceFailure is where and why the spec failed.
type TraceFailure struct {
	Message string  `json:"message"`
	File    string  `json:"file,omitempty"`
	Line    int     `json:"line,omitempty"`
	AtMs    float64 `json:"atMs"`
}

// Size is a width and a height in CSS pixels.
type Size struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// ImagePaths lists every image the index names, once each, in order.
func (t *ActionTrace) ImagePaths() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, s := range t.Steps {
		add(s.Before)
		add(s.After)
	}
	for _, f := range t.Filmstrip {
		add(f.Image)
	}
	sort.Strings(out)
	return out
}

// TraceFrameName is the path, relative to trace/, of the n-th distinct frame of a trace.
func TraceFrameName(n int) string { return fmt.Sprintf("%s/%03d.jpg", DirTraceFrames, n) }

// checkImagePath accepts only a file directly under frames/: the index is read from disk and may have been
// edited, and a path in it must never lead a reader (or a writer) out of the trace folder.
func checkImagePath(p string) error {
	clean := path.Clean(p)
	if clean != p || path.Dir(clean) != DirTraceFrames || strings.HasPrefix(path.Base(clean), ".") {
		return fmt.Errorf("image path %q: want a file directly under %s/", p, DirTraceFrames)
	}
	return nil
}

func writeActionTrace(dir string, a *Artifacts) error {
	t := a.ActionTrace
	if t == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, DirTraceFrames), 0o755); err != nil {
		return err
	}
	for _, p := range t.ImagePaths() {
		if err := checkImagePath(p); err != nil {
			return err
		}
		img, ok := t.Images[p]
		if !ok {
			return fmt.Errorf("the index names %s, but the trace has no such image", p)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), img, 0o644); err != nil {
			return err
		}
	}
	if t.Version == 0 {
		copied := *t
		copied.Version = ActionTraceVersion
		t = &copied
	}
	body, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, FileTraceIndex), body, 0o644)
}

// readActionTrace reads the index and every image it names. An image that is missing or named outside
// frames/ is left out and counted in the error; the steps still tell the story.
func readActionTrace(dir string, a *Artifacts) error {
	body, err := os.ReadFile(filepath.Join(dir, FileTraceIndex))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, statErr := os.Stat(dir); statErr == nil {
				return fmt.Errorf("%s is missing", FileTraceIndex)
			}
		}
		return err
	}
	var t ActionTrace
	if err := json.Unmarshal(body, &t); err != nil {
		return fmt.Errorf("%s: %w", FileTraceIndex, err)
	}
	t.Images = map[string][]byte{}
	var problems []string
	for _, p := range t.ImagePaths() {
		if err := checkImagePath(p); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		img, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			problems = append(problems, p+" cannot be read")
			continue
		}
		t.Images[p] = img
	}
	a.ActionTrace = &t
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
