package snmp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dtrep/dtrep/snmp/agentx"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// notifyAttempts bounds the tries of one notification the master refuses
// or loses; waiting for a session to exist is not a try.
const notifyAttempts = 3

// sendAgentX sends t through the master agent as a Notify-PDU, waiting for
// the session to come back if there is none: traps raised while snmpd
// restarts arrive once it is up again.
func sendAgentX(a *agentx.Agent) func(context.Context, trap) error {
	return func(ctx context.Context, t trap) error {
		var vars pdu.Variables
		for _, vb := range t.vars {
			vars.Add(value.OID(vb.oid), vb.typ, vb.val)
		}
		var err error
		for try := 0; try < notifyAttempts; {
			select {
			case <-a.Ready():
			case <-ctx.Done():
				return ctx.Err()
			}
			err = a.Notify(ctx, value.OID(t.oid), vars)
			if err == nil {
				return nil
			}
			if ctx.Err() != nil {
				return err
			}
			if !errors.Is(err, agentx.ErrNotConnected) {
				try++
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return fmt.Errorf("after %d tries: %w", notifyAttempts, err)
	}
}
