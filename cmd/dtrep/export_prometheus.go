package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"syscall"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/exporters/prometheus"
	prom "github.com/prometheus/client_golang/prometheus"
)

// checkPrometheusAddress is the rule serve applies to PrometheusAddress,
// registered so that `option set` and a settings file refuse what serve
// would.
func checkPrometheusAddress(addr string) error { return checkAddress("PrometheusAddress", addr) }

// startPrometheus serves /metrics on PrometheusAddress (loopback by
// default); empty disables it. A busy address is logged and the server runs
// on without the endpoint: `dtrep demo` runs two servers in one process on
// the same embedded defaults, so the second one to start finds the port
// taken, and metrics must never be the reason replication does not start.
// An address that cannot be parsed is misconfiguration and stops the
// server.
func startPrometheus(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	addr := st.String(catalog.SettingPrometheusAddress)
	if addr == "" {
		return nil, nil
	}
	if err := checkPrometheusAddress(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			slog.Warn("prometheus endpoint not started: address in use", "server", srv.ServerName(),
				"address", addr)
			return nil, nil
		}
		return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "PrometheusAddress %q", addr)
	}
	exp, err := prometheus.New(srv, prometheus.Options{Log: slog.Default(), Extra: []prom.Collector{metricsOf(srv), failoverMetrics(srv)}})
	if err != nil {
		ln.Close()
		return nil, err
	}
	slog.Info("prometheus endpoint", "server", srv.ServerName(), "url", "http://"+ln.Addr().String()+prometheus.MetricsPath)
	return func(ctx context.Context) error { return exp.Serve(ctx, ln) }, nil
}

// addrInUse reports a listen error for an address another socket holds:
// EADDRINUSE, or WSAEADDRINUSE (10048), which Windows returns instead.
func addrInUse(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.EADDRINUSE || errno == 10048)
}
