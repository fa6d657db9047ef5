package mgmt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
)

const testToken = "correct horse battery staple"

// serveTCP serves a Fake on a loopback port and returns its address.
func serveTCP(t *testing.T, tlsConfig *tls.Config) (string, *mgmttest.Fake, *mgmttest.Logins) {
	t.Helper()
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	addrc := make(chan net.Addr, 1)
	srv := mgmt.NewServer(fake, logins, mgmt.Options{Listening: func(_ string, a net.Addr) { addrc <- a }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeTCP(ctx, "127.0.0.1:0", tlsConfig, testToken) }()
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

func TestTCPRefusesToStart(t *testing.T) {
	srv := mgmt.NewServer(mgmttest.NewFake(), nil, mgmt.Options{})
	for _, c := range []struct{ addr, token string }{
		{"0.0.0.0:0", testToken},   // every interface, in clear
		{":0", testToken},          // the same, spelt short
		{"192.0.2.1:0", testToken}, // not loopback
		{"127.0.0.1:0", ""},        // no token
	} {
		err := srv.ServeTCP(context.Background(), c.addr, nil, c.token)
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("ServeTCP(%q, token %q) = %v, want code 101", c.addr, c.token, err)
		}
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
	cert, pool := selfSigned(t)
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

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "dtrep test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
