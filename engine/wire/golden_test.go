package wire

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes a golden hex string; spaces and newlines only group bytes
// for the reader.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad golden hex %q: %v", s, err)
	}
	return b
}

// run returns n consecutive byte values starting at from.
func run(from byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = from + byte(i)
	}
	return b
}

// golden lists one message of every type with its expected payload bytes,
// field by field. The fuzz tests start from these too.
var golden = []struct {
	name string
	msg  Message
	hex  string
}{
	{"hello", &Hello{Versions: []uint16{1, 2}, ServerName: "src", SetName: "job", ConnectionID: 7,
		SourceAddr: "10.0.0.1", Flags: HelloReconnect, JobID: "j1", Epoch: 3, TargetPath: "/t"},
		"02 0001 0002 03 737263 03 6a6f62 07 08 31302e302e302e31 01 02 6a31 03 02 2f74"},
	{"hello-empty", &Hello{}, "00 00 00 00 00 00 00 00 00"},
	{"challenge", &Challenge{Nonce: [32]byte(run(0x00, 32))},
		"000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f"},
	{"proof", &Proof{MAC: [32]byte(run(0xa0, 32))},
		"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"},
	{"welcome", &Welcome{Version: 1, Durable: 300}, "0001 ac02"},
	{"refuse", &Refuse{Code: 138, Reason: "no"}, "8a01 02 6e6f"},
	{"ops", &Ops{Ops: []Op{
		{Seq: 300, Kind: OpWrite, Mirror: true, Path: "a", Offset: 4096, Data: []byte("hi")},
		{Seq: 301, Kind: OpRename, Path: "a", NewPath: "b"},
		{Seq: 302, Kind: OpAttr, Path: "a", Mode: 0o644, UID: -1, Mtime: 1},
	}}, `03
		ac02 02 01 0a 01 61 8040 02 6869
		ad02 05 00 01 01 61 01 62
		ae02 04 00 b002 01 61 a403 01 02`},
	{"ops-empty", &Ops{}, "00"},
	{"ack", &Ack{Seq: 302, Ops: 3, Bytes: 2}, "ae02 03 02"},
	{"error", &Error{ReqID: 5, Code: 107, Text: "gone"}, "05 6b 04 676f6e65"},
	{"ping", &Ping{ID: 1}, "01"},
	{"pong", &Pong{ID: 1 << 32}, "8080808010"},
	{"control", &Control{Action: ControlPauseTarget, Code: 162}, "01 a201"},
	{"stat-request", &StatRequest{ReqID: 9, Paths: []string{"a", "b/c"}}, "09 02 01 61 03 622f63"},
	{"stat-reply", &StatReply{ReqID: 9, Entries: []StatEntry{
		{Exists: true, Type: FileSymlink, Size: 10, Mode: 0o777, UID: 1000, GID: 1000, Mtime: -2, LinkTarget: "t"},
		{},
	}}, "09 02 01 03 14 ff03 d00f d00f 03 01 74 00"},
	{"hash-request", &HashRequest{ReqID: 10, Path: "f", Algo: HashXXH3x128, BlockSize: 65536, First: 2, Count: 32},
		"0a 01 66 01 808004 02 20"},
	{"hash-reply", &HashReply{ReqID: 10, Algo: HashXXH3x128, Exists: true, Size: 200000, First: 2,
		Hashes: []BlockHash{BlockHash(run(0x10, 16)), BlockHash(run(0x20, 16))}},
		"0a 01 01 80b518 02 02 101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f"},
	{"list-request", &ListRequest{ReqID: 11, Path: "d", After: "m", Limit: 100}, "0b 01 64 01 6d 64"},
	{"list-reply", &ListReply{ReqID: 11, Entries: []DirEntry{{"x", FileRegular}, {"y", FileDir}}, More: true},
		"0b 02 01 78 01 01 79 02 01"},
	{"task-result", &TaskResult{Seq: 300, Outcome: TaskFailed, ExitCode: -1}, "ac02 02 01"},
	{"read-request", &ReadRequest{ReqID: 12, Path: "f", Offset: 65536, Length: 4096}, "0c 01 66 808008 8020"},
	{"read-reply", &ReadReply{ReqID: 12, Exists: true, Size: 10, Offset: 2, Data: []byte("hi")},
		"0c 01 14 04 02 6869"},
	{"read-reply-missing", &ReadReply{ReqID: 12}, "0c 00"},
	{"job-state", &JobState{Flags: JobRestoreRequired}, "01"},
	{"job-state-mirror-required", &JobState{Flags: JobMirrorRequired}, "02"},
	{"control-restore-resolved", &Control{Action: ControlRestoreResolved}, "08 00"},
	{"ops-orphan", &Ops{Ops: []Op{{Seq: 1, Kind: OpOrphan, Path: "o"}}}, "01 01 0d 00 00 01 6f"},
}
