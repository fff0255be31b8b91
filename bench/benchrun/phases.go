package benchrun

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// specPhases is one spec's line of the harness suite's BENCH_PHASES file (bench/harness/phases_test.go).
type specPhases struct {
	Spec    string             `json:"spec"`
	StartNs int64              `json:"start_ns"`
	Ms      map[string]float64 `json:"ms"`
	RSSKB   int                `json:"rss_kb"`
}

// phaseOrder is the order a spec's phases run in.
var phaseOrder = []string{"new_page", "goto", "first_click", "rest", "teardown"}

func readPhases(path string) ([]specPhases, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the suite's phases: %w", err)
	}
	defer f.Close()
	var out []specPhases
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p specPhases
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("reading the suite's phases: %s: %w", path, err)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b specPhases) int { return int(a.StartNs - b.StartNs) })
	return out, sc.Err()
}

// phaseLine is the median of each phase over every spec of the runs, and of the whole spec (start to start).
func phaseLine(rs []suiteRun) string {
	var b strings.Builder
	for _, ph := range phaseOrder {
		var v []float64
		for _, r := range rs {
			for _, s := range r.phases {
				v = append(v, s.Ms[ph])
			}
		}
		fmt.Fprintf(&b, "%s=%.1f ", ph, medianFloat(v))
	}
	var whole []float64
	for _, r := range rs {
		whole = append(whole, perSpecMs(r.phases)...)
	}
	fmt.Fprintf(&b, "spec=%.1f", medianFloat(whole))
	return b.String()
}

// perSpecMs is each spec's whole cost: from its start to the next spec's start (the last one: its phases),
// so that what Ginkgo and the glue do between two specs counts too.
func perSpecMs(ps []specPhases) []float64 {
	out := make([]float64, 0, len(ps))
	for i, p := range ps {
		if i+1 < len(ps) {
			out = append(out, float64(ps[i+1].StartNs-p.StartNs)/float64(time.Millisecond))
			continue
		}
		sum := 0.0
		for _, v := range p.Ms {
			sum += v
		}
		out = append(out, sum)
	}
	return out
}

// scaleRun is one run of the minimal scenario with many specs in one process.
type scaleRun struct {
	specs int
	run   suiteRun
}

// line says whether a spec costs the same late in the run as early: the median spec of the first and the last
// hundred (or fifth, for a short run), and the process's memory then.
func (s scaleRun) line() string {
	ps := s.run.phases
	per := perSpecMs(ps)
	n := min(100, max(1, len(ps)/5))
	if len(ps) < 2*n {
		return fmt.Sprintf("scale specs=%d ran=%d (too few to compare)", s.specs, len(ps))
	}
	rss := func(from, to int) float64 {
		var v []float64
		for _, p := range ps[from:to] {
			v = append(v, float64(p.RSSKB)/1024)
		}
		return medianFloat(v)
	}
	first, last := medianFloat(per[:n]), medianFloat(per[len(per)-n:])
	return fmt.Sprintf("scale specs=%d per_spec_ms=%.1f first%d_ms=%.1f last%d_ms=%.1f drift=%+.1f%% rss_mb first%d=%.1f last%d=%.1f peak=%.1f suite_s=%.2f",
		s.specs, medianFloat(per), n, first, n, last, 100*(last-first)/first, n, rss(0, n), n, rss(len(ps)-n, len(ps)), s.run.rssMB, s.run.took.Seconds())
}
