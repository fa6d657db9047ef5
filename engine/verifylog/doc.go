// Package verifylog writes the verification log (VerifyLogName in LogDir,
// DTVerify.log by default): one section per verification with its start, a
// record for every path that differs between source and target, its end and
// a summary. VerifyLogAppend 0 starts the file afresh at each verification;
// VerifyLogLimit bounds its size: a record that would pass the limit rolls
// the file to NAME.1 (replacing an older one) and starts it again, so the
// log never grows past the limit and the previous part stays readable.
package verifylog
