package mgmt_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
)

// These tests authenticate real kernel credentials: the test process is root
// and starts copies of itself as the unprivileged user nobody.

const nobodyID = 65534

var (
	helperOnce sync.Once
	helperBin  string
	helperErr  error
)

// helperBinary copies the test binary where nobody can run it (the build
// directory is private to root).
func helperBinary(t *testing.T) string {
	t.Helper()
	helperOnce.Do(func() {
		helperDir, helperErr = os.MkdirTemp("", "dtrep-mgmt-bin")
		if helperErr != nil {
			return
		}
		if helperErr = os.Chmod(helperDir, 0o755); helperErr != nil {
			return
		}
		helperBin = filepath.Join(helperDir, "mgmt.test")
		helperErr = copyFile(os.Args[0], helperBin, 0o755)
	})
	if helperErr != nil {
		t.Fatalf("helper binary: %v", helperErr)
	}
	return helperBin
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runAsNobody runs the helper as uid/gid nobody with the given supplementary
// groups and returns each operation's code.
func runAsNobody(t *testing.T, sock string, groups []uint32, serve bool, ops ...string) map[string]int {
	t.Helper()
	cmd := exec.Command(helperBinary(t))
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), helperSocketEnv+"="+sock, helperOpsEnv+"="+strings.Join(ops, ","))
	if serve {
		cmd.Env = append(cmd.Env, helperServeEnv+"=1")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID, Groups: groups}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper as nobody: %v\n%s%s", err, out, stderr.Bytes())
	}
	codes := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		op, code, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.Atoi(code)
		if !ok || err != nil {
			t.Fatalf("helper output line %q\n%s", sc.Text(), stderr.Bytes())
		}
		codes[op] = n
	}
	if len(codes) != len(ops) {
		t.Fatalf("helper answered %v for %v\n%s", codes, ops, stderr.Bytes())
	}
	return codes
}

// tempGroup creates a group for one test, with the given members in the
// group database, and deletes it afterwards.
func tempGroup(t *testing.T, members ...string) (name string, gid uint32) {
	t.Helper()
	if _, err := exec.LookPath("groupadd"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("groupadd is needed to test group authorisation")
		}
		t.Skip("groupadd not installed")
	}
	b := make([]byte, 4)
	rand.Read(b)
	name = "dtrept" + hex.EncodeToString(b)
	args := []string{name}
	if len(members) > 0 {
		args = append(args, "-U", strings.Join(members, ","))
	}
	if out, err := exec.Command("groupadd", args...).CombinedOutput(); err != nil {
		t.Fatalf("groupadd %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("groupdel", name).CombinedOutput(); err != nil {
			t.Errorf("groupdel %s: %v\n%s", name, err, out)
		}
	})
	g, err := user.LookupGroup(name)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		t.Fatal(err)
	}
	return name, uint32(n)
}

// openOptions lets anyone reach the socket file, so the server's own
// credential check is what is under test. The groups do not exist.
func openOptions() mgmt.Options {
	return mgmt.Options{AdminGroup: "dtrepnoadmin", MonitorGroup: "dtrepnomon", SocketMode: 0o666}
}

func TestRootIsAdmin(t *testing.T) {
	requireRoot(t)
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	c := mgmt.NewClient(mgmttest.ServeUnix(t, fake, logins, openOptions()))
	defer c.Close()
	if err := c.CreateJob(context.Background(), mgmt.JobSpec{Name: "a", SourcePath: "/s", Target: "h:1", TargetPath: "/t"}); err != nil {
		t.Fatalf("root refused: %v", err)
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Errorf("logins %d ok, %d failed; want 1, 0", ok, failed)
	}
}

func TestStrangerRefused(t *testing.T) {
	requireRoot(t)
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	sock := mgmttest.ServeUnix(t, fake, logins, openOptions())
	codes := runAsNobody(t, sock, nil, false, "list", "create:x")
	want := map[string]int{"list": catalog.CodeInsufficientSecurity, "create:x": catalog.CodeInsufficientSecurity}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("nobody got %v, want %v", codes, want)
	}
	// Each refusal closes its connection, so each attempt is a failed login.
	if ok, failed := logins.Counts(); ok != 0 || failed != 2 {
		t.Errorf("logins %d ok, %d failed; want 0, 2", ok, failed)
	}
	if calls := fake.Calls(); len(calls) != 0 {
		t.Errorf("refused caller reached the Manager: %q", calls)
	}
}

