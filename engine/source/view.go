package source

// Peer names the target while a session is up: its server name and the
// address this connection reached it on (the service view's Target Name
// and Target route). ok is false between sessions.
func (c *Connection) Peer() (name, addr string, ok bool) {
	s := c.sess.Load()
	if s == nil {
		return "", "", false
	}
	return s.peer.ServerName, s.c.RemoteAddr().String(), true
}
