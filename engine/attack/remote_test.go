//go:build linux

package attack

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/dtrepbin"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/internal/testcert"
)

// Tokens of the management TCP listener in these tests.
const (
	adminToken   = "remote-admin-token-0123456789"
	monitorToken = "remote-monitor-token-0123456789"
)

// cli runs the real dtrep client with env added to a clean environment
// (no socket or token of the test runner's) and returns its combined
// output and exit status.
func cli(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	bin, err := dtrepbin.Build()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	t.Fatalf("dtrep %v: %v", args, err)
	return "", 0
}

// waitListening waits until addr accepts connections.
func waitListening(t *testing.T, s *server, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		nc, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			nc.Close()
			return
		}
		s.alive(t)
		if time.Now().After(deadline) {
			t.Fatalf("management listener %s not open: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRemoteManagementOverTLS drives a real `dtrep serve`'s
// ManagementAddress with the real client: `dtrep --server https://...`
// creates and reads jobs with the admin token, the monitor token reads but
// cannot change, and a wrong token, an untrusted certificate or clear HTTP
// get nothing.
func TestRemoteManagementOverTLS(t *testing.T) {
	cert := testcert.New(t)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(dtrepbin.FreePort(t)))
	s := serve(t, map[string]string{"ManagementAddress": addr, "ManagementTLSCertificate": cert.CertFile,
		"ManagementTLSKey": cert.KeyFile, "ManagementToken": adminToken, "ManagementMonitorToken": monitorToken})
	waitListening(t, s, addr)
	url := "https://" + addr
	admin := map[string]string{mgmt.TokenEnv: adminToken, mgmt.CAFileEnv: cert.CertFile}

	src, dst := filepath.Join(s.dir, "src"), filepath.Join(s.dir, "dst")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	out, code := cli(t, admin, "--server", url, "job", "create", "remote", "--source-path", src,
		"--target", "192.0.2.1:1100", "--target-path", dst)
	if code != 0 {
		t.Fatalf("job create over TLS with the admin token: exit %d\n%s", code, out)
	}
	// The job exists on the server: its own socket lists it.
	if out, code = cli(t, map[string]string{mgmt.SocketEnv: s.socket}, "job", "list"); code != 0 || !strings.Contains(out, "remote") {
		t.Fatalf("job made over TCP not on the server (exit %d):\n%s", code, out)
	}
	// --token and --cacert work as the environment does.
	if out, code = cli(t, nil, "--server", url, "--token", adminToken, "--cacert", cert.CertFile, "job", "status", "remote"); code != 0 {
		t.Fatalf("job status with --token and --cacert: exit %d\n%s", code, out)
	}

	monitor := map[string]string{mgmt.TokenEnv: monitorToken, mgmt.CAFileEnv: cert.CertFile}
	if out, code = cli(t, monitor, "--server", url, "job", "list"); code != 0 || !strings.Contains(out, "remote") {
		t.Fatalf("monitor token cannot read (exit %d):\n%s", code, out)
	}
	if out, code = cli(t, monitor, "--server", url, "job", "delete", "remote"); code == 0 || !strings.Contains(out, "138") {
		t.Fatalf("monitor token deleted a job (exit %d), want 138:\n%s", code, out)
	}

	refused := []struct {
		why  string
		env  map[string]string
		url  string
		want string
	}{
		{"wrong token", map[string]string{mgmt.TokenEnv: "not-the-token-0123456789", mgmt.CAFileEnv: cert.CertFile}, url, "138"},
		{"untrusted certificate", map[string]string{mgmt.TokenEnv: adminToken}, url, "certificate"},
		{"clear HTTP to the TLS listener", map[string]string{mgmt.TokenEnv: adminToken}, "http://" + addr, ""},
	}
	// Only the wrong token reaches the API and counts in FailedLogins; the
	// TLS failures never get that far. (The readiness probe of the
	// replication port counted long before: it is not measured.)
	for i, r := range refused {
		before := s.security(t)["FailedLogins"]
		out, code := cli(t, r.env, "--server", r.url, "job", "delete", "remote")
		if code == 0 || !strings.Contains(out, r.want) {
			t.Errorf("%s: exit %d, want a refusal naming %q:\n%s", r.why, code, r.want, out)
		}
		want := int64(0)
		if i == 0 {
			want = 1
		}
		if got := s.security(t)["FailedLogins"] - before; got != want {
			t.Errorf("%s: FailedLogins rose by %d, want %d", r.why, got, want)
		}
	}
	if out, code = cli(t, admin, "--server", url, "job", "list"); code != 0 || !strings.Contains(out, "remote") {
		t.Fatalf("a refused request changed the server (exit %d):\n%s", code, out)
	}
}

// TestRemoteManagementRefusesToStartOpen: a server whose ManagementAddress
// would take commands from anyone, or tokens in clear off loopback, does not
// start, and says which setting to fix; clear HTTP on loopback is served.
func TestRemoteManagementRefusesToStartOpen(t *testing.T) {
	port := strconv.Itoa(dtrepbin.FreePort(t))
	for _, c := range []struct {
		why   string
		extra map[string]string
		want  string
	}{
		{"no token", map[string]string{"ManagementAddress": "127.0.0.1:" + port}, "ManagementToken"},
		{"every interface in clear", map[string]string{"ManagementAddress": "0.0.0.0:" + port, "ManagementToken": adminToken},
			"ManagementTLSCertificate"},
		{"same admin and monitor token", map[string]string{"ManagementAddress": "127.0.0.1:" + port,
			"ManagementToken": adminToken, "ManagementMonitorToken": adminToken}, "must differ"},
	} {
		s := start(t, c.extra)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: dtrep serve still running", c.why)
		}
		out := s.output(t)
		if s.cmd.ProcessState.ExitCode() == 0 || !strings.Contains(out, "101") || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, want 101 naming %q:\n%s", c.why, s.cmd.ProcessState.ExitCode(), c.want, tail(out, 2000))
		}
		if nc, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
			nc.Close()
			t.Errorf("%s: something listens on the management port", c.why)
		}
	}

	addr := "127.0.0.1:" + port
	s := serve(t, map[string]string{"ManagementAddress": addr, "ManagementToken": adminToken})
	waitListening(t, s, addr)
	if out, code := cli(t, map[string]string{mgmt.TokenEnv: adminToken}, "--server", "http://"+addr, "job", "list"); code != 0 {
		t.Fatalf("clear HTTP on loopback with the token: exit %d\n%s", code, out)
	}
}
