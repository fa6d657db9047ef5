//go:build linux

package snmp

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	goagentx "github.com/posteo/go-agentx"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"

	"github.com/dtrep/dtrep/snmp/agentx"
)

// slowHandler answers like its inner handler, after a pause while slow.
type slowHandler struct {
	inner goagentx.Handler
	slow  atomic.Bool
}

func (h *slowHandler) pause() {
	if h.slow.Load() {
		time.Sleep(2500 * time.Millisecond)
	}
}

func (h *slowHandler) Get(ctx context.Context, oid value.OID) (value.OID, pdu.VariableType, any, error) {
	h.pause()
	return h.inner.Get(ctx, oid)
}

func (h *slowHandler) GetNext(ctx context.Context, from value.OID, include bool, to value.OID) (value.OID, pdu.VariableType, any, error) {
	h.pause()
	return h.inner.GetNext(ctx, from, include, to)
}

// When answers come later than snmpd's agentXTimeout, snmpd gives up on
// the session and drops its registration; the sub-agent notices, opens a
// new session and registers again, and values come back.
func TestNetSNMPSessionTimeout(t *testing.T) {
	n := startNetSNMP(t)
	base := defaultBase(t)
	inner := &goagentx.ListHandler{}
	item := inner.Add(base.Append(1, 1, 4, 0).String())
	item.Type, item.Value = pdu.VariableTypeCounter32, uint32(4242)
	h := &slowHandler{inner: inner}
	a := agentx.New(agentx.Config{Network: "unix", Address: n.socket, ID: value.OID(base), Description: "slow",
		Subtrees: []value.OID{value.OID(base)}, Handler: h, Timeout: time.Second,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, PingInterval: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	get := func() string {
		out, _ := n.cmd("snmpget", []string{"-Oe", "-Os", "-OQ"}, "DT-MIB::dtLoginCount.0")
		return parseQ(out)["dtLoginCount.0"]
	}
	waitFor(t, "first answer", 10*time.Second, func() bool { return get() == "4242" })

	h.slow.Store(true)
	if v := get(); v == "4242" {
		t.Fatalf("a slow answer got through: %q", v)
	}
	h.slow.Store(false)
	waitFor(t, "answers after the timeout", 15*time.Second, func() bool { return get() == "4242" })
	if a.Sessions() < 2 {
		t.Errorf("Sessions() = %d: the session was not replaced", a.Sessions())
	}
}
