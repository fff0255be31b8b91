package suiterun

import (
	"os"
	"syscall"
)

// processAttributes puts a run in a process group of its own, so that it can be stopped and ended whole (the
// CLI and its spec processes; the harness's guards end the browsers with them), and has the kernel send SIGTERM to its first process if the program
// that started it dies, however it dies. (That reaches the CLI only: its spec processes then run to the end of
// the suite, or its --timeout.) A Ctrl-C in the terminal no longer reaches the run directly: it reaches the
// program, whose context ends, which stops the run.
func processAttributes() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// askToStop sends SIGTERM to the whole group, as a Ctrl-C reaches a whole terminal's: the Ginkgo CLI does not
// pass an interrupt on to its spec processes, each must get its own. Ginkgo treats SIGTERM as an interrupt:
// specs end, cleanups run, reports are written.
func askToStop(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGTERM) }

// killGroup kills what is left of the run's process group; nothing is left after a run that stopped cleanly.
func killGroup(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }
