// Command dtbench times dtrep on the workloads of bench/run.sh: an initial
// mirror of a prepared source tree, a difference mirror onto an existing
// replica, and replication lag under a steady write rate. It runs a source
// and a target server in this process on loopback (as `dtrep demo` does)
// and prints one line "<scenario> <seconds or lag figures>".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

func main() {
	var (
		scenario = flag.String("scenario", "mirror", "mirror (time the mirror a job start runs, of -src onto -dst), lag, watch (time until the change capture watches all of -src), or target (serve as a target for -target-addr runs until stdin closes)")
		tgtAddr  = flag.String("target-addr", "", "mirror, lag: use the target a -scenario target process serves there instead of one in this process, so this process's peak RSS is the source's")
		method   = flag.String("capture", "auto", "the source's ChangeCaptureMethod: auto, fanotify or inotify")
		src      = flag.String("src", "", "source tree")
		dst      = flag.String("dst", "", "replica directory")
		work     = flag.String("work", "", "directory for server state")
		rate     = flag.Int("rate", 1000, "lag: writes per second")
		seconds  = flag.Int("seconds", 10, "lag: how long to write")
		withExp  = flag.Bool("exporters", false, "run every exporter beside both servers")
		cpuProf  = flag.String("cpuprofile", "", "write a CPU profile of the scenario to this file")
		blkProf  = flag.String("blockprofile", "", "write block and mutex profiles to this file (.block, .mutex)")
		memProf  = flag.String("memprofile", "", "mirror: write a heap profile to this file once the mirror is done (what the source holds for the tree)")
		pe       peers
	)
	flag.StringVar(&pe.es, "es", "", "exporters: Elasticsearch bulk address (VictoriaLogs)")
	flag.StringVar(&pe.agentx, "agentx", "", "exporters: snmpd's AgentX socket (unix:PATH or tcp:HOST:PORT)")
	flag.StringVar(&pe.snmp, "snmp", "", "exporters: snmpd's agent address (HOST:PORT), walked every second")
	flag.Parse()
	if *src == "" || *dst == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "dtbench: -src, -dst and -work are required")
		os.Exit(2)
	}
	var ex *peers
	if *withExp {
		ex = &pe
	}
	switch *scenario {
	case "watch":
		d, n, used, err := watchTree(*src, *method)
		if err != nil {
			fail(err)
		}
		fmt.Printf("watch %.6f watches %d maxrss_kib %d capture %s\n", d.Seconds(), n, peakRSS(), used)
		return
	case "target":
		if err := serveTarget(*work); err != nil {
			fail(err)
		}
		return
	}
	p, err := startPair(*work, ex, *tgtAddr, *method)
	if err != nil {
		fail(err)
	}
	defer p.stop()
	if *cpuProf != "" {
		stopProfile, err := startCPUProfile(*cpuProf)
		if err != nil {
			fail(err)
		}
		defer stopProfile()
	}
	if *blkProf != "" {
		defer startBlockProfiles(*blkProf)()
	}
	switch *scenario {
	case "mirror":
		d, err := p.mirror(*src, *dst)
		if err != nil {
			fail(err)
		}
		if *memProf != "" {
			if err := writeHeapProfile(*memProf); err != nil {
				fail(err)
			}
		}
		fmt.Printf("mirror %.3f maxrss_kib %d\n", d.Seconds(), peakRSS())
	case "lag":
		r, err := p.lag(*src, *dst, *rate, time.Duration(*seconds)*time.Second)
		if err != nil {
			fail(err)
		}
		fmt.Printf("lag p50_ms %.2f p99_ms %.2f max_ms %.2f samples %d\n", r.p50, r.p99, r.max, r.n)
	default:
		fail(fmt.Errorf("unknown scenario %q", *scenario))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "dtbench:", err)
	os.Exit(1)
}

