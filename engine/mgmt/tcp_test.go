package mgmt_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/internal/testcert"
)

const (
	testToken        = "correct horse battery staple"
	testMonitorToken = "read only, never writes"
)

// serveTCP serves a Fake on a loopback port and returns its address.
func serveTCP(t *testing.T, tlsConfig *tls.Config) (string, *mgmttest.Fake, *mgmttest.Logins) {
	t.Helper()
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	addrc := make(chan net.Addr, 1)
	srv := mgmt.NewServer(fake, logins, mgmt.Options{Listening: func(_ string, a net.Addr) { addrc <- a }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- srv.ServeTCP(ctx, "127.0.0.1:0", tlsConfig, mgmt.Tokens{Admin: testToken, Monitor: testMonitorToken})
	}()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("ServeTCP: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeTCP after shutdown: %v", err)
		}
	})
	return addr.String(), fake, logins
}

func tcpClient(t *testing.T, url, token string, cfg *tls.Config) *mgmt.Client {
	t.Helper()
	c, err := mgmt.NewTCPClient(url, token, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestTCPToken(t *testing.T) {
	addr, fake, logins := serveTCP(t, nil)
	ctx := context.Background()

	good := tcpClient(t, "http://"+addr, testToken, nil)
	for range 3 {
		if _, err := good.ListJobs(ctx); err != nil {
			t.Fatalf("right token refused: %v", err)
		}
	}
	if err := good.CreateJob(ctx, mgmt.JobSpec{Name: "a", SourcePath: "/s", Target: "h:1", TargetPath: "/t"}); err != nil {
		t.Fatalf("token holder is not an admin: %v", err)
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Fatalf("logins %d ok, %d failed; want 1, 0", ok, failed)
	}

	bad := tcpClient(t, "http://"+addr, "wrong", nil)
	for range 2 {
		if _, err := bad.ListJobs(ctx); catalog.CodeOf(err) != catalog.CodeInsufficientSecurity {
			t.Fatalf("wrong token: %v, want 138", err)
		}
	}
	none := tcpClient(t, "http://"+addr, "", nil)
	if _, err := none.Stats(ctx); catalog.CodeOf(err) != catalog.CodeInsufficientSecurity {
		t.Fatalf("no token: %v, want 138", err)
	}
	// Every refused attempt closed its connection and counted.
	if ok, failed := logins.Counts(); ok != 1 || failed != 3 {
		t.Errorf("logins %d ok, %d failed; want 1, 3", ok, failed)
	}
	if calls := fake.Calls(); len(calls) != 4 {
		t.Errorf("calls reaching the Manager: %q (refused requests must not)", calls)
	}

	resp, err := http.Get("http://" + addr + "/v1/jobs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("no token: %s WWW-Authenticate=%q, want 401 Bearer", resp.Status, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestTCPMonitorToken(t *testing.T) {
	addr, fake, logins := serveTCP(t, nil)
	ctx := context.Background()
	mon := tcpClient(t, "http://"+addr, testMonitorToken, nil)
	if _, err := mon.ListJobs(ctx); err != nil {
		t.Fatalf("monitor token cannot read: %v", err)
	}
	err := mon.CreateJob(ctx, mgmt.JobSpec{Name: "a", SourcePath: "/s", Target: "h:1", TargetPath: "/t"})
	if catalog.CodeOf(err) != catalog.CodeInsufficientSecurity {
		t.Fatalf("monitor token changed the server: %v, want 138", err)
	}
	if calls := fake.Calls(); len(calls) != 1 || calls[0] != "ListJobs" {
		t.Errorf("calls reaching the Manager: %q, want the read only", calls)
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Errorf("logins %d ok, %d failed; want 1, 0 (a refused change is not a refused login)", ok, failed)
	}
}

func TestTCPRefusesToStart(t *testing.T) {
	srv := mgmt.NewServer(mgmttest.NewFake(), nil, mgmt.Options{})
	for _, c := range []struct{ addr, token string }{
		{"0.0.0.0:0", testToken},   // every interface, in clear
		{":0", testToken},          // the same, spelt short
		{"192.0.2.1:0", testToken}, // not loopback
		{"127.0.0.1:0", ""},        // no token
	} {
		err := srv.ServeTCP(context.Background(), c.addr, nil, mgmt.Tokens{Admin: c.token})
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("ServeTCP(%q, token %q) = %v, want code 101", c.addr, c.token, err)
		}
	}
	err := srv.ServeTCP(context.Background(), "127.0.0.1:0", nil, mgmt.Tokens{Admin: testToken, Monitor: testToken})
	if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Errorf("ServeTCP with equal admin and monitor tokens = %v, want code 101", err)
	}
}

func TestTCPClientRefusesClearTextTokens(t *testing.T) {
	for _, url := range []string{"http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1", "127.0.0.1:80", "http://"} {
		if _, err := mgmt.NewTCPClient(url, testToken, nil); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("NewTCPClient(%q) = %v, want code 101", url, err)
		}
	}
	for _, url := range []string{"http://127.0.0.1:1", "http://localhost", "http://[::1]:9", "https://example.com/"} {
		if _, err := mgmt.NewTCPClient(url, testToken, nil); err != nil {
			t.Errorf("NewTCPClient(%q) = %v", url, err)
		}
	}
}

func TestTCPWithTLS(t *testing.T) {
	tc := testcert.New(t)
	cert, pool := tc.TLS, tc.Pool
	addr, _, logins := serveTCP(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	c := tcpClient(t, "https://"+addr, testToken, &tls.Config{RootCAs: pool})
	if err := c.PauseTarget(context.Background()); err != nil {
		t.Fatalf("over TLS: %v", err)
	}
	// A client that does not trust the certificate never gets to log in.
	untrusting := tcpClient(t, "https://"+addr, testToken, &tls.Config{RootCAs: x509.NewCertPool()})
	if _, err := untrusting.ListJobs(context.Background()); catalog.CodeOf(err) != catalog.CodeServerNotResponding {
		t.Errorf("untrusted certificate: %v, want code 110", err)
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Errorf("logins %d ok, %d failed; want 1, 0", ok, failed)
	}
}

// A CA file that is missing or holds no certificate is refused with 101
// naming it; a good one is trusted instead of the system roots.
func TestCAConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("\x00\x01 not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(dir, "missing.pem"), notPEM, dir} {
		if _, err := mgmt.CAConfig(f); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("CAConfig(%s) = %v, want 101", f, err)
		}
	}
	if cfg, err := mgmt.CAConfig(""); err != nil || cfg != nil {
		t.Errorf("CAConfig(\"\") = %v, %v; want the system roots (nil)", cfg, err)
	}
	tc := testcert.New(t)
	cfg, err := mgmt.CAConfig(tc.CertFile)
	if err != nil || cfg.RootCAs == nil {
		t.Fatalf("CAConfig(good) = %v, %v", cfg, err)
	}
	addr, _, _ := serveTCP(t, &tls.Config{Certificates: []tls.Certificate{tc.TLS}})
	if _, err := tcpClient(t, "https://"+addr, testToken, cfg).ListJobs(context.Background()); err != nil {
		t.Errorf("a listener signed by the CA file: %v", err)
	}
}
