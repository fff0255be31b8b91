package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"sync"
	"time"
)

// Deliverer sends notifications to every sender with one retry policy and
// keeps what it could not deliver in the [Outbox].
//
// Guarantees:
//   - At least once: a notification is written to the outbox before the
//     first attempt and removed only after its sender accepted it, so a
//     crash or a down API loses nothing. A crash after the API accepted it
//     but before the removal re-sends it next run; the dedup key makes that
//     duplicate harmless.
//   - In order per sender: entries go out in the order they were written,
//     oldest runs first. When one stays pending, the sender's later entries
//     wait behind it, so a resolve can never overtake its trigger.
//   - Bounded: at most Policy.MaxAttempts tries per entry and Policy.Deadline
//     per call, so a down API cannot stall the deploy pipeline.
//   - Rejections are final and loud: an entry refused with a 4xx (other than
//     408, 429 or an API's own "slow down" code) is removed and reported with the API's own message, because
//     re-sending the same bytes cannot succeed.
//   - Secret-free: errors, log lines and outbox files are scrubbed with the
//     senders' secrets, and alert text is scrubbed before it is stored.
//
// Senders run concurrently with each other; each sender's entries run one
// at a time.
type Deliverer struct {
	Senders []Sender
	// Outbox persists notifications; nil keeps them in memory only, which
	// loses undelivered notifications when the process ends.
	Outbox   *Outbox
	Policy   RetryPolicy
	Redactor *Redactor    // extra secrets to scrub; the senders' own are always scrubbed
	Logger   *slog.Logger // nil: no log output

	// Clock, sleep and jitter are injectable so tests of the retry policy
	// run in milliseconds.
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	Jitter func(time.Duration) time.Duration
}

// NewDeliverer returns a deliverer with the default policy.
func NewDeliverer(senders []Sender, outbox *Outbox) *Deliverer {
	return &Deliverer{Senders: senders, Outbox: outbox}
}

// Deliver writes each notification to the outbox for every sender that
// accepts it, then sends the whole outbox (older entries first) and
// reports the outcome. The error is non-nil only when a notification is
// invalid or two senders share a name; then nothing was written or sent.
//
// Alerts with a zero Timestamp get the current time before they are
// stored, so a re-send next run still says when the check failed.
func (d *Deliverer) Deliver(ctx context.Context, notes ...Notification) (*Report, error) {
	if err := d.checkSenders(); err != nil {
		return nil, err
	}
	for i, n := range notes {
		if err := n.Validate(); err != nil {
			return nil, fmt.Errorf("delivering notification %d: %w", i+1, err)
		}
	}
	ps := d.newPass()
	var unsaved []queued
	var storage []error
	for _, n := range notes {
		n = prepare(n, d.now(), ps.red)
		for _, s := range d.Senders {
			if !accepts(s, n) {
				continue
			}
			if d.Outbox != nil {
				_, err := d.Outbox.Put(s.Name(), n)
				if err == nil {
					continue
				}
				storage = append(storage, ps.red.ScrubError(err))
				ps.log(slog.LevelError, "outbox write failed; sending without a safety net", "sender", s.Name(), "notification", n.String(), "error", err.Error())
			}
			unsaved = append(unsaved, queued{entry: OutboxEntry{ID: "unsaved", Sender: s.Name(), Notification: n}})
		}
	}
	rep := ps.flush(ctx, unsaved)
	rep.Storage = append(storage, rep.Storage...)
	return rep, nil
}

// Flush sends what the outbox holds, per sender in the original order, and
// reports the outcome. The runner calls it, through Deliver or on its own,
// at the start of every run. The error is non-nil only when two senders
// share a name.
func (d *Deliverer) Flush(ctx context.Context) (*Report, error) {
	if err := d.checkSenders(); err != nil {
		return nil, err
	}
	return d.newPass().flush(ctx, nil), nil
}

func (d *Deliverer) checkSenders() error {
	seen := map[string]bool{}
	for _, s := range d.Senders {
		if seen[s.Name()] {
			return fmt.Errorf("delivering: two senders are named %q; the outbox could not tell their entries apart", s.Name())
		}
		seen[s.Name()] = true
	}
	return nil
}

// queued is an entry to send; unsaved entries exist only in memory because
// writing them to the outbox failed.
type queued struct {
	entry OutboxEntry
	saved bool
}

// pass is what one Deliver or Flush call shares across its senders: the
// redactor, the policy and the deadline, fixed when the call starts.
type pass struct {
	*Deliverer
	red      *Redactor
	policy   RetryPolicy
	deadline time.Time
}

func (d *Deliverer) newPass() *pass {
	policy := d.Policy.withDefaults()
	return &pass{Deliverer: d, red: d.redactor(), policy: policy, deadline: d.now().Add(policy.Deadline)}
}

