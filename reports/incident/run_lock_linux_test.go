package incident_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// Two runs on one state directory could resend or forget an alert: the second waits, says so, and gives up
// with a clear problem while the first holds the directory.
func TestRunLocksTheStateDirectory(t *testing.T) {
	dir := t.TempDir()
	first, problems := incident.OpenRun(t.Context(), dir, nil, incident.RunOptions{})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	var said []string
	second, problems := incident.OpenRun(t.Context(), dir, nil, incident.RunOptions{LockWait: 300 * time.Millisecond,
		Say: func(format string, args ...any) { said = append(said, fmt.Sprintf(format, args...)) }})
	second.Close()
	if len(problems) != 1 || !strings.Contains(problems[0], incident.ErrStateLocked.Error()) {
		t.Errorf("problems %q, want the directory reported as locked", problems)
	}
	if len(said) != 1 || !strings.Contains(said[0], "waiting for another smoke run to release "+dir) {
		t.Errorf("said %q", said)
	}
	first.Close()
	third, problems := incident.OpenRun(t.Context(), dir, nil, incident.RunOptions{LockWait: 300 * time.Millisecond})
	defer third.Close()
	if len(problems) != 0 {
		t.Errorf("the released directory could not be locked: %q", problems)
	}
}
