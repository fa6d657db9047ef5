// Package settings holds the server and job settings of chapter 11 of the
// reference (and dtrep's own extensions) as a Store: their defaults, the
// values a configuration file, the environment and command-line flags give
// them, validation, persistent changes and live reloading.
//
// # Names
//
// Keys are the reference's setting names (AutoReconnect, MirrorChunkSize,
// ...). They are matched case-insensitively on input and always written back
// with the reference's spelling.
//
// # Where values come from
//
// From lowest to highest precedence:
//
//  1. default: the catalog's embedded value (catalog.Setting.Value);
//  2. file: a YAML mapping of setting names to scalar values;
//  3. env: DTREP_<NAME>, the name upper-cased (DTREP_AUTORECONNECT=0);
//  4. flag: a command-line flag bound with Store.BindFlag or WithFlag.
//
// Every value of every layer is validated when the Store is opened; one bad
// value refuses the whole Open with a "101 Invalid parameter was supplied"
// error naming the setting, the value and what is allowed.
//
// # The configuration file
//
// The file is, in order of preference: the path given to Open (the CLI's
// --config flag); the DTREP_CONFIG environment variable;
// /etc/dtrep/dtrep.yaml when running as root; otherwise
// $XDG_CONFIG_HOME/dtrep/dtrep.yaml ($HOME/.config/dtrep/dtrep.yaml when
// XDG_CONFIG_HOME is unset). A missing file means all defaults.
//
// Keys the catalog does not know are kept (they may belong to a newer
// dtrep) and logged. Store.Set edits the file in place: the changed line is
// rewritten and every other byte, comments and unknown keys included, stays
// as it was. The new file replaces the old one atomically (temporary file in
// the same directory, fsync, rename, fsync of the directory), so a crash
// leaves either the old or the new file, never a mix.
//
// # Live changes
//
// Store.Watch follows the file (through its directory, since editors and
// Set replace the file rather than write it). On a change the file is read
// and validated again: settings whose change needs no service restart
// (catalog RestartRequired false) take effect at once and subscribers are
// told; the others are recorded as pending a restart, visible in All, and
// keep their running value. A file that no longer validates is refused as
// a whole, logged, and the previous values stay.
package settings