func (d *pass) flush(ctx context.Context, unsaved []queued) *Report {
	// The injected clock decides whether a retry still fits; this bound in
	// real time stops a hung sender even when that clock stands still.
	ctx, cancel := context.WithTimeout(ctx, d.deadline.Sub(d.now()))
	defer cancel()
	red := d.red

	rep := &Report{}
	byName := map[string][]queued{}
	if d.Outbox != nil {
		entries, corrupt, err := d.Outbox.List()
		if err != nil {
			rep.Storage = append(rep.Storage, red.ScrubError(err))
		}
		for _, c := range corrupt {
			d.log(slog.LevelError, "corrupt outbox entry moved aside", "file", c.File, "moved_to", c.MovedTo, "error", c.Err.Error())
		}
		rep.Corrupt = corrupt
		for _, e := range entries {
			byName[e.Sender] = append(byName[e.Sender], queued{entry: e, saved: true})
		}
	}
	for _, q := range unsaved {
		byName[q.entry.Sender] = append(byName[q.entry.Sender], q)
	}

	results := make([]drained, len(d.Senders))
	var wg sync.WaitGroup
	for i, s := range d.Senders {
		items := byName[s.Name()]
		delete(byName, s.Name())
		wg.Go(func() { results[i] = d.drain(ctx, s, items) })
	}
	wg.Wait()
	for _, r := range results {
		rep.Senders = append(rep.Senders, r.report)
		rep.Storage = append(rep.Storage, r.storage...)
	}

	// Entries for a sender that is no longer configured stay: the
	// configuration may be missing only in this run.
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		sr := rep.sender(name)
		for _, q := range byName[name] {
			sr.Pending = append(sr.Pending, Delivery{EntryID: q.entry.ID, Notification: q.entry.Notification, Err: &DeliveryError{
				Sender:    name,
				Message:   "no sender named " + name + " is configured in this run; the entry stays in the outbox (delete its file to discard it)",
				Retryable: true,
			}})
		}
	}
	return rep
}

type drained struct {
	report  SenderReport
	storage []error
}

// drain sends one sender's entries in order. After one stays pending, the
// saved entries behind it are not attempted, so order is kept; unsaved ones
// are still tried, since they cannot wait for another run.
func (d *pass) drain(ctx context.Context, s Sender, items []queued) drained {
	out := drained{report: SenderReport{Sender: s.Name(), Delivered: []Delivery{}, Pending: []Delivery{}, Rejected: []Delivery{}, Lost: []Delivery{}}}
	var blockedBy *DeliveryError
	for _, q := range items {
		e := q.entry
		del := Delivery{EntryID: e.ID, Notification: e.Notification}
		if blockedBy != nil && q.saved {
			del.Err = &DeliveryError{
				Sender:    s.Name(),
				Message:   "not attempted: an earlier notification to " + s.Name() + " is still pending (" + blockedBy.Message + ")",
				Retryable: true,
			}
			out.report.Pending = append(out.report.Pending, del)
			continue
		}
		attempts, err := d.sendWithRetry(ctx, s, e.Notification)
		del.Attempts = attempts
		switch {
		case err == nil:
			d.log(slog.LevelInfo, "delivered", "sender", s.Name(), "notification", e.Notification.String(), "attempts", attempts)
			out.report.Delivered = append(out.report.Delivered, del)
		case err.Retryable && !q.saved:
			del.Err = err
			d.log(slog.LevelError, "not delivered, and not in the outbox: lost", "sender", s.Name(), "notification", e.Notification.String(), "error", err.Error())
			out.report.Lost = append(out.report.Lost, del)
			continue
		case err.Retryable:
			del.Err = err
			d.log(slog.LevelWarn, "kept in the outbox", "sender", s.Name(), "notification", e.Notification.String(), "error", err.Error())
			out.report.Pending = append(out.report.Pending, del)
			blockedBy = err
			continue
		default:
			del.Err = err
			d.log(slog.LevelError, "rejected; dropped from the outbox", "sender", s.Name(), "notification", e.Notification.String(), "error", err.Error())
			out.report.Rejected = append(out.report.Rejected, del)
		}
		if q.saved {
			if rmErr := d.Outbox.Remove(e.ID); rmErr != nil {
				// The entry will be sent again next run: a duplicate, which
				// the dedup key absorbs, rather than a loss.
				out.storage = append(out.storage, d.red.ScrubError(rmErr))
			}
		}
	}
	return out
}

