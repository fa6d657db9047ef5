package wire

import (
	"errors"
	"testing"
)

// recorder is a SourceHandler and TargetHandler that notes what it got.
type recorder struct{ got []string }

func (r *recorder) note(s string) error { r.got = append(r.got, s); return nil }
func (r *recorder) Ack(*Ack) error      { return r.note("ack") }
func (r *recorder) Reply(id uint64, m Message) error {
	return r.note("reply " + m.Type().String())
}
func (r *recorder) TaskResult(*TaskResult) error   { return r.note("task") }
func (r *recorder) JobState(*JobState) error       { return r.note("jobstate") }
func (r *recorder) Ops(*Ops) error                 { return r.note("ops") }
func (r *recorder) StatRequest(*StatRequest) error { return r.note("stat") }
func (r *recorder) HashRequest(*HashRequest) error { return r.note("hash") }
func (r *recorder) ListRequest(*ListRequest) error { return r.note("list") }
func (r *recorder) ReadRequest(*ReadRequest) error { return r.note("read") }
func (r *recorder) Control(*Control) error         { return r.note("control") }

type sentRecorder struct{ sent []Message }

func (s *sentRecorder) Send(m Message) error { s.sent = append(s.sent, m); return nil }

// Each end gets its messages through its handler; a ping is answered, a
// pong ignored, an Error for the whole session ends it, and a message the
// other end never sends is refused.
func TestDispatch(t *testing.T) {
	var r recorder
	var c sentRecorder
	for _, m := range []Message{&Ack{}, &StatReply{ReqID: 1}, &Error{ReqID: 2, Code: 101}, &TaskResult{},
		&JobState{}, &Ping{ID: 7}, &Pong{}} {
		if err := DispatchSource(&c, m, &r); err != nil {
			t.Fatalf("source %s: %v", m.Type(), err)
		}
	}
	for _, m := range []Message{&Ops{}, &StatRequest{}, &HashRequest{}, &ListRequest{}, &ReadRequest{},
		&Control{Action: ControlMirrorStop}} {
		if err := DispatchTarget(&c, m, &r); err != nil {
			t.Fatalf("target %s: %v", m.Type(), err)
		}
	}
	want := []string{"ack", "reply stat-reply", "reply error", "task", "jobstate", "ops", "stat", "hash", "list",
		"read", "control"}
	if len(r.got) != len(want) {
		t.Fatalf("handled %v, want %v", r.got, want)
	}
	for i := range want {
		if r.got[i] != want[i] {
			t.Fatalf("handled %v, want %v", r.got, want)
		}
	}
	if len(c.sent) != 1 || c.sent[0].(*Pong).ID != 7 {
		t.Fatalf("ping answered with %v", c.sent)
	}
	var pe *PeerError
	if err := DispatchSource(&c, &Error{Code: 101, Text: "x"}, &r); !errors.As(err, &pe) {
		t.Fatalf("a session Error gave %v", err)
	}
	var ue *UnexpectedError
	if err := DispatchTarget(&c, &Ack{}, &r); !errors.As(err, &ue) {
		t.Fatalf("an Ack sent to a target gave %v", err)
	}
	if err := DispatchSource(&c, &Ops{}, &r); !errors.As(err, &ue) {
		t.Fatalf("Ops sent to a source gave %v", err)
	}
}
