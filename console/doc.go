// Package console is dtrep's web console: Manage Servers, Manage Jobs, a page
// per job and the server and job log windows of the reference's chapter 2, in
// a browser, served by dtrep itself with every asset embedded in the binary.
//
// The console holds no replication state of its own. It drives each watched
// server through the management API (an mgmt.Manager: the local server in
// process, others through mgmt.Client over their ManagementAddress), polls
// their jobs and replication service view, and pushes what changed to the
// browsers as Server-Sent Events, so a page never reloads and a server with
// 1,000 jobs costs the browser only the rows that changed.
//
// Users log in with a token: ConsoleAdminToken gives the dtadmin role (look
// and act), ConsoleMonitorToken the dtmon role (look only). A session is an
// HttpOnly, SameSite=Strict cookie; every change also needs the session's
// CSRF token in a header and a same-origin request. Tokens of watched servers
// stay on the console's server: no page or URL carries a secret.
package console
