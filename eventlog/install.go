package eventlog

// InstallOptions say where `dtrep eventlog install|uninstall` puts things.
type InstallOptions struct {
	// Dir is where the Windows message DLL goes (beside dtrep.exe when
	// empty). Unused on Linux.
	Dir string
	// Root is the file system root of the journal catalog on Linux ("/"
	// when empty): the catalog goes to Root/usr/lib/systemd/catalog and
	// `journalctl --root=Root --update-catalog` compiles it.
	Root string
}
