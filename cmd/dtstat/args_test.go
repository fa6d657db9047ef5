package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestParseArgsIsNotCaseSensitive(t *testing.T) {
	o, err := parseArgs([]string{"-P", "-I", "5", "-L", "1", "-F", "in.sts", "-S", "c.csv", "-ST", "t.csv",
		"-ip", "10.0.0.1,10.0.0.2", "-START", "09/11/2007", "12:45", "-stop", "09/12/200701:00"})
	if err != nil {
		t.Fatal(err)
	}
	want := options{noPrint: true, interval: 5 * time.Second, level: 1, from: "in.sts", connCSV: "c.csv",
		targetCSV: "t.csv", ips: []string{"10.0.0.1", "10.0.0.2"},
		start: time.Date(2007, 9, 11, 12, 45, 0, 0, time.Local), stop: time.Date(2007, 9, 12, 1, 0, 0, 0, time.Local)}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("parsed\n%+v\nwant\n%+v", o, want)
	}
	o, err = parseArgs([]string{"-Server", "10.0.0.5", "6325", "-t", "out.sts"})
	if err != nil || o.server != "10.0.0.5:6325" || o.toBinary != "out.sts" || o.interval != time.Second || o.level != 2 {
		t.Fatalf("%+v, %v", o, err)
	}
	o, err = parseArgs([]string{"-Start", "9/1/2007 08:05", "-Stop", "09/02/2007"})
	if err != nil || !o.start.Equal(time.Date(2007, 9, 1, 8, 5, 0, 0, time.Local)) || !o.stop.Equal(time.Date(2007, 9, 2, 0, 0, 0, 0, time.Local)) {
		t.Fatalf("one-argument dates: %+v, %v", o, err)
	}
}

func TestParseArgsRefuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-x"}, catalog.CodeInvalidCommand},
		{[]string{"-i"}, catalog.CodeInvalidCommand},
		{[]string{"-i", "0"}, catalog.CodeInvalidOption},
		{[]string{"-i", "soon"}, catalog.CodeInvalidOption},
		{[]string{"-l", "9"}, catalog.CodeInvalidOption},
		{[]string{"-Start", "yesterday"}, catalog.CodeInvalidOption},
		{[]string{"-Start", "09/11/2007", "-Stop", "09/10/2007"}, catalog.CodeInvalidOption},
		{[]string{"-Server", "10.0.0.5"}, catalog.CodeInvalidCommand},
		{[]string{"-Server", "10.0.0.5", "http"}, catalog.CodeInvalidOption},
		{[]string{"-f", "a.sts", "-Server", "h", "1"}, catalog.CodeInvalidOption},
		{[]string{"-f", "a.sts", "-t", "b.sts"}, catalog.CodeInvalidOption},
		{[]string{"-IP", ","}, catalog.CodeInvalidOption},
	} {
		if _, err := parseArgs(tc.args); catalog.CodeOf(err) != tc.code {
			t.Errorf("%q: %v, want code %d", tc.args, err, tc.code)
		}
	}
}
