package e2e

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of n deterministic parts of a suite, for spreading it over CI machines. The zero Shard is the
// whole suite.
type Shard struct {
	Index int // 1-based
	Total int
}

// ParseShard reads "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, errors.New("want i/n, e.g. 2/3")
	}
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	total, err2 := strconv.Atoi(strings.TrimSpace(n))
	if err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return Shard{}, fmt.Errorf("want i/n with 1 <= i <= n, e.g. 2/3")
	}
	return Shard{Index: index, Total: total}, nil
}

func (s Shard) String() string {
	if s.Total == 0 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Total)
}

// Includes reports whether the spec with this full text (its containers' texts and its own, joined by spaces,
// as Ginkgo reports FullText) belongs to the shard. A stable hash of the text decides, so a spec stays in its
// shard however the suite grows, and every spec is in exactly one shard.
func (s Shard) Includes(fullText string) bool {
	if s.Total <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(fullText))
	return int(h.Sum32()%uint32(s.Total)) == s.Index-1
}
