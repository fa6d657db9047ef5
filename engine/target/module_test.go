package target

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

type testTarget struct {
	m    *Module
	addr string
	hub  *events.Hub
	reg  *stats.Registry
	log  *syncbuf.Buffer
}

func startTarget(t *testing.T) *testTarget {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.Must()
	tt := &testTarget{hub: events.NewHub(cat), reg: stats.NewRegistry(), log: &syncbuf.Buffer{}}
	st := settings.Overlay{Base: base, Over: map[string]string{"NetworkTimeout": "5"}}
	tt.m = New(Config{ServerName: "t", Settings: st, Hub: tt.hub, Stats: tt.reg, DataPath: t.TempDir(),
		Secret: func(wire.Hello) ([]byte, error) { return []byte("s3cret"), nil },
		Log:    slog.New(slog.NewTextHandler(tt.log, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tt.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = tt.m.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return tt
}

// helloFrame returns the bytes of a valid Hello frame.
func helloFrame(t *testing.T) []byte {
	t.Helper()
	a, b := net.Pipe()
	c := wire.NewConn(a, wire.Options{})
	go func() { _ = c.Send(&wire.Hello{ServerName: "src", JobID: "j1", TargetPath: "/tmp/x"}); a.Close() }()
	raw, _ := io.ReadAll(b)
	return raw
}

// sendRaw writes raw bytes to the target and reports whether the target
// closed the connection within the deadline.
func sendRaw(t *testing.T, addr string, raw []byte) bool {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_, _ = nc.Write(raw)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.Copy(io.Discard, nc)
	return err == nil // EOF: the target hung up
}

// A peer sending garbage, corrupt, oversized or unknown-version frames is
// cut off with a logged reason, and the target keeps serving.
func TestBadPeersAreCutOff(t *testing.T) {
	tt := startTarget(t)
	sub := tt.hub.Subscribe(16, func(e events.Event) bool { return e.ID == 4071 })
	good := helloFrame(t)

	corrupt := bytes.Clone(good)
	corrupt[len(corrupt)-6] ^= 0xff // inside the payload: the CRC no longer matches
	oversize := bytes.Clone(good)
	binary.BigEndian.PutUint32(oversize[8:], wire.MaxPayload+1)
	badVersion := bytes.Clone(good)
	badVersion[4] = 99
	cases := map[string][]byte{
		"garbage":     []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"bad crc":     corrupt,
		"oversize":    oversize,
		"bad version": badVersion,
	}
	for name, raw := range cases {
		if !sendRaw(t, tt.addr, raw) {
			t.Errorf("%s: connection not closed by the target", name)
		}
	}
	select {
	case <-sub.C():
	case <-time.After(5 * time.Second):
		t.Fatal("no event 4071 for the corrupt frame")
	}
	for _, reason := range []string{"checksum", "magic", "too large", "version"} {
		if !strings.Contains(strings.ToLower(tt.log.String()), reason) {
			t.Errorf("log does not give the reason %q:\n%s", reason, tt.log.String())
		}
	}

	// Still serving: a real source with the right secret gets in.
	nc, err := net.Dial("tcp", tt.addr)
	if err != nil {
		t.Fatal(err)
	}
	c := wire.NewConn(nc, wire.Options{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	peer, err := wire.ClientHandshake(ctx, c, wire.Hello{ServerName: "src", JobID: "job1", Epoch: 7,
		TargetPath: t.TempDir()}, []byte("s3cret"))
	if err != nil {
		t.Fatalf("handshake after bad peers: %v", err)
	}
	if peer.Durable != 0 {
		t.Fatalf("durable %d for a new job", peer.Durable)
	}
}

func TestWrongSecretCountsFailedLogin(t *testing.T) {
	tt := startTarget(t)
	nc, err := net.Dial("tcp", tt.addr)
	if err != nil {
		t.Fatal(err)
	}
	c := wire.NewConn(nc, wire.Options{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = wire.ClientHandshake(ctx, c, wire.Hello{JobID: "job1", TargetPath: t.TempDir()}, []byte("wrong"))
	if err == nil {
		t.Fatal("handshake with a wrong secret succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for tt.reg.Security.Counter(catalog.StatFailedLogins).Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("failed login not counted")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Ops already made durable before a reconnect are not applied twice, and
// the durable sequence survives the target's restart.
func TestDurableSequenceAcrossSessions(t *testing.T) {
	dir := t.TempDir()
	d, err := openDurable(dir, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store(42, 1000); err != nil {
		t.Fatal(err)
	}
	d.close()
	d, err = openDurable(dir, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if got := d.durableFor(42); got != 1000 {
		t.Fatalf("durable %d", got)
	}
	if got := d.durableFor(43); got != 0 {
		t.Fatalf("another epoch sees %d", got)
	}
	// Applied (unsynced) progress counts while the kernel that wrote it
	// still runs; after a reboot only the durable sequence does.
	if err := d.markApplied(42, 1500); err != nil {
		t.Fatal(err)
	}
	d.close()
	d, err = openDurable(dir, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.durableFor(42); got != 1500 && bootID != [16]byte{} {
		t.Fatalf("after a process restart resume after %d, want 1500", got)
	}
	d.boot[0] ^= 0xff // another boot
	if got := d.durableFor(42); got != 1000 {
		t.Fatalf("after a reboot resume after %d, want the durable 1000", got)
	}
	if _, err := openDurable(dir, "../escape"); err == nil {
		t.Fatal("a job ID with a path separator was accepted")
	}
}

// Stopping the target module ends its sessions even while a source is
// connected and idle.
func TestServeReturnsWithIdleSource(t *testing.T) {
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.Must()
	m := New(Config{ServerName: "t", Settings: base, Hub: events.NewHub(cat), Stats: stats.NewRegistry(),
		DataPath: t.TempDir(), Secret: func(wire.Hello) ([]byte, error) { return []byte("s"), nil },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = m.Serve(ctx, ln) }()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := wire.NewConn(nc, wire.Options{})
	defer c.Close()
	hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer hcancel()
	if _, err := wire.ClientHandshake(hctx, c, wire.Hello{JobID: "idle", TargetPath: t.TempDir()}, []byte("s")); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return while an idle source was connected")
	}
}
