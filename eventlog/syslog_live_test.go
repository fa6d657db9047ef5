//go:build linux

package eventlog

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
	"github.com/dtrep/dtrep/internal/testtool"
)

// rsyslog is a real rsyslogd listening on loopback over UDP, TCP, TLS and a
// unix socket of the test's own, writing every message it parses to a file
// as tab separated properties.
type rsyslog struct {
	dir          string
	udp, tcp, tl string // host:port
	sock         string
	ca           *x509.CertPool
	bin, conf    string
	cmd          *exec.Cmd
}

// rsyslogLine is one received message as rsyslog parsed it.
type rsyslogLine struct {
	input, facility, severity, msgid, sd, msg string
}

func startRsyslog(t testing.TB) *rsyslog {
	t.Helper()
	bin := testtool.Path(t, "rsyslogd")
	r := &rsyslog{dir: t.TempDir()}
	r.sock = filepath.Join(r.dir, "log.sock")
	certFile, keyFile := r.writeCert(t)
	// Ports are chosen here, not by rsyslogd, so a restarted rsyslogd
	// listens where the writers send.
	udpPort, tcpPort, tlsPort := freePort(t, "udp"), freePort(t, "tcp"), freePort(t, "tcp")
	r.udp = net.JoinHostPort("127.0.0.1", strconv.Itoa(udpPort))
	r.tcp = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort))
	r.tl = net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort))
	conf := fmt.Sprintf(`global(workDirectory=%[1]q DefaultNetstreamDriverCAFile=%[2]q
	DefaultNetstreamDriverCertFile=%[2]q DefaultNetstreamDriverKeyFile=%[3]q)
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="%[4]d" name="udp")
input(type="imtcp" address="127.0.0.1" port="%[5]d" name="tcp")
input(type="imtcp" address="127.0.0.1" port="%[6]d" name="tls"
	streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imuxsock" Socket=%[7]q UseSpecialParser="off" ParseHostname="on")
template(name="fields" type="list") {
	property(name="inputname") constant(value="\t") property(name="syslogfacility-text") constant(value="\t")
	property(name="syslogseverity-text") constant(value="\t") property(name="msgid") constant(value="\t")
	property(name="structured-data") constant(value="\t") property(name="msg") constant(value="\n")
}
action(type="omfile" file=%[8]q template="fields")
`, r.dir, certFile, keyFile, udpPort, tcpPort, tlsPort, r.sock, filepath.Join(r.dir, "out.log"))
	r.conf = filepath.Join(r.dir, "rsyslog.conf")
	if err := os.WriteFile(r.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	r.bin = bin
	r.start(t)
	t.Cleanup(r.stop)
	return r
}

