package suiterun_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// processesIn lists the live processes (not zombies) of process group pgid, as "pid:name".
func processesIn(pgid int) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after its last ')'.
		s := string(stat)
		end := strings.LastIndexByte(s, ')')
		fields := strings.Fields(s[end+1:])
		if len(fields) < 3 || fields[0] == "Z" || fields[2] != strconv.Itoa(pgid) {
			continue
		}
		out = append(out, e.Name()+":"+s[strings.IndexByte(s, '(')+1:end])
	}
	return out
}

// killGroup is the test's own safety net: whatever the run left is ended when the test does.
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }
