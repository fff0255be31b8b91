package incident_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// The smoke runner's use of the package, from configuration to exit code.
// (Compiled, not run: it would need real incident systems.)
func Example() {
	ctx := context.Background()
	senders, err := incident.SendersFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // names the variable, never its value
		os.Exit(2)
	}
	redactor := incident.RedactorFor(senders)

	stateDir := "/var/lib/smoke"
	outbox, err := incident.OpenOutbox(filepath.Join(stateDir, "outbox"))
	if err != nil {
		fmt.Fprintln(os.Stderr, redactor.Scrub(err.Error()))
		os.Exit(2)
	}
	state, err := incident.LoadState(stateDir)
	if err != nil {
		// A corrupt file was moved aside; carry on with the empty state.
		fmt.Fprintln(os.Stderr, redactor.Scrub(err.Error()))
	}

	results := []incident.CheckResult{ /* from the browser checks */ }
	notes := []incident.Notification{incident.Change{Env: "prod", Version: "1.4.2"}.Notification()}
	for _, a := range state.Update(results, time.Now()) {
		notes = append(notes, a.Notification())
	}

	d := incident.NewDeliverer(senders, outbox)
	report, err := d.Deliver(ctx, notes...) // sends what earlier runs left first
	if err != nil {
		fmt.Fprintln(os.Stderr, redactor.Scrub(err.Error()))
		os.Exit(2)
	}
	// The notifications are in the outbox now, so saving the state cannot
	// lose a trigger or a resolve.
	if err := state.Save(); err != nil {
		fmt.Fprintln(os.Stderr, redactor.Scrub(err.Error()))
	}
	fmt.Print(redactor.Scrub(report.String()))
	if report.Pending() > 0 || report.Rejected() > 0 {
		os.Exit(3) // unless a check failed, which exits 1
	}
}

func ExampleDedupKey() {
	fmt.Println(incident.DedupKey("prod", "insert-dynamic-data"))
	// Output: smoke/prod/insert-dynamic-data
}

func ExampleRedactor_Scrub() {
	senders, _ := incident.SendersFromEnv(func(name string) string {
		if name == "SLACK_WEBHOOK_URL" {
			return "https://hooks.slack.com/services/T0/B0/abcdef123456"
		}
		return ""
	})
	r := incident.RedactorFor(senders)
	fmt.Println(r.Scrub(`Post "https://hooks.slack.com/services/T0/B0/abcdef123456": timeout`))
	// Output: Post "[REDACTED]": timeout
}

func ExampleState_Update() {
	dir, _ := os.MkdirTemp("", "smoke-state")
	defer os.RemoveAll(dir)
	state, _ := incident.LoadState(dir)
	_ = state.Save() // an earlier run left a state with nothing open

	// Two of a feature's checks fail, one of another is flaky: one alert per feature.
	idd := func(check, title string, outcome incident.Outcome) incident.CheckResult {
		return incident.CheckResult{Env: "prod", Check: "insert-dynamic-data." + check, Title: title,
			Feature: "insert-dynamic-data", FeatureName: "Insert dynamic data", Critical: true, Outcome: outcome,
			Step: "clicking Insert dynamic data", Cause: "input not received", Version: "1.4.2"}
	}
	alerts := state.Update([]incident.CheckResult{
		idd("inserts-the-email", "inserts the email", incident.Failed),
		idd("keeps-typing", "keeps typing after the chip", incident.Failed),
		idd("closes-with-escape", "closes with Escape", incident.Passed),
		{Env: "prod", Check: "autosave", Outcome: incident.Flaky, Version: "1.4.2"},
		{Env: "prod", Check: "editor-loads", Outcome: incident.Passed, Version: "1.4.2"},
	}, time.Now())
	for _, a := range alerts {
		fmt.Printf("%s\n  %s\n", a.Notification(), a.Headline())
	}
	// Output:
	// trigger smoke/prod/insert-dynamic-data (critical)
	//   SEV1: Insert dynamic data broken on prod (version 1.4.2): 2 of 3 checks fail; first "inserts the email" at step "clicking Insert dynamic data": input not received
	// trigger smoke/prod/autosave (warning)
	//   Flaky: autosave on prod (version 1.4.2): failed, then passed on retry
}
