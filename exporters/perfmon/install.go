package perfmon

import (
	_ "embed"
	"os"
	"path/filepath"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ManifestName is the counters manifest's file name. `dtrep perfmon
// install` writes it beside dtrep.exe, where `unlodctr /m:` finds it again.
const ManifestName = "dtrep.man"

//go:embed dtrep.man
var manifestFile []byte

// ManifestFileBytes is the committed counters manifest, as dtrep installs
// it.
func ManifestFileBytes() []byte { return append([]byte(nil), manifestFile...) }

// Installer registers and removes the counters with lodctr and unlodctr.
type Installer struct {
	// Dir holds dtrep.exe (the manifest's applicationIdentity, whose string
	// resources Performance Monitor shows); the manifest is written there.
	Dir string
	// Run runs a command and returns its combined output.
	Run func(name string, args ...string) ([]byte, error)
	// Elevated reports whether this process may change the counter
	// registry (an administrator's elevated token).
	Elevated func() (bool, error)
}

// notElevated is the error of `dtrep perfmon CMD` run without the right.
func notElevated(cmd string) error {
	return catalog.Err(catalog.CodeInsufficientSecurity,
		"changing the registered Performance Monitor counters needs an administrator: "+
			"run `dtrep perfmon %s` from an elevated prompt (Run as administrator)", cmd)
}

// Install writes the manifest beside dtrep.exe and registers it: `lodctr
// /m:MANIFEST DIR`. A registration of an earlier dtrep is removed first,
// since PerfLib refuses to register a provider GUID twice.
func (in Installer) Install() error {
	if err := in.checkElevated("install"); err != nil {
		return err
	}
	path := filepath.Join(in.Dir, ManifestName)
	if err := os.WriteFile(path, manifestFile, 0o644); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "writing the counters manifest")
	}
	in.Run("unlodctr", "/m:"+path) // nothing registered yet is not an error here
	if out, err := in.Run("lodctr", "/m:"+path, in.Dir); err != nil {
		return in.failed("lodctr", []string{"/m:" + path, in.Dir}, out, err)
	}
	return nil
}

// Uninstall removes the registration: `unlodctr /m:MANIFEST`.
func (in Installer) Uninstall() error {
	if err := in.checkElevated("uninstall"); err != nil {
		return err
	}
	path := filepath.Join(in.Dir, ManifestName)
	if _, err := os.Stat(path); err != nil {
		// unlodctr needs the manifest: restore the one this binary registers.
		if err := os.WriteFile(path, manifestFile, 0o644); err != nil {
			return catalog.Wrap(catalog.CodeInvalidParameter, err, "writing the counters manifest for unlodctr")
		}
	}
	if out, err := in.Run("unlodctr", "/m:"+path); err != nil {
		return in.failed("unlodctr", []string{"/m:" + path}, out, err)
	}
	return nil
}

func (in Installer) checkElevated(what string) error {
	ok, err := in.Elevated()
	if err != nil {
		return catalog.Wrap(catalog.CodeInsufficientSecurity, err, "checking for an administrator's token")
	}
	if !ok {
		return notElevated(what)
	}
	return nil
}

// failed explains a lodctr or unlodctr failure with its output and what to
// try.
func (in Installer) failed(tool string, args []string, out []byte, err error) error {
	text := strings.TrimSpace(string(out))
	hint := "see the Application event log (source LoadPerf) for the reason"
	if strings.Contains(strings.ToLower(text), "access is denied") {
		return notElevated(map[string]string{"lodctr": "install", "unlodctr": "uninstall"}[tool])
	}
	if tool == "lodctr" && strings.Contains(strings.ToLower(text), "already") {
		hint = "another manifest registers the same provider: run `dtrep perfmon uninstall` and install again"
	}
	return catalog.Wrap(catalog.CodeUnknown, err, "%s %s failed: %s; %s", tool, strings.Join(args, " "), text, hint)
}
