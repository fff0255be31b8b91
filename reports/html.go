package reports

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports/artifact"
)

var (
	//go:embed report.html.tmpl
	reportTemplateText string
	//go:embed report.css
	reportCSS string
	//go:embed report.js
	reportJS string
)

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"duration":  formatDuration,
	"offset":    formatOffset,
	"lower":     strings.ToLower,
	"lastIndex": func(frames []frameView) int { return len(frames) - 1 },
	"num":       func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
}).Parse(reportTemplateText))

// Caps on what one spec shows, sized so that three failures at the harness's own limits (500 actions, 500
// console messages, 1000 requests) still make a report under 10 MB. The artifact files keep everything; the
// report keeps what a person reads, newest first in mind: what led up to the failure.
const (
	maxFailureText     = 20000
	maxText            = 1000
	maxShortText       = 200
	maxStepsShown      = 200
	maxCapturedOutput  = 20000
	maxEarlierFailures = 5
	maxAdditionalFails = 5
)

// listCaps bounds the lists of one spec: generous for failed and flaky specs, short for passing specs that kept
// their artifacts (E2E_KEEP_ARTIFACTS), which are there for comparison, not for reading end to end.
type listCaps struct {
	actions, console, requests, timeline, text int
}

var (
	capsForFailure = listCaps{actions: 200, console: 100, requests: 100, timeline: 300, text: 500}
	capsForPassing = listCaps{actions: 30, console: 20, requests: 20, timeline: 0, text: maxShortText}
)

func capsFor(o Outcome) listCaps {
	if o == Failed || o == Flaky {
		return capsForFailure
	}
	return capsForPassing
}

// htmlReport is everything the template shows. Strings are plain text; html/template escapes them.
type htmlReport struct {
	Title       string
	CSP         string
	CSS         template.CSS
	JS          template.JS
	Suite       string
	SuitePath   string
	Outcome     string
	Counts      Counts
	Started     string
	Duration    time.Duration
	Info        RunInfo
	Seed        int64
	Flakes      int
	LabelFilter string
	Problems    []string // suite-level reasons (interrupted, timed out, programmatic focus)
	Specs       []specView
	Generated   string
}

type specView struct {
	ID             string
	Name           string
	Labels         []string
	Outcome        Outcome
	State          string
	Duration       time.Duration
	Attempts       int
	Location       string
	Infrastructure string
	Cause          *causeView
	EarlierFailure []string // flaky: what failed before the passing attempt
	Steps          []Step
	StepsOmitted   int
	Actions        []actionView
	ActionsOmitted int
	Artifacts      *artifactView
	Trace          *traceView
	TracePath      string // trace/index.json of a spec whose trace is not shown inline (a passing one)
	Output         string
	SkipReason     string
}

type causeView struct {
	Message  string
	Location string
	Node     string
	Step     string
	Extra    []string
	Excerpt  *codeExcerpt // the failing line of the spec and a few around it
}

type actionView struct {
	Action   string
	Locator  string
	Detail   string
	Element  string
	Start    time.Duration
	Duration time.Duration
	Attempts int
	Waits    []waitView
	Error    string
}

type waitView struct {
	Check  string
	Waited time.Duration
	Last   string
	Share  float64 // of the action's duration, for the bar
}

type artifactView struct {
	Dir             string
	URL             string
	Title           string
	Screenshot      template.URL // a data: URI built here from image bytes, never from page text
	ScreenshotID    string       // its id in the card's image pool
	ScreenshotLink  string       // when not inlined
	ScreenshotNote  string
	Frames          []frameView
	FramesNote      string
	Console         []consoleView
	ConsoleOmitted  int
	ConsoleErrors   int
	PageErrors      []pageErrorView
	Dialogs         []string
	Untrusted       []artifact.UntrustedEvent
	UntrustedReason string
	FailedRequests  []requestView
	FailedOmitted   int
	Requests        int
	HAR             string
	Timeline        []timelineView
	TimelineOmitted int
	TimelineNote    string
	Notes           []string
}

