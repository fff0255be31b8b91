// Package proctest reads the process table (Linux's /proc) for the tests that check a run leaves no process
// behind: which processes a run started, and which of them still run.
package proctest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// PIDs lists the processes there are now, zombies included.
func PIDs() []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// Children lists the live processes (not zombies) whose parent is pid.
func Children(pid int) []int {
	var out []int
	for _, child := range PIDs() {
		if state, parent, ok := State(child); ok && state != "Z" && parent == pid {
			out = append(out, child)
		}
	}
	return out
}

// Running returns those of pids that are still running (a zombie is dead: it only waits to be reaped).
func Running(pids []int) []int {
	var out []int
	for _, pid := range pids {
		if state, _, ok := State(pid); ok && state != "Z" {
			out = append(out, pid)
		}
	}
	return out
}

// State reads a process's state and parent from /proc; ok is false when there is no such process.
func State(pid int) (state string, parent int, ok bool) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses, so split after its last ')'.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return "", 0, false
	}
	parent, err = strconv.Atoi(fields[1])
	return fields[0], parent, err == nil
}

// Cmdline is a process's command line, its arguments separated by NUL bytes; ok is false when it cannot be
// read (no such process).
func Cmdline(pid int) (cmdline string, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return string(b), err == nil
}
