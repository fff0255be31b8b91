package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// configFile is a JSON config file's settings, each as the text its flag would take.
type configFile struct {
	path   string
	values map[string]string
}

// readConfigFile reads a JSON object of settings. It says exactly what is wrong, so a person editing the file
// can fix it at once: where a syntax error is (line and column), which key is unknown (and what was probably
// meant), which value has the wrong JSON type. kong's own JSON resolver does none of that (it decodes into a
// map and also answers to camelCase and nested keys nobody documented), so the file is read here and its
// values reach kong through Sources.Resolve.
//
// types gives the Go type of each known key; fileKey is the key that names the file, which a file cannot set.
func readConfigFile(path string, types map[string]reflect.Type, fileKey string) (*configFile, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{fmt.Errorf("reading config file: %w", err)}
	}
	where := "config file " + path
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&obj); err != nil {
		return nil, []error{fmt.Errorf("%s: %s", where, jsonProblem(data, err))}
	}
	if obj == nil {
		return nil, []error{fmt.Errorf("%s: want a JSON object such as {\"target\": \"https://…\", \"env\": \"prod\"}", where)}
	}
	if dec.More() {
		line, col := position(data, int(dec.InputOffset()))
		return nil, []error{fmt.Errorf("%s: line %d, column %d: unexpected text after the JSON object", where, line, col)}
	}
	f := &configFile{path: path, values: map[string]string{}}
	var problems []error
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		typ, known := types[key]
		switch {
		case key == fileKey:
			problems = append(problems, fmt.Errorf("%s: %q cannot be set inside a config file", where, key))
			continue
		case !known:
			problems = append(problems, fmt.Errorf("%s: unknown key %q%s", where, key, suggestion(key, types)))
			continue
		}
		text, err := jsonText(obj[key], typ)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %q: %w", where, key, err))
			continue
		}
		f.values[key] = text
	}
	return f, problems
}

// jsonText checks the JSON type a setting needs and returns the value as the text its flag takes: strings for
// text and durations ("30s", since a bare number would hide its unit), whole numbers, true or false.
func jsonText(msg json.RawMessage, typ reflect.Type) (string, error) {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return "", err
	}
	switch typ {
	case reflect.TypeFor[int]():
		if f, ok := v.(float64); ok && f == float64(int(f)) {
			return strconv.Itoa(int(f)), nil
		}
		return "", fmt.Errorf("want a whole number, got %s", msg)
	case reflect.TypeFor[bool]():
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
		return "", fmt.Errorf("want true or false, got %s", msg)
	case reflect.TypeFor[time.Duration]():
		if s, ok := v.(string); ok {
			return s, nil
		}
		return "", fmt.Errorf("want a duration string such as \"30s\", got %s", msg)
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s", msg)
}

// suggestion names the key a typo most likely meant, or lists the keys when none is close.
func suggestion(key string, types map[string]reflect.Type) string {
	keys := slices.Sorted(maps.Keys(types))
	best, bestDist := "", 4
	for _, k := range keys {
		if d := editDistance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return " (known keys: " + strings.Join(keys, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// jsonProblem turns a decoding error into "line L, column C: what", which is what a person editing the file
// needs.
func jsonProblem(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the offending byte too.
		line, col := position(data, int(syntax.Offset)-1)
		return fmt.Sprintf("line %d, column %d: %s", line, col, syntax.Error())
	case errors.As(err, &typeErr):
		return "want a JSON object such as {\"target\": \"https://…\", \"env\": \"prod\"}, got " + typeErr.Value
	case errors.Is(err, io.EOF):
		return "the file is empty; want a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return fmt.Sprintf("line %d, column %d: the file ends inside the JSON object", line, col)
	}
	return err.Error()
}

func position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	line = 1 + bytes.Count(data[:offset], []byte("\n"))
	col = offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}