// start runs rsyslogd and waits until its TCP inputs accept and its unix
// socket exists.
func (r *rsyslog) start(t testing.TB) {
	t.Helper()
	os.Remove(r.sock)
	r.cmd = exec.Command(r.bin, "-n", "-f", r.conf, "-i", filepath.Join(r.dir, "rsyslogd.pid"))
	r.cmd.Stdout, r.cmd.Stderr = io.Discard, io.Discard
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{r.tcp, r.tl} {
		waitFor(t, 15*time.Second, "rsyslogd on "+addr, func() bool {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	}
	waitFor(t, 15*time.Second, "rsyslogd unix socket", func() bool { _, err := os.Stat(r.sock); return err == nil })
}

// stop ends rsyslogd (by its PID) and waits for it.
func (r *rsyslog) stop() {
	if r.cmd != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// writeCert makes a self-signed certificate for 127.0.0.1.
func (r *rsyslog) writeCert(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	r.ca = x509.NewCertPool()
	r.ca.AddCert(cert)
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(r.dir, "cert.pem"), filepath.Join(r.dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lines returns what rsyslog wrote so far.
func (r *rsyslog) lines(t testing.TB) []rsyslogLine {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, "out.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []rsyslogLine
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.SplitN(l, "\t", 6)
		if len(f) == 6 {
			out = append(out, rsyslogLine{f[0], f[1], f[2], f[3], f[4], f[5]})
		}
	}
	return out
}

func (r *rsyslog) config(network string) SyslogConfig {
	cfg := SyslogConfig{Network: network, Enterprise: "32473", Facility: 16, Hostname: "testhost"}
	switch network {
	case SyslogUDP:
		cfg.Address = r.udp
	case SyslogTCP:
		cfg.Address = r.tcp
	case SyslogTLS:
		cfg.Address = r.tl
		cfg.TLS = &tls.Config{RootCAs: r.ca, ServerName: "127.0.0.1"}
	case SyslogUnix:
		cfg.Address = r.sock
	}
	return cfg
}

// sdParams reads the params of one structured data element back.
func sdParams(t testing.TB, sd, id string) map[string]string {
	t.Helper()
	prefix := "[" + id + " "
	if !strings.HasPrefix(sd, prefix) || !strings.HasSuffix(sd, "]") {
		t.Fatalf("structured data %q is not one %s element", sd, id)
	}
	body := sd[len(prefix) : len(sd)-1]
	out := map[string]string{}
	for body != "" {
		eq := strings.Index(body, `="`)
		if eq < 0 {
			t.Fatalf("structured data %q: param without value", sd)
		}
		name := body[:eq]
		var v strings.Builder
		i := eq + 2
		for ; i < len(body) && body[i] != '"'; i++ {
			if body[i] == '\\' && i+1 < len(body) {
				i++
			}
			v.WriteByte(body[i])
		}
		out[name] = v.String()
		body = strings.TrimPrefix(body[min(i+1, len(body)):], " ")
	}
	return out
}

// A replicating pair's events reach a real rsyslog over each transport with
// their structured data intact.
func TestRsyslogReplicatingPair(t *testing.T) {
	rs := startRsyslog(t)
	transports := []string{SyslogUDP, SyslogTCP, SyslogTLS, SyslogUnix}
	p := startPairWith(t, func(eng exporters.Engine) {
		if eng.ServerName() != "source" {
			return
		}
		var routes []Route
		for _, n := range transports {
			cfg := rs.config(n)
			cfg.Server = eng.ServerName()
			routes = append(routes, Route{Writer: NewSyslogWriter(cfg), Levels: AllLevels})
		}
		runConsumer(t, eng, routes, 0)
	})
	writeFiles(t, p.SrcDir, 10)
	p.CreateJob(t, "sysjob", nil)
	p.WaitIdle(t, "sysjob", 60*time.Second)

	ce, _ := catalog.Must().Event(events.SourceEngine, 4023)
	var got map[string]rsyslogLine
	waitFor(t, 30*time.Second, "4023 over every transport", func() bool {
		got = map[string]rsyslogLine{}
		for _, l := range rs.lines(t) {
			if l.msgid == "4023" {
				got[l.input] = l
			}
		}
		return len(got) == len(transports)
	})
	inputs := map[string]string{SyslogUDP: "udp", SyslogTCP: "tcp", SyslogTLS: "tls", SyslogUnix: "imuxsock"}
	for _, n := range transports {
		l := got[inputs[n]]
		if l.facility != "local0" || l.severity != "info" {
			t.Errorf("%s: facility %s severity %s, want local0 info", n, l.facility, l.severity)
		}
		sd := sdParams(t, l.sd, "dtrep@32473")
		want := map[string]string{"eventID": "4023", "source": "Double-Take", "log": "Application",
			"level": "Information", "server": "source", "job": "sysjob", "connectionID": "1"}
		for k, v := range want {
			if sd[k] != v {
				t.Errorf("%s: %s=%q, want %q (%s)", n, k, sd[k], v, l.sd)
			}
		}
		var args []string
		for i := 1; sd["arg"+strconv.Itoa(i)] != ""; i++ {
			args = append(args, sd["arg"+strconv.Itoa(i)])
		}
		if msg := strings.TrimSpace(l.msg); msg != ce.Render(args...) {
			t.Errorf("%s: message %q, want %q", n, msg, ce.Render(args...))
		}
	}
}
