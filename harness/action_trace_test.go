package harness_test

import (
	"context"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// lastAction is the newest entry of the page's action log that is of the given action.
func lastAction(t *testing.T, p *harness.Page, action string) harness.ActionRecord {
	t.Helper()
	d := p.Session().Diagnostics(context.Background())
	for i := len(d.Actions) - 1; i >= 0; i-- {
		if d.Actions[i].Action == action {
			return d.Actions[i]
		}
	}
	t.Fatalf("no %s in the action log: %+v", action, d.Actions)
	return harness.ActionRecord{}
}

func inside(p harness.Point, b harness.Box) bool {
	return p.X >= b.X && p.X <= b.X+b.Width && p.Y >= b.Y && p.Y <= b.Y+b.Height
}

// The action log keeps what a trace shows: where the mouse pressed, the target's box, where each event went,
// and the page before and after (recorded from the first paint with FilmstripAlways).
func TestTheActionLogKeepsThePressPointAndWhereEachEventWent(t *testing.T) {
	p := openOwn(t, "button.html", harness.WithFilmstrip(harness.FilmstripAlways))
	// The page has been painted and the screencast has shown it: only then is there a "before" to keep. On a
	// loaded machine the first frame can reach the harness after the click has begun.
	untilTrue(t, "the first screencast frame", func() bool { return len(p.Session().Diagnostics(context.Background()).Filmstrip) > 0 })
	if err := p.ByTestID("go").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
	rec := lastAction(t, p, "click")
	if rec.Point == nil || rec.TargetBox == nil || !inside(*rec.Point, *rec.TargetBox) {
		t.Fatalf("press point %v is not inside the target's box %v", rec.Point, rec.TargetBox)
	}
	var events []string
	for _, l := range rec.Landings {
		events = append(events, l.Event)
		if !l.InTarget || l.Box == nil {
			t.Errorf("%s went to %s (in target: %v, box %v)", l.Event, l.Element, l.InTarget, l.Box)
		}
	}
	if len(events) != 3 || events[0] != "pointerdown" || events[1] != "pointerup" || events[2] != "click" {
		t.Errorf("landings: %v", events)
	}
	if rec.Before == nil || len(rec.Before.JPEG) == 0 {
		t.Errorf("no frame of the page before the click")
	}
	// The first frame drawn after the click shows its effect (the count).
	deadline := time.Now().Add(10 * time.Second)
	for rec.After == nil || rec.After.Time.Before(rec.Start) {
		if time.Now().After(deadline) {
			t.Fatalf("no frame of the page after the click")
		}
		time.Sleep(20 * time.Millisecond)
		rec = lastAction(t, p, "click")
	}
}

// On the incident's page the events went elsewhere, and the log says where.
func TestTheActionLogShowsEventsThatMissedTheTarget(t *testing.T) {
	p, ctx := openWithContext(t, "incident.html")
	if err := p.ByLabel("Text").Click(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("insert").Click(ctx); err == nil {
		t.Fatal("the click on the vanishing button succeeded")
	}
	rec := lastAction(t, p, "click")
	missed := 0
	for _, l := range rec.Landings {
		if !l.InTarget {
			missed++
		}
	}
	if missed == 0 || rec.Point == nil {
		t.Errorf("the failed click's landings do not show the miss: %+v", rec.Landings)
	}
	if rec.Landings[0].Event != "pointerdown" || !rec.Landings[0].InTarget {
		t.Errorf("pointerdown should have reached the button: %+v", rec.Landings[0])
	}
}

// untilTrue polls cond until it holds, failing the test after a minute: a bound against a hang, not a timing claim.
func untilTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}
