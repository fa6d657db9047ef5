// Package logfile writes and reads dtrep's text logs as chapter 2 of the
// reference describes them:
//
//   - the engine log, a series dtlog1.dtl, dtlog2.dtl ... in LogDir: a file
//     is closed at MaxLogFileSize, the series number runs from 1 to 999 and
//     then wraps to 1, and the oldest file is deleted once more than
//     MaxNumberOfLogFiles exist (Series);
//   - the management log master.log, rolled to master.log.1, .2 ..., and one
//     log per job, job-<GUID>.log, 10 MB with three older files kept
//     (Rolling).
//
// Every line has the eight columns the reference lists (date, time, process
// ID, thread ID, sequence number, type, message ID, text), separated by tabs
// (Line); Log numbers them and fills the process and thread columns, and
// the engine log honours LogMessageLevel. Router subscribes
// to the event hub and sends each catalog event to the right logs with its
// ID; Handler is an slog.Handler so the server's own log lines reach the
// engine log too.
//
// Reading is for LogViewer and `dtrep logs`: Stream lists a log's files
// oldest first, and ReadFrom continues from a Position that survives
// rotation (it names the file by identity, not by name), so a reader can
// follow a log while it rotates.
package logfile