// With the default bits members of the monitor group connect and read
// (whatever group owns the file), strangers connect and are refused with
// 138 by the server, and a caller that narrowed bits keep out is told 138
// (access denied), not 109 (no server).
func TestDefaultSocketLetsMonitorsIn(t *testing.T) {
	requireRoot(t)
	group, gid := tempGroup(t)
	logins := &mgmttest.Logins{}
	opts := openOptions()
	opts.SocketMode = 0
	opts.MonitorGroup = group
	sock := mgmttest.ServeUnix(t, mgmttest.NewFake(), logins, opts)
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mgmt.DefaultSocketMode || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket mode %v, want socket %v", fi.Mode(), mgmt.DefaultSocketMode)
	}
	if codes := runAsNobody(t, sock, []uint32{gid}, false, "list", "create:x"); codes["list"] != 0 ||
		codes["create:x"] != catalog.CodeInsufficientSecurity {
		t.Errorf("monitor through the default bits got %v, want list 0, create 138", codes)
	}
	if codes := runAsNobody(t, sock, nil, false, "list"); codes["list"] != catalog.CodeInsufficientSecurity {
		t.Errorf("stranger got %v, want %d", codes, catalog.CodeInsufficientSecurity)
	}

	narrow := openOptions()
	narrow.SocketMode = 0o600
	closed := mgmttest.ServeUnix(t, mgmttest.NewFake(), &mgmttest.Logins{}, narrow)
	if codes := runAsNobody(t, closed, nil, false, "list"); codes["list"] != catalog.CodeInsufficientSecurity {
		t.Errorf("nobody through 0600 bits got %v, want %d (access denied)", codes, catalog.CodeInsufficientSecurity)
	}
}

func TestMonitorGroupReadsOnly(t *testing.T) {
	requireRoot(t)
	group, gid := tempGroup(t)
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	if err := fake.CreateJob(context.Background(), mgmt.JobSpec{Name: "web", SourcePath: "/s", Target: "h:1", TargetPath: "/t"}); err != nil {
		t.Fatal(err)
	}
	opts := openOptions()
	opts.MonitorGroup = group
	sock := mgmttest.ServeUnix(t, fake, logins, opts)
	codes := runAsNobody(t, sock, []uint32{gid}, false, "list", "stats", "status:web", "create:x", "pause-target")
	want := map[string]int{"list": 0, "stats": 0, "status:web": 0,
		"create:x": catalog.CodeInsufficientSecurity, "pause-target": catalog.CodeInsufficientSecurity}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("monitor got %v, want %v", codes, want)
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Errorf("logins %d ok, %d failed; want 1, 0 (one connection)", ok, failed)
	}
	if calls := fake.Calls(); !reflect.DeepEqual(calls, []string{"CreateJob web", "ListJobs", "Stats", "JobStatus web"}) {
		t.Errorf("calls reaching the Manager: %q", calls)
	}
}

// Membership recorded in the group database counts even when the process
// does not carry the group (it logged in before being added).
func TestGroupDatabaseMembership(t *testing.T) {
	requireRoot(t)
	group, _ := tempGroup(t, "nobody")
	opts := openOptions()
	opts.MonitorGroup = group
	sock := mgmttest.ServeUnix(t, mgmttest.NewFake(), nil, opts)
	codes := runAsNobody(t, sock, nil, false, "list", "create:x")
	if want := map[string]int{"list": 0, "create:x": catalog.CodeInsufficientSecurity}; !reflect.DeepEqual(codes, want) {
		t.Errorf("group database member got %v, want %v", codes, want)
	}
}

func TestAdminGroupMayChange(t *testing.T) {
	requireRoot(t)
	group, gid := tempGroup(t)
	fake := mgmttest.NewFake()
	opts := openOptions()
	opts.AdminGroup = group
	opts.SocketMode = 0 // 0660, given to the admin group
	sock := mgmttest.ServeUnix(t, fake, nil, opts)
	var st syscall.Stat_t
	if err := syscall.Stat(sock, &st); err != nil {
		t.Fatal(err)
	}
	if st.Gid != gid {
		t.Errorf("socket group %d, want the admin group %d", st.Gid, gid)
	}
	codes := runAsNobody(t, sock, []uint32{gid}, false, "create:x", "pause-target", "list")
	if want := map[string]int{"create:x": 0, "pause-target": 0, "list": 0}; !reflect.DeepEqual(codes, want) {
		t.Errorf("admin group member got %v, want %v", codes, want)
	}
}

// A user running a private server administers it without any group.
func TestServerOwnerIsAdmin(t *testing.T) {
	requireRoot(t)
	dir, err := os.MkdirTemp("", "dtrep-mgmt-own")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chown(dir, nobodyID, nobodyID); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	codes := runAsNobody(t, filepath.Join(dir, "own.sock"), nil, true, "create:x", "list")
	if want := map[string]int{"create:x": 0, "list": 0}; !reflect.DeepEqual(codes, want) {
		t.Errorf("owner got %v, want %v", codes, want)
	}
}

func TestStaleSocketReplacedLiveOneKept(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	srv := mgmt.NewServer(mgmttest.NewFake(), nil, mgmt.Options{Listening: func(string, net.Addr) { close(ready) }})
	go func() { done <- srv.ServeUnix(ctx, stale) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("stale socket not replaced: %v", err)
	}
	// The socket is live now: a second server must not take it over.
	err = mgmt.NewServer(mgmttest.NewFake(), nil, mgmt.Options{}).ServeUnix(context.Background(), stale)
	if catalog.CodeOf(err) != 111 {
		t.Errorf("second server on a live socket: %v, want code 111", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file left after shutdown: %v", err)
	}

	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = mgmt.NewServer(mgmttest.NewFake(), nil, mgmt.Options{}).ServeUnix(context.Background(), plain)
	if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Errorf("regular file at the socket path: %v, want code 101", err)
	}
	if b, _ := os.ReadFile(plain); string(b) != "keep" {
		t.Error("a regular file at the socket path was replaced")
	}
}
