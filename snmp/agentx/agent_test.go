package agentx

import (
	"context"
	"encoding/binary"
	"net"
	"path/filepath"
	"testing"
	"time"

	agentx "github.com/posteo/go-agentx"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

var testBase = value.OID{1, 3, 6, 1, 4, 1, 32473}

// testEnd bounds the ranges as snmpd does, at the registration's end
// (go-agentx's ListHandler reads an empty bound as an empty range).
var testEnd = value.OID{1, 3, 6, 1, 4, 1, 32474}

// listHandler is go-agentx's own list handler: the Handler interface is
// go-agentx's, so its handlers plug in unchanged.
func listHandler() *agentx.ListHandler {
	h := &agentx.ListHandler{}
	i := h.Add("1.3.6.1.4.1.32473.1.1.1.0")
	i.Type, i.Value = pdu.VariableTypeInteger, int32(2)
	i = h.Add("1.3.6.1.4.1.32473.1.1.7.0")
	i.Type, i.Value = pdu.VariableTypeCounter32, uint32(77)
	i = h.Add("1.3.6.1.4.1.32473.1.2.1.2.5")
	i.Type, i.Value = pdu.VariableTypeOctetString, "10.0.0.9"
	return h
}

// startAgent runs an agent against a fake master listening on a Unix
// socket and returns the master's listener.
func startAgent(t *testing.T, cfg Config) (*Agent, net.Listener) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "master")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	cfg.Network, cfg.Address = "unix", sock
	cfg.ID, cfg.Description, cfg.Subtrees = testBase, "dtrep test", []value.OID{testBase}
	if cfg.Handler == nil {
		cfg.Handler = listHandler()
	}
	cfg.Timeout, cfg.MinBackoff, cfg.MaxBackoff = 2*time.Second, 10*time.Millisecond, 50*time.Millisecond
	a := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after its context ended")
		}
	})
	return a, ln
}

func accept(t *testing.T, ln net.Listener) *fakeMaster {
	t.Helper()
	ln.(*net.UnixListener).SetDeadline(time.Now().Add(5 * time.Second))
	nc, err := ln.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	return &fakeMaster{t: t, nc: nc}
}

func waitReady(t *testing.T, a *Agent) {
	t.Helper()
	select {
	case <-a.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("session not registered")
	}
}

func TestSessionAnswersRequests(t *testing.T) {
	a, ln := startAgent(t, Config{})
	m := accept(t, ln)
	open := m.expect(pdu.TypeOpen)
	m.reply(open, 42, pdu.ErrorNone)
	reg := m.expect(pdu.TypeRegister)
	if reg.h.SessionID != 42 {
		t.Errorf("Register in session %d, want the Open's 42", reg.h.SessionID)
	}
	m.reply(reg, 42, pdu.ErrorNone)
	waitReady(t, a)

	// A Get of two OIDs, in network byte order: both are answered.
	be := binary.BigEndian
	m.write(pduBytes(be, pdu.TypeGet, 0, 42, 100, rangesBytes(be,
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 1, 7, 0}},
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 1, 99, 0}})))
	r := m.expect(pdu.TypeResponse)
	if r.h.PacketID != 100 || r.h.SessionID != 42 {
		t.Errorf("response header %+v does not echo the request", r.h.Header)
	}
	e, _, vbs, err := decodeResponseVarbinds(r)
	if err != nil || e != 0 || len(vbs) != 2 {
		t.Fatalf("Get: error %v, %v %v", e, vbs, err)
	}
	if vbs[0].Value != uint32(77) || vbs[1].Type != pdu.VariableTypeNoSuchObject {
		t.Errorf("Get answered %v", vbs)
	}

	// A GetNext walks to the next object, then past the last one.
	le := binary.LittleEndian
	m.write(pduBytes(le, pdu.TypeGetNext, 0, 42, 101, rangesBytes(le,
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 0}, To: testEnd},
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 2, 1, 2, 5}, To: testEnd})))
	_, _, vbs, _ = decodeResponseVarbinds(m.expect(pdu.TypeResponse))
	if len(vbs) != 2 || vbs[0].OID.String() != "1.3.6.1.4.1.32473.1.1.7.0" || vbs[1].Type != pdu.VariableTypeEndOfMIBView {
		t.Errorf("GetNext answered %v", vbs)
	}

	// A GetBulk repeats: 3 objects then the end of the view.
	var p []byte
	p = le.AppendUint16(p, 0)
	p = le.AppendUint16(p, 5)
	p = append(p, rangesBytes(le, searchRange{From: testBase, To: testEnd})...)
	m.write(pduBytes(le, pdu.TypeGetBulk, 0, 42, 102, p))
	_, _, vbs, _ = decodeResponseVarbinds(m.expect(pdu.TypeResponse))
	if len(vbs) != 5 || vbs[2].Value != "10.0.0.9" || vbs[3].Type != pdu.VariableTypeEndOfMIBView {
		t.Errorf("GetBulk answered %v", vbs)
	}

	// Sets are refused: every object is read-only.
	m.write(pduBytes(le, pdu.TypeTestSet, 0, 42, 103, nil))
	if e, idx, _, _ := decodeResponseVarbinds(m.expect(pdu.TypeResponse)); e != errNotWritable || idx != 1 {
		t.Errorf("TestSet answered %v at %d", e, idx)
	}
	if a.Requests() != 3 {
		t.Errorf("Requests() = %d, want 3", a.Requests())
	}

	// Notify: snmpTrapOID.0 first, then the objects.
	errc := make(chan error, 1)
	go func() {
		var vars pdu.Variables
		vars.Add(value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 3, 4}, pdu.VariableTypeOctetString, "hello")
		errc <- a.Notify(context.Background(), value.OID{1, 3, 6, 1, 4, 1, 32473, 0, 15}, vars)
	}()
	n := m.expect(pdu.TypeNotify)
	if n.h.SessionID != 42 {
		t.Errorf("Notify in session %d", n.h.SessionID)
	}
	// A Notify's payload is a varbind list: reuse the response decoder
	// behind a fake 8-byte response prefix.
	_, _, vbs, err = decodeResponseVarbinds(rawPDU{n.h, append(make([]byte, 8), n.payload...)})
	if err != nil || len(vbs) != 2 || vbs[0].OID.String() != "1.3.6.1.6.3.1.1.4.1.0" ||
		vbs[0].Value != "1.3.6.1.4.1.32473.0.15" || vbs[1].Value != "hello" {
		t.Fatalf("Notify carried %v (%v)", vbs, err)
	}
	m.reply(n, 42, pdu.ErrorNone)
	if err := <-errc; err != nil {
		t.Fatalf("Notify: %v", err)
	}
}

