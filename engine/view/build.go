package view

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
)

// TimeLayout is how the view writes dates and times, the same as DTStat's
// Start Time and connectTime.
const TimeLayout = time.ANSIC

// Build makes the view. Items appear in the catalog's order for each
// folder; an item Build cannot fill is left empty and named in missing, so
// a catalog item added without a value here is caught by the tests.
func Build(in Input) (v View, missing []string) {
	b := builder{in: in, seen: map[string]bool{}}
	v = View{Root: b.fields(FolderRoot, b.root), Connections: []Connection{}, ReplicationSets: []ReplicationSet{},
		TargetEntries: []TargetEntry{}}
	for _, c := range in.Connections {
		v.Connections = append(v.Connections, Connection{ID: c.ID, Job: c.Job, InUse: c.InUse,
			Row:   b.fields(FolderConnections, func(n string) (Field, bool) { return b.conn(c, n) }),
			Items: b.fields(FolderConnection, func(n string) (Field, bool) { return b.conn(c, n) }),
			Paths: paths(c.Set), ChangeCapture: c.ChangeCapture})
	}
	for _, s := range in.Sets {
		v.ReplicationSets = append(v.ReplicationSets, ReplicationSet{Name: s.Name, InUse: s.InUse,
			Row:   b.fields(FolderSets, func(n string) (Field, bool) { return b.set(s, n) }),
			Items: b.fields(FolderSet, func(n string) (Field, bool) { return b.set(s, n) }),
			Paths: paths(s)})
	}
	for _, e := range in.Entries {
		v.TargetEntries = append(v.TargetEntries, TargetEntry{ID: e.ConnectionID,
			Row:       b.fields(FolderTargetEntries, func(n string) (Field, bool) { return b.entry(e, n) }),
			Items:     b.fields(FolderTargetEntry, func(n string) (Field, bool) { return b.entry(e, n) }),
			Snapshots: []Fields{}})
	}
	return v, b.missing
}

type builder struct {
	in      Input
	missing []string
	seen    map[string]bool
}

// fields lists the folder's items with their values. The repeated groups
// (a set's Path and Attributes, a target entry's snapshots) are not items
// of their own: they come as lists beside the items.
func (b *builder) fields(folder string, value func(name string) (Field, bool)) Fields {
	out := Fields{}
	inSnapshots := false
	for _, vf := range b.in.Catalog.ViewFields {
		if vf.Folder != folder {
			continue
		}
		if vf.Name == snapshotItemFirst {
			inSnapshots = true
		}
		if vf.Name == itemPath || vf.Name == itemAttributes || inSnapshots {
			continue
		}
		f, ok := value(vf.Name)
		if !ok {
			if key := folder + ": " + vf.Name; !b.seen[key] {
				b.seen[key] = true
				b.missing = append(b.missing, key)
			}
			f = Field{}
		}
		f.Name = vf.Name
		out = append(out, f)
	}
	return out
}

func text(s string) (Field, bool) { return Field{Value: s}, true }

func number(n int64) (Field, bool) { return Field{Value: strconv.FormatInt(n, 10), Number: true}, true }

func yesNo(v bool) (Field, bool) {
	if v {
		return text(yes)
	}
	return text(no)
}

func when(t time.Time) (Field, bool) {
	if t.IsZero() {
		return text("") // the reference's blank: not connected, never calculated
	}
	return text(t.Format(TimeLayout))
}

func (b *builder) root(name string) (Field, bool) {
	switch name {
	case "Server name":
		return text(b.in.ServerName)
	case "Product version":
		return text(b.in.ProductVersion)
	case "Operating system":
		return text(b.in.OperatingSystem)
	case "Source module":
		return yesNo(b.in.SourceRunning)
	case "Target module":
		return yesNo(b.in.TargetRunning)
	case "Failover module":
		return yesNo(b.in.FailoverRunning)
	}
	return Field{}, false
}

// connAliases are specific connection items whose statistic the catalog
// files under the connections folder's name for it.
var connAliases = map[string]string{
	"mirror remaining (bytes)":  "Remaining Mirror (bytes)",
	"mirror skipped (bytes)":    "Skipped Mirror (bytes)",
	"replication queue (bytes)": "Queued Replication (bytes)",
}

