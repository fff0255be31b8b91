package benchrun

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The CPU a run used, by kind of process: the test tool's own processes (the Go suite, or Playwright's Node
// runner and workers) and Chromium's, told apart by their --type switch. Read from /proc: every process below
// the run's first one, sampled often enough that a renderer that lives for one spec is still counted (its
// last sample stands for it; what it used after that, at most one interval, is lost).

// cpuKinds in the order they are printed.
var cpuKinds = []string{"tool", "browser", "renderer", "gpu", "utility", "other"}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux this runs on.
const clockTicks = 100

type cpuSampler struct {
	root     int
	seen     map[int]*processCPU
	rounds   int
	stop     chan struct{}
	finished chan struct{}
}

type processCPU struct {
	kind  string
	ticks int64
	gone  bool // it has exited (its pid may be reused by a process that is not the run's)
}

func startCPUSampler(root int) *cpuSampler {
	s := &cpuSampler{root: root, seen: map[int]*processCPU{}, stop: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return s
}

// finish stops sampling and returns the CPU seconds by kind, and under "<kind>_processes" how many processes
// of that kind there were.
func (s *cpuSampler) finish() map[string]float64 {
	close(s.stop)
	<-s.finished
	out := map[string]float64{}
	for _, p := range s.seen {
		if p.kind == "" {
			p.kind = "other"
		}
		out[p.kind] += float64(p.ticks) / clockTicks
		out[p.kind+"_processes"]++
	}
	return out
}

// sample reads the CPU of every process of the run: those it knows every time, and every fourth time it also
// looks through all of /proc for new ones (a renderer lives for a spec at least, so none is missed; reading
// every process's stat every time would cost the machine more than the runs it measures).
func (s *cpuSampler) sample() {
	s.rounds++
	if s.rounds%4 == 1 {
		s.discover()
	}
	for pid, p := range s.seen {
		if p.gone {
			continue
		}
		_, t, ok := readStat(pid)
		if !ok {
			p.gone = true
			continue
		}
		if t > p.ticks {
			p.ticks = t
		}
		// Looked at again each time: Debian's chromium is a shell script that execs the browser in the same
		// process, and a zygote's child becomes a renderer or a utility after it was forked. An exiting
		// process (a zombie) has an empty command line: it keeps the kind it had.
		if kind := processKind(pid, pid == s.root); kind != "" {
			p.kind = kind
		}
	}
}

// discover adds the run's processes that are not known yet.
func (s *cpuSampler) discover() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := readStat(pid); ok {
			parent[pid] = ppid
		}
	}
	for pid := range parent {
		if _, known := s.seen[pid]; !known && descends(pid, s.root, parent) {
			s.seen[pid] = &processCPU{}
		}
	}
}

func descends(pid, root int, parent map[int]int) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		if pid == root {
			return true
		}
		pid = parent[pid]
	}
	return false
}

// readStat reads a process's parent and its user+system CPU in clock ticks.
func readStat(pid int) (ppid int, ticks int64, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, false
	}
	// The command name is in parentheses and may hold spaces: the fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, utime + stime, true
}

func processKind(pid int, root bool) string {
	if root {
		return "tool"
	}
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil || len(b) == 0 {
		return ""
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	if len(args) == 1 {
		// Chromium's zygote children rewrite their command line as one space-separated string (setproctitle).
		args = strings.Fields(args[0])
	}
	if len(args) == 0 {
		return "other"
	}
	exe := filepath.Base(args[0])
	isChromium := strings.Contains(exe, "chrom") || strings.Contains(exe, "headless_shell")
	if !isChromium {
		if exe == "node" || strings.HasSuffix(exe, ".test") || exe == "ginkgo" {
			return "tool"
		}
		return "other" // the launcher's leakless guard, the shell of Debian's chromium wrapper
	}
	for _, a := range args[1:] {
		if kind, ok := strings.CutPrefix(a, "--type="); ok {
			switch kind {
			case "renderer":
				return "renderer"
			case "gpu-process":
				return "gpu"
			default: // utility (network, storage, audio), zygote, crashpad
				return "utility"
			}
		}
	}
	return "browser"
}

// cpuLine prints CPU seconds by kind, and their share of the run's wall time in cores.
func cpuLine(cpu map[string]float64, wall time.Duration) string {
	var b strings.Builder
	total := 0.0
	for _, k := range cpuKinds {
		total += cpu[k]
		fmt.Fprintf(&b, " %s=%.2f", k, cpu[k])
	}
	fmt.Fprintf(&b, " total=%.2f cores=%.2f renderer_processes=%.0f", total, total/wall.Seconds(), cpu["renderer_processes"])
	return strings.TrimSpace(b.String())
}
