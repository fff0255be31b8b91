package reports

import (
	"bufio"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// excerptContext is how many lines around the failing line the report shows: enough to recognise the spec
// and the step, few enough to read at a glance.
const excerptContext = 3

// maxExcerptFile bounds the source file read for an excerpt.
const maxExcerptFile = 2 << 20

// codeExcerpt is the failing line of a spec with a few lines around it.
type codeExcerpt struct {
	File  string // as the report shows it, relative to the repository
	Lines []excerptLine
}

type excerptLine struct {
	Number  int
	Text    string
	Failing bool
}

// excerptOf reads the lines around a failure's location from the spec's source, when the report is written
// where the suite ran (as make e2e and CI do). Only Go files are read: the location is Ginkgo's, but the
// report must not become a way to copy other files into itself. It returns nil when the file is not there.
func excerptOf(at types.CodeLocation, shown string) *codeExcerpt {
	if at.FileName == "" || at.LineNumber <= 0 || !strings.HasSuffix(at.FileName, ".go") {
		return nil
	}
	f, err := os.Open(at.FileName)
	if err != nil {
		return nil
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() || info.Size() > maxExcerptFile {
		return nil
	}
	ex := &codeExcerpt{File: shown}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n < at.LineNumber-excerptContext {
			continue
		}
		if n > at.LineNumber+excerptContext {
			break
		}
		ex.Lines = append(ex.Lines, excerptLine{Number: n, Text: clip(strings.ReplaceAll(sc.Text(), "\t", "    "), maxText), Failing: n == at.LineNumber})
	}
	if len(ex.Lines) == 0 || ex.Lines[len(ex.Lines)-1].Number < at.LineNumber {
		return nil // the file changed since the run: its lines would not be the ones that failed
	}
	return ex
}
