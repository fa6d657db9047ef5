package wire

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ProtocolVersion is the newest message protocol this package speaks.
const ProtocolVersion = 1

// SupportedVersions are the protocol versions this package speaks; a Hello
// with no Versions offers these.
var SupportedVersions = []uint16{ProtocolVersion}

// DefaultPort is the reference's default Port for core communications.
const DefaultPort = 6320

// proofContext separates dtrep's proofs from any other use of the secret.
// v2: the source proves first and keys are derived with PBKDF2.
const proofContext = "dtrep wire handshake proof v2"

// Roles bound into each proof, so one side's proof is never valid as the
// other's: a peer cannot bounce our challenge back and replay our answer.
const (
	roleSource = 'S'
	roleTarget = 'T'
)

// HandshakeMaxPayload bounds every frame a side receives before the
// handshake has succeeded: handshake messages are small, and a peer that
// has proved nothing must not make us allocate MaxPayload per connection.
// Compressed frames are refused then too.
const HandshakeMaxPayload = 16 << 10

// MinSecretLength is the shortest shared secret servers accept without a
// warning: the slow key derivation makes each guess cost, but a short
// human-chosen secret stays guessable by whoever observes one proof.
const MinSecretLength = 16

// ClientHandshake runs the source side of the handshake on a new Conn:
//
//	source → target  Hello, Challenge(Ns)
//	target → source  Hello, Challenge(Nt)                        or Refuse
//	source → target  Proof(source)                               or Refuse
//	target → source  Proof(target), Welcome(version, durable)    or Refuse
//
// Each proof is HMAC-SHA256 keyed by a PBKDF2 derivation of the shared
// secret (see proofKey) over a context string, the prover's role, both
// nonces and a hash of both Hellos, so a proof is good for this exchange
// only and tampering with either Hello (to force an older version, say)
// fails the proofs. The secret never crosses the wire.
//
// The source, which initiates, proves first: the target reveals nothing
// that depends on the secret, and touches nothing on its disk, until the
// source has proved itself, so a peer that merely reaches the port learns
// nothing it could test guesses against. A fake target does receive the
// source's proof; the slow derivation makes each offline guess against it
// cost a PBKDF2 run of 100,000 iterations. The proofs authenticate the two
// ends, not the channel: use TLS where a man in the middle is possible.
//
// The context's deadline and cancellation bound the whole exchange. It
// returns the target's Hello with Durable set from its Welcome;
// Conn.Version reports the negotiated version. A failed proof on either
// side returns an error matching ErrAuthFailed.
func ClientHandshake(ctx context.Context, c *Conn, local Hello, secret []byte) (peer Hello, err error) {
	if len(secret) == 0 {
		return Hello{}, catalog.Err(catalog.CodeInsufficientSecurity, "handshake: empty shared secret")
	}
	defer c.bound(ctx)(&err)
	if len(local.Versions) == 0 {
		local.Versions = slices.Clone(SupportedVersions)
	}
	var ns Challenge
	rand.Read(ns.Nonce[:])
	if err := c.sendAll(&local, &ns); err != nil {
		return Hello{}, err
	}

	var remote *Hello
	if remote, err = recvAs[*Hello](c); err != nil {
		return Hello{}, err
	}
	v, ok := negotiate(local.Versions, remote.Versions)
	if !ok {
		return Hello{}, c.refuse(noCommonVersion(local.Versions, remote.Versions))
	}
	nt, err := recvAs[*Challenge](c)
	if err != nil {
		return Hello{}, err
	}
	th, err := transcript(&local, remote)
	if err != nil {
		return Hello{}, err
	}
	key, err := proofKey(secret)
	if err != nil {
		return Hello{}, err
	}
	sp := Proof{}
	copy(sp.MAC[:], proof(key, roleSource, ns.Nonce, nt.Nonce, th))
	if err := c.Send(&sp); err != nil {
		return Hello{}, err
	}
	tp, err := recvAs[*Proof](c)
	if err != nil {
		return Hello{}, err
	}
	if !hmac.Equal(tp.MAC[:], proof(key, roleTarget, ns.Nonce, nt.Nonce, th)) {
		return Hello{}, c.refuse(fmt.Errorf("%w: the target's proof does not match our secret", ErrAuthFailed))
	}
	w, err := recvAs[*Welcome](c)
	if err != nil {
		return Hello{}, err
	}
	if w.Version != v {
		return Hello{}, c.refuse(fmt.Errorf("%w: target chose version %d, expected %d", ErrUnexpected, w.Version, v))
	}
	c.version.Store(uint32(v))
	c.limit = 0
	remote.Durable = w.Durable
	return *remote, nil
}

