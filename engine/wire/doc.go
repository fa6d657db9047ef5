// Package wire is dtrep's network protocol between a source and a target:
// frames, the messages they carry, a connection that sends and receives them,
// and the authenticating handshake.
//
// # Layers
//
// NewConn composes, from the socket up:
//
//  1. the caller's net.Conn, optionally already wrapped by crypto/tls
//     (see ServerTLSConfig and ClientTLSConfig);
//  2. counting of the bytes that cross the socket (Counters.WireBytes*);
//  3. the bandwidth limit on sending (SetBandwidth, in Kbps; 0 = Unlimited);
//  4. framing: a fixed header, the payload and a CRC32C trailer;
//  5. compression of the payload with zstd, decided per frame;
//  6. message encoding: a compact hand-written binary form per message type.
//
// Counting sits below the limiter so counters report what really left the
// machine; compression sits above framing so the checksum guards the bytes
// that travel and corruption is caught before the decompressor sees them.
//
// # Frame layout
//
//	offset size field
//	0      4    magic "DTRW"
//	4      1    frame format version (FrameVersion)
//	5      1    message type (MsgType)
//	6      1    flags (FlagCompressed)
//	7      1    reserved, zero
//	8      4    payload length, big-endian, at most MaxPayload
//	12     n    payload (zstd-compressed when FlagCompressed is set)
//	12+n   4    CRC32C (Castagnoli) over header and payload, big-endian
//
// The frame format version is fixed by this package; the protocol version of
// the messages is negotiated by the handshake (Hello.Versions) and reported
// by Conn.Version.
//
// # Handshake
//
// ClientHandshake (source) and ServerHandshake (target) negotiate the
// highest common protocol version and prove, both ways, knowledge of a
// shared secret with HMAC-SHA256 challenge-response bound to both Hellos;
// see ClientHandshake for the exchange.
//
// # Errors
//
// Every malformed-input class has its own sentinel in errors.go, so the
// session layer can raise event 4071 for ErrBadChecksum, count failed logins
// on ErrAuthFailed and log a precise reason for the rest. Decoding never
// panics on bad input and never allocates more than MaxFrame for one frame.
package wire
