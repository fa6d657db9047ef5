package mgmt

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/view"
)

// Bounds on what the client reads back, so a confused or hostile server
// cannot exhaust the CLI's memory.
const (
	maxResponseBytes = 64 << 20
	maxErrorBytes    = 64 << 10
)

// Client is a Manager that drives a server over the management API. Errors
// the server reports come back as *catalog.Error with the server's code and
// message; failures to reach the server are 109 or 110.
type Client struct {
	base  *url.URL
	hc    *http.Client
	token string
	where string // the socket path or URL, for error details
}

var _ Manager = (*Client)(nil)

// NewClient talks to the server's unix socket at socketPath.
func NewClient(socketPath string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socketPath)
		},
		MaxIdleConns: 2,
	}
	// The host is never resolved: the dialer above ignores it.
	return &Client{base: &url.URL{Scheme: "http", Host: "dtrep"}, hc: newHTTPClient(tr), where: socketPath}
}

// NewTCPClient talks to a server's TCP listener at rawURL (http:// or
// https://) with a bearer token. tlsConfig may be nil for the system roots.
// The token is never sent in clear to a host that is not loopback.
func NewTCPClient(rawURL, token string, tlsConfig *tls.Config) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "server URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, catalog.Err(catalog.CodeInvalidParameter, "server URL %q: scheme must be http or https", rawURL)
	case u.Host == "":
		return nil, catalog.Err(catalog.CodeInvalidParameter, "server URL %q has no host", rawURL)
	case u.Scheme == "http" && !isLoopbackHost(hostPort(u)):
		return nil, catalog.Err(catalog.CodeInvalidParameter, "server URL %q: use https for a host that is not loopback", rawURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // the token is for the server only
	if tlsConfig != nil {
		tr.TLSClientConfig = tlsConfig.Clone()
	}
	return &Client{base: u, hc: newHTTPClient(tr), token: token, where: u.Redacted()}, nil
}

// CAConfig is the TLS configuration of a client that trusts the PEM
// certificates in caFile instead of the system roots (a listener with a
// private or self-signed certificate); an empty caFile keeps the system
// roots.
func CAConfig(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "CA certificate file")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "CA certificate file %s holds no PEM certificate", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// newHTTPClient never follows redirects: the API does not send them, and
// following one would replay a change (or the token) somewhere else.
func newHTTPClient(tr http.RoundTripper) *http.Client {
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// do sends one request to the escaped path. body, when non-nil, is sent as JSON; out, when
// non-nil, receives the JSON reply.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := *c.base
	// RawPath keeps an escaped "/" in a job name inside its one segment.
	u.RawPath = c.base.EscapedPath() + path
	p, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "request path")
	}
	u.Path = p
	if query != nil {
		u.RawQuery = query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "request")
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes)).Decode(out); err != nil {
		return catalog.Wrap(catalog.CodeUnknown, err, "reply of %s %s", method, path)
	}
	return nil
}

// transportError classifies a failure to talk to the server at all.
func (c *Client) transportError(err error) error {
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return catalog.Wrap(catalog.CodeServerNotResponding, err, "%s", c.where)
	case errors.As(err, &op) && op.Op == "dial" && errors.Is(err, fs.ErrPermission):
		// The server exists; the socket's bits keep this user out.
		return catalog.Wrap(catalog.CodeInsufficientSecurity, err, "%s", c.where)
	case errors.As(err, &op) && op.Op == "dial":
		return catalog.Wrap(catalog.CodeServerNotFound, err, "%s", c.where)
	}
	return catalog.Wrap(catalog.CodeServerNotResponding, err, "%s", c.where)
}

// decodeError rebuilds the server's error. A reply that is not our JSON
// (a proxy's error page) still yields an error with the HTTP status.
func decodeError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	var ae apiError
	if err := json.Unmarshal(b, &ae); err != nil || ae.Code == 0 {
		return catalog.Err(catalog.CodeUnknown, "server replied %s", resp.Status)
	}
	return ae.asError()
}

