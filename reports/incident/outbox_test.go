package incident_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/reports/incident/incidenttest"
)

// suicidalSender stands in for the runner being killed (OOM, a CI job
// timeout) after the outbox write and before the API call: it SIGKILLs its
// own process, so no deferred code or cleanup runs.
type suicidalSender struct{}

func (suicidalSender) Name() string { return "pagerduty" }
func (suicidalSender) Send(context.Context, incident.Notification) error {
	p, _ := os.FindProcess(os.Getpid())
	_ = p.Kill()
	select {}
}

const crashDirEnv = "INCIDENT_TEST_CRASH_OUTBOX"

func TestCrashBetweenOutboxWriteAndSendLosesNothing(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		outbox, err := incident.OpenOutbox(dir)
		if err != nil {
			os.Exit(2)
		}
		d := &incident.Deliverer{Senders: []incident.Sender{suicidalSender{}}, Outbox: outbox}
		resolve := incident.NewResolve("prod", "editor-loads")
		_, _ = d.Deliver(context.Background(), criticalFailure().Notification(), resolve.Notification())
		os.Exit(0) // unreachable: the sender killed the process
	}

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenOutboxWriteAndSendLosesNothing$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the child was meant to die by SIGKILL, got %v:\n%s", err, out)
	}

	fake, pd := pagerDuty(t)
	outbox, err := incident.OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	d := &incident.Deliverer{Senders: []incident.Sender{pd}, Outbox: outbox, Policy: testPolicy, Now: clock.Now, Sleep: clock.Sleep}
	rep := flush(t, d)
	evs := fake.Events()
	if rep.Delivered() != 2 || len(evs) != 2 || evs[0].EventAction != "trigger" || evs[1].EventAction != "resolve" {
		t.Fatalf("after the crash the next run delivered %d events:\n%s", len(evs), rep)
	}
	if n := outboxLen(t, outbox); n != 0 {
		t.Errorf("%d entries left", n)
	}
}

func TestOutboxWritesCompleteFilesOnly(t *testing.T) {
	dir := t.TempDir()
	// A write interrupted long ago, and one that may still be under way.
	stale := filepath.Join(dir, ".tmp-stale")
	fresh := filepath.Join(dir, ".tmp-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte(`{"format":`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	o, err := incident.OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale temp file survived OpenOutbox")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("OpenOutbox removed a temp file another writer may still own")
	}
	e, err := o.Put("pagerduty", criticalFailure().Notification())
	if err != nil {
		t.Fatal(err)
	}
	entries, corrupt, err := o.List()
	if err != nil || len(corrupt) != 0 || len(entries) != 1 {
		t.Fatalf("List = %v %v %v; temp files must not be read as entries", entries, corrupt, err)
	}
	path := filepath.Join(dir, e.ID+".json")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("entry mode %v, want 0600", perm)
	}
	var f map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &f); err != nil || f["format"] != incident.OutboxFormat || f["sender"] != "pagerduty" {
		t.Errorf("entry file = %s", data)
	}
}

func TestOutboxKeepsOrderAcrossReopens(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 3 {
		o, err := incident.OpenOutbox(dir) // a new run each time
		if err != nil {
			t.Fatal(err)
		}
		a := criticalFailure()
		a.Check = strings.Repeat("c", i+1)
		a.DedupKey = incident.DedupKey("prod", a.Check)
		if _, err := o.Put("pagerduty", a.Notification()); err != nil {
			t.Fatal(err)
		}
		want = append(want, a.DedupKey)
	}
	o, _ := incident.OpenOutbox(dir)
	entries, _, _ := o.List()
	for i, e := range entries {
		if e.Notification.Alert.DedupKey != want[i] {
			t.Errorf("entry %d is %s, want %s", i, e.Notification.Alert.DedupKey, want[i])
		}
	}
}

func TestCorruptOutboxFilesAreMovedAsideAndDoNotBlockOthers(t *testing.T) {
	fake, pd := pagerDuty(t)
	d, _ := newDeliverer(t, pd)
	dir := d.Outbox.Dir()
	first, _ := d.Outbox.Put("pagerduty", criticalFailure().Notification())
	broken, _ := d.Outbox.Put("pagerduty", criticalFailure().Notification())
	last, _ := d.Outbox.Put("pagerduty", incident.NewResolve("prod", "insert-dynamic-data").Notification())
	if err := os.WriteFile(filepath.Join(dir, broken.ID+".json"), []byte(`{"format":"smoke-outbox/v1","seq":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("someone's notes"), 0o600); err != nil {
		t.Fatal(err)
	}

	rep := flush(t, d)

	if rep.Delivered() != 2 || len(fake.Events()) != 2 {
		t.Errorf("the readable entries %s and %s were not both delivered:\n%s", first.ID, last.ID, rep)
	}
	if len(rep.Corrupt) != 2 {
		t.Fatalf("corrupt = %v", rep.Corrupt)
	}
	for _, c := range rep.Corrupt {
		if c.MovedTo == "" {
			t.Errorf("%s was not moved aside: %v", c.File, c.Err)
			continue
		}
		if _, err := os.Stat(c.MovedTo); err != nil {
			t.Errorf("moved-aside file is gone: %v", err)
		}
		if !strings.Contains(rep.String(), c.MovedTo) {
			t.Errorf("report does not say where %s went:\n%s", c.File, rep)
		}
	}
	if rep.OK() {
		t.Error("a report with corrupt entries claims all is well")
	}
	if rep = flush(t, d); len(rep.Corrupt) != 0 {
		t.Errorf("corrupt files reported again: %v", rep.Corrupt)
	}
}

func TestOutboxRejectsSenderNamesThatAreNotFileSafe(t *testing.T) {
	o, err := incident.OpenOutbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Put("../escape", criticalFailure().Notification()); err == nil {
		t.Error("Put accepted a sender name with a path in it")
	}
}

func TestOutboxHoldsNoCredentials(t *testing.T) {
	og := incidenttest.NewOpsgenie(t)
	og.Script(incidenttest.ServerError(), incidenttest.ServerError(), incidenttest.ServerError())
	d, _ := newDeliverer(t, &incident.Opsgenie{APIKey: incident.NewSecret("GENIE-KEY-123"), BaseURL: og.URL()})
	deliver(t, d, criticalFailure().Notification())
	assertNoSecretsInDir(t, d.Outbox.Dir(), "GENIE-KEY-123", og.URL())
}

func assertNoSecretsInDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no files under %s: the check would prove nothing", dir)
	}
}
