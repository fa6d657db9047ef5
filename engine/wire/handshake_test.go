package wire

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

type handshakeResult struct {
	peer Hello
	err  error
}

type handshakeSetup struct {
	client       Hello
	clientSecret []byte
	server       Hello
	lookup       func(Hello) ([]byte, error)
	ctx          context.Context // defaults to a 10 s deadline
}

var testSecret = []byte("correct horse battery staple")

func secretFor(set string, secret []byte) func(Hello) ([]byte, error) {
	return func(h Hello) ([]byte, error) {
		if h.SetName != set {
			return nil, errors.New("unknown replication set")
		}
		return secret, nil
	}
}

func defaultSetup() handshakeSetup {
	return handshakeSetup{
		client: Hello{ServerName: "alpha", SetName: "job1", ConnectionID: 3, SourceAddr: "10.0.0.1",
			JobID: "5f1c", Epoch: 2, TargetPath: "/replica"},
		clientSecret: testSecret,
		server:       Hello{ServerName: "beta"},
		lookup:       secretFor("job1", testSecret),
	}
}

// runHandshake runs both sides on a and b concurrently.
func runHandshake(t *testing.T, a, b *Conn, s handshakeSetup) (client, server handshakeResult) {
	t.Helper()
	ctx := s.ctx
	if ctx == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
	}
	srv := make(chan handshakeResult, 1)
	go func() {
		p, err := ServerHandshake(ctx, b, s.server, ServerAuth{Secret: s.lookup})
		srv <- handshakeResult{p, err}
	}()
	within(t, 15*time.Second, "handshake", func() {
		p, err := ClientHandshake(ctx, a, s.client, s.clientSecret)
		client = handshakeResult{p, err}
		server = <-srv
	})
	return client, server
}

func TestHandshakeSuccess(t *testing.T) {
	for name, mk := range map[string]func(testing.TB, Options, Options) (*Conn, *Conn){"pipe": pipeConns, "tcp": tcpConns} {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t, Options{}, Options{})
			s := defaultSetup()
			c, sv := runHandshake(t, a, b, s)
			if c.err != nil || sv.err != nil {
				t.Fatalf("client: %v; server: %v", c.err, sv.err)
			}
			if c.peer.ServerName != "beta" || !equalVersions(c.peer.Versions, SupportedVersions) {
				t.Errorf("client saw %+v", c.peer)
			}
			want := s.client
			want.Versions = SupportedVersions
			if !helloEqual(sv.peer, want) {
				t.Errorf("server saw %+v, want %+v", sv.peer, want)
			}
			if a.Version() != ProtocolVersion || b.Version() != ProtocolVersion {
				t.Errorf("versions %d/%d", a.Version(), b.Version())
			}
			// The stream is aligned and usable afterwards.
			errc := sendAsync(a, &Ping{ID: 42})
			within(t, 5*time.Second, "ping", func() {
				if m, err := b.Recv(); err != nil || m.(*Ping).ID != 42 {
					t.Errorf("after handshake: %v, %v", m, err)
				}
			})
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		})
	}
}

func equalVersions(a, b []uint16) bool { return string(u16bytes(a)) == string(u16bytes(b)) }

func u16bytes(v []uint16) []byte {
	var b []byte
	for _, x := range v {
		b = append(b, byte(x>>8), byte(x))
	}
	return b
}

func helloEqual(a, b Hello) bool {
	x, _ := Marshal(&a)
	y, _ := Marshal(&b)
	return bytes.Equal(x, y)
}

func TestHandshakeAdmitSendsDurable(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	s := defaultSetup()
	srv := make(chan error, 1)
	go func() {
		_, err := ServerHandshake(context.Background(), b, Hello{ServerName: "beta"}, ServerAuth{
			Secret: secretFor("job1", testSecret),
			Admit: func(h Hello) (uint64, error) {
				return h.Epoch * 100, nil // what the target has made durable for this stream
			}})
		srv <- err
	}()
	var peer Hello
	var err error
	within(t, 10*time.Second, "handshake", func() { peer, err = ClientHandshake(context.Background(), a, s.client, testSecret) })
	if err != nil || <-srv != nil {
		t.Fatalf("handshake: %v", err)
	}
	if peer.Durable != 200 {
		t.Fatalf("source saw Durable %d, want 200", peer.Durable)
	}
}

