// Package smtptest runs a real SMTP server (aiosmtpd, from Debian's
// python3-aiosmtpd) for tests, with the behaviours their fault cases need:
// STARTTLS or implicit TLS, AUTH, refused recipients, 4xx and 5xx answers,
// a connection dropped mid-message, a server that never answers.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed smtpd.py
var script []byte

// python finds a Python with aiosmtpd (Debian installs it for
// /usr/bin/python3, which another python3 on PATH may shadow). Without one
// the test fails under CI=true and is skipped elsewhere.
func python(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import aiosmtpd").Run() == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("python3 with aiosmtpd not found: scripts/deps installs python3-aiosmtpd")
	}
	t.Skip("python3 with aiosmtpd not found (install python3-aiosmtpd)")
	return ""
}

// Message is one message the server accepted.
type Message struct {
	MailFrom string   `json:"mail_from"`
	RcptTos  []string `json:"rcpt_tos"`
	Data     string   `json:"data"`
	TLS      bool     `json:"tls"`  // sent over STARTTLS or implicit TLS
	Auth     string   `json:"auth"` // the user that authenticated, if any
}

// Parse reads the message's headers and its decoded (quoted-printable)
// body.
func (m Message) Parse(t testing.TB) (*mail.Message, string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, m.Data)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return msg, string(body)
}

// Server is a running SMTP server on 127.0.0.1.
type Server struct {
	Port int
	msgs chan Message
}

// Start runs the server with flags (see smtpd.py: --tlscert/--tlskey,
// --smtps, --auth USER:PASS, --refuse-rcpt ADDR, --tempfail N, --drop N,
// --stall, --reject-data) until the test ends.
func Start(t testing.TB, flags ...string) *Server {
	t.Helper()
	py := python(t)
	path := filepath.Join(t.TempDir(), "smtpd.py")
	if err := os.WriteFile(path, script, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, append([]string{path}, flags...)...)
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{msgs: make(chan Message, 1000)}
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 16<<20)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "PORT ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("smtpd.py did not start: %q %v", lines.Text(), lines.Err())
	}
	if _, err := fmt.Sscan(strings.TrimPrefix(lines.Text(), "PORT "), &s.Port); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for lines.Scan() {
			var m Message
			if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
				t.Errorf("smtpd.py printed %q: %v", lines.Text(), err)
				continue
			}
			s.msgs <- m
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		wg.Wait()
		cmd.Wait()
	})
	return s
}

// Next waits for the next message the server accepts.
func (s *Server) Next(t testing.TB, within time.Duration) Message {
	t.Helper()
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(within):
		t.Fatalf("no message arrived within %s", within)
		return Message{}
	}
}

// Cert is a self-signed certificate for 127.0.0.1 and localhost.
type Cert struct {
	CertFile, KeyFile string
	PEM               []byte // the certificate, to trust it
}

// MakeCert writes a new certificate and key to a temporary directory.
func MakeCert(t testing.TB) Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := Cert{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"),
		PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	if err := os.WriteFile(c.CertFile, c.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// ClosedPort is a loopback port nothing listens on: connecting is refused.
func ClosedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