type pair struct {
	src, tgt *server.Server // tgt is nil when the target runs in another process
	tgtAddr  string
	tgtData  string
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startPair starts a target (unless tgtAddr names one already running) and
// a source on loopback; with pe, each runs every exporter too.
func startPair(work string, pe *peers, tgtAddr, method string) (*pair, error) {
	base, err := settings.Open(filepath.Join(work, "none.yaml"))
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	p := &pair{cancel: cancel, tgtData: filepath.Join(work, "target-data")}
	var runs []func(context.Context) error
	var syslog string
	if pe != nil {
		addr, drain, err := drainUDP(ctx)
		if err != nil {
			cancel()
			return nil, err
		}
		syslog = addr
		runs = append(runs, func(context.Context) error { return drain() })
	}
	// One snmpd serves one sub-agent's subtree: the SNMP exporter runs
	// beside the source only, as the two would run on separate hosts.
	mk := func(name, data string, pe *peers) (*server.Server, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		over := map[string]string{"DataPath": data, "ConnectionSecret": "bench", "ChangeCaptureMethod": method}
		if pe != nil {
			for k, v := range pe.settings(syslog) {
				over[k] = v
			}
		}
		st := settings.Overlay{Base: base, Over: over}
		srv, err := server.New(server.Options{Settings: st, Name: name, Listener: ln, Log: log})
		if err != nil || pe == nil {
			return srv, err
		}
		es, err := newExporterSet(srv, st, *pe, log)
		if err != nil {
			return nil, err
		}
		runs = append(runs, es.runs...)
		return srv, nil
	}
	var tpe *peers
	if pe != nil {
		tpe = &peers{es: pe.es}
	}
	p.tgtAddr = tgtAddr
	if tgtAddr == "" {
		if p.tgt, err = mk("target", p.tgtData, tpe); err != nil {
			cancel()
			return nil, err
		}
		runs = append(runs, p.tgt.Serve)
	}
	if p.src, err = mk("source", filepath.Join(work, "source-data"), pe); err != nil {
		cancel()
		return nil, err
	}
	runs = append(runs, p.src.Serve)
	for _, run := range runs {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				fail(err)
			}
		}()
	}
	// Addr waits until Serve listens.
	if p.tgt != nil {
		p.tgtAddr = p.tgt.Addr().String()
	}
	p.src.Addr()
	return p, nil
}

func (p *pair) stop() { p.cancel(); p.wg.Wait() }

// start creates and starts a job; the clock starts with StartJob.
func (p *pair) start(src, dst string) error {
	ctx := context.Background()
	spec := mgmt.JobSpec{Name: "bench", SourcePath: src, Target: p.tgtAddr, TargetPath: dst}
	if err := p.src.CreateJob(ctx, spec); err != nil {
		return err
	}
	return p.src.StartJob(ctx, "bench")
}

// mirror times a job start until its mirror is complete and acknowledged
// (durable on the target). A job starts with a difference mirror: against
// an empty replica it sends everything, against a copy only what differs.
func (p *pair) mirror(src, dst string) (time.Duration, error) {
	t0 := time.Now()
	if err := p.start(src, dst); err != nil {
		return 0, err
	}
	if err := p.waitMirror(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

func (p *pair) waitMirror() error {
	ctx := context.Background()
	seen := false
	for {
		st, err := p.src.JobStatus(ctx, "bench")
		if err != nil {
			return err
		}
		if st.MirrorStatus != "Idle" {
			seen = true
		}
		if (seen || st.TargetDataState == "OK") && st.MirrorStatus == "Idle" && st.Counters["conOpsInAckQueue"] == 0 &&
			st.Counters["conOpsInCmdQueue"] == 0 && st.ConState == 1 {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// serveTarget runs a target alone: it prints "target ADDR", serves until
// stdin closes, and prints "target maxrss_kib N", its peak RSS.
func serveTarget(work string) error {
	p, err := startPair(work, nil, "", "auto")
	if err != nil {
		return err
	}
	// startPair's source stays idle: no job runs on it.
	fmt.Printf("target %s\n", p.tgtAddr)
	_, _ = io.Copy(io.Discard, os.Stdin)
	p.stop()
	fmt.Printf("target maxrss_kib %d\n", peakRSS())
	return nil
}
