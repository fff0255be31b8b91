package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/e2e-harness/e2e/reports/incident"
)

// console is where the runner speaks. Everything it prints, its own lines and the spec process's output alike,
// goes through the redactor first, so a routing key or webhook URL can never reach a CI log.
type console struct {
	mu  sync.Mutex
	out io.Writer
	err io.Writer
	red *incident.Redactor
}

func newConsole(out, err io.Writer, red *incident.Redactor) *console {
	return &console{out: out, err: err, red: red}
}

// say prints one progress line on stdout.
func (c *console) say(format string, args ...any) {
	c.write(c.out, "smoke: "+fmt.Sprintf(format, args...)+"\n")
}

// detail prints an indented line under the last one.
func (c *console) detail(format string, args ...any) {
	c.write(c.out, "  "+fmt.Sprintf(format, args...)+"\n")
}

// problem prints one line on stderr: what stops the run from doing its job.
func (c *console) problem(format string, args ...any) {
	c.write(c.err, "smoke: "+incident.OneLine(fmt.Sprintf(format, args...))+"\n")
}

func (c *console) write(w io.Writer, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(w, c.red.Scrub(s))
}

// lineWriter returns a writer that passes whole lines to w, scrubbed. Scrubbing whole lines means a secret can
// never be split across two writes and slip through.
func (c *console) lineWriter(w io.Writer) *scrubbingWriter {
	return &scrubbingWriter{c: c, w: w}
}

type scrubbingWriter struct {
	c   *console
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

func (s *scrubbingWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		s.c.write(s.w, string(s.buf[:i+1]))
		s.buf = s.buf[i+1:]
	}
	return len(p), nil
}

// Close writes what is left of the last line.
func (s *scrubbingWriter) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) > 0 {
		s.c.write(s.w, string(s.buf)+"\n")
		s.buf = nil
	}
	return nil
}

// firstLine is the first line of a multi-line message, for summaries.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// writeJSONAtomic writes v as indented JSON so that a reader never sees half a file.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	return incident.WriteFileAtomic(path, append(data, '\n'), 0o644)
}
