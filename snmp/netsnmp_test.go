//go:build linux

package snmp

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/testtool"
	"github.com/dtrep/dtrep/mib"
)

// netSNMP is a real snmpd (master agentx) and snmptrapd on loopback, as
// ../shared/RECIPES.md sets them up, each in the test's own directory.
type netSNMP struct {
	t                   testing.TB
	dir, mibs, ietf     string
	agentPort, trapPort int
	socket              string // snmpd's AgentX Unix socket
	env                 []string
	snmpd, trapd        *exec.Cmd
	trapLog             string
}

// ietfDir is mib/ietf in the repository: the IETF modules Debian does not
// ship.
func ietfDir(t testing.TB) string {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("module root not found")
		}
		dir = filepath.Dir(dir)
	}
	ietf := filepath.Join(dir, "mib", "ietf")
	if _, err := os.Stat(filepath.Join(ietf, "SNMPv2-MIB.txt")); err != nil {
		t.Fatalf("IETF MIB modules: %v", err)
	}
	return ietf
}

func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// v3 credentials snmptrapd accepts (see startNetSNMP).
const (
	testV3User     = "dtrepuser"
	testV3Auth     = "authpass123"
	testV3Priv     = "privpass123"
	testV3EngineID = "8000007f0464747265702d74657374" // 0x80 | PEN 127, text "dtrep-test"
)

func startNetSNMP(t testing.TB) *netSNMP {
	t.Helper()
	for _, tool := range []string{"snmpd", "snmptrapd", "snmpget", "snmpwalk", "snmpbulkwalk"} {
		testtool.Path(t, tool)
	}
	dir, err := os.MkdirTemp("", "netsnmp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	n := &netSNMP{t: t, dir: dir, mibs: filepath.Join(dir, "mibs"), ietf: ietfDir(t),
		agentPort: freeUDPPort(t), trapPort: freeUDPPort(t), socket: filepath.Join(dir, "agentx.sock"),
		trapLog: filepath.Join(dir, "trapd.log")}
	for _, d := range []string{n.mibs, filepath.Join(dir, "persist", "cert_indexes")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	b, err := mib.Generate(catalog.Must(), "")
	if err != nil {
		t.Fatal(err)
	}
	n.write(filepath.Join(n.mibs, mib.FileName), string(b))
	n.env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+filepath.Join(dir, "persist"), "MIBS=",
		"SNMPCONFPATH="+dir, "MIBDIRS=")
	n.write(filepath.Join(dir, "snmpd.conf"), fmt.Sprintf(`agentAddress udp:127.0.0.1:%d
rocommunity public 127.0.0.1
master agentx
agentXSocket unix:%s
agentXPerms 0660 0770
agentXTimeout 1
agentXRetries 1
trap2sink 127.0.0.1:%d public
`, n.agentPort, n.socket, n.trapPort))
	n.write(filepath.Join(dir, "snmptrapd.conf"), fmt.Sprintf(`snmpTrapdAddr udp:127.0.0.1:%d
authCommunity log,execute,net public
createUser -e 0x%s %s SHA %s AES %s
createUser %s SHA %s AES %s
authUser log,execute,net %s priv
format1 TRAP %%V|%%v\n
format2 TRAP %%V|%%v\n
`, n.trapPort, testV3EngineID, testV3User, testV3Auth, testV3Priv, testV3User, testV3Auth, testV3Priv, testV3User))
	n.trapd = n.start("snmptrapd", "-f", "-C", "-c", filepath.Join(dir, "snmptrapd.conf"), "-Lf", n.trapLog,
		"-M", n.ietf+":"+n.mibs, "-m", "DT-MIB:SNMPv2-MIB")
	n.startSnmpd()
	n.waitLog(n.trapLog, "NET-SNMP version", 10*time.Second)
	t.Cleanup(func() {
		n.stop(n.snmpd)
		n.stop(n.trapd)
	})
	return n
}

