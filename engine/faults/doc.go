// Package faults is the engine's proof under faults. Its tests run the
// source and the target as real `dtrep serve` processes and break them
// while a mixed workload changes the protected tree:
//
//   - kill -9 of the source or the target at random points, many times
//     (DTREP_FAULT_TRIALS per side, 5 by default): after the restart and
//     automatic recovery the replica must equal the source every time;
//   - a network cut: source and target in their own network namespaces
//     joined by a veth pair whose link goes down for seconds under load;
//     the connection auto-disconnects, reconnects, and nothing is lost;
//   - a target disk that fills up (a small tmpfs): the target retries
//     with its events, and recovers once space returns, without damage.
//
// Each test ends by comparing the two trees (paths, types, modes, sizes,
// contents, mtimes, link targets, hard-link groups) and logs how many
// trials ran and how many ended identical. The namespace and tmpfs tests
// need root and iproute2; they fail when CI=true and these are missing,
// and skip otherwise. The package holds no code the engine uses.
package faults
