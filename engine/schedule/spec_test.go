package schedule

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// at builds a time on a known week: 2026-03-02 is a Monday.
func at(day int, hhmm string) time.Time {
	m, err := clock(hhmm)
	if err != nil {
		panic(err)
	}
	return time.Date(2026, 3, 2+day, m/60, m%60, 0, 0, time.UTC)
}

func TestWindowContains(t *testing.T) {
	office := Window{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	night := Window{Days: []string{"fri"}, Start: "22:00", End: "06:00"}
	allDay := Window{Days: []string{"sun"}, Start: "00:00", End: "00:00"}
	cases := []struct {
		w    Window
		t    time.Time
		want bool
	}{
		{office, at(0, "08:00"), true},
		{office, at(0, "17:59"), true},
		{office, at(0, "18:00"), false},
		{office, at(0, "07:59"), false},
		{office, at(5, "12:00"), false}, // Saturday
		{night, at(4, "23:00"), true},   // Friday night
		{night, at(5, "05:59"), true},   // its Saturday morning part
		{night, at(5, "06:00"), false},
		{night, at(4, "05:00"), false}, // Friday morning belongs to Thursday's window
		{night, at(5, "23:00"), false},
		{allDay, at(6, "00:00"), true},
		{allDay, at(6, "23:59"), true},
		{allDay, at(0, "12:00"), false},
		{Window{Start: "09:00", End: "10:00"}, at(3, "09:30"), true}, // no days: every day
	}
	for i, c := range cases {
		if got := c.w.Contains(c.t); got != c.want {
			t.Errorf("case %d: %v in %+v = %v, want %v", i, c.t.Format(time.ANSIC), c.w, got, c.want)
		}
	}
}

func TestBandwidthAndTransmit(t *testing.T) {
	s := &Spec{
		Bandwidth: []Period{
			{Name: "Business hours", Window: Window{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}, Kbps: 512},
			{Name: "Evening", Window: Window{Start: "18:00", End: "23:00"}, Kbps: 0},
		},
		Transmit: []Window{{Start: "20:00", End: "06:00"}},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		t      time.Time
		period string
		kbps   int64
		send   bool
	}{
		{at(0, "09:00"), "Business hours", 512, false},
		{at(0, "19:00"), "Evening", 0, false},
		{at(0, "21:00"), "Evening", 0, true},
		{at(1, "02:00"), "", 2048, true},
		{at(5, "09:00"), "", 2048, false},
	} {
		p, k := s.BandwidthAt(c.t, 2048)
		if p != c.period || k != c.kbps {
			t.Errorf("%s: period %q %d, want %q %d", c.t.Format(time.ANSIC), p, k, c.period, c.kbps)
		}
		if got := s.TransmitAt(c.t); got != c.send {
			t.Errorf("%s: transmit %v, want %v", c.t.Format(time.ANSIC), got, c.send)
		}
	}
	var none *Spec
	if p, k := none.BandwidthAt(at(0, "09:00"), 7); p != "" || k != 7 || !none.TransmitAt(at(0, "09:00")) || !none.Empty() {
		t.Fatal("a nil schedule must leave the job's own settings")
	}
}

func TestValidateRefuses(t *testing.T) {
	w := Window{Start: "08:00", End: "09:00"}
	cases := []struct {
		name string
		s    Spec
		code int
	}{
		{"bad day", Spec{Transmit: []Window{{Days: []string{"Monday"}, Start: "08:00", End: "09:00"}}}, 2304},
		{"bad start", Spec{Transmit: []Window{{Start: "8:00", End: "09:00"}}}, 115},
		{"hour 24", Spec{Transmit: []Window{{Start: "24:00", End: "09:00"}}}, 115},
		{"sign", Spec{Transmit: []Window{{Start: "+1:00", End: "09:00"}}}, 115},
		{"bad end", Spec{Bandwidth: []Period{{Name: "p", Window: Window{Start: "08:00", End: "09:60"}}}}, 115},
		{"no name", Spec{Bandwidth: []Period{{Window: w}}}, 2305},
		{"quote in name", Spec{Bandwidth: []Period{{Name: `a"b`, Window: w}}}, 2305},
		{"same name", Spec{Bandwidth: []Period{{Name: "Day", Window: w}, {Name: "day", Window: w}}}, 2302},
		{"negative kbps", Spec{Bandwidth: []Period{{Name: "p", Window: w, Kbps: -1}}}, 139},
		{"verify never", Spec{Verify: &Verify{}}, 139},
	}
	for _, c := range cases {
		err := c.s.Validate()
		if catalog.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want code %d", c.name, err, c.code)
		}
	}
}

func TestJSONShape(t *testing.T) {
	in := `{"bandwidth":[{"name":"Day","days":["mon"],"start":"08:00","end":"18:00","kbps":256}],
		"transmit":[{"start":"20:00","end":"06:00"}],"verify":{"every_minutes":60,"checksum":true}}`
	var s Spec
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Bandwidth[0].Start != "08:00" || s.Bandwidth[0].Kbps != 256 || s.Verify.EveryMinutes != 60 || !s.Verify.Checksum {
		t.Fatalf("decoded %+v", s)
	}
}
