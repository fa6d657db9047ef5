package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/eventlog"
	"github.com/dtrep/dtrep/exporters/elasticsearch"
	"github.com/dtrep/dtrep/exporters/prometheus"
	"github.com/dtrep/dtrep/snmp"
)

// peers are the addresses of the consumers the exporters scenario feeds,
// started by bench/run.sh: empty ones are left out.
type peers struct {
	es     string // ElasticsearchAddresses (VictoriaLogs)
	agentx string // snmpd's AgentX socket
	snmp   string // snmpd's agent address, walked every second
}

// settings are what the serve command would read to run every exporter:
// the syslog writer sends to a loopback UDP socket this process drains.
func (pe peers) settings(syslog string) map[string]string {
	over := map[string]string{"SyslogAddress": "udp://" + syslog, "JournaldEnabled": "auto"}
	if pe.es != "" {
		over["ElasticsearchAddresses"] = pe.es
	}
	if pe.agentx != "" {
		over["SNMPEnabled"] = "1"
		over["SNMPAgentXAddress"] = pe.agentx
	}
	return over
}

// exporterSet runs, beside one server, every exporter serve runs (each
// from the same settings): Prometheus scraped every second, the SNMP
// sub-agent walked through snmpd every second, the Elasticsearch exporter
// and the event log writers.
type exporterSet struct {
	runs []func(context.Context) error
}

func newExporterSet(srv *server.Server, st settings.Reader, pe peers, log *slog.Logger) (*exporterSet, error) {
	es := &exporterSet{}
	pexp, err := prometheus.New(srv, prometheus.Options{Log: log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	es.runs = append(es.runs, func(ctx context.Context) error { return pexp.Serve(ctx, ln) },
		func(ctx context.Context) error {
			return every(ctx, time.Second, scraper("http://"+ln.Addr().String()+prometheus.MetricsPath))
		})

	cfg, err := eventlog.ConfigFromSettings(st)
	if err != nil {
		return nil, err
	}
	routes, err := cfg.Routes(srv.Catalog(), srv.ServerName())
	if err != nil {
		return nil, err
	}
	es.runs = append(es.runs, eventlog.NewConsumer(srv, routes, cfg.BufferSize, log).Run)

	if pe.es != "" {
		ecfg, err := elasticsearch.ConfigFromSettings(st)
		if err != nil {
			return nil, err
		}
		e, err := elasticsearch.New(srv, ecfg, log)
		if err != nil {
			return nil, err
		}
		es.runs = append(es.runs, e.Run)
	}
	if pe.agentx != "" {
		scfg, err := snmp.ConfigFrom(st, srv.ServerName())
		if err != nil {
			return nil, err
		}
		a, err := snmp.New(snmp.Options{Engine: srv, Config: scfg, Log: log})
		if err != nil {
			return nil, err
		}
		es.runs = append(es.runs, a.Run)
		if pe.snmp != "" {
			es.runs = append(es.runs, func(ctx context.Context) error {
				return every(ctx, time.Second, walker(pe.snmp, scfg.Base.String()))
			})
		}
	}
	return es, nil
}

// every calls f each period until ctx ends; f's errors are the scenario's
// (a peer that stopped answering makes the comparison meaningless).
func every(ctx context.Context, period time.Duration, f func(context.Context) error) error {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := f(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}

func scraper(url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("scrape: HTTP %d", resp.StatusCode)
		}
		return err
	}
}

// walker walks the enterprise subtree through snmpd, as a manager polling
// the connection table would.
func walker(addr, base string) func(context.Context) error {
	return func(context.Context) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return err
		}
		var p uint16
		if _, err := fmt.Sscan(port, &p); err != nil {
			return err
		}
		g := &gosnmp.GoSNMP{Target: host, Port: p, Community: "public", Version: gosnmp.Version2c,
			Timeout: 5 * time.Second, Retries: 1, MaxRepetitions: 50}
		if err := g.Connect(); err != nil {
			return err
		}
		defer g.Conn.Close()
		return g.BulkWalk(base, func(gosnmp.SnmpPDU) error { return nil })
	}
}

// drainUDP reads and discards datagrams on a loopback socket (the syslog
// writer's receiver) until ctx ends.
func drainUDP(ctx context.Context) (addr string, run func() error, err error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	return pc.LocalAddr().String(), func() error {
		closed := make(chan struct{})
		go func() { defer close(closed); <-ctx.Done(); pc.Close() }()
		defer func() { pc.Close(); <-closed }()
		buf := make([]byte, 64<<10)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}, nil
}
