package harness_test

import (
	"context"
	"testing"

	"github.com/go-rod/rod/lib/proto"
)

// BenchmarkClick is one click with every check and the landing proof.
func BenchmarkClick(b *testing.B) {
	ctx := context.Background()
	button := open(b, "button.html").ByTestID("go")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := button.Click(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionSetup is a new isolated session plus its first navigation: what a spec pays before it starts.
func BenchmarkSessionSetup(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		s, err := testBrowser().NewSession(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Page().Goto(ctx, pages.URL+"/button.html"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = s.Close()
		// A spec runs here in a real suite, while the pool prepares the next session.
		if err := testBrowser().WarmUp(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

var _ = proto.InputDispatchMouseEvent{}
