package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Files of a spec's artifact directory, as the glue writes them.
const (
	FileDiagnostics = "diagnostics.json"
	FileScreenshot  = "screenshot.png"
	FileTrace       = "trace.jsonl"
	DirFilmstrip    = "filmstrip"
	FileHAR         = "network.har" // written by this package
)

// Report entries the glue attaches to a spec. The values are strings.
const (
	EntryArtifacts      = "e2e.artifacts"      // the artifact directory, relative to the output directory
	EntryScreenshot     = "e2e.screenshot"     // the screenshot, relative to the output directory
	EntryURL            = "e2e.url"            // the page's URL when the spec ended
	EntryInfrastructure = "e2e.infrastructure" // the browser crashed

	// Added by this package to the reports it writes, so JUnit consumers see them as properties.
	EntryFailingStep = "e2e.failing-step" // the last By before the failure
	EntryFlaky       = "e2e.flaky"        // failed, then passed on a retry
	EntryHAR         = "e2e.har"          // the spec's HAR file, relative to the output directory
)

// Diagnostics mirrors diagnostics.json: what the harness knew about the spec's session when it ended.
type Diagnostics struct {
	URL             string           `json:"url"`
	Title           string           `json:"title"`
	BrowserVersion  string           `json:"browserVersion"`
	Actions         []Action         `json:"actions"`
	Console         []ConsoleMessage `json:"console"`
	PageErrors      []PageError      `json:"pageErrors"`
	Dialogs         []string         `json:"dialogs"`
	Untrusted       []UntrustedEvent `json:"untrusted"`
	UntrustedReason string           `json:"untrustedReason,omitempty"`
	Network         []NetworkEntry   `json:"network"`
	TraceDropped    int              `json:"traceDropped"`
	Notes           []string         `json:"notes,omitempty"`
}

// Action is one entry of the harness's action log.
type Action struct {
	Action   string        `json:"action"`
	Locator  string        `json:"locator,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	Element  string        `json:"element,omitempty"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	Attempts int           `json:"attempts,omitempty"`
	Waits    []CheckWait   `json:"waits,omitempty"`
	Error    string        `json:"error,omitempty"`
}

// CheckWait is how long an action waited on one actionability check.
type CheckWait struct {
	Check  string        `json:"check"`
	Waited time.Duration `json:"waited"`
	Last   string        `json:"last,omitempty"`
}

// ConsoleMessage is one console call of the page.
type ConsoleMessage struct {
	Time  time.Time `json:"time"`
	Level string    `json:"level"`
	Text  string    `json:"text"`
	Where string    `json:"where,omitempty"`
}

// PageError is an uncaught exception or unhandled rejection in the page.
type PageError struct {
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
	Where   string    `json:"where,omitempty"`
}

// UntrustedEvent is script-dispatched input that reached the page.
type UntrustedEvent struct {
	Type   string `json:"type"`
	Target string `json:"target"`
	URL    string `json:"url"`
}

// NetworkEntry is one request of the page.
type NetworkEntry struct {
	RequestID       string            `json:"requestId"`
	URL             string            `json:"url"`
	Method          string            `json:"method"`
	ResourceType    string            `json:"resourceType"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	PostData        string            `json:"postData,omitempty"`
	Status          int               `json:"status"`
	StatusText      string            `json:"statusText"`
	ResponseHeaders map[string]string `json:"responseHeaders"`
	MimeType        string            `json:"mimeType"`
	Protocol        string            `json:"protocol"`
	Started         time.Time         `json:"started"`
	Finished        time.Time         `json:"finished"`
	EncodedBytes    int64             `json:"encodedBytes"`
	Failure         string            `json:"failure,omitempty"`
}

// Failed reports a request that did not complete or got an error status.
func (e NetworkEntry) Failed() bool { return e.Failure != "" || e.Status >= 400 }

// TraceLine mirrors one line of trace.jsonl: a protocol command, its result, or an event.
type TraceLine struct {
	Time   time.Time       `json:"time"`
	Kind   string          `json:"kind"` // command, result, event
	ID     int64           `json:"id,omitempty"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// SpecArtifacts is what a spec's artifact directory holds, read back.
type SpecArtifacts struct {
	Dir         string // relative to the output directory, slash-separated
	Diagnostics *Diagnostics
	Screenshot  []byte
	Filmstrip   [][]byte // oldest first
	Trace       []TraceLine
	Problems    []string // files that were there but could not be read
}

// ReadSpecArtifacts reads the artifact directory rel (relative to outDir). A missing or unreadable file is
// noted in Problems rather than failing, because a report with part of the evidence beats no report.
func ReadSpecArtifacts(outDir, rel string) (*SpecArtifacts, error) {
	dir, err := insideDir(outDir, rel)
	if err != nil {
		return nil, err
	}
	a := &SpecArtifacts{Dir: filepath.ToSlash(filepath.Clean(rel))}
	if body, err := os.ReadFile(filepath.Join(dir, FileDiagnostics)); err == nil {
		var d Diagnostics
		if err := json.Unmarshal(body, &d); err != nil {
			a.Problems = append(a.Problems, fmt.Sprintf("reading %s: %v", FileDiagnostics, err))
		} else {
			a.Diagnostics = &d
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		a.Problems = append(a.Problems, fmt.Sprintf("reading %s: %v", FileDiagnostics, err))
	}
	if body, err := os.ReadFile(filepath.Join(dir, FileScreenshot)); err == nil {
		a.Screenshot = body
	}
	frames, err := filepath.Glob(filepath.Join(dir, DirFilmstrip, "*.jpg"))
	if err == nil {
		sort.Strings(frames) // 00.jpg, 01.jpg, …: the names sort in time order
		for _, f := range frames {
			if body, err := os.ReadFile(f); err == nil {
				a.Filmstrip = append(a.Filmstrip, body)
			}
		}
	}
	if f, err := os.Open(filepath.Join(dir, FileTrace)); err == nil {
		a.Trace, err = readTrace(f)
		f.Close()
		if err != nil {
			a.Problems = append(a.Problems, fmt.Sprintf("reading %s: %v", FileTrace, err))
		}
	}
	return a, nil
}

// insideDir joins rel to base and refuses anything that would leave base: the relative path comes from a
// report entry, and a report must never be talked into reading files elsewhere on the machine.
func insideDir(base, rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) {
		return "", fmt.Errorf("artifact directory %q: want a path relative to the output directory", rel)
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("artifact directory %q: outside the output directory", rel)
	}
	return filepath.Join(base, clean), nil
}

// maxTraceLine bounds one line of trace.jsonl; the harness keeps messages under 32 KiB.
const maxTraceLine = 4 << 20

func readTrace(r io.Reader) ([]TraceLine, error) {
	var lines []TraceLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxTraceLine)
	bad := 0
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var l TraceLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			bad++
			continue
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return lines, err
	}
	if bad > 0 {
		return lines, fmt.Errorf("%d lines are not JSON", bad)
	}
	return lines, nil
}
