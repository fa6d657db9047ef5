package capture

import "fmt"

// Kind is what happened to a path.
type Kind uint8

const (
	Create Kind = iota + 1 // Path appeared (created, or moved in from outside the set)
	Write                  // Path's data changed
	Remove                 // Path disappeared (deleted, or moved out of the set)
	Rename                 // OldPath was renamed to Path, both inside the set (see Change)
	Chmod                  // Path's attributes changed
	Rescan                 // events under Path ("" is the root) may have been lost: re-mirror it by difference
)

var kindNames = [...]string{Create: "create", Write: "write", Remove: "remove", Rename: "rename", Chmod: "chmod", Rescan: "rescan"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Change is one record of the stream. Paths are relative to the root and
// slash-separated.
//
// Records say where to look, not what the data is: a consumer reads the
// file system when it handles one, so it may find a path already gone (skip
// it; a later record explains) or newer than the record. In particular a
// Rename's OldPath may be unknown to a consumer that read the earlier Create
// too late to find the file; it then treats the Rename as a Create of Path.
type Change struct {
	Kind    Kind
	Path    string
	OldPath string // Rename only
	IsDir   bool
}

func (c Change) String() string {
	dir := ""
	if c.IsDir {
		dir = "/"
	}
	if c.Kind == Rename {
		return fmt.Sprintf("%s %q%s <- %q", c.Kind, c.Path, dir, c.OldPath)
	}
	return fmt.Sprintf("%s %q%s", c.Kind, c.Path, dir)
}
