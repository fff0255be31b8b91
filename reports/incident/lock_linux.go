package incident

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockStateDir takes an exclusive lock on the state directory, waiting up to wait for another run to finish,
// because two runs interleaving their outbox and state writes could resend or forget an alert. A cancelled ctx
// (SIGTERM, Ctrl-C) ends the wait at once, with its cause.
func lockStateDir(ctx context.Context, dir string, wait time.Duration, waiting func()) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("locking the state directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the state directory: %w", err)
	}
	deadline := time.Now().Add(wait)
	announced := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking the state directory: %w", err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("locking the state directory %s: %w (waited %s)", dir, ErrStateLocked, wait)
		}
		if !announced {
			waiting()
			announced = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, &LockInterruptedError{Dir: dir, Cause: context.Cause(ctx)}
		case <-time.After(250 * time.Millisecond):
		}
	}
}
