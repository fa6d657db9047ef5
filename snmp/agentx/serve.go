package agentx

import (
	"context"

	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// maxBulkVarbinds bounds one GetBulk answer, whatever max-repetitions asks.
const maxBulkVarbinds = 1024

// serve answers one request of the master; nil means no answer is due.
func (a *Agent) serve(h header, payload []byte) []byte {
	resp := &pdu.Response{}
	switch h.Type {
	case pdu.TypeGet, pdu.TypeGetNext, pdu.TypeGetBulk:
		req, err := decodeRequest(h, payload)
		if err != nil {
			resp.Error = pdu.ErrorParse
			break
		}
		a.requests.Add(1)
		a.answer(h.Type, req, resp)
	case pdu.TypeTestSet:
		// Every object is read-only.
		resp.Error, resp.Index = errNotWritable, 1
	case pdu.TypeCleanupSet:
		return nil // the master expects no answer
	case pdu.TypeCommitSet, pdu.TypeUndoSet:
		resp.Error = errGenErr
	default:
		resp.Error = pdu.ErrorParse
	}
	b, err := encode(pdu.Header{SessionID: h.SessionID, TransactionID: h.TransactionID, PacketID: h.PacketID}, resp)
	if err != nil {
		// A value of a type go-agentx cannot encode: the handler's bug.
		// Answer genErr rather than leave the master waiting.
		resp = &pdu.Response{Error: errGenErr}
		b, _ = encode(pdu.Header{SessionID: h.SessionID, TransactionID: h.TransactionID, PacketID: h.PacketID}, resp)
	}
	return b
}

func (a *Agent) answer(t pdu.Type, req request, resp *pdu.Response) {
	ctx := context.Background()
	hd := a.cfg.Handler
	fail := func(i int) {
		if resp.Error == pdu.ErrorNone {
			resp.Error, resp.Index = errGenErr, uint16(i+1)
		}
	}
	switch t {
	case pdu.TypeGet:
		for i, r := range req.Ranges {
			oid, typ, v, err := hd.Get(ctx, r.From)
			if err != nil {
				fail(i)
			}
			if oid == nil {
				resp.Variables.Add(r.From, pdu.VariableTypeNoSuchObject, nil)
			} else {
				resp.Variables.Add(oid, typ, v)
			}
		}
	case pdu.TypeGetNext:
		for i, r := range req.Ranges {
			a.next(ctx, resp, r.From, r.Include, r.To, func() { fail(i) })
		}
	case pdu.TypeGetBulk:
		nr := min(req.NonRepeaters, len(req.Ranges))
		for i, r := range req.Ranges[:nr] {
			a.next(ctx, resp, r.From, r.Include, r.To, func() { fail(i) })
		}
		rep := req.Ranges[nr:]
		cur := make([]searchRange, len(rep))
		copy(cur, rep)
		for n := 0; n < req.MaxRepetitions && len(rep) > 0 && len(resp.Variables)+len(rep) <= maxBulkVarbinds; n++ {
			for i := range cur {
				oid := a.next(ctx, resp, cur[i].From, cur[i].Include, cur[i].To, func() { fail(nr + i) })
				if oid != nil {
					cur[i].From, cur[i].Include = oid, false
				}
			}
		}
	}
}

// next answers one GetNext range and returns the OID found (nil at the end
// of the range).
func (a *Agent) next(ctx context.Context, resp *pdu.Response, from value.OID, include bool, to value.OID, fail func()) value.OID {
	oid, typ, v, err := a.cfg.Handler.GetNext(ctx, from, include, to)
	if err != nil {
		fail()
	}
	if oid == nil {
		resp.Variables.Add(from, pdu.VariableTypeEndOfMIBView, nil)
		return nil
	}
	resp.Variables.Add(oid, typ, v)
	return oid
}
