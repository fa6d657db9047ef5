package agentx

import (
	"errors"

	"github.com/posteo/go-agentx/pdu"
)

// go-agentx encodes Open, Register, Close and Response; these are the PDUs
// it lacks.

// notifyPacket is a Notify-PDU: the varbinds of a notification, the first
// being snmpTrapOID.0 (the master adds sysUpTime.0 when it is missing).
type notifyPacket struct {
	vars pdu.Variables
}

func (n *notifyPacket) Type() pdu.Type                 { return pdu.TypeNotify }
func (n *notifyPacket) MarshalBinary() ([]byte, error) { return n.vars.MarshalBinary() }
func (n *notifyPacket) UnmarshalBinary([]byte) error   { return errSendOnly }

// pingPacket is a Ping-PDU: no payload in the default context.
type pingPacket struct{}

func (pingPacket) Type() pdu.Type                 { return pdu.TypePing }
func (pingPacket) MarshalBinary() ([]byte, error) { return nil, nil }
func (pingPacket) UnmarshalBinary([]byte) error   { return errSendOnly }

var errSendOnly = errors.New("agentx: PDU is only sent, never decoded")

// SNMP error statuses a Response may carry besides the AgentX ones of
// pdu.Error.
const (
	errGenErr      pdu.Error = 5
	errNotWritable pdu.Error = 17
)

// snmpTrapOID is snmpTrapOID.0, the first varbind of a notification.
var snmpTrapOID = []uint32{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}
