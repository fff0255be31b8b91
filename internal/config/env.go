package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Var is one environment variable and how its text becomes a setting. Set is called only when the variable is
// set to something; an empty variable means "not set", which is what CI gives for a missing value.
type Var struct {
	Name string
	Set  func(raw string) error
}

// ReadEnv sets every variable that getenv has a value for and returns all the bad ones at once, joined, each
// as `NAME="value": what is wanted`.
func ReadEnv(getenv func(string) string, vars ...Var) error {
	var errs []error
	for _, v := range vars {
		raw := getenv(v.Name)
		if raw == "" {
			continue
		}
		if err := v.Set(raw); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", v.Name, raw, err))
		}
	}
	return errors.Join(errs...)
}

// Bool stores a ParseBool setting.
func Bool(dst *bool) func(string) error {
	return func(raw string) error {
		b, err := ParseBool(raw)
		if err == nil {
			*dst = b
		}
		return err
	}
}

// Duration stores a positive Go duration such as 5s or 1m30s.
func Duration(dst *time.Duration) func(string) error {
	return func(raw string) error {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return errors.New("want a positive duration such as 5s or 1m30s")
		}
		*dst = d
		return nil
	}
}

// Int stores a whole number from lo to hi.
func Int(dst *int, lo, hi int) func(string) error {
	return func(raw string) error {
		n, err := strconv.Atoi(raw)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("want a whole number from %d to %d", lo, hi)
		}
		*dst = n
		return nil
	}
}

// AbsPath stores an absolute file system path.
func AbsPath(dst *string) func(string) error {
	return func(raw string) error {
		if !filepath.IsAbs(raw) {
			return errors.New("want an absolute path")
		}
		*dst = raw
		return nil
	}
}

// String stores the text as it is.
func String(dst *string) func(string) error {
	return func(raw string) error {
		*dst = raw
		return nil
	}
}

// Check stores the text once check accepts it.
func Check(dst *string, check func(string) error) func(string) error {
	return func(raw string) error {
		if err := check(raw); err != nil {
			return err
		}
		*dst = raw
		return nil
	}
}
