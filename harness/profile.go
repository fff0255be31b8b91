package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultProfileRoot is where launched browsers keep their profiles: one directory per browser, p<pid>-<random>,
// named after the process that launched it, so a later launch can tell which ones were left by processes that no longer exist.
func DefaultProfileRoot() string { return filepath.Join(os.TempDir(), "e2e-harness") }

// profile is a launched browser's private directory: the user data dir and Chromium's own TMPDIR, so that every
// file the browser writes lives under one directory we remove.
type profile struct {
	dir         string
	userDataDir string
	tmpDir      string
	extra       []string // directories outside dir that belong to the profile too

	// The janitor removes dir when this process dies without closing the browser (SIGKILL, a crash): it waits
	// for EOF on a pipe only we hold open, then for Chromium to be gone (leakless kills it), then removes dir.
	janitor     *exec.Cmd
	janitorPipe *os.File
}

func newProfile(root string) (*profile, error) {
	if root == "" {
		root = DefaultProfileRoot()
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("creating the profile root: %w", err)
	}
	sweepStaleProfiles(root)
	dir, err := os.MkdirTemp(root, fmt.Sprintf("p%d-", os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("creating a browser profile: %w", err)
	}
	p := &profile{dir: dir, userDataDir: filepath.Join(dir, "u"), tmpDir: filepath.Join(dir, "t")}
	if err := os.Mkdir(p.userDataDir, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("creating a browser profile: %w", err)
	}
	// Chromium puts a Unix socket under its TMPDIR, at about 50 bytes below it, and socket paths are limited to
	// 107 bytes: under a deep root (t.TempDir(), say) its TMPDIR goes to a short directory of its own, which
	// the janitor removes with the profile.
	if len(p.tmpDir) > 50 {
		short, err := os.MkdirTemp("/tmp", fmt.Sprintf("e2e-t%d-", os.Getpid()))
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("creating a browser profile: %w", err)
		}
		p.tmpDir = short
		p.extra = append(p.extra, short)
	} else if err := os.Mkdir(p.tmpDir, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("creating a browser profile: %w", err)
	}
	return p, nil
}

const janitorScript = `read _ignored; pid=$1; shift; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; rm -rf -- "$@"`

// guard starts the janitor for the browser process pid.
func (p *profile) guard(pid int) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("starting the profile janitor: %w", err)
	}
	args := append([]string{"-c", janitorScript, "e2e-profile-janitor", strconv.Itoa(pid), p.dir}, p.extra...)
	cmd := exec.Command("/bin/sh", args...)
	cmd.Stdin = r
	// Its own process group: a Ctrl-C sent to ours must not end it before it has cleaned up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		return fmt.Errorf("starting the profile janitor: %w", err)
	}
	_ = r.Close()
	p.janitor, p.janitorPipe = cmd, w
	return nil
}

// remove deletes the profile and lets the janitor go. Call it after the browser process has exited.
func (p *profile) remove() error {
	err := os.RemoveAll(p.dir)
	for _, d := range p.extra {
		_ = os.RemoveAll(d)
	}
	if p.janitorPipe != nil {
		_ = p.janitorPipe.Close()
		_ = p.janitor.Wait()
		p.janitorPipe = nil
	}
	if err != nil {
		return fmt.Errorf("removing the browser profile %s: %w", p.dir, err)
	}
	return nil
}

// sweepStaleProfiles removes profiles whose launching process is gone (a machine that lost power, a janitor
// that was killed too). Profiles of live processes, including parallel test processes, are left alone.
func sweepStaleProfiles(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := profileOwner(e.Name())
		if !ok || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(root, e.Name()))
	}
}

func profileOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "p")
	if !ok {
		return 0, false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	return pid, err == nil && pid > 0
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
