package agentx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posteo/go-agentx/pdu"
)

// conn is one transport connection to the master and the session on it.
type conn struct {
	nc      net.Conn
	serve   func(h header, payload []byte) []byte // answers a master's request; nil reply means none
	timeout time.Duration                         // for the master's responses

	wmu       sync.Mutex
	sessionID atomic.Uint32
	packetID  atomic.Uint32

	pmu     sync.Mutex
	pending map[uint32]chan response

	done    chan struct{}
	errOnce sync.Once
	err     error
	lastRx  atomic.Int64 // unix nanoseconds of the last PDU received
}

func newConn(nc net.Conn, timeout time.Duration, serve func(header, []byte) []byte) *conn {
	c := &conn{nc: nc, serve: serve, timeout: timeout, pending: map[uint32]chan response{},
		done: make(chan struct{})}
	c.lastRx.Store(time.Now().UnixNano())
	return c
}

// fail ends the connection with err; the first error wins.
func (c *conn) fail(err error) {
	c.errOnce.Do(func() {
		c.err = err
		close(c.done)
		c.nc.Close()
	})
}

// readLoop reads PDUs until the connection fails. Requests are answered
// here, in order: the handler answers from precomputed values, so nothing
// waits behind it for long.
func (c *conn) readLoop() {
	// Buffered: a PDU's header and payload usually arrive in one segment,
	// and reading them with one system call instead of two matters when
	// snmpd asks one GetNext per varbind of a walk.
	rd := bufio.NewReaderSize(c.nc, 64<<10)
	hdr := make([]byte, headerSize)
	var payload []byte
	for {
		if _, err := io.ReadFull(rd, hdr); err != nil {
			c.fail(fmt.Errorf("reading header: %w", err))
			return
		}
		h, err := decodeHeader(hdr)
		if err != nil {
			c.fail(err)
			return
		}
		if cap(payload) < int(h.PayloadLength) {
			payload = make([]byte, h.PayloadLength)
		}
		payload = payload[:h.PayloadLength]
		if _, err := io.ReadFull(rd, payload); err != nil {
			c.fail(fmt.Errorf("reading %s payload: %w", h.Type, err))
			return
		}
		c.lastRx.Store(time.Now().UnixNano())
		switch h.Type {
		case pdu.TypeResponse:
			r, err := decodeResponse(h, payload)
			if err != nil {
				c.fail(err)
				return
			}
			c.pmu.Lock()
			ch := c.pending[h.PacketID]
			delete(c.pending, h.PacketID)
			c.pmu.Unlock()
			if ch != nil {
				ch <- r
			}
		case pdu.TypeClose:
			// The master ends the session (it timed us out, or shuts
			// down): reconnect and open a new one.
			c.fail(errMasterClosed)
			return
		default:
			if out := c.serve(h, payload); out != nil {
				if err := c.write(out); err != nil {
					c.fail(err)
					return
				}
			}
		}
	}
}

var errMasterClosed = errors.New("agentx: the master agent closed the session")

func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
	if _, err := c.nc.Write(b); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	return nil
}

// request sends p in the session and waits for the master's response.
func (c *conn) request(ctx context.Context, p pdu.Packet) (response, error) {
	id := c.packetID.Add(1)
	ch := make(chan response, 1)
	c.pmu.Lock()
	c.pending[id] = ch
	c.pmu.Unlock()
	defer func() {
		c.pmu.Lock()
		delete(c.pending, id)
		c.pmu.Unlock()
	}()
	b, err := encode(pdu.Header{SessionID: c.sessionID.Load(), TransactionID: id, PacketID: id}, p)
	if err != nil {
		return response{}, err
	}
	if err := c.write(b); err != nil {
		c.fail(err)
		return response{}, err
	}
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.Error != pdu.ErrorNone {
			return r, &ResponseError{Type: p.Type(), Code: r.Error}
		}
		return r, nil
	case <-t.C:
		return response{}, fmt.Errorf("agentx: no response to %s in %s", p.Type(), c.timeout)
	case <-c.done:
		return response{}, c.err
	case <-ctx.Done():
		return response{}, ctx.Err()
	}
}

// ResponseError is a master's refusal of a sub-agent's PDU.
type ResponseError struct {
	Type pdu.Type
	Code pdu.Error
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("agentx: master refused %s: %s", e.Type, e.Code)
}