// frameView is a filmstrip frame: its data: URI and its id in the card's image pool.
type frameView struct {
	Src template.URL
	ID  string
}

type consoleView struct {
	Offset time.Duration
	Level  string
	Text   string
	Where  string
	Error  bool
}

type pageErrorView struct {
	Offset  time.Duration
	Message string
	Where   string
}

type requestView struct {
	Method   string
	URL      string
	Status   string
	Type     string
	Duration time.Duration
}

type timelineView struct {
	Offset  time.Duration
	Kind    string
	Summary string
	Problem bool
}

// renderHTML writes report.html for the run.
func renderHTML(path string, r types.Report, info RunInfo, specs []renderedSpec) error {
	view := buildView(r, info, specs)
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, view); err != nil {
		return fmt.Errorf("rendering report.html: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing report.html: %w", err)
	}
	return nil
}

// contentSecurityPolicy lets the report run its own script and style and show data: images, and nothing else:
// even if page text slipped past escaping, an injected handler or script would not run, and nothing can load
// from the network.
func contentSecurityPolicy() string {
	return fmt.Sprintf("default-src 'none'; img-src data:; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
		cspHash(reportCSS), cspHash(reportJS))
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func buildView(r types.Report, info RunInfo, specs []renderedSpec) htmlReport {
	counts := Count(r)
	v := htmlReport{
		Title:       "e2e report: " + r.SuiteDescription,
		CSP:         contentSecurityPolicy(),
		CSS:         template.CSS(reportCSS),
		JS:          template.JS(reportJS),
		Suite:       r.SuiteDescription,
		SuitePath:   relativePath(r.SuitePath, info.RepoRoot),
		Counts:      counts,
		Duration:    r.RunTime,
		Info:        info,
		Seed:        r.SuiteConfig.RandomSeed,
		Flakes:      r.SuiteConfig.FlakeAttempts,
		LabelFilter: r.SuiteConfig.LabelFilter,
		Problems:    r.SpecialSuiteFailureReasons,
		Generated:   time.Now().UTC().Format(time.RFC3339),
	}
	if !r.StartTime.IsZero() {
		v.Started = r.StartTime.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	switch {
	case counts.Failed > 0 || !r.SuiteSucceeded:
		v.Outcome = string(Failed)
	case counts.Flaky > 0:
		v.Outcome = string(Flaky)
	default:
		v.Outcome = string(Passed)
	}
	budget := &imageBudget{left: maxImagesPerReport}
	for i, rs := range specs {
		v.Specs = append(v.Specs, specViewOf(i, rs, info, budget))
	}
	return v
}

// renderedSpec is a spec with what its artifact directory held, in report order.
type renderedSpec struct {
	Spec        types.SpecReport
	Outcome     Outcome
	Artifacts   *artifact.Artifacts
	ArtifactDir string // relative to the output directory, slash-separated
	HAR         string // relative to the output directory, when written
}

// orderSpecs puts what needs attention first: failures, then flaky specs, then the rest in run order.
func orderSpecs(r types.Report) []types.SpecReport {
	specs := reportedSpecs(r)
	rank := map[Outcome]int{Failed: 0, Flaky: 1, Passed: 2, Skipped: 3}
	sort.SliceStable(specs, func(i, j int) bool {
		oi, oj := rank[OutcomeOf(specs[i])], rank[OutcomeOf(specs[j])]
		if oi != oj {
			return oi < oj
		}
		return specs[i].StartTime.Before(specs[j].StartTime)
	})
	return specs
}

func specViewOf(i int, rs renderedSpec, info RunInfo, budget *imageBudget) specView {
	s := rs.Spec
	v := specView{
		ID:         fmt.Sprintf("spec-%d", i+1),
		Name:       clip(specName(s), maxText),
		Labels:     s.Labels(),
		Outcome:    rs.Outcome,
		State:      s.State.String(),
		Duration:   s.RunTime,
		Attempts:   s.NumAttempts,
		Location:   relativeLocation(s.LeafNodeLocation, info.RepoRoot),
		SkipReason: skipReason(s),
	}
	if hasEntry(s, artifact.EntryInfrastructure) {
		v.Infrastructure = clip(entryString(s, artifact.EntryInfrastructure), maxText)
	}
	if rs.Outcome == Failed {
		v.Cause = causeOf(s, info)
	}
	pool := newImagePool(v.ID)
	if rs.Outcome == Flaky {
		for _, af := range s.AdditionalFailures {
			if len(v.EarlierFailure) == maxEarlierFailures {
				break
			}
			msg := af.Failure.Message
			if step := stepBefore(s, af.Failure.TimelineLocation); step != "" {
				msg = "Failing step: " + step + "\n" + msg
			}
			v.EarlierFailure = append(v.EarlierFailure, clip(msg, maxText))
		}
	}
	steps := Steps(s)
	if len(steps) > maxStepsShown {
		v.StepsOmitted = len(steps) - maxStepsShown
		steps = steps[len(steps)-maxStepsShown:]
	}
	for _, st := range steps {
		st.Text = clip(st.Text, maxText)
		v.Steps = append(v.Steps, st)
	}
	if rs.Outcome == Failed || rs.Outcome == Flaky {
		v.Output = tail(s.CapturedGinkgoWriterOutput, maxCapturedOutput)
	}
	if a := rs.Artifacts; a != nil {
		v.Actions, v.ActionsOmitted = actionViews(a.Diagnostics, s.StartTime, rs.Outcome)
		var spent int
		v.Artifacts, spent = artifactViewOf(rs, budget, pool)
		if a.ActionTrace != nil {
			if rs.Outcome == Failed || rs.Outcome == Flaky {
				fits := func(n int) bool {
					if spent+n > maxImagesPerSpec || !budget.take(n) {
						return false
					}
					spent += n
					return true
				}
				where := ""
				if v.Cause != nil {
					where = v.Cause.Location
				}
				v.Trace = traceViewOf(v.ID, a.ActionTrace, pool, v.Artifacts.ScreenshotID, fits, where)
			} else {
				v.TracePath = relativeLink(rs.ArtifactDir, artifact.DirActionTrace, artifact.FileTraceIndex)
			}
		}
	}
	return v
}

func skipReason(s types.SpecReport) string {
	if OutcomeOf(s) != Skipped {
		return ""
	}
	if s.State == types.SpecStatePending {
		return "pending"
	}
	return clip(strings.TrimSpace(s.Failure.Message), maxShortText)
}

func causeOf(s types.SpecReport, info RunInfo) *causeView {
	f := s.Failure
	c := &causeView{
		Message:  clip(strings.TrimSpace(f.Message), maxFailureText),
		Location: relativeLocation(f.Location, info.RepoRoot),
		Step:     clip(FailingStep(s), maxText),
	}
	if c.Message == "" {
		c.Message = s.State.String()
	}
	c.Excerpt = excerptOf(f.Location, relativePath(f.Location.FileName, info.RepoRoot))
	if f.ForwardedPanic != "" {
		c.Extra = append(c.Extra, clip("panic: "+f.ForwardedPanic, maxText))
	}
	node := f.FailureNodeType
	if node == types.NodeTypeInvalid {
		node = s.LeafNodeType
	}
	c.Node = node.String()
	if f.FailureNodeLocation.FileName != "" && f.FailureNodeContext != types.FailureNodeIsLeafNode {
		c.Node += " at " + relativeLocation(f.FailureNodeLocation, info.RepoRoot)
	}
	for i, af := range s.AdditionalFailures {
		if i == maxAdditionalFails {
			break
		}
		c.Extra = append(c.Extra, clip(fmt.Sprintf("then (%s): %s", af.State, af.Failure.Message), maxText))
	}
	return c
}

func actionViews(d *artifact.Diagnostics, specStart time.Time, outcome Outcome) ([]actionView, int) {
	if d == nil {
		return nil, 0
	}
	actions := d.Actions
	caps := capsFor(outcome)
	limit, text := caps.actions, caps.text
	omitted := 0
	if len(actions) > limit {
		omitted = len(actions) - limit
		actions = actions[len(actions)-limit:] // the last actions led to the failure
	}
	out := make([]actionView, 0, len(actions))
	for _, a := range actions {
		av := actionView{
			Action: a.Action, Locator: clip(a.Locator, text), Detail: clip(a.Detail, text),
			Element: clip(a.Element, text), Duration: a.Duration, Attempts: a.Attempts, Error: clip(a.Error, maxText),
			Start: sinceStart(a.Start, specStart),
		}
		for _, w := range a.Waits {
			share := 0.0
			if a.Duration > 0 {
				share = min(float64(w.Waited)/float64(a.Duration), 1)
			}
			av.Waits = append(av.Waits, waitView{Check: w.Check, Waited: w.Waited, Last: clip(w.Last, text), Share: share})
		}
		out = append(out, av)
	}
	return out, omitted
}

func sinceStart(t, start time.Time) time.Duration {
	if t.IsZero() || start.IsZero() {
		return 0
	}
	return t.Sub(start)
}

func artifactViewOf(rs renderedSpec, budget *imageBudget, pool *imagePool) (*artifactView, int) {
	a := rs.Artifacts
	start := rs.Spec.StartTime
	v := &artifactView{Dir: rs.ArtifactDir, HAR: rs.HAR, Notes: a.Problems}
	important := rs.Outcome == Failed || rs.Outcome == Flaky
	caps := capsFor(rs.Outcome)
	if d := a.Diagnostics; d != nil {
		v.URL, v.Title = clip(d.URL, maxText), clip(d.Title, maxText)
		v.Notes = append(v.Notes, d.Notes...)
		v.Console, v.ConsoleOmitted, v.ConsoleErrors = consoleViews(d.Console, start, caps)
		for i, pe := range d.PageErrors {
			if i == caps.console {
				v.Notes = append(v.Notes, fmt.Sprintf("%d more uncaught exceptions are in %s", len(d.PageErrors)-i, artifact.FileDiagnostics))
				break
			}
			v.PageErrors = append(v.PageErrors, pageErrorView{Offset: sinceStart(pe.Time, start),
				Message: clip(pe.Message, maxText), Where: clip(pe.Where, maxShortText)})
		}
		for i, dlg := range d.Dialogs {
			if i == caps.console {
				break
			}
			v.Dialogs = append(v.Dialogs, clip(dlg, maxText))
		}
		for i, u := range d.Untrusted {
			if i == caps.console {
				break
			}
			u.Target, u.URL = clip(u.Target, maxShortText), clip(u.URL, maxShortText)
			v.Untrusted = append(v.Untrusted, u)
		}
		v.UntrustedReason = d.UntrustedReason
		v.Requests = len(d.Network)
		for _, n := range d.Network {
			if !n.Failed() {
				continue
			}
			if len(v.FailedRequests) == caps.requests {
				v.FailedOmitted++
				continue
			}
			status := fmt.Sprintf("%d %s", n.Status, n.StatusText)
			if n.Failure != "" {
				status = n.Failure
			}
			var took time.Duration
			if !n.Finished.IsZero() && !n.Started.IsZero() {
				took = n.Finished.Sub(n.Started)
			}
			v.FailedRequests = append(v.FailedRequests, requestView{Method: n.Method, URL: clip(n.URL, caps.text),
				Status: clip(status, maxShortText), Type: n.ResourceType, Duration: took})
		}
		if d.TraceDropped > 0 {
			v.TimelineNote = fmt.Sprintf("the harness kept the newest protocol messages; %d older ones were dropped", d.TraceDropped)
		}
	}
	if len(a.Trace) > 0 && caps.timeline > 0 {
		tl := BuildTimeline(a.Trace)
		events := tl.Events
		if len(events) > caps.timeline {
			v.TimelineOmitted = len(events) - caps.timeline
			events = events[len(events)-caps.timeline:]
		}
		for _, e := range events {
			v.Timeline = append(v.Timeline, timelineView{Offset: sinceStart(e.Time, start), Kind: string(e.Kind), Summary: e.Summary, Problem: e.Problem})
		}
		if tl.Undecoded > 0 {
			v.Notes = append(v.Notes, fmt.Sprintf("%d protocol messages could not be decoded by cdproto and are not in the timeline (see %s)", tl.Undecoded, artifact.FileTrace))
		}
	}
	spent := inlineImages(v, rs.ArtifactDir, a, important, budget, pool)
	return v, spent
}

// inlineImages puts the screenshot and filmstrip of a failed or flaky spec into the report while the budget
// lasts; otherwise, and for passing specs that kept artifacts, the report links to the files. It returns the
// bytes it spent of the spec's allowance, and registers each image in the card's pool, for the trace view.
func inlineImages(v *artifactView, dir string, a *artifact.Artifacts, important bool, budget *imageBudget, pool *imagePool) int {
	if len(a.Screenshot) > 0 {
		v.ScreenshotLink = relativeLink(dir, artifact.FileScreenshot)
	}
	if !important {
		return 0
	}
	spent := 0
	if len(a.Screenshot) > 0 {
		shot, mime, shrunk := fitScreenshot(a.Screenshot, maxInlineScreenshot)
		switch {
		case shot == nil:
			v.ScreenshotNote = "the screenshot could not be inlined"
		case budget.take(len(shot)):
			v.Screenshot = template.URL(dataURI(mime, shot))
			v.ScreenshotID = pool.known(shot)
			spent += len(shot)
			if shrunk {
				v.ScreenshotNote = "downscaled to keep the report small; the full-size screenshot is next to it"
			}
		default:
			v.ScreenshotNote = "not inlined: the report's image budget went to earlier failures"
		}
	}
	frames := a.Filmstrip
	if len(frames) > maxFilmstripFrames {
		frames = frames[len(frames)-maxFilmstripFrames:]
	}
	skipped := 0
	for _, f := range frames {
		mime := imageMIME(f)
		if mime == "" || len(f) > maxInlineFrame || spent+len(f) > maxImagesPerSpec || !budget.take(len(f)) {
			skipped++
			continue
		}
		spent += len(f)
		v.Frames = append(v.Frames, frameView{Src: template.URL(dataURI(mime, f)), ID: pool.known(f)})
	}
	if skipped > 0 {
		v.FramesNote = fmt.Sprintf("%d of %d frames not inlined to keep the report small; all are in %s/", skipped, len(frames), relativeLink(dir, artifact.DirFilmstrip))
	}
	return spent
}

func consoleViews(msgs []artifact.ConsoleMessage, start time.Time, caps listCaps) (out []consoleView, omitted, errs int) {
	for _, m := range msgs {
		if isErrorLevel(m.Level) {
			errs++
		}
	}
	if len(msgs) > caps.console {
		omitted = len(msgs) - caps.console
		msgs = msgs[len(msgs)-caps.console:]
	}
	for _, m := range msgs {
		out = append(out, consoleView{Offset: sinceStart(m.Time, start), Level: m.Level, Text: clip(m.Text, maxText),
			Where: clip(m.Where, maxShortText), Error: isErrorLevel(m.Level)})
	}
	return out, omitted, errs
}

func isErrorLevel(level string) bool {
	return level == "error" || level == "assert" || level == "warning"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := s[len(s)-n:]
	if i := strings.IndexByte(cut, '\n'); i >= 0 && i < 200 {
		cut = cut[i+1:]
	}
	return fmt.Sprintf("… (%d earlier bytes left out)\n", len(s)-len(cut)) + cut
}

func relativeLocation(cl types.CodeLocation, root string) string {
	if cl.FileName == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", relativePath(cl.FileName, root), cl.LineNumber)
}

// relativePath shows a file relative to the repository when it is inside it.
func relativePath(p, root string) string {
	if root == "" || p == "" || !filepath.IsAbs(p) {
		return p
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return filepath.ToSlash(rel)
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

func formatOffset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	return fmt.Sprintf("%s%.3fs", sign, d.Seconds())
}
