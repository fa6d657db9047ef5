package wire

import (
	"net"
	"sync/atomic"
)

// Counters are a connection's traffic totals since NewConn. They are atomic
// so the statistics layer reads them at any time without a lock. The
// reference's connection counters map onto them: conBytesTx is BytesSent,
// conBytesCompressedTx is WireBytesSent, conBytesRx is BytesRecv, conOpsTx
// and conOpsRx are OpsSent and OpsRecv. With compression off, BytesSent and
// WireBytesSent agree, as the reference says its compressed counters do.
// conResentOpCount belongs to the session layer, which knows what it resends.
type Counters struct {
	FramesSent atomic.Uint64
	FramesRecv atomic.Uint64
	// BytesSent and BytesRecv count whole frames as if uncompressed
	// (header, encoded payload, trailer).
	BytesSent atomic.Uint64
	BytesRecv atomic.Uint64
	// WireBytesSent and WireBytesRecv count bytes that crossed the socket.
	WireBytesSent atomic.Uint64
	WireBytesRecv atomic.Uint64
	// OpsSent and OpsRecv count operations carried by Ops messages.
	OpsSent atomic.Uint64
	OpsRecv atomic.Uint64
}

// countingConn counts the bytes that cross the socket, partial frames
// included, below every other layer.
type countingConn struct {
	nc net.Conn
	c  *Counters
}

func (cc countingConn) Read(p []byte) (int, error) {
	n, err := cc.nc.Read(p)
	cc.c.WireBytesRecv.Add(uint64(n))
	return n, err
}

func (cc countingConn) Write(p []byte) (int, error) {
	n, err := cc.nc.Write(p)
	cc.c.WireBytesSent.Add(uint64(n))
	return n, err
}
