// Package queue is a connection's source queue: operations waiting to be
// sent (the replication and mirror queues of the reference's statistics) and
// operations sent but not yet acknowledged (the acknowledgement queue).
//
// Every operation gets a sequence number when it is queued. The target
// acknowledges the highest sequence it has made durable; only then is an
// operation released. After a reconnect the unacknowledged operations are sent
// again, in order, so no operation is lost between the two ends.
package queue
