package harness_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/e2e-harness/e2e/harness"
)

// The incident: the field's blur handler hides the button on the real mousedown, so the click never arrives.
// The harness says so instead of reporting success.
func ExampleLocator_Click() {
	ctx := context.Background()
	session, err := testBrowser().NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer session.Close()
	page := session.Page()
	if err := page.Goto(ctx, pages.URL+"/incident.html"); err != nil {
		panic(err)
	}
	if err := page.ByLabel("Text").Click(ctx); err != nil {
		panic(err)
	}
	err = page.ByRole("button", harness.Name("Insert dynamic data")).Click(ctx)
	var notReceived *harness.InputNotReceivedError
	fmt.Println(errors.As(err, &notReceived))
	fmt.Println(notReceived.Reached)
	fmt.Println(notReceived.Change)
	// Output:
	// true
	// [pointerdown]
	// the target became hidden after pointerdown (it has display: none)
}

// Locators read like what a person sees, and chain into frames and shadow roots.
func ExampleLocator_Frame() {
	ctx := context.Background()
	session, err := testBrowser().NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer session.Close()
	page := session.Page()
	if err := page.Goto(ctx, pages.URL+"/frame.html"); err != nil {
		panic(err)
	}
	inner := page.ByTestID("canvas").Frame().ByRole("button", harness.Name("Inner button"))
	if err := inner.Click(ctx); err != nil {
		panic(err)
	}
	text, err := page.ByTestID("canvas").Frame().ByTestID("count").Text(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(inner, "clicked; count is", text)
	// Output: testid=canvas >> frame >> role=button[name="Inner button"] clicked; count is 1
}
