package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// line is one line of the screen block: counters of one scope, named by the
// catalog's DTStat labels. A line that opens a block starts with the
// section (SECURITY::); the others are indented as the reference's sample
// shows. The layout below reproduces that sample line for line.
type line struct {
	scope  catalog.Scope
	head   bool   // starts with the first counter's section and "::"
	indent string // after "::" on a head line, before the first label otherwise
	sep    string // between a label and its value
	names  []string
}

var screenLayout = []line{
	{catalog.ScopeKernel, true, "", ": ", []string{"SystemAllocatorTotalBytes"}},
	{catalog.ScopeKernel, true, "", ": ", []string{"IQAllocatorTotalBytes"}},
	{catalog.ScopeSecurity, true, "", " : ", []string{"Logins", "FailedLogins"}},
	{catalog.ScopeKernel, true, "", ": ", []string{"SourceState", "TargetState", "Start Time"}},
	{catalog.ScopeKernel, false, "", ": ", []string{"RepOpsGenerated", "RepBytesGenerated"}},
	{catalog.ScopeKernel, false, "", ": ", []string{"MirOpsGenerated", "MirBytesGenerated"}},
	{catalog.ScopeKernel, false, "  ", ": ", []string{"FailedMirrorCount", "FailedRepCount"}},
	{catalog.ScopeKernel, false, "  ", ": ", []string{"ActFailCount", "TargetOpenHandles", "DriverQueuePercent"}},

	{catalog.ScopeTarget, true, " ", ": ", []string{"PeerAddress", "LocalAddress"}},
	{catalog.ScopeTarget, false, "  ", ": ", []string{"Ops Received", "Mirror Ops Received"}},
	{catalog.ScopeTarget, false, "  ", ": ", []string{"Retries", "OpsDropped", "Ops Remaining"}},
	{catalog.ScopeTarget, false, "  ", ": ", []string{"Orphan Files Removed", "Orphan Directories Removed", "Orphan Bytes Removed"}},
	{catalog.ScopeTarget, false, "  ", ": ", []string{"Bytes In Target Queue", "Bytes In Target Disk Queue"}},
	{catalog.ScopeTarget, false, "  ", ": ", []string{"TasksSucceeded", "TasksFailed", "TasksIgnored"}},

	{catalog.ScopeSource, true, "", " : ", []string{"autoDisConnects", "autoReConnects"}},
	{catalog.ScopeSource, false, "  ", " : ", []string{"lastFileTouched"}},

	{catalog.ScopeConnection, true, " ", ": ", []string{"conPeerAddress"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"connectTime"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conState", "conOpsInCmdQueue", "conOpsInAckQueue"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conOpsInRepQueue", "conOpsInMirQueue", "conBytesInRepQueue"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conOpsTx", "conBytesInMirQueue", "conBytesTx"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conBytesCompressedTx"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conOpsRx", "conBytesRx", "conResentOpCount", "conBytesInDiskQueue"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conBandwidthLimit", "conBytesSkipped", "conMirrorBytesRemain"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conMirrorPercent"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conTaskCmdsSubmitted", "conTaskCmdsQueued"}},
	{catalog.ScopeConnection, false, "  ", ": ", []string{"conTasksSucceeded", "conTasksFailed", "conTasksIgnored"}},
}

// stampLayout writes the snapshot time as the sample does
// ("12:48:05:2040": ten-thousandths after a colon), with a four-digit year.
func stamp(t time.Time) string {
	return t.Format("01/02/2006 15:04:05") + fmt.Sprintf(":%04d", t.Nanosecond()/100000)
}

// writeScreen prints one snapshot as DTStat's screen block: the time between
// rules, then the server-wide blocks, a TARGET block per source peer and a
// CONNECTION block per connection.
func writeScreen(w io.Writer, cat *catalog.Catalog, snap stats.Snapshot) error {
	var b strings.Builder
	b.WriteString("=====\n" + stamp(snap.Time) + "\n=====\n")
	blocks := map[catalog.Scope][]stats.Instance{
		catalog.ScopeKernel: {snap.Kernel}, catalog.ScopeSecurity: {snap.Security}, catalog.ScopeSource: {snap.Source},
		catalog.ScopeTarget: snap.Targets, catalog.ScopeConnection: snap.Connections,
	}
	// Lines of one repeated scope are printed together for each instance.
	for i := 0; i < len(screenLayout); {
		j := i + 1
		for j < len(screenLayout) && screenLayout[j].scope == screenLayout[i].scope && !repeatStart(j) {
			j++
		}
		for _, in := range blocks[screenLayout[i].scope] {
			for _, l := range screenLayout[i:j] {
				writeLine(&b, cat, l, in)
			}
		}
		i = j
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// repeatStart reports whether layout line i opens a block printed once per
// instance (TARGET, CONNECTION): the scope runs before it must end there.
func repeatStart(i int) bool {
	l := screenLayout[i]
	return l.head && (l.scope == catalog.ScopeTarget || l.scope == catalog.ScopeConnection)
}

func writeLine(b *strings.Builder, cat *catalog.Catalog, l line, in stats.Instance) {
	if l.head {
		c, _ := cat.Counter(l.names[0])
		b.WriteString(c.DTStatSection + "::")
	}
	b.WriteString(l.indent)
	for i, n := range l.names {
		c, _ := cat.Counter(n)
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.DTStatLabel + l.sep + value(c, in))
	}
	b.WriteByte('\n')
}

// value renders a counter as DTStat does: text as is, mirror percent with
// one decimal and a percent sign (the engine keeps it in tenths).
func value(c catalog.Counter, in stats.Instance) string {
	if c.Kind == catalog.KindInfo {
		return in.Texts[c.Name]
	}
	v := in.Values[c.Name]
	if c.Unit == "percent" && c.Scope == catalog.ScopeConnection {
		return tenths(v) + "%"
	}
	return strconv.FormatInt(v, 10)
}

func tenths(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10)
}
