//go:build windows

// Command winrender renders dtrep's events the way Event Viewer does, to
// prove the message files from a machine without Windows (the eventlog
// tests run it under wine): for each case it reads the source's
// EventMessageFile from the registry, loads that file as data and formats
// the message identifier with FormatMessageW and the insertion strings.
//
// Usage: winrender CASES.json, where the file holds a JSON array of
// {"log", "source", "message_id", "args"}; it prints one JSON result per
// case: {"message_id", "source", "text"} or {"message_id", "source", "error"}.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

type renderCase struct {
	Log       string   `json:"log"`
	Source    string   `json:"source"`
	MessageID uint32   `json:"message_id"`
	Args      []string `json:"args"`
}

type result struct {
	MessageID uint32 `json:"message_id"`
	Source    string `json:"source"`
	Text      string `json:"text,omitempty"`
	Error     string `json:"error,omitempty"`
}

const (
	loadAsDatafile      = 0x00000002 // LOAD_LIBRARY_AS_DATAFILE
	loadAsImageResource = 0x00000020 // LOAD_LIBRARY_AS_IMAGE_RESOURCE
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: winrender CASES.json")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cases []renderCase
	if err := json.Unmarshal(b, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	modules := map[string]windows.Handle{}
	out := json.NewEncoder(os.Stdout)
	for _, c := range cases {
		r := result{MessageID: c.MessageID, Source: c.Source}
		if text, err := render(modules, c); err != nil {
			r.Error = err.Error()
		} else {
			r.Text = text
		}
		if err := out.Encode(r); err != nil {
			os.Exit(1)
		}
	}
}

// render finds c's message file through the registry, as Event Viewer
// does, and formats the message.
func render(modules map[string]windows.Handle, c renderCase) (string, error) {
	key := `SYSTEM\CurrentControlSet\Services\EventLog\` + c.Log + `\` + c.Source
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.QUERY_VALUE)
	if err != nil {
		return "", fmt.Errorf("source not registered: %s: %w", key, err)
	}
	file, _, err := k.GetStringValue("EventMessageFile")
	k.Close()
	if err != nil {
		return "", fmt.Errorf("%s: EventMessageFile: %w", key, err)
	}
	if file, err = registry.ExpandString(file); err != nil {
		return "", err
	}
	h, ok := modules[file]
	if !ok {
		if h, err = windows.LoadLibraryEx(file, 0, loadAsDatafile|loadAsImageResource); err != nil {
			return "", fmt.Errorf("loading %s: %w", file, err)
		}
		modules[file] = h
	}
	strs := make([][]uint16, len(c.Args))
	ptrs := make([]uintptr, len(c.Args)+1)
	for i, a := range c.Args {
		if strs[i], err = windows.UTF16FromString(a); err != nil {
			return "", err
		}
		ptrs[i] = uintptr(unsafe.Pointer(&strs[i][0]))
	}
	buf := make([]uint16, 64*1024)
	n, err := windows.FormatMessage(windows.FORMAT_MESSAGE_FROM_HMODULE|windows.FORMAT_MESSAGE_ARGUMENT_ARRAY,
		uintptr(h), c.MessageID, 0, buf, (*byte)(unsafe.Pointer(&ptrs[0])))
	runtime.KeepAlive(strs)
	if err != nil {
		return "", fmt.Errorf("FormatMessageW 0x%08X: %w", c.MessageID, err)
	}
	return windows.UTF16ToString(buf[:n]), nil
}
