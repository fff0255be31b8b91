//go:build !linux

package incident

import (
	"context"
	"time"
)

// lockStateDir does not lock outside Linux: the pipeline must not run two smoke runs on one state directory
// at once there.
func lockStateDir(ctx context.Context, dir string, wait time.Duration, waiting func()) (unlock func(), err error) {
	return func() {}, nil
}
