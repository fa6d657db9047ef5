package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

// meta is what a journal keeps beside its segments: whose queue it is, the
// epoch that names the queue's sequence space to the target, and the
// highest sequence handed out or reserved. Sequences are reserved in
// blocks before use, so after a crash the queue resumes above every
// sequence the target may already hold, even one sent from memory and never
// journaled.
type meta struct {
	jobID    string
	epoch    uint64
	reserved uint64
	// clean is set when the queue was closed and cleared while it is
	// open: a journal found not clean was left by a crash.
	clean bool
}

const (
	metaFile    = "queue.meta"
	metaMagic   = "DTRM"
	metaVersion = 1
	maxJobID    = 128
	// metaFixed is the meta's size without the job ID: magic, version,
	// ID length, epoch, reserved, flags, CRC.
	metaFixed = 4 + 2 + 2 + 8 + 8 + 4 + 4
	metaClean = 1 << 0
)

func (m meta) encode() []byte {
	b := make([]byte, 0, metaFixed+len(m.jobID))
	b = append(b, metaMagic...)
	b = binary.LittleEndian.AppendUint16(b, metaVersion)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(m.jobID)))
	b = binary.LittleEndian.AppendUint64(b, m.epoch)
	b = binary.LittleEndian.AppendUint64(b, m.reserved)
	var flags uint32
	if m.clean {
		flags |= metaClean
	}
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = append(b, m.jobID...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

func decodeMeta(b []byte) (meta, error) {
	if len(b) < metaFixed || string(b[:4]) != metaMagic {
		return meta{}, fmt.Errorf("queue meta: not a meta file: %w", errCorrupt)
	}
	if v := binary.LittleEndian.Uint16(b[4:]); v != metaVersion {
		return meta{}, fmt.Errorf("queue meta: version %d: %w", v, errCorrupt)
	}
	n := int(binary.LittleEndian.Uint16(b[6:]))
	if len(b) != metaFixed+n {
		return meta{}, fmt.Errorf("queue meta: %d bytes for a %d-byte job ID: %w", len(b), n, errCorrupt)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return meta{}, fmt.Errorf("queue meta: bad checksum: %w", errCorrupt)
	}
	flags := binary.LittleEndian.Uint32(b[24:])
	if flags&^metaClean != 0 {
		return meta{}, fmt.Errorf("queue meta: flags %#x: %w", flags, errCorrupt)
	}
	return meta{epoch: binary.LittleEndian.Uint64(b[8:]), reserved: binary.LittleEndian.Uint64(b[16:]),
		clean: flags&metaClean != 0, jobID: string(b[28 : 28+n])}, nil
}

// readMeta returns dir's meta; os.ErrNotExist when there is none.
func readMeta(dir string) (meta, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return meta{}, err
	}
	return decodeMeta(b)
}

// writeMeta replaces dir's meta atomically: temp file, fsync, rename,
// directory fsync. A crash leaves either the old or the new meta.
func writeMeta(dir string, m meta, unsafeNoSync bool) error {
	if len(m.jobID) > maxJobID {
		return errors.New("queue meta: job ID too long")
	}
	tmp := filepath.Join(dir, metaFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("writing queue meta: %w", err)
	}
	if _, err := f.Write(m.encode()); err != nil {
		f.Close()
		return fmt.Errorf("writing queue meta: %w", err)
	}
	if !unsafeNoSync {
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("writing queue meta: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing queue meta: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, metaFile)); err != nil {
		return fmt.Errorf("writing queue meta: %w", err)
	}
	if !unsafeNoSync {
		return syncDir(dir)
	}
	return nil
}
