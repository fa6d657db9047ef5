package atomicfile

// syncDir does nothing on Windows: FlushFileBuffers needs a handle opened
// for writing, which a directory cannot be, and NTFS journals the rename's
// metadata itself.
func syncDir(string) error { return nil }
