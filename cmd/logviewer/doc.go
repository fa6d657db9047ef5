// Command logviewer is the reference's LOGVIEWER utility (chapter 2): it
// prints the engine log, filtered by message type and ID and with chosen
// columns left out, reading the whole rotated series in order and then
// following new lines until Ctrl-C. Options are not case-sensitive:
//
//	logviewer [-PATH <path>] [-TYPE <number>] [-INCLUDE <list>] [-EXCLUDE <list>]
//	          [-NODATE] [-NOTIME] [-NOPID] [-NOTID] [-NOSEQ] [-NOTYPE] [-NOID] [-HELP]
//
// -PATH names a log file (any file of the dtlog series selects the series;
// master.log or a job log reads that log and its rolled files) or a
// directory holding the series; without it, logviewer reads the series in
// the LogDir of the settings file.
package main
