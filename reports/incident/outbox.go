package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OutboxFormat names the version of an outbox entry file.
const OutboxFormat = "smoke-outbox/v1"

// Outbox keeps notifications on disk until their sender accepted them, so
// a runner that is killed, times out or finds an API down loses nothing:
// the next run sends what the outbox holds first.
//
// Layout: one file per notification and sender in the outbox directory,
// named "<seq>-<sender>.json" where seq is a 12-digit number that orders
// entries across runs:
//
//	{
//	  "format": "smoke-outbox/v1",
//	  "seq": 42,
//	  "sender": "pagerduty",
//	  "enqueued_at": "2026-11-21T10:00:00Z",
//	  "notification": {"alert": {"action": "trigger", "dedup_key": "smoke/prod/editor-loads", ...}}
//	}
//
// An entry holds the sender's name, never its credentials or URL: those
// come from the environment when the entry is sent, so rotating a key needs
// no outbox surgery and a leaked state directory leaks no secret.
//
// One file per sender makes "delivered" a single atomic unlink; files that
// cannot be read are moved to the "corrupt" subdirectory with an error in
// the report, and never block the others. To discard entries on purpose
// (a sender removed for good), delete their files.
type Outbox struct {
	dir string

	mu      sync.Mutex
	nextSeq uint64
}

// OutboxEntry is one notification waiting for one sender.
type OutboxEntry struct {
	ID           string // the file name without ".json"
	Seq          uint64
	Sender       string
	EnqueuedAt   time.Time
	Notification Notification
}

type outboxFile struct {
	Format       string       `json:"format"`
	Seq          uint64       `json:"seq"`
	Sender       string       `json:"sender"`
	EnqueuedAt   time.Time    `json:"enqueued_at"`
	Notification Notification `json:"notification"`
}

// corruptDir is where unreadable entries are moved.
const corruptDir = "corrupt"

// OpenOutbox opens (creating it if needed, mode 0700) the outbox in dir.
func OpenOutbox(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening outbox: %w", err)
	}
	removeStaleTemps(dir, time.Hour, time.Now())
	o := &Outbox{dir: dir, nextSeq: 1}
	names, err := o.names()
	if err != nil {
		return nil, fmt.Errorf("opening outbox: %w", err)
	}
	for _, name := range names {
		if seq, _, ok := parseEntryName(name); ok && seq >= o.nextSeq {
			o.nextSeq = seq + 1
		}
	}
	return o, nil
}

// Dir returns the outbox directory.
func (o *Outbox) Dir() string { return o.dir }

// Put writes a notification for sender atomically and returns its entry.
// Once Put returned, the notification survives a crash.
func (o *Outbox) Put(sender string, n Notification) (OutboxEntry, error) {
	if !validSenderName(sender) {
		return OutboxEntry{}, fmt.Errorf("writing to outbox: sender name %q must be lower-case letters, digits, '-' or '_'", sender)
	}
	if err := n.Validate(); err != nil {
		return OutboxEntry{}, fmt.Errorf("writing to outbox: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for {
		e := OutboxEntry{Seq: o.nextSeq, Sender: sender, EnqueuedAt: time.Now().UTC(), Notification: n}
		e.ID = entryID(e.Seq, sender)
		o.nextSeq++
		data, err := json.MarshalIndent(outboxFile{
			Format: OutboxFormat, Seq: e.Seq, Sender: sender, EnqueuedAt: e.EnqueuedAt, Notification: n,
		}, "", "  ")
		if err != nil {
			return OutboxEntry{}, fmt.Errorf("writing to outbox: encoding %s: %w", e.ID, err)
		}
		err = writeFileAtomic(o.path(e.ID), data, 0o600, true)
		if errors.Is(err, fs.ErrExist) {
			// Another runner took this number: take the next one.
			continue
		}
		if err != nil {
			return OutboxEntry{}, fmt.Errorf("writing to outbox: %w", err)
		}
		return e, nil
	}
}

// List returns the readable entries in the order they were written. Each
// unreadable file is moved aside and reported, not returned.
func (o *Outbox) List() ([]OutboxEntry, []*CorruptEntryError, error) {
	names, err := o.names()
	if err != nil {
		return nil, nil, fmt.Errorf("listing outbox: %w", err)
	}
	var entries []OutboxEntry
	var corrupt []*CorruptEntryError
	for _, name := range names {
		e, err := o.read(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // delivered by a concurrent flush since names() ran
		}
		if err != nil {
			corrupt = append(corrupt, o.moveAside(name, err))
			continue
		}
		entries = append(entries, e)
	}
	slices.SortStableFunc(entries, func(a, b OutboxEntry) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return strings.Compare(a.Sender, b.Sender)
	})
	return entries, corrupt, nil
}

