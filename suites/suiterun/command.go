package suiterun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// Command is one run of a compiled suite, described before it starts (as an exec.Cmd is).
type Command struct {
	Suite  string // the suite binary (Build)
	Ginkgo string // the Ginkgo CLI (BuildGinkgo); empty runs Suite by itself, in one process
	Procs  int    // parallel spec processes under the CLI (-p --procs=N); 0 or 1: one

	// Flags are Ginkgo's flags as the CLI spells them ("--seed=1", "--label-filter=critical"); a suite run by
	// itself gets them as -ginkgo.seed=1. Colour is always off: the output goes to a log, not a terminal.
	Flags []string
	// Env is the suite's environment; nil: this process's. OutputDir, when set, is added as E2E_OUTPUT_DIR.
	Env []string
	// OutputDir is where the suite writes its reports and artifacts (ReadReport reads them from there).
	OutputDir string
	// Output receives the suite's stdout and stderr; nil discards them.
	Output io.Writer
}

// stopGrace is how long a run may take to close its browsers and write its reports after being asked to stop,
// before its whole process group is killed. Ginkgo's own --timeout, when given, fires well before.
const stopGrace = 30 * time.Second

// Process is a started run.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set before done is closed
}

// Start starts the run. When ctx ends before the run does, every process of the run is asked to stop (SIGTERM:
// Ginkgo ends its specs, closes the browsers and writes its reports) and what is left is killed stopGrace later.
func (c Command) Start(ctx context.Context) (*Process, error) {
	args, err := c.args()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = c.Env
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	if c.OutputDir != "" {
		cmd.Env = append(cmd.Env, e2e.EnvOutputDir+"="+c.OutputDir)
	}
	cmd.Stdout, cmd.Stderr = c.Output, c.Output
	cmd.SysProcAttr = processAttributes()

	p := &Process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal is sent when the thread that started the child ends, not the process
		// (golang/go#27505): this goroutine keeps its thread, and no other goroutine can end it, until the run
		// is over.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting %s: %w", strings.Join(args, " "), err)
	}
	go p.stopWhenDone(ctx)
	return p, nil
}

// Run starts the run and waits for it to end: nil when the suite passed, an *exec.ExitError when it failed (or
// was stopped), another error when it could not start.
func (c Command) Run(ctx context.Context) error {
	p, err := c.Start(ctx)
	if err != nil {
		return err
	}
	return p.Wait()
}

func (c Command) args() ([]string, error) {
	if c.Suite == "" {
		return nil, errors.New("running a suite: no suite binary given")
	}
	if c.Ginkgo == "" {
		if c.Procs > 1 {
			return nil, fmt.Errorf("running %s in %d processes needs the Ginkgo CLI", c.Suite, c.Procs)
		}
		args := []string{c.Suite, "-ginkgo.no-color"}
		for _, f := range c.Flags {
			args = append(args, "-ginkgo."+strings.TrimLeft(f, "-"))
		}
		return args, nil
	}
	args := []string{c.Ginkgo, "--no-color"}
	if c.Procs > 1 {
		args = append(args, "-p", fmt.Sprintf("--procs=%d", c.Procs))
	}
	return append(append(args, c.Flags...), c.Suite), nil
}

// Pid is the process ID of the run's first process (the Ginkgo CLI, or the suite binary run by itself), which
// is also the ID of its process group.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the run has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits for the run to end and says how it ended, as Command.Run does.
func (p *Process) Wait() error {
	<-p.done
	return p.err
}

func (p *Process) stopWhenDone(ctx context.Context) {
	select {
	case <-p.done:
		return
	case <-ctx.Done():
	}
	_ = askToStop(p.cmd.Process)
	grace := time.NewTimer(stopGrace)
	defer grace.Stop()
	select {
	case <-p.done:
	case <-grace.C:
	}
	// Spec processes outlive a Ginkgo CLI that was killed, and so do their browsers: end the whole group.
	killGroup(p.cmd.Process)
}
