package main

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/refcli"
)

// options are DTSTAT's command line.
type options struct {
	noPrint     bool          // -p
	interval    time.Duration // -i
	level       int           // -l
	toBinary    string        // -t
	from        string        // -f
	connCSV     string        // -s
	targetCSV   string        // -st
	ips         []string      // -IP
	start, stop time.Time     // -Start, -Stop; zero: unbounded
	server      string        // -Server, as host:port
	help        bool
}

// Levels -l accepts. dtrep has one level of detail; the option is kept so
// existing scripts run.
const (
	minLevel     = 0
	maxLevel     = 3
	defaultLevel = 2
)

// parseArgs reads the options; names are not case-sensitive.
func parseArgs(args []string) (options, error) {
	o := options{interval: time.Second, level: defaultLevel}
	a := refcli.NewArgs(args)
	for {
		name, ok := a.Next()
		if !ok {
			break
		}
		var v string
		var err error
		switch name {
		case "-p":
			o.noPrint = true
		case "-h", "-help", "-?", "--help":
			o.help = true
		case "-i":
			if v, err = a.Value(); err == nil {
				var n int
				n, err = strconv.Atoi(v)
				if err != nil || n < 1 {
					err = catalog.Err(catalog.CodeInvalidOption, "-i %q: the interval is a number of seconds, 1 or more", v)
				}
				o.interval = time.Duration(n) * time.Second
			}
		case "-l":
			if v, err = a.Value(); err == nil {
				o.level, err = strconv.Atoi(v)
				if err != nil || o.level < minLevel || o.level > maxLevel {
					err = catalog.Err(catalog.CodeInvalidOption, "-l %q: the level is %d to %d", v, minLevel, maxLevel)
				}
			}
		case "-t":
			o.toBinary, err = a.Value()
		case "-f":
			o.from, err = a.Value()
		case "-s":
			o.connCSV, err = a.Value()
		case "-st":
			o.targetCSV, err = a.Value()
		case "-ip":
			if v, err = a.Value(); err == nil {
				for _, a := range strings.Split(v, ",") {
					if a = strings.TrimSpace(a); a != "" {
						o.ips = append(o.ips, a)
					}
				}
				if len(o.ips) == 0 {
					err = catalog.Err(catalog.CodeInvalidOption, "-IP %q names no address", v)
				}
			}
		case "-start", "-stop":
			var t time.Time
			var n int
			t, n, err = parseWhen(a.Rest())
			if err != nil {
				err = catalog.Wrap(catalog.CodeInvalidOption, err, "%s", a.Option())
			}
			a.Skip(n)
			if name == "-start" {
				o.start = t
			} else {
				o.stop = t
			}
		case "-server":
			rest := a.Rest()
			if len(rest) < 2 {
				err = catalog.Err(catalog.CodeInvalidCommand, "-Server needs an address and a port")
				break
			}
			host, port := rest[0], rest[1]
			a.Skip(2)
			if p, perr := strconv.Atoi(port); perr != nil || p < 1 || p > 65535 || host == "" {
				err = catalog.Err(catalog.CodeInvalidOption, "-Server %s %s: want an address and a port number", host, port)
			}
			o.server = net.JoinHostPort(host, port)
		default:
			err = catalog.Err(catalog.CodeInvalidCommand, "unknown option %q", a.Option())
		}
		if err != nil {
			return options{}, err
		}
	}
	if o.from != "" && o.server != "" {
		return options{}, catalog.Err(catalog.CodeInvalidOption, "-f reads a file; -Server reads a server: give one")
	}
	if o.from != "" && o.toBinary != "" {
		return options{}, catalog.Err(catalog.CodeInvalidOption, "-t saves data from memory; with -f it has nothing to save")
	}
	if !o.start.IsZero() && !o.stop.IsZero() && o.stop.Before(o.start) {
		return options{}, catalog.Err(catalog.CodeInvalidOption, "-Stop is before -Start")
	}
	return o, nil
}

// Date forms -Start and -Stop accept. The reference writes the value as
// <mm/dd/yyyyhh:mm>; the date and the time may also be apart, in one
// argument or two, and the time may be left out (midnight).
var whenLayouts = []string{"01/02/200615:04", "1/2/200615:04", "01/02/2006 15:04", "1/2/2006 15:04",
	"01/02/2006-15:04", "01/02/2006", "1/2/2006"}

// parseWhen reads a date and time from the start of args and says how
// many arguments it took.
func parseWhen(args []string) (time.Time, int, error) {
	if len(args) == 0 {
		return time.Time{}, 0, catalog.Err(catalog.CodeInvalidCommand, "needs a date and time (mm/dd/yyyy hh:mm)")
	}
	if len(args) >= 2 && !strings.HasPrefix(args[1], "-") {
		if t, err := parseLayouts(args[0] + " " + args[1]); err == nil && strings.Contains(args[1], ":") {
			return t, 2, nil
		}
	}
	t, err := parseLayouts(args[0])
	if err != nil {
		return time.Time{}, 1, err
	}
	return t, 1, nil
}

func parseLayouts(s string) (time.Time, error) {
	for _, l := range whenLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, catalog.Err(catalog.CodeInvalidOption, "%q is not a date and time as mm/dd/yyyy hh:mm", s)
}