// When the master closes the session (a timeout, a restart), the agent
// opens a new one and registers again by itself.
func TestSessionReopensAfterClose(t *testing.T) {
	a, ln := startAgent(t, Config{})
	m := accept(t, ln)
	m.handshake(1)
	waitReady(t, a)
	m.write(pduBytes(binary.LittleEndian, pdu.TypeClose, 0, 1, 9, []byte{byte(pdu.ReasonTimeouts), 0, 0, 0}))

	m2 := accept(t, ln)
	m2.handshake(2)
	waitReady(t, a)
	if a.Sessions() != 2 {
		t.Errorf("Sessions() = %d, want 2", a.Sessions())
	}
	// The old connection is gone, the new one serves.
	m2.write(pduBytes(binary.LittleEndian, pdu.TypeGet, 0, 2, 5, rangesBytes(binary.LittleEndian,
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 0}})))
	if _, _, vbs, _ := decodeResponseVarbinds(m2.expect(pdu.TypeResponse)); len(vbs) != 1 || vbs[0].Value != int32(2) {
		t.Errorf("after reopening: %v", vbs)
	}
}

// While a stale session still holds the subtree the master answers 263;
// the agent retries until the registration goes through.
func TestSessionRetriesDuplicateRegistration(t *testing.T) {
	a, ln := startAgent(t, Config{})
	m := accept(t, ln)
	m.reply(m.expect(pdu.TypeOpen), 1, pdu.ErrorNone)
	m.reply(m.expect(pdu.TypeRegister), 1, pdu.ErrorDuplicateRegistration)
	// The agent opening a new session shows it has taken the refusal.
	m2 := accept(t, ln)
	select {
	case <-a.Ready():
		t.Fatal("ready although registration was refused")
	default:
	}
	m2.handshake(2)
	waitReady(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := a.Notify(ctx, testBase, nil); err == nil {
		t.Error("Notify succeeded without the master's response")
	}
}

// A master that stops answering is noticed by the ping and replaced.
func TestSessionPingsHungMaster(t *testing.T) {
	a, ln := startAgent(t, Config{PingInterval: 50 * time.Millisecond})
	m := accept(t, ln)
	m.handshake(1)
	waitReady(t, a)
	m.expect(pdu.TypePing) // and never answer it
	m2 := accept(t, ln)
	m2.handshake(2)
	waitReady(t, a)
	if a.Sessions() != 2 {
		t.Errorf("Sessions() = %d, want 2", a.Sessions())
	}
}

func TestNotifyWithoutSession(t *testing.T) {
	a := New(Config{Network: "unix", Address: "/nonexistent", Handler: listHandler()})
	if err := a.Notify(context.Background(), testBase, nil); err != ErrNotConnected {
		t.Errorf("Notify: %v, want ErrNotConnected", err)
	}
}
