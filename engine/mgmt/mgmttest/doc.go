// Package mgmttest provides an in-memory Manager, a login counter and a
// helper that serves them on a temporary unix socket, for testing the
// management API and the CLI without an engine. The real server's Manager is
// exercised by the server's end-to-end tests; this fake only has to follow the
// Manager contract closely enough to drive every route and error path.
package mgmttest