// ServerAuth is what the target decides during ServerHandshake.
type ServerAuth struct {
	// Secret returns the shared secret for the source's Hello. It runs
	// before the source has proved anything, so it must not touch the disk
	// nor answer differently for paths that exist and paths that do not.
	// An error carrying a chapter 5 code other than 138 refuses the source
	// with that code (105 Double-Take target module is not loaded, say);
	// any other error, or an empty secret, refuses it with 138 Insufficient
	// security access and the handshake returns an error matching
	// ErrAuthFailed.
	Secret func(Hello) ([]byte, error)
	// Admit runs once the source has proved itself, before the target
	// proves itself: it checks and prepares the stream the Hello names and
	// returns the highest sequence of it already durable. An error refuses
	// the source with its code (Code). Nil admits every stream at 0.
	Admit func(Hello) (durable uint64, err error)
}

// ServerHandshake runs the target side of the handshake (see
// ClientHandshake) with local as the target's Hello. It returns the
// source's Hello.
func ServerHandshake(ctx context.Context, c *Conn, local Hello, auth ServerAuth) (peer Hello, err error) {
	defer c.bound(ctx)(&err)
	if len(local.Versions) == 0 {
		local.Versions = slices.Clone(SupportedVersions)
	}
	local.Durable = 0
	remote, err := recvAs[*Hello](c)
	if err != nil {
		return Hello{}, err
	}
	ns, err := recvAs[*Challenge](c)
	if err != nil {
		return Hello{}, err
	}
	v, ok := negotiate(local.Versions, remote.Versions)
	if !ok {
		return Hello{}, c.refuse(noCommonVersion(local.Versions, remote.Versions))
	}
	secret, err := auth.Secret(*remote)
	if err == nil && len(secret) == 0 {
		err = errors.New("empty shared secret")
	}
	if err != nil {
		code := catalog.CodeOf(err)
		if code != 0 && code != catalog.CodeInsufficientSecurity {
			// Not a login failure: the target cannot serve this source now.
			err = fmt.Errorf("source %q, set %q: %w", remote.ServerName, remote.SetName, err)
			return Hello{}, c.refuseWith(code, detail(err), err)
		}
		err = fmt.Errorf("%w: no secret for source %q, set %q: %w", ErrAuthFailed, remote.ServerName, remote.SetName, err)
		return Hello{}, c.refuseWith(catalog.CodeInsufficientSecurity, authFailedReason, err)
	}
	key, err := proofKey(secret)
	if err != nil {
		return Hello{}, err
	}

	th, err := transcript(remote, &local)
	if err != nil {
		return Hello{}, err
	}
	var nt Challenge
	rand.Read(nt.Nonce[:])
	if err := c.sendAll(&local, &nt); err != nil {
		return Hello{}, err
	}
	sp, err := recvAs[*Proof](c)
	if err != nil {
		return Hello{}, err
	}
	if !hmac.Equal(sp.MAC[:], proof(key, roleSource, ns.Nonce, nt.Nonce, th)) {
		return Hello{}, c.refuse(fmt.Errorf("%w: the source's proof does not match our secret", ErrAuthFailed))
	}
	var durable uint64
	if auth.Admit != nil {
		if durable, err = auth.Admit(*remote); err != nil {
			err = fmt.Errorf("source %q, set %q: %w", remote.ServerName, remote.SetName, err)
			return Hello{}, c.refuseWith(Code(err), detail(err), err)
		}
	}
	tp := Proof{}
	copy(tp.MAC[:], proof(key, roleTarget, ns.Nonce, nt.Nonce, th))
	if err := c.sendAll(&tp, &Welcome{Version: v, Durable: durable}); err != nil {
		return Hello{}, err
	}
	c.version.Store(uint32(v))
	c.limit = 0
	return *remote, nil
}

