package elasticsearch

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// The appending encoder writes exactly what encoding/json writes for the
// same document, whatever the strings hold (insertion strings carry file
// names: any bytes) and whichever optional fields are present.
func FuzzEventDocEncoding(f *testing.F) {
	f.Add("Auto-disconnecting from 10.0.0.2", "10.0.0.2:6320", "payroll", "a<b>&c\"d\\e\x00\x1f\x7f", 3, uint64(7), 4007, 4)
	f.Add("", "", "", "\xff\xfe bad utf-8 \u2028\u2029 \b\f\n\r\t", 0, uint64(0), 4000, 0)
	f.Add("ünïcødé ✓ 𝄞", "::1", "j", strings.Repeat("x", 300), 1, uint64(1<<63), 4023, 12)
	b := newDocBuilder(catalog.Must(), "src<1>", "default")
	f.Fuzz(func(t *testing.T, msg, peer, job, arg string, connID int, seq uint64, id, nargs int) {
		ev := events.Event{Seq: seq, Time: time.Unix(1741064767, 890000000), Source: events.SourceEngine, ID: id,
			Log: "Application", Level: catalog.LevelWarning, Message: msg,
			Context: events.Context{ConnID: connID, Job: job, RepSet: job + "-set", Peer: peer}}
		for i := range nargs % 13 {
			ev.Args = append(ev.Args, arg[:len(arg)*i/12])
		}
		d := b.eventDoc(ev)
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEventDoc(nil, &d); !bytes.Equal(got, want) {
			t.Fatalf("appendEventDoc differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	})
}
