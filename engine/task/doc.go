// Package task is dtrep's in-band task commands (events 4200 to 4207): a
// command submitted on the source travels in the replication stream as an
// OpTask op and runs on the target once every op queued before it has been
// applied, so a script sees the target's copy exactly as the source's was
// when the task was submitted.
//
// Command is the op's payload (Encode, Decode: the target decodes bytes from
// the network, so Decode bounds and checks everything), and Run executes one
// command with its timeout, reporting each step as the reference's events.
// EnableTaskCmdProcessing is checked by the callers: on the source before a
// task is queued, on the target before it runs.
package task
