package incident

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tempPrefix marks files being written; a crash can leave one behind, and
// readers skip them.
const tempPrefix = ".tmp-"

// WriteFileAtomic makes path hold data, with permissions perm, or keeps what
// it held before, even if the process dies midway; it creates the directory
// if needed. The smoke runner writes its results and smoke.json with it, the
// outbox and state their files.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	if err := writeFileAtomic(path, data, perm, false); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file in the same directory,
// which is synced and only then takes the final name; the directory is
// synced too, so the new name survives a power cut.
//
// With noClobber it fails with fs.ErrExist instead of replacing an existing
// file, so two writers can never overwrite each other's outbox entries.
func writeFileAtomic(path string, data []byte, perm fs.FileMode, noClobber bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once the file has its final name
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if noClobber {
		// A hard link never replaces its target, unlike rename.
		err = os.Link(tmpName, path)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// Some file systems have no hard links; fall back to a check
			// and rename, which is only racy between concurrent runners.
			if _, statErr := os.Lstat(path); statErr == nil {
				return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
			}
			err = os.Rename(tmpName, path)
		}
	} else {
		err = os.Rename(tmpName, path)
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		// Some platforms cannot sync a directory; the rename still happened.
		return err
	}
	return nil
}

// removeStaleTemps deletes temporary files older than maxAge. Such a file
// is a write that never completed, so nothing was sent from it and nothing
// is lost; young ones may belong to a writer still at work.
func removeStaleTemps(dir string, maxAge time.Duration, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > maxAge {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
