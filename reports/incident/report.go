package incident

import (
	"errors"
	"fmt"
	"strings"
)

// Report says, per sender, what happened to each notification in one
// Deliver or Flush call.
type Report struct {
	Senders []SenderReport
	// Corrupt lists outbox files that could not be read; each was moved
	// aside and needs a person to look at it.
	Corrupt []*CorruptEntryError
	// Storage lists outbox write and remove failures. A failed write means
	// the notification was still sent, but would not survive a crash.
	Storage []error
}

// SenderReport is one sender's share of a [Report].
type SenderReport struct {
	Sender    string
	Delivered []Delivery // accepted by the API and removed from the outbox
	Pending   []Delivery // still in the outbox: the next run sends them first
	// Rejected were refused with a 4xx other than 408/429 (or were
	// malformed): sending them again cannot succeed, so they were removed
	// from the outbox. Err carries the API's own message.
	Rejected []Delivery
	// Lost were neither delivered nor kept: writing them to the outbox had
	// failed (or there was no outbox), so nothing will send them again.
	Lost []Delivery
}

// Delivery is the fate of one outbox entry.
type Delivery struct {
	EntryID      string
	Notification Notification
	Attempts     int
	Err          *DeliveryError // nil when delivered
}

func (r *Report) count(pick func(SenderReport) []Delivery) int {
	n := 0
	for _, s := range r.Senders {
		n += len(pick(s))
	}
	return n
}

// Delivered counts notifications the APIs accepted.
func (r *Report) Delivered() int {
	return r.count(func(s SenderReport) []Delivery { return s.Delivered })
}

// Pending counts notifications kept in the outbox. When it is not zero the
// smoke runner exits with code 3.
func (r *Report) Pending() int { return r.count(func(s SenderReport) []Delivery { return s.Pending }) }

// Rejected counts notifications an API refused for good. They are not
// kept, so they too make the smoke runner exit with code 3.
func (r *Report) Rejected() int {
	return r.count(func(s SenderReport) []Delivery { return s.Rejected })
}

// Lost counts notifications neither delivered nor kept in the outbox.
func (r *Report) Lost() int { return r.count(func(s SenderReport) []Delivery { return s.Lost }) }

// OK reports whether everything was delivered and nothing needs attention.
func (r *Report) OK() bool {
	return r.Pending() == 0 && r.Rejected() == 0 && r.Lost() == 0 && len(r.Corrupt) == 0 && len(r.Storage) == 0
}

// eachUndelivered calls f for each notification the sender did not deliver: the pending ones, then the rejected,
// then the lost, with fate the word of fates for each (in that order).
func (s SenderReport) eachUndelivered(fates [3]string, f func(fate string, d Delivery)) {
	for i, list := range [][]Delivery{s.Pending, s.Rejected, s.Lost} {
		for _, d := range list {
			f(fates[i], d)
		}
	}
}

// Err joins the errors of everything not delivered, or returns nil.
func (r *Report) Err() error {
	var errs []error
	for _, s := range r.Senders {
		s.eachUndelivered([3]string{"kept in the outbox", "rejected and dropped", "not delivered and not kept (no outbox)"},
			func(fate string, d Delivery) {
				errs = append(errs, fmt.Errorf("%s: %s: %w", fate, d.Notification, d.Err))
			})
	}
	for _, c := range r.Corrupt {
		errs = append(errs, c)
	}
	errs = append(errs, r.Storage...)
	return errors.Join(errs...)
}

// String renders the report for a person: one line per sender, then one
// line per notification that was not delivered.
func (r *Report) String() string {
	var b strings.Builder
	for _, s := range r.Senders {
		fmt.Fprintf(&b, "%s: %d delivered, %d pending in the outbox, %d rejected", s.Sender, len(s.Delivered), len(s.Pending), len(s.Rejected))
		if len(s.Lost) > 0 {
			fmt.Fprintf(&b, ", %d lost (not delivered, and the outbox could not keep them)", len(s.Lost))
		}
		b.WriteString("\n")
		for _, d := range s.Pending {
			fmt.Fprintf(&b, "  pending  %s: %v\n", d.Notification, d.Err)
		}
		for _, d := range s.Rejected {
			fmt.Fprintf(&b, "  rejected %s: %v\n", d.Notification, d.Err)
		}
		for _, d := range s.Lost {
			fmt.Fprintf(&b, "  lost     %s: %v\n", d.Notification, d.Err)
		}
	}
	for _, c := range r.Corrupt {
		fmt.Fprintf(&b, "corrupt outbox entry: %v\n", c)
	}
	for _, err := range r.Storage {
		fmt.Fprintf(&b, "outbox: %v\n", err)
	}
	return b.String()
}

// sender returns the report for name, adding it if needed.
func (r *Report) sender(name string) *SenderReport {
	for i := range r.Senders {
		if r.Senders[i].Sender == name {
			return &r.Senders[i]
		}
	}
	r.Senders = append(r.Senders, SenderReport{Sender: name})
	return &r.Senders[len(r.Senders)-1]
}