// An Admit refusal reaches the source with its code, after the source
// proved itself and before the target did.
func TestHandshakeAdmitRefuses(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	s := defaultSetup()
	srv := make(chan error, 1)
	go func() {
		_, err := ServerHandshake(context.Background(), b, Hello{ServerName: "beta"}, ServerAuth{
			Secret: secretFor("job1", testSecret),
			Admit: func(Hello) (uint64, error) {
				return 0, catalog.Err(catalog.CodeInvalidParameter, "target path not allowed")
			}})
		srv <- err
	}()
	var err error
	within(t, 10*time.Second, "handshake", func() { _, err = ClientHandshake(context.Background(), a, s.client, testSecret) })
	if Code(err) != catalog.CodeInvalidParameter || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("client: %v, want code %d naming the reason", err, catalog.CodeInvalidParameter)
	}
	if serr := <-srv; catalog.CodeOf(serr) != catalog.CodeInvalidParameter {
		t.Fatalf("server: %v", serr)
	}
}

// fakeSource speaks the source's first flight by hand and returns what the
// target sent back before the source proved anything.
func fakeSource(t *testing.T, a *Conn, h Hello) []Message {
	t.Helper()
	h.Versions = SupportedVersions
	if err := a.sendAll(&h, &Challenge{}); err != nil {
		t.Fatal(err)
	}
	var got []Message
	for range 2 {
		m, err := a.Recv()
		if err != nil {
			t.Fatalf("after %d messages: %v", len(got), err)
		}
		got = append(got, m)
	}
	return got
}

// The target answers an unproved source with its Hello and Challenge
// only: nothing in them depends on the secret, so a prober that hangs up
// now holds nothing to test guesses against, and the target's Admit (its
// disk) is never reached by a wrong proof.
func TestHandshakeTargetRevealsNothingBeforeSourceProves(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	admitted := make(chan Hello, 1)
	srv := make(chan error, 1)
	go func() {
		_, err := ServerHandshake(context.Background(), b, Hello{ServerName: "beta"}, ServerAuth{
			Secret: secretFor("job1", testSecret),
			Admit:  func(h Hello) (uint64, error) { admitted <- h; return 0, nil }})
		srv <- err
	}()
	var got []Message
	within(t, 10*time.Second, "first flight", func() { got = fakeSource(t, a, defaultSetup().client) })
	if _, ok := got[0].(*Hello); !ok {
		t.Fatalf("first answer %s, want hello", got[0].Type())
	}
	if _, ok := got[1].(*Challenge); !ok {
		t.Fatalf("second answer %s, want challenge", got[1].Type())
	}
	if err := a.Send(&Proof{}); err != nil { // a guess
		t.Fatal(err)
	}
	var m Message
	var err error
	within(t, 10*time.Second, "answer to a wrong proof", func() { m, err = a.Recv() })
	if r, ok := m.(*Refuse); err != nil || !ok || r.Code != catalog.CodeInsufficientSecurity {
		t.Fatalf("answer to a wrong proof: %v, %v; want Refuse 138", m, err)
	}
	if serr := <-srv; !errors.Is(serr, ErrAuthFailed) {
		t.Fatalf("server: %v, want ErrAuthFailed", serr)
	}
	select {
	case h := <-admitted:
		t.Fatalf("Admit ran for an unproved source: %+v", h)
	default:
	}
}

// Before the handshake succeeds a side accepts only small, uncompressed
// frames: a header announcing MaxPayload ends the exchange before anything
// is allocated for it. After it, large frames flow again.
func TestHandshakeFrameLimit(t *testing.T) {
	t.Run("large frame before auth", func(t *testing.T) {
		a, b := tcpConns(t, Options{}, Options{})
		srv := make(chan error, 1)
		go func() {
			_, err := ServerHandshake(context.Background(), b, Hello{}, ServerAuth{Secret: secretFor("job1", testSecret)})
			srv <- err
		}()
		big := &Hello{ServerName: string(bytes.Repeat([]byte("x"), HandshakeMaxPayload))}
		sent := sendAsync(a, big)
		var err error
		within(t, 10*time.Second, "refusal", func() { err = <-srv })
		b.Close()
		<-sent // the server may hang up before it has all of it
		if !errors.Is(err, ErrFrameTooLarge) {
			t.Fatalf("server: %v, want ErrFrameTooLarge", err)
		}
	})
	t.Run("compressed frame before auth", func(t *testing.T) {
		a, b := tcpConns(t, Options{Compression: CompressionMaximum, MinCompressSize: 1}, Options{})
		srv := make(chan error, 1)
		go func() {
			_, err := ServerHandshake(context.Background(), b, Hello{}, ServerAuth{Secret: secretFor("job1", testSecret)})
			srv <- err
		}()
		sent := sendAsync(a, &Hello{ServerName: string(compressibleText(4096))})
		var err error
		within(t, 10*time.Second, "refusal", func() { err = <-srv })
		b.Close()
		<-sent
		if !errors.Is(err, ErrUnknownFlags) {
			t.Fatalf("server: %v, want ErrUnknownFlags", err)
		}
	})
	t.Run("lifted after success", func(t *testing.T) {
		a, b := pipeConns(t, Options{}, Options{})
		if c, sv := runHandshake(t, a, b, defaultSetup()); c.err != nil || sv.err != nil {
			t.Fatalf("client: %v; server: %v", c.err, sv.err)
		}
		big := &ReadReply{Exists: true, Data: bytes.Repeat([]byte("y"), 1<<20)}
		errc := sendAsync(a, big)
		within(t, 10*time.Second, "large frame", func() {
			if m, err := b.Recv(); err != nil || len(m.(*ReadReply).Data) != 1<<20 {
				t.Errorf("after the handshake: %v", err)
			}
		})
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	})
}

