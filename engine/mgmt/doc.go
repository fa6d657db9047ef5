// Package mgmt is dtrep's management API: an HTTP/JSON interface over the
// Manager the server implements, served on a unix socket (callers identified
// by their kernel credentials) and optionally on TCP (callers identified by a
// bearer token), and the Client the dtrep CLI uses to drive it.
//
// Paths are versioned (/v1/...) so the CLI and server can evolve apart. Reads
// are GET; changes are POST or DELETE. Every failure is a chapter 5 error in
// JSON, {"code":107,"message":"Connection does not exist","detail":"..."},
// which the Client turns back into a *catalog.Error, so a code raised deep in
// the engine reaches the user's terminal and scripts unchanged.
//
// Authorisation has two roles: administrators (uid 0, the server's own user,
// members of Options.AdminGroup, TCP token holders) may change anything; monitors
// (members of Options.MonitorGroup) may only read. Everyone else gets 138
// "Insufficient security access". Each connection is one login for the
// server's Security counters.
package mgmt
