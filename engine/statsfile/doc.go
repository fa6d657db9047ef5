// Package statsfile writes and reads the binary statistics file of chapter 3
// (StatsFileName, statistic.sts by default), which DTStat reads back with -f.
//
// The format is versioned, self-describing and survives a power cut:
//
//	file    = magic(8) major(u16) minor(u16) flags(u32) record*
//	record  = marker(4) length(u32) crc32c(u32) payload(length)
//	payload = kind(u8) body
//
// All integers are big-endian. The first record is a schema (kind 1): JSON
// naming every statistic the snapshots carry, with its scope, kind, unit
// and DTStat labels, so a reader needs no catalog of its own and a file
// written by another dtrep version still reads. Each snapshot (kind 2)
// then carries its time and, per statistics block, field numbers from the
// schema with their values.
//
// Every record is checksummed and starts with a marker. The writer appends
// one whole record per write and never rewrites, so a power cut can only
// tear the last record: the reader reports a torn tail and stops cleanly
// before it. Damage in the middle of a file (a bad sector) costs only the
// damaged records: the reader skips ahead to the next marker whose record
// checks out. A file that does not start with the magic is not a
// statistics file and is refused with error 143.
package statsfile