// negotiate picks the highest version both sides offer.
func negotiate(ours, theirs []uint16) (uint16, bool) {
	best, ok := uint16(0), false
	for _, v := range ours {
		if slices.Contains(theirs, v) && (!ok || v > best) {
			best, ok = v, true
		}
	}
	return best, ok
}

func noCommonVersion(ours, theirs []uint16) error {
	return fmt.Errorf("%w: we speak %v, the peer %v", ErrNoCommonVersion, ours, theirs)
}

// transcript hashes both Hellos, source's first, as each side encodes them;
// the encoding is deterministic, so both sides compute the same bytes.
func transcript(source, target *Hello) ([]byte, error) {
	h := sha256.New()
	for _, m := range []*Hello{source, target} {
		b, err := Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("handshake transcript: %w", err)
		}
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		h.Write(b)
	}
	return h.Sum(nil), nil
}

func proof(key []byte, role byte, ns, nt [NonceSize]byte, th []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(proofContext))
	mac.Write([]byte{role})
	mac.Write(ns[:])
	mac.Write(nt[:])
	mac.Write(th)
	return mac.Sum(nil)
}

// recvAs receives the next message and requires it to be a T. A Refuse
// becomes its *PeerError.
func recvAs[T Message](c *Conn) (T, error) {
	var zero T
	m, err := c.Recv()
	if err != nil {
		return zero, fmt.Errorf("handshake: %w", err)
	}
	if r, ok := m.(*Refuse); ok {
		return zero, fmt.Errorf("handshake: %w", r.Err())
	}
	t, ok := m.(T)
	if !ok {
		return zero, fmt.Errorf("handshake: %w: got %s, want %s", ErrUnexpected, m.Type(), zero.Type())
	}
	return t, nil
}

func (c *Conn) sendAll(ms ...Message) error {
	for _, m := range ms {
		if err := c.Send(m); err != nil {
			return fmt.Errorf("handshake: %w", err)
		}
	}
	return nil
}

// authFailedReason is all a failed prover learns, so a prober cannot tell
// a wrong secret from an unknown source or set.
const authFailedReason = "authentication failed"

// refuse tells the peer why the handshake ends, best effort, and returns
// cause.
func (c *Conn) refuse(cause error) error {
	if errors.Is(cause, ErrAuthFailed) {
		return c.refuseWith(catalog.CodeInsufficientSecurity, authFailedReason, cause)
	}
	return c.refuseWith(Code(cause), detail(cause), cause)
}

func (c *Conn) refuseWith(code int, reason string, cause error) error {
	_ = c.Send(&Refuse{Code: uint32(code), Reason: reason})
	return fmt.Errorf("handshake: %w", cause)
}

// bound applies ctx's deadline and cancellation to the socket for the
// handshake, and the handshake's frame limit to Recv (a successful
// handshake lifts it), and returns the function that lifts the former. That function makes
// the error match ctx's error when ctx ended the exchange, and fails a
// handshake that completed just as ctx ended: the socket's deadline is then
// in the past, and the caller should close the Conn.
func (c *Conn) bound(ctx context.Context) func(*error) {
	c.limit = HandshakeMaxPayload
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	return func(errp *error) {
		stopped := stop()
		if stopped {
			c.SetDeadline(time.Time{})
		}
		cerr := ctx.Err()
		if dl, ok := ctx.Deadline(); ok && cerr == nil && errors.Is(*errp, os.ErrDeadlineExceeded) && !time.Now().Before(dl) {
			cerr = context.DeadlineExceeded // the socket noticed before ctx's timer fired
		}
		switch {
		case *errp != nil && cerr != nil && !errors.Is(*errp, cerr):
			*errp = fmt.Errorf("%w: %w", cerr, *errp)
		case *errp == nil && !stopped:
			*errp = fmt.Errorf("handshake: %w", cerr)
		}
	}
}
