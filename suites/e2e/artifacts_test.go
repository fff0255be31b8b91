package e2e

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// TestTheArtifactsCarryEveryDiagnostic fills every field of the harness's diagnostics with a value of its own
// and requires each to arrive in the artifacts: a field the harness adds (or a value artifactsOf drops or
// swaps) fails here until the conversion and the schema carry it, instead of quietly missing from reports.
func TestTheArtifactsCarryEveryDiagnostic(t *testing.T) {
	var d harness.Diagnostics
	(&filler{t: t}).fill(reflect.ValueOf(&d).Elem(), "Diagnostics")
	a := artifactsOf(&d)

	// The binary parts and the trace are files of their own; any other field the harness keeps out of its JSON
	// would be lost on the way to disk.
	own := map[string]bool{"Screenshot": true, "Filmstrip": true, "Trace": true}
	dt := reflect.TypeOf(d)
	for i := range dt.NumField() {
		if f := dt.Field(i); f.Tag.Get("json") == "-" && !own[f.Name] {
			t.Errorf("harness.Diagnostics.%s is in no artifact file: write it in artifactsOf", f.Name)
		}
	}
	if !bytes.Equal(a.Screenshot, d.Screenshot) {
		t.Errorf("the screenshot is not carried")
	}
	if len(a.Filmstrip) != len(d.Filmstrip) || !bytes.Equal(a.Filmstrip[0], d.Filmstrip[0].JPEG) {
		t.Errorf("the filmstrip is not carried")
	}
	sameJSON(t, d, a.Diagnostics, &artifact.Diagnostics{})
	if len(a.Trace) != len(d.Trace) {
		t.Fatalf("%d trace lines carried of %d", len(a.Trace), len(d.Trace))
	}
	sameJSON(t, d.Trace[0], a.Trace[0], &artifact.TraceLine{})
}

// sameJSON requires the harness's JSON of from to decode into the schema's type with no field left over, and
// the schema's JSON of converted to hold the same values.
func sameJSON(t *testing.T, from, converted, schema any) {
	t.Helper()
	body, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(schema); err != nil {
		t.Errorf("the schema has no place for a field of %T: %v", from, err)
	}
	back, err := json.Marshal(converted)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal(body, &want)
	_ = json.Unmarshal(back, &got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("artifactsOf does not carry every value of %T (-harness +artifact):\n%s", from, diff)
	}
}

// filler gives every exported field a value different from every other's, so a dropped or swapped field shows.
type filler struct {
	t *testing.T
	n int
}

var rawMessage = reflect.TypeOf(json.RawMessage(nil))

func (f *filler) fill(v reflect.Value, where string) {
	f.n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(where)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Slice:
		switch {
		case v.Type() == rawMessage:
			v.SetBytes([]byte(`{"at":"` + where + `"}`))
		case v.Type().Elem().Kind() == reflect.Uint8:
			v.SetBytes([]byte(where))
		default:
			s := reflect.MakeSlice(v.Type(), 1, 1)
			f.fill(s.Index(0), where+"[0]")
			v.Set(s)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		key, elem := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		f.fill(key, where+".key")
		f.fill(elem, where+".value")
		m.SetMapIndex(key, elem)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), where)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 21, 9, 0, f.n, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if field := v.Type().Field(i); field.IsExported() {
				f.fill(v.Field(i), where+"."+field.Name)
			}
		}
	default:
		f.t.Fatalf("%s: the test cannot fill a %s yet; teach filler", where, v.Kind())
	}
}
