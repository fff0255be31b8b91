package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Artifacts is what a spec's artifact directory holds. Every part is optional.
type Artifacts struct {
	Diagnostics *Diagnostics // diagnostics.json
	Screenshot  []byte       // screenshot.png
	Filmstrip   [][]byte     // filmstrip/NN.jpg, JPEG, oldest first
	Trace       []TraceLine  // trace.jsonl
	ActionTrace *ActionTrace // trace/index.json and trace/frames/

	// Problems are the files Read found but could not read (or read only in part), each with why. Write
	// ignores them.
	Problems []string
}

// part is one file or folder of the directory. Adding a file to the schema is adding a field to Artifacts and a
// part here.
type part struct {
	name string
	// write writes a's part at path, or nothing when a has none.
	write func(path string, a *Artifacts) error
	// read fills a's part from path; an error that is fs.ErrNotExist means the part is absent.
	read func(path string, a *Artifacts) error
}

var parts = []part{
	{FileDiagnostics, writeDiagnostics, readDiagnostics},
	{FileScreenshot, writeScreenshot, readScreenshot},
	{DirFilmstrip, writeFilmstrip, readFilmstrip},
	{FileTrace, writeTrace, readTrace},
	{DirActionTrace, writeActionTrace, readActionTrace},
}

// Write makes dir a spec's artifact directory holding exactly a: whatever dir held before (an earlier attempt
// of the same spec) is removed first, so the files never mix two attempts.
func Write(dir string, a *Artifacts) error {
	if dir == "" {
		return errors.New("writing artifacts: no directory given")
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("writing artifacts: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing artifacts: %w", err)
	}
	for _, p := range parts {
		if err := p.write(filepath.Join(dir, p.name), a); err != nil {
			return fmt.Errorf("writing %s: %w", p.name, err)
		}
	}
	return nil
}

// Read reads a spec's artifact directory. A missing part is left empty and a part that cannot be read is noted
// in Problems, because a report with part of the evidence beats no report; the error is for a directory that
// is not there at all.
func Read(dir string) (*Artifacts, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("reading artifacts: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("reading artifacts: %s is not a directory", dir)
	}
	a := &Artifacts{}
	for _, p := range parts {
		if err := p.read(filepath.Join(dir, p.name), a); err != nil && !errors.Is(err, fs.ErrNotExist) {
			a.Problems = append(a.Problems, fmt.Sprintf("reading %s: %v", p.name, err))
		}
	}
	return a, nil
}

func writeDiagnostics(path string, a *Artifacts) error {
	if a.Diagnostics == nil {
		return nil
	}
	body, err := json.MarshalIndent(a.Diagnostics, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, body, 0o644)
}

func readDiagnostics(path string, a *Artifacts) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var d Diagnostics
	if err := json.Unmarshal(body, &d); err != nil {
		return err
	}
	a.Diagnostics = &d
	return nil
}

func writeScreenshot(path string, a *Artifacts) error {
	if len(a.Screenshot) == 0 {
		return nil
	}
	return os.WriteFile(path, a.Screenshot, 0o644)
}

func readScreenshot(path string, a *Artifacts) (err error) {
	a.Screenshot, err = os.ReadFile(path)
	return err
}

func writeFilmstrip(path string, a *Artifacts) error {
	if len(a.Filmstrip) == 0 {
		return nil
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		return err
	}
	for i, jpeg := range a.Filmstrip {
		if err := os.WriteFile(filepath.Join(path, fmt.Sprintf("%02d.jpg", i)), jpeg, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func readFilmstrip(path string, a *Artifacts) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".jpg") {
			names = append(names, e.Name())
		}
	}
	// 00.jpg … 99.jpg, then 100.jpg: shorter numbers first keeps time order past a hundred frames.
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) < len(names[j])
		}
		return names[i] < names[j]
	})
	var unreadable []string
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(path, name))
		if err != nil {
			unreadable = append(unreadable, name)
			continue
		}
		a.Filmstrip = append(a.Filmstrip, body)
	}
	if len(unreadable) > 0 {
		return fmt.Errorf("frames %s could not be read", strings.Join(unreadable, ", "))
	}
	return nil
}

func writeTrace(path string, a *Artifacts) error {
	if len(a.Trace) == 0 {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := encodeTrace(f, a.Trace); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readTrace(path string, a *Artifacts) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	a.Trace, err = decodeTrace(f)
	return err
}
