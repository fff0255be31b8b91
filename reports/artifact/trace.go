package artifact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// TraceLine is one line of trace.jsonl: a DevTools protocol command the harness sent, its result, or an event.
type TraceLine struct {
	Time   time.Time       `json:"time"`
	Kind   string          `json:"kind"` // "command", "result", "event"
	ID     int64           `json:"id,omitempty"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

func encodeTrace(w io.Writer, lines []TraceLine) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// maxTraceLine bounds one line of trace.jsonl; the harness keeps messages under 32 KiB.
const maxTraceLine = 4 << 20

// decodeTrace reads every line it can: a line that is not JSON is counted in the error and skipped, because the
// rest of the trace still tells the story.
func decodeTrace(r io.Reader) ([]TraceLine, error) {
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
