package server

// idSet hands out connection IDs as the reference describes them: the
// lowest number not in use, starting at 1 each time the service starts.
type idSet map[int]bool

func (s idSet) take() int {
	for id := 1; ; id++ {
		if !s[id] {
			s[id] = true
			return id
		}
	}
}

func (s idSet) release(id int) { delete(s, id) }
