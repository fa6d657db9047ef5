package main

import (
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/refcli"
)

// Columns of a log line, in order (logfile.Line).
const (
	colDate = iota
	colTime
	colPID
	colTID
	colSeq
	colType
	colID
	colText
	numColumns
)

// options are LOGVIEWER's command line.
type options struct {
	path    string
	maxType int // 1: warnings and errors; 2: everything
	include idList
	exclude idList
	hide    [numColumns]bool
	help    bool
}

var hideOptions = map[string]int{"-nodate": colDate, "-notime": colTime, "-nopid": colPID, "-notid": colTID,
	"-noseq": colSeq, "-notype": colType, "-noid": colID}

func parseArgs(args []string) (options, error) {
	o := options{maxType: 2}
	a := refcli.NewArgs(args)
	for {
		name, ok := a.Next()
		if !ok {
			break
		}
		var v string
		var err error
		if col, ok := hideOptions[name]; ok {
			o.hide[col] = true
			continue
		}
		switch name {
		case "-help", "-h", "-?", "--help":
			o.help = true
		case "-path":
			o.path, err = a.Value()
		case "-type":
			if v, err = a.Value(); err == nil {
				o.maxType, err = strconv.Atoi(v)
				if err != nil || (o.maxType != 1 && o.maxType != 2) {
					err = catalog.Err(catalog.CodeInvalidOption, "-TYPE %q: 1 (warnings and errors) or 2 (all messages)", v)
				}
			}
		case "-include":
			if v, err = a.Value(); err == nil {
				o.include, err = parseList(v)
			}
		case "-exclude":
			if v, err = a.Value(); err == nil {
				o.exclude, err = parseList(v)
			}
		default:
			err = catalog.Err(catalog.CodeInvalidCommand, "unknown option %q", a.Option())
		}
		if err != nil {
			return options{}, err
		}
	}
	return o, nil
}

// idList is -INCLUDE's or -EXCLUDE's list: IDs and inclusive ranges.
type idList []idRange

type idRange struct{ lo, hi int }

func (l idList) has(id int) bool {
	for _, r := range l {
		if id >= r.lo && id <= r.hi {
			return true
		}
	}
	return false
}

// parseList reads "200,400-500,10000-15000". The reference asks for no
// spaces inside the list; one in it is refused rather than guessed at.
func parseList(s string) (idList, error) {
	var out idList
	for _, item := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if item == "" || err1 != nil || err2 != nil || a < 0 || b < a || strings.ContainsAny(item, " +") {
			return nil, catalog.Err(catalog.CodeInvalidOption, "ID list %q: %q is not an ID or a range such as 400-500", s, item)
		}
		out = append(out, idRange{a, b})
	}
	return out, nil
}
