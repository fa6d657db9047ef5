package schedule

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestParseRefusesUnknownFields(t *testing.T) {
	for _, in := range []string{
		`{"bandwith":[]}`,
		`{"transmit":[{"start":"08:00","end":"09:00","every":1}]}`,
		`{} {}`,
		`[]`,
		``,
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	s, err := Parse([]byte(`{}`))
	if err != nil || !s.Empty() {
		t.Fatalf("empty schedule: %+v %v", s, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"bandwidth":[{"name":"Day","days":["mon"],"start":"08:00","end":"18:00","kbps":256}]}`))
	f.Add([]byte(`{"transmit":[{"start":"22:00","end":"06:00","days":["fri","sat"]}],"verify":{"every_minutes":5}}`))
	f.Add([]byte(`{"transmit":[{"start":"00:00","end":"00:00"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		// A valid schedule answers for any time without panicking, and
		// survives a round trip unchanged.
		for _, tm := range []time.Time{time.Unix(0, 0).UTC(), time.Date(2026, 3, 8, 23, 59, 0, 0, time.UTC)} {
			s.BandwidthAt(tm, 1)
			s.TransmitAt(tm)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(b)
		if err != nil || !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip changed the schedule: %+v -> %+v (%v)", s, back, err)
		}
	})
}
