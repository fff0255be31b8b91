package incident

import (
	"strings"
	"testing"
)

func TestOpsgenieTagsStayWithinTheLimitAndUnique(t *testing.T) {
	long := strings.Repeat("insert-dynamic-data.inserts-the-email-", 3)
	a, b := opsgenieTag("check:", long+"a"), opsgenieTag("check:", long+"b")
	if len(a) > opsgenieTagLimit || len(b) > opsgenieTagLimit {
		t.Fatalf("tags longer than %d: %q (%d), %q (%d)", opsgenieTagLimit, a, len(a), b, len(b))
	}
	if a == b {
		t.Fatalf("two long check names gave the same tag %q", a)
	}
	if got := opsgenieTag("check:", "short"); got != "check:short" {
		t.Fatalf("a short tag changed: %q", got)
	}
}
