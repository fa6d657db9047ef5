package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/settings"
)

func TestParseArgs(t *testing.T) {
	o, err := parseArgs([]string{"-path", "/var/log/dtrep", "-Type", "1", "-INCLUDE", "200,400-500,10000-15000",
		"-exclude", "4000", "-NoDate", "-NOTID", "-noid"})
	if err != nil {
		t.Fatal(err)
	}
	want := options{path: "/var/log/dtrep", maxType: 1, include: idList{{200, 200}, {400, 500}, {10000, 15000}},
		exclude: idList{{4000, 4000}}}
	want.hide[colDate], want.hide[colTID], want.hide[colID] = true, true, true
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("parsed %+v\nwant %+v", o, want)
	}
	if o, _ := parseArgs(nil); o.maxType != 2 || o.include != nil {
		t.Errorf("defaults %+v: the reference's default is -type 2", o)
	}
	if o, _ := parseArgs([]string{"-HELP"}); !o.help {
		t.Error("-HELP")
	}
}

func TestParseArgsRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"-type", "3"}, {"-type"}, {"-include", "200, 300"}, {"-include", "500-400"}, {"-exclude", "a"},
		{"-include", "1,,2"}, {"-include", "-5"}, {"-nodates"}, {"extra"},
	} {
		_, err := parseArgs(args)
		if c := catalog.CodeOf(err); c != catalog.CodeInvalidOption && c != catalog.CodeInvalidCommand {
			t.Errorf("%q: %v", args, err)
		}
	}
}

func TestFormat(t *testing.T) {
	info := "03/23/2012\t13:34:06.1234\t4242\t17\t99\t2\t4016\tConnected to beta"
	alert := "03/23/2012\t13:34:07.0000\t4242\t18\t100\t1\t4011\tAuto-reconnect failed"
	for _, tc := range []struct {
		args []string
		line string
		want string // "" for filtered out
	}{
		{nil, info, info},
		{[]string{"-type", "1"}, info, ""},
		{[]string{"-type", "1"}, alert, alert},
		{[]string{"-include", "4000-4015"}, info, ""},
		{[]string{"-include", "4000-4015"}, alert, alert},
		{[]string{"-include", "100,4016"}, info, info},
		{[]string{"-exclude", "4016"}, info, ""},
		{[]string{"-include", "4000-4100", "-exclude", "4011"}, alert, ""},
		{[]string{"-nodate", "-notime", "-nopid", "-notid", "-noseq", "-notype", "-noid"}, info, "Connected to beta"},
		{[]string{"-NOPID", "-NOSEQ"}, info, "03/23/2012\t13:34:06.1234\t17\t2\t4016\tConnected to beta"},
		{nil, "not a log line", "not a log line"},
		{[]string{"-type", "1"}, "not a log line", ""},
		{[]string{"-include", "1"}, "not a log line", ""},
	} {
		o, err := parseArgs(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := o.format(tc.line)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%q on %q: %q, want %q", tc.args, tc.line, got, tc.want)
		}
	}
}

// Without -PATH, logviewer reads the series in the settings file's LogDir.
func TestDefaultPathIsLogDir(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	os.WriteFile(cfg, []byte("LogDir: "+dir+"\nLogFile: mylog\n"), 0o644)
	t.Setenv(settings.ConfigEnv, cfg)
	o, _ := parseArgs(nil)
	s, err := stream(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := (logfile.SeriesStream{Dir: dir, Base: "mylog", Ext: ".dtl"}); s != want {
		t.Fatalf("stream %#v, want %#v", s, want)
	}
}