// Kept lists the files earlier List calls moved aside because they could not
// be read: each may hold a notification that was never delivered, so it
// stays until a person has read and deleted it.
func (o *Outbox) Kept() ([]string, error) {
	des, err := os.ReadDir(filepath.Join(o.dir, corruptDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", filepath.Join(o.dir, corruptDir), err)
	}
	var files []string
	for _, de := range des {
		if !de.IsDir() {
			files = append(files, filepath.Join(o.dir, corruptDir, de.Name()))
		}
	}
	return files, nil
}

// Remove deletes a delivered (or rejected) entry. Removing an entry that is
// already gone is not an error.
func (o *Outbox) Remove(id string) error {
	err := os.Remove(o.path(id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing outbox entry %s: %w", id, err)
	}
	return syncDir(o.dir)
}

func (o *Outbox) path(id string) string { return filepath.Join(o.dir, id+".json") }

// names lists entry files; temporary files and the corrupt directory are
// not entries. A file with a foreign name is listed so it is reported.
func (o *Outbox) names() ([]string, error) {
	des, err := os.ReadDir(o.dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || strings.HasPrefix(name, tempPrefix) || strings.HasPrefix(name, ".") {
			continue
		}
		names = append(names, name)
	}
	return names, nil
}

func (o *Outbox) read(name string) (OutboxEntry, error) {
	seq, sender, ok := parseEntryName(name)
	if !ok {
		return OutboxEntry{}, errors.New("the file name is not <seq>-<sender>.json")
	}
	data, err := os.ReadFile(filepath.Join(o.dir, name))
	if err != nil {
		return OutboxEntry{}, err
	}
	var f outboxFile
	if err := json.Unmarshal(data, &f); err != nil {
		return OutboxEntry{}, fmt.Errorf("decoding JSON: %w", err)
	}
	switch {
	case f.Format != OutboxFormat:
		return OutboxEntry{}, fmt.Errorf("format %q is not %q", f.Format, OutboxFormat)
	case f.Seq != seq || f.Sender != sender:
		return OutboxEntry{}, fmt.Errorf("content says %s, the file name says %s", entryID(f.Seq, f.Sender), entryID(seq, sender))
	}
	if err := f.Notification.Validate(); err != nil {
		return OutboxEntry{}, err
	}
	return OutboxEntry{ID: entryID(seq, sender), Seq: seq, Sender: sender, EnqueuedAt: f.EnqueuedAt, Notification: f.Notification}, nil
}

func (o *Outbox) moveAside(name string, cause error) *CorruptEntryError {
	ce := &CorruptEntryError{File: filepath.Join(o.dir, name), Err: cause}
	dir := filepath.Join(o.dir, corruptDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		ce.Err = fmt.Errorf("%w; moving it aside failed: %v", cause, err)
		return ce
	}
	target := filepath.Join(dir, name)
	if _, err := os.Lstat(target); err == nil {
		target = filepath.Join(dir, fmt.Sprintf("%s.%d", name, time.Now().UnixNano()))
	}
	if err := os.Rename(filepath.Join(o.dir, name), target); err != nil {
		ce.Err = fmt.Errorf("%w; moving it aside failed: %v", cause, err)
		return ce
	}
	ce.MovedTo = target
	return ce
}

func entryID(seq uint64, sender string) string { return fmt.Sprintf("%012d-%s", seq, sender) }

func parseEntryName(name string) (seq uint64, sender string, ok bool) {
	base, isJSON := strings.CutSuffix(name, ".json")
	digits, sender, found := strings.Cut(base, "-")
	if !isJSON || !found || len(digits) != 12 || !validSenderName(sender) {
		return 0, "", false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, "", false
	}
	return seq, sender, true
}

// validSenderName keeps sender names safe as file name parts.
func validSenderName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