// sendWithRetry makes up to policy.MaxAttempts attempts. It returns nil
// once the sender accepted, else the last error, scrubbed, with Attempts
// set.
func (d *pass) sendWithRetry(ctx context.Context, s Sender, n Notification) (int, *DeliveryError) {
	policy, red := d.policy, d.red
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, policy.AttemptTimeout)
		err := s.Send(actx, n)
		cancel()
		if err == nil {
			return attempt, nil
		}
		de := toDeliveryError(s.Name(), err)
		de.Attempts = attempt
		de.Message = red.Scrub(de.Message)
		de.Err = red.ScrubError(de.Err)
		if !de.Retryable {
			return attempt, de
		}
		if ctx.Err() != nil {
			return attempt, de
		}
		if attempt >= policy.MaxAttempts {
			return attempt, de
		}
		wait := d.jitter(policy.backoff(attempt))
		if de.RetryAfter > 0 {
			if de.RetryAfter > policy.MaxRetryAfter {
				de.Message += fmt.Sprintf(" (the API asked to wait %s, longer than this run waits)", de.RetryAfter)
				return attempt, de
			}
			wait = max(wait, de.RetryAfter)
		}
		if d.now().Add(wait).After(d.deadline) {
			de.Message += fmt.Sprintf(" (no time left to retry within %s)", policy.Deadline)
			return attempt, de
		}
		d.log(slog.LevelWarn, "retrying", "sender", s.Name(), "notification", n.String(), "attempt", attempt, "wait", wait.String(), "error", de.Error())
		if err := d.sleep(ctx, wait); err != nil {
			return attempt, de
		}
	}
}

// toDeliveryError copies a sender's *DeliveryError (so scrubbing does not
// touch the sender's value) or wraps any other error. An unknown error is
// treated as retryable: keeping a notification is safer than dropping it.
func toDeliveryError(sender string, err error) *DeliveryError {
	var de *DeliveryError
	if errors.As(err, &de) {
		c := *de
		if c.Sender == "" {
			c.Sender = sender
		}
		return &c
	}
	retryable := !errors.Is(err, ErrInvalidNotification)
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		retryable = true
	}
	return &DeliveryError{Sender: sender, Message: err.Error(), Retryable: retryable, Err: err}
}

// prepare copies n, stamps it and scrubs secrets from its text: a harness
// message quoting a webhook URL must not reach a third party or the disk.
func prepare(n Notification, now time.Time, red *Redactor) Notification {
	if n.Alert != nil {
		a := *n.Alert
		if a.Timestamp.IsZero() {
			a.Timestamp = now.UTC()
		}
		for _, f := range []*string{&a.Summary, &a.Step, &a.Cause, &a.Version, &a.TargetURL, &a.ReportURL, &a.ScreenshotURL, &a.FeatureName, &a.Location} {
			*f = red.Scrub(*f)
		}
		a.Checks = slices.Clone(a.Checks)
		for i := range a.Checks {
			c := &a.Checks[i]
			for _, f := range []*string{&c.Title, &c.Step, &c.Cause, &c.Screenshot} {
				*f = red.Scrub(*f)
			}
		}
		a.Details = scrubMap(a.Details, red)
		return Notification{Alert: &a}
	}
	c := *n.Change
	if c.Timestamp.IsZero() {
		c.Timestamp = now.UTC()
	}
	for _, f := range []*string{&c.Summary, &c.Version, &c.TargetURL, &c.ReportURL} {
		*f = red.Scrub(*f)
	}
	c.Links = slices.Clone(c.Links)
	for i := range c.Links {
		c.Links[i].Href = red.Scrub(c.Links[i].Href)
		c.Links[i].Text = red.Scrub(c.Links[i].Text)
	}
	c.Details = scrubMap(c.Details, red)
	return Notification{Change: &c}
}

func scrubMap(m map[string]string, red *Redactor) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[red.Scrub(k)] = red.Scrub(v)
	}
	return out
}

// redactor always covers the senders' own secrets, so a custom Redactor
// can only add to what is scrubbed, never forget a key.
func (d *Deliverer) redactor() *Redactor {
	own := RedactorFor(d.Senders)
	if d.Redactor == nil {
		return own
	}
	return own.merge(d.Redactor)
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deliverer) sleep(ctx context.Context, wait time.Duration) error {
	if d.Sleep != nil {
		return d.Sleep(ctx, wait)
	}
	return sleepContext(ctx, wait)
}

func (d *Deliverer) jitter(wait time.Duration) time.Duration {
	if d.Jitter != nil {
		return d.Jitter(wait)
	}
	return equalJitter(wait)
}

// log scrubs every string attribute before it reaches the handler.
func (d *pass) log(level slog.Level, msg string, args ...any) {
	if d.Logger == nil {
		return
	}
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = d.red.Scrub(s)
		}
	}
	d.Logger.Log(context.Background(), level, d.red.Scrub(msg), args...)
}