func (b *builder) conn(c ConnInput, name string) (Field, bool) {
	switch strings.ToLower(name) {
	case "replication set":
		return text(c.Set.Name)
	case "connection id":
		return number(int64(c.ID))
	case "target name":
		if c.TargetName != "" {
			return text(c.TargetName + ":" + port(c.Target))
		}
		return text(c.Target)
	case "target ip":
		return text(route(c) + " " + c.TargetPath)
	case "target route":
		return text(route(c))
	case "target data state":
		return text(c.TargetDataState)
	case "target status":
		if c.ConState&catalog.ConStateError != 0 || c.ConState == catalog.ConStateNone {
			return text(targetStatusRetrying)
		}
		return text(targetStatusOK)
	case "transmit mode":
		return text(c.TransmitMode)
	case "mirror status":
		return text(c.MirrorStatus)
	case "replication status":
		return text(c.ReplicationStatus)
	case "intermediate queue (bytes)":
		return number(c.QueueBytes)
	case "connected since":
		return when(c.ConnectedSince)
	case "bandwidth limit (kbps)":
		if c.BandwidthKbps <= 0 {
			return text(bandwidthUnlimited)
		}
		return number(c.BandwidthKbps)
	case "compression":
		if c.Compression <= 0 {
			return text(compressionOffWord)
		}
		return text("On / Level " + strconv.Itoa(c.Compression))
	case "mirror percent complete":
		v := c.Counters.Values["conMirrorPercent"] // tenths of a percent
		return text(strconv.FormatInt(v/10, 10) + "." + strconv.FormatInt(v%10, 10) + "%")
	case "source path", "usage type", "contains", "total size", "last calculated":
		return b.set(c.Set, name)
	case "target path":
		return text(c.TargetPath)
	}
	if alias, ok := connAliases[strings.ToLower(name)]; ok {
		name = alias
	}
	for _, k := range b.in.Catalog.Counters {
		if k.Scope == catalog.ScopeConnection && k.ViewField != "" && strings.EqualFold(k.ViewField, name) {
			return number(c.Counters.Values[k.Name])
		}
	}
	return Field{}, false
}

func (b *builder) set(s SetInput, name string) (Field, bool) {
	switch strings.ToLower(name) {
	case "name":
		return text(s.Name)
	case "source path":
		return text(s.Root)
	case "usage type":
		return text(usageNormal)
	case "in use":
		return yesNo(s.InUse)
	case "contains":
		return number(s.Size.Contains())
	case "total size", "size (bytes)":
		return number(s.Size.Bytes)
	case "last calculated":
		return when(s.Size.LastCalculated)
	case "files":
		return number(s.Size.Files)
	case "directories":
		return number(s.Size.Dirs)
	}
	return Field{}, false
}

func (b *builder) entry(e EntryInput, name string) (Field, bool) {
	switch strings.ToLower(name) {
	case "source name":
		return text(e.SourceName)
	case "source address":
		return text(e.SourceAddress)
	case "replication set":
		return text(e.ReplicationSet)
	case "connection id":
		return number(int64(e.ConnectionID))
	case "target data state":
		return text(e.TargetDataState)
	case "target status":
		return text(e.TargetStatus)
	case "schedule", "next scheduled snapshot":
		return text("") // dtrep takes no snapshots
	}
	return Field{}, false
}

// route is the address the connection reaches the target on.
func route(c ConnInput) string {
	if c.TargetAddr != "" {
		return c.TargetAddr
	}
	return c.Target
}

func port(hostport string) string {
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		return hostport[i+1:]
	}
	return ""
}

// paths lists a set's rules with absolute paths, as the view shows them.
func paths(s SetInput) []Path {
	out := []Path{}
	for _, r := range s.Rules {
		p := s.Root
		if r.Path != "" && r.Path != "." {
			p = filepath.Join(s.Root, filepath.FromSlash(r.Path))
		}
		out = append(out, Path{Path: p, Attributes: repset.Rule(r).Attributes()})
	}
	return out
}
