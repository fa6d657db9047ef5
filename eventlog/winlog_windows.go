//go:build windows

package eventlog

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// messageDLL is the committed message file (MessageDLLFile), shipped inside
// dtrep.exe and written beside it by Install.
//
//go:embed messages/dtrepmsg.dll
var messageDLL []byte

// eventLogKey holds one key per log, one subkey per source.
const eventLogKey = `SYSTEM\CurrentControlSet\Services\EventLog`

// typesSupported is EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE |
// EVENTLOG_INFORMATION_TYPE (success, 0, needs no bit).
const typesSupported = 0x7

func sourceKey(s WindowsSource) string { return eventLogKey + `\` + s.Log + `\` + s.Name }

// errNotRegistered names the fix for a source Windows does not know.
func errNotRegistered(s WindowsSource, err error) error {
	return fmt.Errorf("event source %q is not registered in the %s log (%v): run `dtrep eventlog install` as an administrator",
		s.Name, s.Log, err)
}

// WindowsWriter reports events through ReportEvent under their reference
// source, with their full identifier and insertion strings.
type WindowsWriter struct {
	ix      *WindowsIndex
	handles map[string]windows.Handle
}

// NewWindowsWriter checks that every source is registered with a message
// file that exists; a missing one is an error naming the fix, so no event
// is ever reported where Event Viewer cannot render it.
func NewWindowsWriter(ix *WindowsIndex) (*WindowsWriter, error) {
	for _, s := range ix.Sources() {
		k, err := registry.OpenKey(registry.LOCAL_MACHINE, sourceKey(s), registry.QUERY_VALUE)
		if err != nil {
			return nil, errNotRegistered(s, err)
		}
		file, _, err := k.GetStringValue("EventMessageFile")
		k.Close()
		if err != nil {
			return nil, errNotRegistered(s, err)
		}
		if expanded, err := registry.ExpandString(file); err == nil {
			file = expanded
		}
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("event source %q: message file %s: %w: run `dtrep eventlog install` as an administrator",
				s.Name, file, err)
		}
	}
	return &WindowsWriter{ix: ix, handles: map[string]windows.Handle{}}, nil
}

// Name is "eventlog".
func (w *WindowsWriter) Name() string { return "eventlog" }

// Write reports ev. An event the catalog lacks cannot be rendered by any
// message file: it is refused for good, not retried.
func (w *WindowsWriter) Write(ev events.Event) error {
	we, ok := w.ix.Lookup(ev)
	if !ok {
		return Unwritable(fmt.Errorf("event %s/%d is not in the catalog", ev.Source, ev.ID))
	}
	h, ok := w.handles[we.Source]
	if !ok {
		name, err := windows.UTF16PtrFromString(we.Source)
		if err != nil {
			return Unwritable(err)
		}
		if h, err = windows.RegisterEventSource(nil, name); err != nil {
			return fmt.Errorf("RegisterEventSource %s: %w", we.Source, err)
		}
		w.handles[we.Source] = h
	}
	args := Inserts(we, ev.Args)
	var strs **uint16
	if len(args) > 0 {
		ptrs := make([]*uint16, len(args))
		for i, a := range args {
			p, err := windows.UTF16PtrFromString(a)
			if err != nil { // a NUL inside: cut it there
				p, _ = windows.UTF16PtrFromString(a[:indexNUL(a)])
			}
			ptrs[i] = p
		}
		strs = &ptrs[0]
	}
	if err := windows.ReportEvent(h, we.Type, 0, we.MessageID, 0, uint16(len(args)), 0, strs, nil); err != nil {
		return fmt.Errorf("ReportEvent %s: %w", we.Triple(), err)
	}
	return nil
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return len(s)
}

// Close deregisters every source handle.
func (w *WindowsWriter) Close() error {
	var errs []error
	for name, h := range w.handles {
		errs = append(errs, windows.DeregisterEventSource(h))
		delete(w.handles, name)
	}
	return errors.Join(errs...)
}

// Install writes the message DLL beside dtrep.exe (or into opts.Dir) and
// registers every source in its log with EventMessageFile and
// TypesSupported. It needs an administrator.
func Install(cat *catalog.Catalog, opts InstallOptions) ([]string, error) {
	ix, err := NewWindowsIndex(cat)
	if err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		dir = filepath.Dir(exe)
	}
	dll := filepath.Join(dir, MessageDLLName)
	if err := os.WriteFile(dll, messageDLL, 0o644); err != nil {
		return nil, fmt.Errorf("message file: %w", err)
	}
	done := []string{"message file " + dll}
	for _, s := range ix.Sources() {
		k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, sourceKey(s), registry.SET_VALUE)
		if err != nil {
			return done, fmt.Errorf("registering source %q in the %s log: %w (run as an administrator)", s.Name, s.Log, err)
		}
		err = errors.Join(k.SetExpandStringValue("EventMessageFile", dll), k.SetDWordValue("TypesSupported", typesSupported))
		k.Close()
		if err != nil {
			return done, fmt.Errorf("registering source %q in the %s log: %w", s.Name, s.Log, err)
		}
		done = append(done, fmt.Sprintf("source %s in the %s log", s.Name, s.Log))
	}
	return done, nil
}

// Uninstall removes every source's registration and the message DLL.
func Uninstall(cat *catalog.Catalog, opts InstallOptions) ([]string, error) {
	ix, err := NewWindowsIndex(cat)
	if err != nil {
		return nil, err
	}
	var done []string
	var dll string
	for _, s := range ix.Sources() {
		if k, err := registry.OpenKey(registry.LOCAL_MACHINE, sourceKey(s), registry.QUERY_VALUE); err == nil {
			if v, _, err := k.GetStringValue("EventMessageFile"); err == nil {
				dll = v
			}
			k.Close()
		}
		err := registry.DeleteKey(registry.LOCAL_MACHINE, sourceKey(s))
		if err != nil && !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return done, fmt.Errorf("removing source %q from the %s log: %w (run as an administrator)", s.Name, s.Log, err)
		}
		done = append(done, fmt.Sprintf("source %s removed from the %s log", s.Name, s.Log))
	}
	if opts.Dir != "" {
		dll = filepath.Join(opts.Dir, MessageDLLName)
	}
	if dll != "" {
		if err := os.Remove(dll); err != nil && !errors.Is(err, os.ErrNotExist) {
			return done, fmt.Errorf("message file: %w (Event Viewer may hold it open)", err)
		}
		done = append(done, "message file "+dll+" removed")
	}
	return done, nil
}