// onJob sends a request about one job. Names are checked first: "." or ".."
// would not even address the job, and the server would refuse the rest.
func (c *Client) onJob(ctx context.Context, method, prefix, name, action string, query url.Values, out any) error {
	if err := ValidateJobName(name); err != nil {
		return err
	}
	p := prefix + "/" + url.PathEscape(name)
	if action != "" {
		p += "/" + action
	}
	return c.do(ctx, method, p, query, nil, out)
}

// CreateJob implements Manager.
func (c *Client) CreateJob(ctx context.Context, spec JobSpec) error {
	return c.do(ctx, http.MethodPost, "/v1/jobs", nil, spec, nil)
}

// StartJob implements Manager.
func (c *Client) StartJob(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/jobs", name, "start", nil, nil)
}

// StopJob implements Manager.
func (c *Client) StopJob(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/jobs", name, "stop", nil, nil)
}

// PauseJob implements Manager.
func (c *Client) PauseJob(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/jobs", name, "pause", nil, nil)
}

// ResumeJob implements Manager.
func (c *Client) ResumeJob(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/jobs", name, "resume", nil, nil)
}

// DeleteJob implements Manager.
func (c *Client) DeleteJob(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodDelete, "/v1/jobs", name, "", nil, nil)
}

// ListJobs implements Manager.
func (c *Client) ListJobs(ctx context.Context) ([]JobStatus, error) {
	var out []JobStatus
	err := c.do(ctx, http.MethodGet, "/v1/jobs", nil, nil, &out)
	return out, err
}

// JobStatus implements Manager.
func (c *Client) JobStatus(ctx context.Context, name string) (JobStatus, error) {
	var out JobStatus
	err := c.onJob(ctx, http.MethodGet, "/v1/jobs", name, "", nil, &out)
	return out, err
}

// StartMirror implements Manager.
func (c *Client) StartMirror(ctx context.Context, name, mode string) error {
	q := url.Values{}
	if mode != "" {
		q.Set("mode", mode)
	}
	return c.onJob(ctx, http.MethodPost, "/v1/mirror", name, "start", q, nil)
}

// StopMirror implements Manager.
func (c *Client) StopMirror(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/mirror", name, "stop", nil, nil)
}

// PauseMirror implements Manager.
func (c *Client) PauseMirror(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/mirror", name, "pause", nil, nil)
}

// ResumeMirror implements Manager.
func (c *Client) ResumeMirror(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/mirror", name, "resume", nil, nil)
}

// PauseTarget implements Manager.
func (c *Client) PauseTarget(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/target/pause", nil, nil, nil)
}

// ResumeTarget implements Manager.
func (c *Client) ResumeTarget(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/target/resume", nil, nil, nil)
}

// Stats implements Manager.
func (c *Client) Stats(ctx context.Context) (stats.Snapshot, error) {
	var out stats.Snapshot
	err := c.do(ctx, http.MethodGet, "/v1/stats", nil, nil, &out)
	return out, err
}

// View implements Manager.
func (c *Client) View(ctx context.Context) (view.View, error) {
	var out view.View
	err := c.do(ctx, http.MethodGet, "/v1/view", nil, nil, &out)
	return out, err
}

// DeleteConnection implements Manager.
func (c *Client) DeleteConnection(ctx context.Context, id int) error {
	if id < 1 {
		return catalog.Err(183, "connection ID %d must be a positive number", id)
	}
	return c.do(ctx, http.MethodDelete, "/v1/view/connections/"+strconv.Itoa(id), nil, nil, nil)
}

// DeleteReplicationSet implements Manager.
func (c *Client) DeleteReplicationSet(ctx context.Context, name string) error {
	return c.onJob(ctx, http.MethodDelete, "/v1/view/sets", name, "", nil, nil)
}

// ReadLogs implements Manager.
func (c *Client) ReadLogs(ctx context.Context, q LogQuery) (LogPage, error) {
	if err := q.Validate(); err != nil {
		return LogPage{}, err
	}
	v := url.Values{}
	for k, s := range map[string]string{"service": q.Service, "job": q.Job, "cursor": q.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Tail != 0 {
		v.Set("tail", strconv.Itoa(q.Tail))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out LogPage
	err := c.do(ctx, http.MethodGet, "/v1/logs", v, nil, &out)
	return out, err
}
