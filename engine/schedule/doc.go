// Package schedule is a job's calendar: bandwidth limits by named period
// (events 4063 and 4064), transmission windows outside which the connection
// waits in the Scheduled state (conState 4, or 12 with an error), and a
// recurring verification. A Spec is stored with its job and evaluated by the
// connection every ScheduleInterval seconds; this package only answers "what
// holds at time t", so it is pure and tested with fixed clocks.
//
// Times of day are the server's local time ("HH:MM", 24-hour). A window
// whose end is not after its start runs past midnight into the next day, and
// one whose start equals its end lasts the whole day. Days are "mon" to
// "sun"; none means every day.
package schedule
