// Package attack is dtrep's proof against hostile peers. Its tests start a
// real `dtrep serve` and attack it over the real wire protocol, as anyone
// who can reach the replication port could (no secret: Hellos that are
// never proved, huge frames, connection floods, a peer that hangs up after
// the target's answer to test secrets offline) and as a source that knows
// the secret could (reads through symlinks out of the target path, requests
// sized to exhaust memory, target paths outside the allowed directories or
// over the server's own data). Each test states the attack and asserts the
// server's answer and what it left on disk and in memory. The package holds
// no code the engine uses.
package attack
