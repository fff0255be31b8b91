package harnessbench_test

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// The phases of one spec, timed from the spec itself, in the order they run.
const (
	phaseNewPage    = "new_page"    // e2e.NewPage: an isolated session
	phaseGoto       = "goto"        // the first navigation, to its load event
	phaseFirstClick = "first_click" // the first action on the page
	phaseRest       = "rest"        // every other action and assertion
	phaseTeardown   = "teardown"    // the glue's cleanup after the body: artifacts check, session close
)

// specPhases is one spec's line in BENCH_PHASES.
type specPhases struct {
	Spec    string             `json:"spec"`
	StartNs int64              `json:"start_ns"` // when the spec's body began, Unix nanoseconds
	Ms      map[string]float64 `json:"ms"`
	RSSKB   int                `json:"rss_kb"` // the suite process's resident memory after the spec
}

type phaseClock struct {
	rec  specPhases
	last time.Time
}

// startPhases starts the spec's clock and registers, before anything else can register a cleanup, the one that
// runs last: it times the teardown and writes the spec's line.
func startPhases() *phaseClock {
	now := time.Now()
	c := &phaseClock{rec: specPhases{Spec: CurrentSpecReport().LeafNodeText, StartNs: now.UnixNano(), Ms: map[string]float64{}}, last: now}
	DeferCleanup(func() {
		c.mark(phaseTeardown)
		c.rec.RSSKB = selfRSSKB()
		writePhases(c.rec)
	})
	return c
}

func (c *phaseClock) mark(phase string) {
	now := time.Now()
	c.rec.Ms[phase] = float64(now.Sub(c.last).Microseconds()) / 1000
	c.last = now
}

var phasesMu sync.Mutex

func writePhases(r specPhases) {
	path := os.Getenv("BENCH_PHASES")
	if path == "" {
		return
	}
	line, _ := json.Marshal(r)
	phasesMu.Lock()
	defer phasesMu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// selfRSSKB is this process's resident set size now (VmRSS), 0 where /proc is not there.
func selfRSSKB() int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return n
		}
	}
	return 0
}