func TestHandshakeNegotiatesHighestCommonVersion(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	s := defaultSetup()
	s.client.Versions = []uint16{1, 2, 3, 7}
	s.server.Versions = []uint16{5, 3, 2}
	c, sv := runHandshake(t, a, b, s)
	if c.err != nil || sv.err != nil {
		t.Fatalf("client: %v; server: %v", c.err, sv.err)
	}
	if a.Version() != 3 || b.Version() != 3 {
		t.Fatalf("negotiated %d/%d, want 3", a.Version(), b.Version())
	}
}

func TestHandshakeFailures(t *testing.T) {
	cases := []struct {
		name       string
		edit       func(s *handshakeSetup)
		clientErr  error
		serverErr  error
		clientCode int
	}{
		{"wrong secret", func(s *handshakeSetup) { s.clientSecret = []byte("wrong") },
			ErrAuthFailed, ErrAuthFailed, catalog.CodeInsufficientSecurity},
		{"unknown replication set", func(s *handshakeSetup) { s.client.SetName = "nosuchjob" },
			ErrAuthFailed, ErrAuthFailed, catalog.CodeInsufficientSecurity},
		{"target has an empty secret", func(s *handshakeSetup) { s.lookup = secretFor("job1", nil) },
			ErrAuthFailed, ErrAuthFailed, catalog.CodeInsufficientSecurity},
		{"no common version", func(s *handshakeSetup) { s.client.Versions = []uint16{1}; s.server.Versions = []uint16{2} },
			ErrNoCommonVersion, ErrNoCommonVersion, codeIncompatibleVersions},
		{"lookup reports its own code", func(s *handshakeSetup) {
			s.lookup = func(Hello) ([]byte, error) {
				return nil, catalog.Err(catalog.CodeTargetNotLoaded, "target module is stopped")
			}
		}, ErrRefused, catalog.Err(catalog.CodeTargetNotLoaded, ""), catalog.CodeTargetNotLoaded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := pipeConns(t, Options{}, Options{})
			s := defaultSetup()
			c.edit(&s)
			cr, sr := runHandshake(t, a, b, s)
			if !errors.Is(cr.err, c.clientErr) {
				t.Errorf("client: %v, want %v", cr.err, c.clientErr)
			}
			if !errors.Is(sr.err, c.serverErr) {
				t.Errorf("server: %v, want %v", sr.err, c.serverErr)
			}
			if got := Code(cr.err); got != c.clientCode {
				t.Errorf("client code %d, want %d", got, c.clientCode)
			}
			if a.Version() != 0 || b.Version() != 0 {
				t.Errorf("a failed handshake set versions %d/%d", a.Version(), b.Version())
			}
			// A refused source learns nothing about which set or secret was wrong.
			if cr.err != nil && strings.Contains(cr.err.Error(), "nosuchjob") {
				t.Errorf("client error leaks the server's reason: %v", cr.err)
			}
		})
	}
}

func TestClientHandshakeEmptySecret(t *testing.T) {
	a, _ := pipeConns(t, Options{}, Options{})
	_, err := ClientHandshake(context.Background(), a, Hello{}, nil)
	if catalog.CodeOf(err) == 0 || a.Counters().WireBytesSent.Load() != 0 {
		t.Fatalf("err = %v, %d bytes sent; want a catalog error before sending", err, a.Counters().WireBytesSent.Load())
	}
}

