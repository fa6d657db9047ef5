package wire

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testPKI writes a CA and a certificate for "target" and "source", signed by
// it, to dir, and returns the file paths.
type testPKI struct{ ca, targetCert, targetKey, sourceCert, sourceKey string }

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dtrep test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	p := testPKI{ca: writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)}
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, _ := x509.MarshalECPrivateKey(key)
		return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+".key", "EC PRIVATE KEY", keyDER)
	}
	p.targetCert, p.targetKey = leaf("target", 2, x509.ExtKeyUsageServerAuth)
	p.sourceCert, p.sourceKey = leaf("source", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsHandshake runs a TLS and a wire handshake over loopback TCP.
func tlsHandshake(t *testing.T, client, server *tls.Config) (clientErr, serverErr error) {
	x, y := tcpPair(t)
	a, b := NewConn(tls.Client(x, client), Options{}), NewConn(tls.Server(y, server), Options{})
	defer a.Close()
	defer b.Close()
	s := defaultSetup()
	c, sv := runHandshake(t, a, b, s)
	if c.err == nil {
		if _, ok := a.NetConn().(*tls.Conn); !ok {
			t.Error("NetConn is not the TLS conn")
		}
	}
	return c.err, sv.err
}

func TestTLSMutual(t *testing.T) {
	p := newTestPKI(t)
	srv, err := ServerTLSConfig(p.targetCert, p.targetKey, p.ca)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := ClientTLSConfig("target", p.sourceCert, p.sourceKey, p.ca)
	if err != nil {
		t.Fatal(err)
	}
	if cerr, serr := tlsHandshake(t, cli, srv); cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
}

func TestTLSRequiresClientCertificateWithCA(t *testing.T) {
	p := newTestPKI(t)
	srv, _ := ServerTLSConfig(p.targetCert, p.targetKey, p.ca)
	cli, _ := ClientTLSConfig("target", "", "", p.ca)
	if cerr, serr := tlsHandshake(t, cli, srv); cerr == nil && serr == nil {
		t.Fatal("a source without a certificate was accepted")
	}
}

func TestTLSServerOnlyAndWrongName(t *testing.T) {
	p := newTestPKI(t)
	srv, _ := ServerTLSConfig(p.targetCert, p.targetKey, "")
	cli, _ := ClientTLSConfig("target", "", "", p.ca)
	if cerr, serr := tlsHandshake(t, cli, srv); cerr != nil || serr != nil {
		t.Fatalf("server-only TLS: client %v; server %v", cerr, serr)
	}
	wrong, _ := ClientTLSConfig("not-the-target", "", "", p.ca)
	if cerr, _ := tlsHandshake(t, wrong, srv); cerr == nil {
		t.Fatal("a certificate for another name was accepted")
	}
}

func TestTLSConfigErrors(t *testing.T) {
	p := newTestPKI(t)
	if _, err := ServerTLSConfig("/nonexistent.pem", p.targetKey, ""); err == nil {
		t.Error("missing certificate accepted")
	}
	if _, err := ServerTLSConfig(p.targetCert, p.targetKey, p.targetKey); err == nil {
		t.Error("a CA file without certificates accepted")
	}
	if _, err := ClientTLSConfig("target", p.sourceCert, "", ""); err == nil {
		t.Error("a certificate without its key accepted")
	}
	if _, err := ClientTLSConfig("target", "", "", "/nonexistent.pem"); err == nil {
		t.Error("missing CA file accepted")
	}
}
