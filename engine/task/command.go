package task

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Limits on a decoded command: a task is a short command line, not data.
const (
	MaxEncoded = 64 << 10 // bytes of one encoded command
	MaxArgs    = 256
	MaxTimeout = 7 * 24 * 3600 // seconds
)

// Command is one task command as it travels in an OpTask op.
type Command struct {
	ID      uint64    `json:"id"`      // unique per submitting server and connection
	Name    string    `json:"name"`    // shown in events; defaults to the program
	From    string    `json:"from"`    // the submitting server
	By      string    `json:"by"`      // the user who submitted it
	At      time.Time `json:"at"`      // when it was submitted
	Timeout int64     `json:"timeout"` // seconds to wait for it; 0 starts it and does not wait
	Argv    []string  `json:"argv"`    // program and arguments, run without a shell
}

// Validate checks what Run relies on.
func (c *Command) Validate() error {
	switch {
	case len(c.Argv) == 0 || c.Argv[0] == "":
		return errors.New("task has no program")
	case len(c.Argv) > MaxArgs:
		return fmt.Errorf("task has %d arguments, at most %d allowed", len(c.Argv), MaxArgs)
	case c.Timeout < 0 || c.Timeout > MaxTimeout:
		return fmt.Errorf("task timeout %d s: allowed 0 to %d", c.Timeout, MaxTimeout)
	}
	for _, a := range c.Argv {
		if strings.IndexByte(a, 0) >= 0 {
			return errors.New("task argument holds a NUL byte")
		}
	}
	return nil
}

// Label is how events name the task: its name, or its program.
func (c *Command) Label() string {
	if c.Name != "" {
		return c.Name
	}
	if len(c.Argv) > 0 {
		return c.Argv[0]
	}
	return "?"
}

// Script is the command line as events show it.
func (c *Command) Script() string { return strings.Join(c.Argv, " ") }

// Encode returns the op payload for c.
func (c *Command) Encode() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding task: %w", err)
	}
	if len(b) > MaxEncoded {
		return nil, fmt.Errorf("task is %d bytes encoded, at most %d allowed", len(b), MaxEncoded)
	}
	return b, nil
}

// Decode reads an op payload from the network. Unknown fields are refused
// so that a newer source's task this target cannot honour fully is not run
// half-understood.
func Decode(b []byte) (Command, error) {
	if len(b) > MaxEncoded {
		return Command{}, fmt.Errorf("task of %d bytes: at most %d allowed", len(b), MaxEncoded)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Command
	if err := dec.Decode(&c); err != nil {
		return Command{}, fmt.Errorf("decoding task: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Command{}, errors.New("decoding task: data after the command")
	}
	if err := c.Validate(); err != nil {
		return Command{}, err
	}
	return c, nil
}
