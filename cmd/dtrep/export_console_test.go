package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

func consoleTestServer(t *testing.T, over map[string]string) (*server.Server, settings.Reader) {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]string{"DataPath": t.TempDir(), "ConnectionSecret": "test"}
	for k, v := range over {
		o[k] = v
	}
	st := settings.Overlay{Base: base, Over: o}
	srv, err := server.New(server.Options{Settings: st, Name: "console-test"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, st
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "console"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestConsoleRefusesAnOpenAddress: off loopback the console needs TLS and
// a token; the server does not start without them.
func TestConsoleRefusesAnOpenAddress(t *testing.T) {
	cert, key, _ := selfSigned(t)
	for _, c := range []struct {
		name string
		over map[string]string
		want string
	}{
		{"no TLS", map[string]string{"ConsoleAddress": "0.0.0.0:0", "ConsoleAdminToken": "x"}, "ConsoleTLSCertificate"},
		{"no token", map[string]string{"ConsoleAddress": "0.0.0.0:0", "ConsoleTLSCertificate": cert, "ConsoleTLSKey": key}, "ConsoleAdminToken"},
		{"half TLS", map[string]string{"ConsoleAddress": "127.0.0.1:0", "ConsoleTLSCertificate": cert}, "go together"},
		{"bad address", map[string]string{"ConsoleAddress": "nowhere"}, "ConsoleAddress"},
	} {
		srv, st := consoleTestServer(t, c.over)
		_, err := startConsole(srv, st)
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestConsoleGeneratesALoopbackToken: without tokens a loopback console
// makes one, readable by the server's user only, and keeps it.
func TestConsoleGeneratesALoopbackToken(t *testing.T) {
	srv, st := consoleTestServer(t, map[string]string{"ConsoleAddress": "127.0.0.1:0"})
	run, err := startConsole(srv, st)
	if err != nil || run == nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the listener is closed by a run that ends at once
	if err := run(ctx); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(st.String("DataPath"), consoleTokenFile)
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	first, _ := os.ReadFile(file)
	if _, err := consoleToken(file); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(file)
	if len(strings.TrimSpace(string(first))) < 32 || string(first) != string(again) {
		t.Fatalf("token not kept: %q then %q", first, again)
	}
}

// TestConsoleOverTLS serves the console over HTTPS: the login cookie is
// Secure.
func TestConsoleOverTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	addr := freeAddr(t)
	srv, st := consoleTestServer(t, map[string]string{"ConsoleAddress": addr, "ConsoleTLSCertificate": cert,
		"ConsoleTLSKey": key, "ConsoleAdminToken": "tls-admin-token"})
	run, err := startConsole(srv, st)
	if err != nil || run == nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post("https://"+addr+"/api/login", "application/json", strings.NewReader(`{"token":"tls-admin-token"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Fatalf("login over TLS: %s %+v", resp.Status, resp.Cookies())
	}
}
