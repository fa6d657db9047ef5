package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// LocalID is the ID of the server the console runs in.
const LocalID = "local"

// maxServers bounds the Manage Servers list.
const maxServers = 256

// watched is one server of Manage Servers and the API it is driven through.
type watched struct {
	ID    string
	Name  string // as the user named it, or the server's own name
	URL   string // management URL; "" for the local server
	token string // never leaves the console's server
	m     mgmt.Manager
	close func()
}

// remembered is a watched server as the state file keeps it.
type remembered struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	URL   string `json:"url"`
	Token string `json:"token"`
}

// servers is the Manage Servers list, remembered in a file only the
// server's user can read (it holds the servers' tokens).
type servers struct {
	file string // "" remembers nothing
	dial func(url, token string) (mgmt.Manager, func(), error)

	mu   sync.Mutex
	list []*watched // local first, then in the order added
}

func dialTCP(rawURL, token string) (mgmt.Manager, func(), error) {
	c, err := mgmt.NewTCPClient(rawURL, token, nil)
	if err != nil {
		return nil, nil, err
	}
	return c, c.Close, nil
}

func (s *servers) load() error {
	if s.file == "" {
		return nil
	}
	b, err := os.ReadFile(s.file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("console servers: %w", err)
	}
	var rs []remembered
	if err := json.Unmarshal(b, &rs); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "console servers file %s", s.file)
	}
	for _, r := range rs {
		m, closer, err := s.dial(r.URL, r.Token)
		if err != nil {
			return catalog.Wrap(catalog.CodeInvalidParameter, err, "console servers file %s: server %q", s.file, r.Name)
		}
		s.list = append(s.list, &watched{ID: r.ID, Name: r.Name, URL: r.URL, token: r.Token, m: m, close: closer})
	}
	return nil
}

// saveLocked writes the list atomically (temporary file and rename).
func (s *servers) saveLocked() error {
	if s.file == "" {
		return nil
	}
	rs := []remembered{}
	for _, w := range s.list {
		if w.ID != LocalID {
			rs = append(rs, remembered{ID: w.ID, Name: w.Name, URL: w.URL, Token: w.token})
		}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.file), 0o700); err != nil {
		return fmt.Errorf("console servers: %w", err)
	}
	tmp := s.file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("console servers: %w", err)
	}
	if err := os.Rename(tmp, s.file); err != nil {
		return fmt.Errorf("console servers: %w", err)
	}
	return nil
}

func (s *servers) all() []*watched {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

func (s *servers) get(id string) (*watched, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.list {
		if w.ID == id {
			return w, nil
		}
	}
	return nil, catalog.Err(catalog.CodeServerNotFound, "no watched server %q", id)
}

// serverForm is the Add server form.
type serverForm struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Token string `json:"token"`
}

const maxServerName = 128

// add checks the form, reaches the server once (so a typo is refused, not
// remembered) and adds it.
func (s *servers) add(ctx context.Context, f serverForm) (*watched, error) {
	f.Name, f.URL = strings.TrimSpace(f.Name), strings.TrimSpace(f.URL)
	switch {
	case f.URL == "":
		return nil, catalog.Err(catalog.CodeInvalidParameter, "management URL is empty")
	case f.Token == "":
		return nil, catalog.Err(catalog.CodeInvalidParameter, "token is empty: the server's ManagementToken")
	case len(f.Name) > maxServerName:
		return nil, catalog.Err(catalog.CodeInvalidParameter, "server name is longer than %d bytes", maxServerName)
	case strings.ContainsFunc(f.Name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return nil, catalog.Err(catalog.CodeInvalidParameter, "server name has control characters")
	}
	m, closer, err := s.dial(f.URL, f.Token)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := m.View(cctx)
	if err != nil {
		closer()
		return nil, err
	}
	if f.Name == "" {
		f.Name, _ = v.Root.Get("Server name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.list {
		if w.URL == f.URL {
			closer()
			return nil, catalog.Err(catalog.CodeInvalidParameter, "%s is already watched as %q", f.URL, w.Name)
		}
	}
	if len(s.list) >= maxServers {
		closer()
		return nil, catalog.Err(catalog.CodeInvalidParameter, "already %d servers watched", maxServers)
	}
	w := &watched{ID: randomHex(8), Name: f.Name, URL: f.URL, token: f.Token, m: m, close: closer}
	s.list = append(s.list, w)
	if err := s.saveLocked(); err != nil {
		s.list = s.list[:len(s.list)-1]
		closer()
		return nil, err
	}
	return w, nil
}

func (s *servers) remove(id string) (*watched, error) {
	if id == LocalID {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "the local server cannot be removed")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.list, func(w *watched) bool { return w.ID == id })
	if i < 0 {
		return nil, catalog.Err(catalog.CodeServerNotFound, "no watched server %q", id)
	}
	w := s.list[i]
	next := slices.Delete(slices.Clone(s.list), i, i+1)
	old := s.list
	s.list = next
	if err := s.saveLocked(); err != nil {
		s.list = old
		return nil, err
	}
	w.close()
	return w, nil
}