func (n *netSNMP) write(path, s string) {
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		n.t.Fatal(err)
	}
}

func (n *netSNMP) start(name string, args ...string) *exec.Cmd {
	n.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = n.env
	if err := cmd.Start(); err != nil {
		n.t.Fatalf("%s: %v", name, err)
	}
	return cmd
}

// stop kills a daemon this test started, by its PID.
func (n *netSNMP) stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	cmd.Process.Kill()
	cmd.Wait()
}

// startSnmpd starts snmpd and waits until it answers and its AgentX
// socket is there.
func (n *netSNMP) startSnmpd() {
	n.t.Helper()
	n.snmpd = n.start("snmpd", "-f", "-C", "-c", filepath.Join(n.dir, "snmpd.conf"), "-Lf",
		filepath.Join(n.dir, "snmpd.log"))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(n.socket); err == nil {
			if _, err := n.cmd("snmpget", nil, "1.3.6.1.2.1.1.3.0"); err == nil {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.t.Fatalf("snmpd did not start: %s", n.readFile("snmpd.log"))
}

// killSnmpd kills snmpd the hard way, as a crash would.
func (n *netSNMP) killSnmpd() {
	n.stop(n.snmpd)
	n.snmpd = nil
	os.Remove(n.socket)
}

func (n *netSNMP) readFile(name string) string {
	b, _ := os.ReadFile(filepath.Join(n.dir, name))
	return string(b)
}

// cmd runs an SNMP command-line tool against snmpd with DT-MIB loaded:
// opts before the agent's address, oids after it.
func (n *netSNMP) cmd(tool string, opts []string, oids ...string) (string, error) {
	args := append([]string{"-v2c", "-c", "public", "-t", "2", "-r", "1", "-M", n.ietf + ":" + n.mibs,
		"-m", "DT-MIB:SNMPv2-MIB"}, opts...)
	args = append(append(args, fmt.Sprintf("127.0.0.1:%d", n.agentPort)), oids...)
	cmd := exec.Command(tool, args...)
	cmd.Env = n.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %v: %w: %s", tool, oids, err, out)
	}
	return string(out), nil
}

// waitLog waits until a log file holds want.
func (n *netSNMP) waitLog(path, want string, timeout time.Duration) {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	n.t.Fatalf("%s: no %q after %s:\n%s", path, want, timeout, b)
}

// receivedTrap is one notification snmptrapd logged: its varbinds by name.
type receivedTrap map[string]string

// traps parses snmptrapd's log: one TRAP line per notification, varbinds
// as NAME = TYPE: VALUE separated by |.
func (n *netSNMP) traps() []receivedTrap {
	f, err := os.Open(n.trapLog)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []receivedTrap
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "TRAP ")
		if !ok {
			continue
		}
		tr := receivedTrap{}
		for _, vb := range strings.Split(line, "|") {
			name, val, ok := strings.Cut(vb, " = ")
			if !ok {
				continue
			}
			if _, v, ok := strings.Cut(val, ": "); ok {
				val = v
			}
			tr[name] = strings.Trim(val, `"`)
		}
		out = append(out, tr)
	}
	return out
}

// trapsMu serialises readers of one log across subtests.
var trapsMu sync.Mutex

// waitTrap waits for a dttrap* notification that match accepts.
func (n *netSNMP) waitTrap(name string, timeout time.Duration, match func(receivedTrap) bool) receivedTrap {
	n.t.Helper()
	trapsMu.Lock()
	defer trapsMu.Unlock()
	deadline := time.Now().Add(timeout)
	for {
		for _, tr := range n.traps() {
			if tr["SNMPv2-MIB::snmpTrapOID.0"] == "DT-MIB::"+name && (match == nil || match(tr)) {
				return tr
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	var got []string
	for _, tr := range n.traps() {
		got = append(got, tr["SNMPv2-MIB::snmpTrapOID.0"])
	}
	n.t.Fatalf("no %s trap after %s; got %v", name, timeout, got)
	return nil
}
