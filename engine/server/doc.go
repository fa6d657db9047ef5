// Package server assembles one dtrep server: settings, the event hub and
// statistics, the target module listening on Port, one source connection per
// started job, and the management API. It implements mgmt.Manager.
//
// Files: server.go (assembly and life cycle), jobs.go (jobs and their
// persistence), manage.go (the Manager methods), ids.go (connection IDs).
package server
