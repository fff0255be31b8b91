package e2e

import (
	"context"
	"path"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// saveArtifacts writes the session's diagnostics (and, when withTrace, its action trace) into the spec's
// artifact directory and points the spec's report at them. It returns that directory, relative to the output
// directory.
func saveArtifacts(ctx context.Context, cfg Config, report types.SpecReport, s *harness.Session, withTrace bool) (string, error) {
	d := s.Diagnostics(ctx)
	a := artifactsOf(d)
	if withTrace {
		a.ActionTrace = actionTraceOf(d, report, viewportOf(ctx, s.Page(), d.Screenshot))
	}
	rel := artifact.SpecDir(report.FullText())
	if err := artifact.Write(filepath.Join(cfg.OutputDir, filepath.FromSlash(rel)), a); err != nil {
		return "", err
	}
	if len(a.Screenshot) > 0 {
		AddReportEntry(artifact.EntryScreenshot, path.Join(rel, artifact.FileScreenshot))
	}
	AddReportEntry(artifact.EntryArtifacts, rel)
	if a.Diagnostics.URL != "" {
		AddReportEntry(artifact.EntryURL, a.Diagnostics.URL)
	}
	if a.ActionTrace != nil {
		AddReportEntry(artifact.EntryTrace, tracePath(rel))
	}
	return rel, nil
}

// artifactsOf converts the harness's diagnostics into the artifact schema. It is the one place the harness's
// types meet the files: a field the harness adds reaches the reports when it is added here (and to the
// schema); TestTheArtifactsCarryEveryDiagnostic fails until it is.
func artifactsOf(d *harness.Diagnostics) *artifact.Artifacts {
	out := &artifact.Artifacts{
		Diagnostics: &artifact.Diagnostics{
			URL:             d.URL,
			Title:           d.Title,
			BrowserVersion:  d.BrowserVersion,
			Dialogs:         d.Dialogs,
			UntrustedReason: d.UntrustedReason,
			TraceDropped:    d.TraceDropped,
			Notes:           d.Notes,
		},
		Screenshot: d.Screenshot,
	}
	diag := out.Diagnostics
	for _, a := range d.Actions {
		action := artifact.Action{Action: a.Action, Locator: a.Locator, Detail: a.Detail, Element: a.Element,
			Start: a.Start, Duration: a.Duration, Attempts: a.Attempts, Error: a.Error}
		for _, w := range a.Waits {
			action.Waits = append(action.Waits, artifact.CheckWait{Check: string(w.Check), Waited: w.Waited, Last: w.Last})
		}
		if a.Point != nil {
			action.Point = &artifact.Point{X: a.Point.X, Y: a.Point.Y}
		}
		action.TargetBox = boxOf(a.TargetBox)
		for _, l := range a.Landings {
			action.Landings = append(action.Landings, artifact.Landing{Event: l.Event, Element: l.Element, InTarget: l.InTarget, Box: boxOf(l.Box)})
		}
		diag.Actions = append(diag.Actions, action)
	}
	for _, m := range d.Console {
		diag.Console = append(diag.Console, artifact.ConsoleMessage{Time: m.Time, Level: m.Level, Text: m.Text, Where: m.Where})
	}
	for _, e := range d.PageErrors {
		diag.PageErrors = append(diag.PageErrors, artifact.PageError{Time: e.Time, Message: e.Message, Where: e.Where})
	}
	for _, u := range d.Untrusted {
		diag.Untrusted = append(diag.Untrusted, artifact.UntrustedEvent{Type: u.Type, Target: u.Target, URL: u.URL})
	}
	for _, n := range d.Network {
		diag.Network = append(diag.Network, artifact.NetworkEntry{RequestID: n.RequestID, URL: n.URL, Method: n.Method,
			ResourceType: n.ResourceType, RequestHeaders: n.RequestHeaders, PostData: n.PostData, Status: n.Status,
			StatusText: n.StatusText, ResponseHeaders: n.ResponseHeaders, MimeType: n.MimeType, Protocol: n.Protocol,
			Started: n.Started, Finished: n.Finished, EncodedBytes: n.EncodedBytes, Failure: n.Failure})
	}
	for _, f := range d.Filmstrip {
		out.Filmstrip = append(out.Filmstrip, f.JPEG)
	}
	for _, l := range d.Trace {
		out.Trace = append(out.Trace, artifact.TraceLine{Time: l.Time, Kind: l.Kind, ID: l.ID, Method: l.Method,
			Params: l.Params, Result: l.Result, Error: l.Error})
	}
	return out
}

func boxOf(b *harness.Box) *artifact.Box {
	if b == nil {
		return nil
	}
	return &artifact.Box{X: b.X, Y: b.Y, Width: b.Width, Height: b.Height}
}
