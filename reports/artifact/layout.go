package artifact

import (
	"crypto/sha1"
	"encoding/hex"
	"path"
	"regexp"
	"strings"
)

// The files and folders of a spec's artifact directory.
const (
	FileDiagnostics = "diagnostics.json" // Diagnostics, indented
	FileScreenshot  = "screenshot.png"   // the viewport when the spec ended
	DirFilmstrip    = "filmstrip"        // screencast frames 00.jpg, 01.jpg, … oldest first
	FileTrace       = "trace.jsonl"      // one TraceLine per line
	FileHAR         = "network.har"      // HAR 1.2 of Diagnostics.Network, added by the reports package

	// The action trace: trace/index.json (ActionTrace) and the frames it names, trace/frames/NNN.jpg. Written
	// for failing specs by default (E2E_TRACE), and self-contained: the folder can be copied away on its own.
	DirActionTrace = "trace"
	FileTraceIndex = "index.json"
	DirTraceFrames = "frames"
)

// DirSpecs is the folder of the output directory that holds one artifact directory per spec.
const DirSpecs = "specs"

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// SpecDir names a spec's artifact directory after its full text, relative to the output directory and
// slash-separated (the value of EntryArtifacts): a slug a person can recognise, plus a hash so that two specs
// never share a directory and the attempts of a retried spec overwrite each other.
func SpecDir(fullText string) string {
	slug := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(fullText), "-"), "-")
	if len(slug) > 72 {
		slug = strings.TrimRight(slug[:72], "-")
	}
	sum := sha1.Sum([]byte(fullText))
	return path.Join(DirSpecs, slug+"-"+hex.EncodeToString(sum[:4]))
}