// relay copies messages from src to dst, letting tamper edit them.
func relay(src, dst *Conn, tamper func(Message)) {
	for {
		m, err := src.Recv()
		if err != nil {
			dst.Close()
			return
		}
		tamper(m)
		if dst.Send(m) != nil {
			src.Close()
			return
		}
	}
}

// A man in the middle who rewrites the source's Hello (to claim another
// connection, or to force a version) breaks the proofs.
func TestHandshakeDetectsTamperedHello(t *testing.T) {
	client, mitmA := pipeConns(t, Options{}, Options{})
	mitmB, server := pipeConns(t, Options{}, Options{})
	go relay(mitmA, mitmB, func(m Message) {
		if h, ok := m.(*Hello); ok {
			h.ConnectionID = 99
		}
	})
	go relay(mitmB, mitmA, func(Message) {})
	cr, sr := runHandshake(t, client, server, defaultSetup())
	if !errors.Is(cr.err, ErrAuthFailed) || !errors.Is(sr.err, ErrAuthFailed) {
		t.Fatalf("client: %v; server: %v; want ErrAuthFailed on both", cr.err, sr.err)
	}
}

// A peer that answers out of order gets ErrUnexpected.
func TestHandshakeUnexpectedMessage(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	go func() {
		b.Recv() // Hello
		b.Recv() // Challenge
		b.Send(&Welcome{Version: 1})
	}()
	var err error
	within(t, 10*time.Second, "handshake", func() {
		_, err = ClientHandshake(context.Background(), a, Hello{}, testSecret)
	})
	if !errors.Is(err, ErrUnexpected) {
		t.Fatalf("err = %v, want ErrUnexpected", err)
	}
}

func TestHandshakeContext(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		a, b := pipeConns(t, Options{}, Options{})
		go func() { // reads and never answers
			for {
				if _, err := b.Recv(); err != nil {
					return
				}
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		var err error
		within(t, 10*time.Second, "handshake", func() { _, err = ClientHandshake(ctx, a, Hello{}, testSecret) })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		_, b := pipeConns(t, Options{}, Options{})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		var err error
		within(t, 10*time.Second, "handshake", func() {
			_, err = ServerHandshake(ctx, b, Hello{}, ServerAuth{Secret: secretFor("x", testSecret)})
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("deadline lifted after success", func(t *testing.T) {
		a, b := pipeConns(t, Options{}, Options{})
		s := defaultSetup()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.ctx = ctx
		if c, sv := runHandshake(t, a, b, s); c.err != nil || sv.err != nil {
			t.Fatalf("client: %v; server: %v", c.err, sv.err)
		}
		cancel() // ending the context after the handshake must not touch the conn
		errc := sendAsync(a, &Ping{ID: 1})
		within(t, 5*time.Second, "ping", func() {
			if _, err := b.Recv(); err != nil {
				t.Errorf("Recv after the handshake's context ended: %v", err)
			}
		})
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	})
}

// Each proof depends on the role, both nonces and the transcript, so no
// part can be swapped or replayed.
func TestProofBindsEverything(t *testing.T) {
	var n1, n2 [NonceSize]byte
	n2[0] = 1
	th := []byte("transcript")
	base := proof(testSecret, roleSource, n1, n2, th)
	variants := map[string][]byte{
		"role":       proof(testSecret, roleTarget, n1, n2, th),
		"nonces":     proof(testSecret, roleSource, n2, n1, th),
		"transcript": proof(testSecret, roleSource, n1, n2, []byte("transcripT")),
		"secret":     proof([]byte("other"), roleSource, n1, n2, th),
	}
	for name, v := range variants {
		if bytes.Equal(base, v) {
			t.Errorf("changing the %s leaves the proof unchanged", name)
		}
	}
	if !bytes.Equal(base, proof(testSecret, roleSource, n1, n2, th)) {
		t.Error("proof is not deterministic")
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		ours, theirs []uint16
		want         uint16
		ok           bool
	}{
		{[]uint16{1}, []uint16{1}, 1, true},
		{[]uint16{1, 2, 3}, []uint16{3, 2}, 3, true},
		{[]uint16{4, 2}, []uint16{1, 2, 3}, 2, true},
		{[]uint16{1}, []uint16{2}, 0, false},
		{nil, []uint16{1}, 0, false},
	}
	for _, c := range cases {
		if got, ok := negotiate(c.ours, c.theirs); got != c.want || ok != c.ok {
			t.Errorf("negotiate(%v, %v) = %d, %v", c.ours, c.theirs, got, ok)
		}
	}
}
